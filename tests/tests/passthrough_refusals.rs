//! What a passthrough call refuses and what it hands on, against a fake vendor on 127.0.0.1:0
//! that records every request: a method or path the allow-list does not name is 403 with
//! nothing sent; a hostile path (traversal, encodings, backslashes, absolute URLs, lookalike
//! dots) is 400 with nothing sent, even where the allow-list allows everything; only
//! `Content-Type`, `Accept` and the request id go on (never the client's `Authorization`);
//! the vendor's answer comes back as it is, its credentials scrubbed, and only reads are retried.

use label_gateway_tests::TestGateway;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "support/fake_vendor.rs"]
mod fake_vendor;
use fake_vendor::{FakeVendor, Received, Reply};

const CAP_USER: &str = "till_refuse";
const CAP_PASSWORD: &str = "cap-pw-Hk38sd-refuse";
const TRYBE_TOKEN: &str = "trybe-tok-Vb61qa-refuse";
const AH_KEY: &str = "ah-key-Rt52mx-refuse";

/// One tenant per provider on the fake vendor (below `/base`), with narrow allow-lists, and
/// `open`, whose allow-list lets every path through: what refuses a hostile path there is the
/// path rule alone.
fn config(vendor: &str) -> String {
    let common = "cache_ttl_seconds = 0\ncircuit_failures = 1000";
    format!(
        r#"
[server]
max_body_bytes = 2048

[tenants.cap]
provider = "capillary"
base_url = "{vendor}/base"
username = "{CAP_USER}"
password = "{CAP_PASSWORD}"
api_keys = ["cap-client"]
{common}
passthrough = [
    {{ methods = ["GET"], path = "/v2/customers/*/labels" }},
    {{ methods = ["POST"], path = "/v2/x/**" }},
]

[tenants.try]
provider = "trybe"
base_url = "{vendor}/base"
token = "{TRYBE_TOKEN}"
api_keys = ["trybe-client"]
{common}
passthrough = [{{ methods = ["GET"], path = "/echo" }}]

[tenants.ah]
provider = "actionhub"
base_url = "{vendor}/base"
api_key = "{AH_KEY}"
program_id = "prog-42"
api_keys = ["ah-client"]
{common}
passthrough = [{{ methods = ["GET"], path = "/echo" }}]

[tenants.open]
provider = "trybe"
base_url = "{vendor}/base"
token = "{TRYBE_TOKEN}"
api_keys = ["open-client"]
{common}
max_retries = 0
passthrough = [{{ methods = ["GET", "POST", "PUT", "PATCH", "DELETE"], path = "/**" }}]
"#
    )
}

async fn start(
    answer: impl Fn(&Received) -> Reply + Send + Sync + 'static,
) -> (FakeVendor, TestGateway) {
    let vendor = FakeVendor::start(answer).await;
    let gateway = TestGateway::start(&config(&vendor.base_url), &[]).await;
    (vendor, gateway)
}

fn ok(_: &Received) -> Reply {
    Reply::json(200, json!({"ok": true}))
}

/// Sends `target` exactly as written (no URL library normalizes it on the way) and returns the
/// status and the body.
async fn raw_get(gateway: &TestGateway, target: &str, key: &str) -> (u16, String) {
    let addr = gateway.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn methods_and_paths_the_allow_list_does_not_name_are_403_with_nothing_sent() {
    let (vendor, gateway) = start(ok).await;
    let cases = [
        (Method::DELETE, "/v2/customers/1/labels"),
        (Method::POST, "/v2/customers/1/labels"),
        (Method::PUT, "/v2/customers/1/labels"),
        (Method::GET, "/v2/customers/1/2/labels"),
        (Method::GET, "/v2/customers/labels"),
        (Method::GET, "/v2/customers/1/labels/x"),
        (Method::GET, "/v2/x/y"),
        (Method::POST, "/v2/x"),
        (Method::OPTIONS, "/v2/customers/1/labels"),
        (
            Method::from_bytes(b"TRACE").unwrap(),
            "/v2/customers/1/labels",
        ),
        (
            Method::from_bytes(b"PURGE").unwrap(),
            "/v2/customers/1/labels",
        ),
    ];
    for (method, path) in cases {
        let url = format!("/v1/tenants/cap/passthrough{path}");
        let response = gateway
            .call(method.clone(), &url, "cap-client")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 403, "{method} {path}: {body}");
        assert_eq!(body["code"], "passthrough_not_allowed", "{method} {path}");
    }
    // Another tenant's key and no key are refused as on every route.
    let url = "/v1/tenants/cap/passthrough/v2/customers/1/labels";
    let other = gateway.get(url, "trybe-client").send().await.unwrap();
    assert_eq!(other.status(), 403);
    let none = gateway.client.get(gateway.url(url)).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert!(vendor.received().is_empty(), "{:?}", vendor.received());
    // The allowed ones do go, below the base URL, with the query as sent.
    let (status, _) = raw_get(
        &gateway,
        "/v1/tenants/cap/passthrough/v2/customers/7/labels?b=2&a=%20",
        "cap-client",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        vendor.received()[0].target,
        "/base/v2/customers/7/labels?b=2&a=%20"
    );
}

/// Paths that must never reach the vendor, sent raw after `/v1/tenants/open/passthrough`.
const HOSTILE: &[&str] = &[
    "/..",
    "/../x",
    "/a/../../x",
    "/./x",
    "/a/.",
    "/%2e%2e/x",
    "/%2E%2E/x",
    "/.%2e/x",
    "/%2e./x",
    "/%2e/x",
    "//x",
    "/a//b",
    "/a/",
    "//evil.example/x",
    "/http://evil.example/x",
    "/http:%2F%2Fevil.example/x",
    "/a%2fb",
    "/a%2Fb",
    "/a%2F..%2F..%2Fx",
    "/a%5cb",
    "/a%5C..%5Cx",
    "/a\\b",
    "/..\\x",
    "/a%252fb",
    "/a%25%32%66b",
    "/%252e%252e/x",
    "/a%25",
    "/a%",
    "/a%zz",
    "/a%00b",
    "/a%0d%0aX-Injected:%201",
    "/..;/x",
    "/a/..;jsessionid=1/x",
    "/.;/x",
    "/%E2%80%A4%E2%80%A4/x",
    "/%EF%BC%8E%EF%BC%8E/x",
    "/%E3%80%82%E3%80%82/x",
    "/a%EF%BC%8Fb",
    "/a%E2%88%95b",
    "/a%EF%BC%BCb",
    "/%C0%AE%C0%AE/x",
    "/%C0%AF",
    "/%ff",
];

#[tokio::test]
async fn hostile_paths_are_400_before_any_match_with_nothing_sent() {
    let (vendor, gateway) = start(ok).await;
    for path in HOSTILE {
        let target = format!("/v1/tenants/open/passthrough{path}");
        let (status, body) = raw_get(&gateway, &target, "open-client").await;
        assert_eq!(status, 400, "{path}: {body}");
        // hyper refuses some targets itself, with no body; the gateway names its reason.
        if !body.is_empty() {
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["code"], "invalid_path", "{path}");
        }
    }
    // An absolute-form request target names the gateway's path, never another host.
    for target in [
        "http://evil.example/v1/tenants/open/passthrough/x",
        "http://evil.example/x",
    ] {
        let (status, _) = raw_get(&gateway, target, "open-client").await;
        assert!(
            status == 200 || status == 404 || status == 400,
            "{target}: {status}"
        );
    }
    let sent = vendor.received();
    // Only the absolute-form one for the gateway's own route may arrive, at the vendor's
    // base URL.
    assert!(sent.iter().all(|r| r.target == "/base/x"), "{sent:?}");
    assert!(sent.len() <= 1, "{sent:?}");
}

#[test]
fn no_generated_path_escapes_the_base_url() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (vendor, gateway) = runtime.block_on(start(ok));
    const PIECES: &[&str] = &[
        "a",
        "v2",
        "..",
        ".",
        "%2e",
        "%2E",
        "%2f",
        "%2F",
        "%5c",
        "\\",
        "/",
        "%25",
        "%252f",
        ";",
        "@",
        ":",
        "%",
        "%00",
        "%0a",
        "?",
        "#",
        "%E2%80%A4",
        "%EF%BC%8E",
        "~",
        "%41",
        "http:",
        "evil.example",
        "%3F",
        "%23",
        "*",
        "+",
        "=",
        "&",
    ];
    let piece = prop::sample::select(PIECES);
    let path = prop::collection::vec(piece, 1..10).prop_map(|parts| format!("/{}", parts.concat()));
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&path, |path| {
            let before = vendor.received().len();
            let target = format!("/v1/tenants/open/passthrough{path}");
            let (status, body) = runtime.block_on(raw_get(&gateway, &target, "open-client"));
            let sent = vendor.received();
            let raw_path = path.split(['?', '#']).next().unwrap();
            let accepted = label_core::VendorPath::parse(raw_path).is_ok();
            if sent.len() == before {
                prop_assert!(status != 200 || !accepted, "{path}: {status} {body}");
                return Ok(());
            }
            prop_assert_eq!(sent.len(), before + 1);
            prop_assert!(accepted, "{} reached the vendor", path);
            let got = sent
                .last()
                .unwrap()
                .target
                .split('?')
                .next()
                .unwrap()
                .to_owned();
            prop_assert_eq!(&got, &format!("/base{raw_path}"));
            prop_assert!(got.starts_with("/base/"));
            let dot_segment = got.split('/').any(|s| s == "." || s == "..");
            prop_assert!(!dot_segment, "{}", got);
            Ok(())
        })
        .unwrap();
    // Both sides were exercised: many generated paths went through, many were refused.
    let reached = vendor.received().len();
    assert!(
        (40..360).contains(&reached),
        "{reached} of 400 reached the vendor"
    );
}

/// A vendor that echoes every credential it was sent, in its body and in its headers.
fn echo(request: &Received) -> Reply {
    let credentials = [
        request.header("authorization").unwrap_or_default(),
        request.header("actionhub-key").unwrap_or_default(),
    ]
    .join(" ");
    Reply {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-echo".into(), credentials.clone()),
            ("etag".into(), format!("\"{credentials}\"")),
            ("location".into(), format!("/x?c={credentials}")),
            ("set-cookie".into(), format!("s={credentials}")),
            ("access-control-allow-origin".into(), "*".into()),
            ("x-ratelimit-remaining".into(), "7".into()),
        ],
        body: json!({"you_sent": credentials, "headers": request.headers})
            .to_string()
            .into_bytes(),
    }
}

#[tokio::test]
async fn a_vendor_that_echoes_the_credentials_is_scrubbed_and_the_client_key_never_goes_on() {
    let (vendor, gateway) = start(echo).await;
    let md5 = |s: &str| format!("{:x}", <md5::Md5 as md5::Digest>::digest(s.as_bytes()));
    let secrets = [
        CAP_PASSWORD.to_owned(),
        md5(CAP_PASSWORD),
        TRYBE_TOKEN.to_owned(),
        AH_KEY.to_owned(),
    ];
    for (tenant, key, path) in [
        ("cap", "cap-client", "/v2/customers/1/labels"),
        ("try", "trybe-client", "/echo"),
        ("ah", "ah-client", "/echo"),
    ] {
        let url = format!("/v1/tenants/{tenant}/passthrough{path}");
        let response = gateway
            .get(&url, key)
            .header("accept", "application/json")
            .header("x-request-id", "req-pt-1")
            .header("cookie", "session=client")
            .header("x-forwarded-for", "10.0.0.1")
            .header("x-custom", "client")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        assert_eq!(headers["x-upstream-status"], "200");
        assert_eq!(headers["x-request-id"], "req-pt-1");
        assert_eq!(headers["x-ratelimit-remaining"], "7");
        for dropped in ["x-echo", "set-cookie", "access-control-allow-origin"] {
            assert!(!headers.contains_key(dropped), "{tenant}: {dropped} passed");
        }
        let shown = format!("{headers:?} {body}");
        for secret in &secrets {
            assert!(
                !shown.contains(secret.as_str()),
                "{tenant}: {secret} in {shown}"
            );
        }
        assert!(shown.contains("[redacted]"), "{tenant}: {shown}");
        let sent = vendor.received();
        let sent = sent.last().unwrap();
        assert_ne!(
            sent.header("authorization"),
            Some(format!("Bearer {key}").as_str())
        );
        assert_eq!(sent.header("accept"), Some("application/json"));
        assert_eq!(sent.header("x-request-id"), Some("req-pt-1"));
        for never in ["cookie", "x-forwarded-for", "x-custom"] {
            assert_eq!(sent.header(never), None, "{tenant}: {never} went on");
        }
    }
}

#[tokio::test]
async fn a_body_and_its_type_go_as_sent_and_a_vendor_failure_comes_back_as_it_is() {
    let (vendor, gateway) = start(|r: &Received| match r.method.as_str() {
        "GET" => Reply::json(503, json!({"vendor": "down"})),
        _ => Reply {
            status: 502,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"bad gateway, says the vendor".to_vec(),
        },
    })
    .await;
    let url = "/v1/tenants/cap/passthrough/v2/x/y?keep=this%20one";
    let response = gateway
        .call(Method::POST, url, "cap-client")
        .header("content-type", "text/csv")
        .body("a,b\n1,2\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["x-upstream-status"], "502");
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert_eq!(
        response.text().await.unwrap(),
        "bad gateway, says the vendor"
    );
    let sent = vendor.received();
    assert_eq!(sent.len(), 1, "a write is never repeated");
    assert_eq!(sent[0].target, "/base/v2/x/y?keep=this%20one");
    assert_eq!(sent[0].header("content-type"), Some("text/csv"));
    assert_eq!(sent[0].body, b"a,b\n1,2\n");

    // A read is retried (max_retries = 2 by default), then the vendor's answer comes back.
    let response = gateway
        .get(
            "/v1/tenants/cap/passthrough/v2/customers/1/labels",
            "cap-client",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["x-upstream-status"], "503");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"vendor": "down"}));
    assert_eq!(vendor.received().len(), 1 + 3);
}

#[tokio::test]
async fn a_body_over_max_body_bytes_is_413_with_nothing_sent() {
    let (vendor, gateway) = start(ok).await;
    let response = gateway
        .call(
            Method::POST,
            "/v1/tenants/cap/passthrough/v2/x/y",
            "cap-client",
        )
        .header("content-type", "application/json")
        .body(vec![b' '; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(vendor.received().is_empty());
}

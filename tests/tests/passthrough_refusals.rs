//! What a passthrough call refuses and what it hands on, against a fake vendor on 127.0.0.1:0
//! that records every request: a method or path the allow-list does not name is 403 with
//! nothing sent; only `Content-Type`, `Accept` and the request id go on (never the client's
//! `Authorization`); the vendor's answer comes back as it is, its credentials scrubbed, and only
//! reads are retried. Hostile paths: `passthrough_hostile.rs`.

use reqwest::Method;
use serde_json::{json, Value};

#[path = "support/fake_vendor.rs"]
mod fake_vendor;
#[path = "support/passthrough_world.rs"]
mod world;
use fake_vendor::{Received, Reply};
use world::{ok, raw_get, start, AH_KEY, CAP_PASSWORD, TRYBE_TOKEN};

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

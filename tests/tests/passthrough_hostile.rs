//! Hostile passthrough paths (traversal, encodings, backslashes, absolute URLs, lookalike dots)
//! are 400 with nothing sent, even where the allow-list allows every path; and a property test:
//! of 400 generated paths, none that the path rule refuses reaches the fake vendor, and every
//! one that does arrives below `base_url`'s path, as sent.

#[path = "support/fake_vendor.rs"]
mod fake_vendor;
#[path = "support/passthrough_world.rs"]
mod world;
use serde_json::Value;
use world::{ok, raw_get, start};

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

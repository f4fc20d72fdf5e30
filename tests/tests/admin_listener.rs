//! The admin listener: `/metrics`, with `/healthz` and `/readyz`, is served
//! on `[server] admin_listen` and never on the public listener, so that nobody who can reach
//! the clients' port learns from the metrics which tenants exist.
//!
//! The admin listener is asked for on port 0; its port is found as the one this process began
//! to listen on beside the public one (`/proc`), whatever the gateway calls it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use label_gateway_tests::procfs::listening_ports;
use label_gateway_tests::TestGateway;

const CONFIG: &str = r#"
[server]
admin_listen = "127.0.0.1:0"

[tenants.hidden]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["hidden-key"]
"#;

/// The ports this process listens on now, beyond `before` and the public one: polled for a
/// moment, since an admin listener may be bound just after the public one.
async fn admin_port(before: &BTreeSet<u16>, public: u16) -> u16 {
    let started = Instant::now();
    loop {
        let new: Vec<u16> = listening_ports(std::process::id())
            .difference(before)
            .copied()
            .filter(|port| *port != public)
            .collect();
        match new.as_slice() {
            [admin] => return *admin,
            [] if started.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => panic!("expected one admin listener beside the public one, found {other:?}"),
        }
    }
}

#[tokio::test]
async fn metrics_are_served_on_the_admin_listener_only() {
    let before = listening_ports(std::process::id());
    let gateway = TestGateway::start(CONFIG, &[]).await;
    let public: u16 = gateway
        .base_url
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let admin = format!("http://127.0.0.1:{}", admin_port(&before, public).await);
    let client = &gateway.client;

    // An outsider on the public port: refused, and no metrics there.
    let keyless = client
        .get(gateway.url("/v1/tenants/hidden-ghost/customers/1/labels"))
        .send()
        .await
        .unwrap();
    assert_eq!(keyless.status(), 401);
    let public_metrics = client.get(gateway.url("/metrics")).send().await.unwrap();
    assert_eq!(public_metrics.status(), 404);
    let text = public_metrics.text().await.unwrap();
    assert!(!text.contains("label_gateway_"), "{text}");
    assert!(!text.contains("hidden"), "{text}");

    // The operator's port: the metrics, health and readiness.
    for path in ["/healthz", "/readyz"] {
        let answer = client.get(format!("{admin}{path}")).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
    }
    let metrics = client.get(format!("{admin}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    let content_type = metrics.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = metrics.text().await.unwrap();
    let unauthenticated = text.lines().any(|line| {
        line.starts_with("label_gateway_http_requests_total{")
            && line.contains("tenant=\"unauthenticated\"")
            && line.contains("status=\"401\"")
    });
    assert!(unauthenticated, "the outsider's 401 is counted: {text}");
    assert!(!text.contains("hidden-ghost"), "{text}");
}

//! The simulators' fault controls, seen from a plain HTTP client: each misbehaves the way a real
//! vendor would, and only for the requests it was queued for.

use std::time::{Duration, Instant};

use label_sim::capillary::{basic_authorization, CapillarySim};
use label_sim::{closed_base_url, Fault};

async fn sim() -> (CapillarySim, reqwest::Client, String) {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let url = format!("{}/v2/organization/labels", sim.server.base_url());
    (sim, reqwest::Client::new(), url)
}

async fn get(client: &reqwest::Client, url: &str) -> reqwest::Result<reqwest::Response> {
    let auth = basic_authorization("u", "p");
    client.get(url).header("authorization", auth).send().await
}

#[tokio::test]
async fn status_body_and_retry_after_replace_the_answer_once() {
    let (sim, client, url) = sim().await;
    sim.server
        .push_fault(Fault::status_with_body(503, r#"{"down": true}"#).with_retry_after("7"));
    let response = get(&client, &url).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(response.text().await.unwrap(), r#"{"down": true}"#);
    assert_eq!(get(&client, &url).await.unwrap().status(), 200);
    assert_eq!(sim.server.calls(), 2);
}

#[tokio::test]
async fn a_delay_holds_the_real_answer_back() {
    let (sim, client, url) = sim().await;
    sim.server
        .push_fault(Fault::delay(Duration::from_millis(300)));
    let started = Instant::now();
    let response = get(&client, &url).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_malformed_body_is_a_200_that_is_not_json() {
    let (sim, client, url) = sim().await;
    sim.server.push_fault(Fault::malformed_body());
    let response = get(&client, &url).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
}

#[tokio::test]
async fn a_truncated_body_ends_short_of_its_content_length() {
    let (sim, client, url) = sim().await;
    sim.server.push_fault(Fault::truncated_body());
    let response = get(&client, &url).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.content_length().is_some_and(|len| len > 0));
    assert!(response.bytes().await.is_err(), "the body never completes");
}

#[tokio::test]
async fn a_connection_reset_leaves_no_answer() {
    let (sim, client, url) = sim().await;
    sim.server.push_fault(Fault::connection_reset());
    let err = get(&client, &url).await.expect_err("no answer");
    assert!(!err.is_timeout() && !err.is_connect(), "{err:?}");
    assert_eq!(get(&client, &url).await.unwrap().status(), 200);
    assert_eq!(sim.server.calls(), 2);
}

#[tokio::test]
async fn a_fault_for_one_method_lets_the_others_pass() {
    let (sim, client, url) = sim().await;
    sim.server.push_fault(Fault::status(500).on_method("POST"));
    assert_eq!(get(&client, &url).await.unwrap().status(), 200);
    let change = format!(
        "{}/v2/customers/564663098/changeLabels",
        sim.server.base_url()
    );
    let response = client
        .post(change)
        .header("authorization", basic_authorization("u", "p"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn a_closed_port_refuses_connections() {
    let url = closed_base_url().unwrap();
    let err = reqwest::get(url).await.expect_err("nothing listens");
    assert!(err.is_connect(), "{err:?}");
}

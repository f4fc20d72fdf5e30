//! Changing a Capillary customer's labels through the gateway: name/id resolution, fresh-read
//! `unchanged`, `not_found`, and bodies rejected before anything reaches the vendor.

use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER};
use serde_json::json;

const CONFIG: &str = r#"
[server]
max_body_bytes = 2048

[tenants.acme]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till"
password_md5 = "5ebe2294ecd0e0f08eab7690d2a6ee69"
api_keys = ["acme-key"]
"#;

/// md5("secret") is the `password_md5` above.
const PASSWORD: &str = "secret";

async fn world() -> (CapillarySim, TestGateway) {
    let sim = CapillarySim::start("till", PASSWORD)
        .await
        .expect("simulator");
    let gateway = TestGateway::start(CONFIG, &[("CAP_URL", sim.server.base_url())]).await;
    (sim, gateway)
}

fn path() -> String {
    format!("/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels")
}

fn change_calls(sim: &CapillarySim) -> usize {
    sim.server
        .requests()
        .iter()
        .filter(|r| r.target.ends_with("/changeLabels"))
        .count()
}

#[tokio::test]
async fn attaches_by_name_and_id_and_detaches_then_reads_the_change_back() {
    let (sim, gateway) = world().await;
    let body =
        json!({"add": [{"name": "VIP"}, {"id": "20961"}], "remove": [{"name": "Old1 Customer1"}]});
    let (status, answer) = json(
        gateway
            .patch(&path(), "acme-key", body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"tenant": "acme", "customer_id": SAMPLE_CUSTOMER, "provider": "capillary", "results": [
            {"op": "add", "label": {"id": "20960", "name": "VIP"}, "status": "applied"},
            {"op": "add", "label": {"id": "20961", "name": "Newsletter"}, "status": "applied"},
            {"op": "remove", "label": {"id": "20949", "name": "Old1 Customer1"}, "status": "applied"},
        ]})
    );
    let names = sim.attached_names(SAMPLE_CUSTOMER);
    assert!(names.contains(&"VIP".to_owned()) && names.contains(&"Newsletter".to_owned()));
    assert!(!names.contains(&"Old1 Customer1".to_owned()));
    let (_, read) = json(gateway.get(&path(), "acme-key").send().await.unwrap()).await;
    let ids: Vec<&str> = read["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["20942", "20948", "20952", "20957", "20960", "20961"]);
}

#[tokio::test]
async fn unchanged_and_not_found_are_decided_without_writing() {
    let (sim, gateway) = world().await;
    let body = json!({
        "add": [{"name": "Premium Customer"}, {"name": "Nope"}, {"name": "Retired"}],
        "remove": [{"name": "Newsletter"}, {"id": "99999"}]
    });
    let (status, answer) = json(
        gateway
            .patch(&path(), "acme-key", body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["results"],
        json!([
            {"op": "add", "label": {"id": "20942", "name": "Premium Customer"}, "status": "unchanged"},
            {"op": "add", "label": {"id": null, "name": "Nope"}, "status": "not_found"},
            {"op": "add", "label": {"id": null, "name": "Retired"}, "status": "not_found"},
            {"op": "remove", "label": {"id": "20961", "name": "Newsletter"}, "status": "unchanged"},
            {"op": "remove", "label": {"id": "99999", "name": null}, "status": "not_found"},
        ])
    );
    assert_eq!(change_calls(&sim), 0, "nothing needed writing");
}

#[tokio::test]
async fn invalid_bodies_list_every_problem_and_send_nothing() {
    let (sim, gateway) = world().await;
    let cases = [
        (json!({}), vec![""]),
        (json!({"add": []}), vec![""]),
        (json!([1]), vec![""]),
        (json!({"add": {"name": "x"}}), vec!["/add"]),
        (
            json!({"add": [{"name": ""}, {"id": 5}, {"name": "a", "id": "b"}, {}, "VIP"]}),
            vec!["/add/0/name", "/add/1/id", "/add/2", "/add/3", "/add/4"],
        ),
        (
            json!({"add": [{"name": "VIP"}], "remove": [{"name": "VIP"}]}),
            vec!["/remove/0"],
        ),
        (
            json!({"add": [{"name": "a\u{7}b"}], "colour": "red"}),
            vec!["/colour", "/add/0/name"],
        ),
        (
            json!({"add": [{"name": "x".repeat(256)}]}),
            vec!["/add/0/name"],
        ),
        (
            json!({"add": (0..101).map(|i| json!({"name": format!("l{i}")})).collect::<Vec<_>>()}),
            vec![""],
        ),
    ];
    for (body, pointers) in cases {
        let response = gateway
            .patch(&path(), "acme-key", body.clone())
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, 422, "invalid_request").await;
        let mut got: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        got.sort_unstable();
        let mut want = pointers.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{body} -> {problem}");
    }
    let not_json = gateway
        .call(reqwest::Method::PATCH, &path(), "acme-key")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    expect_problem(not_json, 422, "invalid_request").await;
    assert_eq!(sim.server.calls(), 0);
}

#[tokio::test]
async fn a_name_and_an_id_of_the_same_label_are_rejected_before_writing() {
    let (sim, gateway) = world().await;
    let body = json!({"add": [{"name": "VIP"}], "remove": [{"id": "20960"}]});
    let problem = expect_problem(
        gateway
            .patch(&path(), "acme-key", body)
            .send()
            .await
            .unwrap(),
        422,
        "invalid_request",
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/remove/0");
    assert_eq!(change_calls(&sim), 0);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let (sim, gateway) = world().await;
    let names: Vec<_> = (0..90)
        .map(|i| json!({"name": format!("a rather long label name, number {i}")}))
        .collect();
    let response = gateway
        .patch(&path(), "acme-key", json!({"add": names}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 413, "payload_too_large").await;
    assert_eq!(sim.server.calls(), 0);
}

#[tokio::test]
async fn unknown_customers_are_not_found_on_writes_too() {
    let (_sim, gateway) = world().await;
    let response = gateway
        .patch(
            "/v1/tenants/acme/customers/42/labels",
            "acme-key",
            json!({"add": [{"name": "VIP"}]}),
        )
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, "customer_not_found").await;
}

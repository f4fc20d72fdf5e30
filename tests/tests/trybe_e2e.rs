//! Trybe quirks through the gateway: names become UUIDs through the paged catalog, customer ids
//! are normalized to lower case, and a change failing part-way reports what was applied.

use label_gateway_tests::{expect_problem, subjects};
use label_sim::trybe::{label_id, SAMPLE_CUSTOMER};
use label_sim::Fault;
use serde_json::json;

#[tokio::test]
async fn names_are_resolved_to_ids_through_every_catalog_page() {
    let s = subjects::trybe().await;
    let subjects::Vendor::Trybe(sim) = &s.vendor else {
        unreachable!()
    };
    let (status, body) = s.change(json!({"add": [{"name": "Member Guest"}]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["results"][0]["label"],
        json!({"id": label_id(22), "name": "Member Guest"})
    );
    let requests = sim.server.requests();
    let pages: Vec<&str> = requests
        .iter()
        .filter(|r| r.target.starts_with("/customers/labels?"))
        .map(|r| r.target.as_str())
        .collect();
    assert!(pages.len() >= 2 && pages[1].contains("page=2"), "{pages:?}");
    let attach = requests
        .iter()
        .find(|r| r.method == "POST")
        .expect("an attach call");
    assert_eq!(
        attach.target,
        format!("/customers/customers/{SAMPLE_CUSTOMER}/labels")
    );
    assert!(sim
        .attached_values(SAMPLE_CUSTOMER)
        .contains(&"Member Guest".to_owned()));
}

#[tokio::test]
async fn upper_case_customer_ids_are_normalized() {
    let s = subjects::trybe().await;
    let subjects::Vendor::Trybe(sim) = &s.vendor else {
        unreachable!()
    };
    let (status, body) = s.read(&SAMPLE_CUSTOMER.to_uppercase()).await;
    assert_eq!(status, 200);
    assert_eq!(body["customer_id"], SAMPLE_CUSTOMER);
    assert_eq!(
        sim.server.requests()[0].target,
        format!("/customers/customers/{SAMPLE_CUSTOMER}/labels")
    );
}

#[tokio::test]
async fn a_failed_detach_reports_the_attach_it_follows() {
    let s = subjects::trybe().await;
    let subjects::Vendor::Trybe(sim) = &s.vendor else {
        unreachable!()
    };
    // The fresh read, two catalog pages and the attach go through; the detach is refused.
    for _ in 0..4 {
        sim.server.push_fault(Fault::default());
    }
    sim.server.push_fault(Fault {
        status: Some(422),
        body: r#"{"message":"The given data was invalid.","errors":{"labels.0":["invalid"]}}"#
            .to_owned(),
        ..Fault::default()
    });
    let body = json!({"add": [{"name": "Gym Member"}], "remove": [{"name": "VIP"}]});
    let path = s.labels_path(&s.known_customer);
    let response = s
        .gateway
        .patch(&path, "good-key", body)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 502, "upstream_error").await;
    assert_eq!(
        problem["results"],
        json!([{"op": "add", "label": {"id": label_id(4), "name": "Gym Member"}, "status": "applied"}])
    );
    assert_eq!(problem["upstream"]["status"], 422);
    let attached = sim.attached_values(SAMPLE_CUSTOMER);
    assert!(attached.contains(&"Gym Member".to_owned()) && attached.contains(&"VIP".to_owned()));
}

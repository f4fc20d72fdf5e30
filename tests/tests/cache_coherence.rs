//! One process: a read already waiting on the vendor when a change runs does not store what it
//! read before the change, and two spellings of one customer are one customer.

use std::time::Duration;

use label_gateway_tests::fleet::{labels_path, read, sample};
use label_gateway_tests::world::{capillary_sim, PASSWORD, USERNAME};
use label_gateway_tests::{json, TestGateway};
use label_sim::Fault;
use serde_json::json as body;

fn config(sim: &str) -> String {
    format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{sim}\"\n\
         username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi_keys = [\"acme-key\"]\n\
         cache_ttl_seconds = 3600\n"
    )
}

#[tokio::test]
async fn a_read_in_flight_during_a_change_is_not_kept() {
    let sim = capillary_sim().await;
    let gateway = TestGateway::start(&config(&sim.server.base_url()), &[]).await;
    // The first vendor read (the GET below) is slow; the change's own reads are not.
    sim.server
        .push_fault(Fault::delay(Duration::from_millis(300)).on_method("GET"));
    let slow = tokio::spawn({
        let request = gateway.get(&sample(), "acme-key");
        async move { request.send().await.unwrap().status() }
    });
    while sim.server.calls() == 0 {
        tokio::task::yield_now().await;
    }
    let change = body!({"add": [{"name": "VIP"}]});
    let changed = gateway
        .patch(&sample(), "acme-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(slow.await.unwrap(), 200);
    let (names, status) = read(&gateway, &sample()).await;
    assert_eq!(
        status, "label-gateway; fwd=miss",
        "the slow read kept nothing"
    );
    assert!(names.contains(&"VIP".to_owned()), "{names:?}");
}

#[tokio::test]
async fn two_spellings_of_one_customer_are_one_entry_and_one_answer() {
    let sim = capillary_sim().await;
    let gateway = TestGateway::start(&config(&sim.server.base_url()), &[]).await;
    let padded = labels_path("000564663098");
    let (status, first) = json(gateway.get(&padded, "acme-key").send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(first["customer_id"], "564663098", "the canonical spelling");
    let (_, hit) = read(&gateway, &sample()).await;
    assert_eq!(
        hit, "label-gateway; hit",
        "the other spelling found the same entry"
    );

    let change = body!({"add": [{"name": "Churn Risk"}]});
    let changed = gateway
        .patch(&sample(), "acme-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let (names, status) = read(&gateway, &padded).await;
    assert_eq!(status, "label-gateway; fwd=miss");
    assert!(names.contains(&"Churn Risk".to_owned()));
}

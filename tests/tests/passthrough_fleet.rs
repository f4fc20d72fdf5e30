//! `invalidate = "tenant"` across replicas: a passthrough write through replica A drops every
//! entry replica B kept for the tenant (each customer's labels and the catalog), once the
//! invalidation has crossed Redis.

use label_gateway_tests::fleet::{read, sample, Fleet, AT_MOST};
use label_sim::capillary::{SAMPLE_CUSTOMER, UNLABELLED_CUSTOMER};
use serde_json::json;

#[tokio::test]
async fn a_passthrough_write_drops_the_tenants_entries_on_every_replica() {
    let entry = r#"passthrough = [{ methods = ["POST"], path = "/v2/customers/*/changeLabels", invalidate = "tenant" }]"#;
    let fleet = Fleet::start("", entry).await;
    let other = format!("/v1/tenants/acme/customers/{UNLABELLED_CUSTOMER}/labels");
    for path in [sample(), other.clone()] {
        read(&fleet.b, &path).await;
        let (_, kept) = read(&fleet.b, &path).await;
        assert_eq!(kept, "label-gateway; hit", "B keeps {path}");
    }
    let catalog = || fleet.b.get("/v1/tenants/acme/labels", "acme-key").send();
    catalog().await.unwrap();
    let kept = catalog().await.unwrap();
    assert_eq!(kept.headers()["cache-status"], "label-gateway; hit");

    let write = json!({"add": [{"labelName": "VIP"}]});
    let url = format!("/v1/tenants/acme/passthrough/v2/customers/{SAMPLE_CUSTOMER}/changeLabels");
    let response = fleet.a.post(&url, "acme-key", write).send().await.unwrap();
    assert_eq!(response.status(), 200);

    let deadline = tokio::time::Instant::now() + AT_MOST;
    let (names, status) = loop {
        let (names, status) = read(&fleet.b, &sample()).await;
        if status != "label-gateway; hit" || tokio::time::Instant::now() > deadline {
            break (names, status);
        }
    };
    assert_eq!(
        status, "label-gateway; fwd=miss",
        "B dropped the customer it kept"
    );
    assert!(names.contains(&"VIP".to_owned()), "{names:?}");
    let (_, status) = read(&fleet.b, &other).await;
    assert_eq!(
        status, "label-gateway; fwd=miss",
        "and every other customer of the tenant"
    );
    let catalog = catalog().await.unwrap();
    assert_eq!(
        catalog.headers()["cache-status"],
        "label-gateway; fwd=miss",
        "and the catalog"
    );
}

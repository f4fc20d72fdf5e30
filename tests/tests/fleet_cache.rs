//! Read your writes across replicas: a change made through one replica is never answered from
//! an entry another replica stored before it, once its invalidation has reached that replica.

use label_gateway_tests::fleet::{read, sample, Fleet, AT_MOST};
use serde_json::json;

#[tokio::test]
async fn a_change_through_one_replica_drops_the_other_replicas_entry() {
    let fleet = Fleet::start("", "").await;
    let (before, _) = read(&fleet.b, &sample()).await;
    let (_, kept) = read(&fleet.b, &sample()).await;
    assert_eq!(kept, "label-gateway; hit", "B keeps the customer");
    assert!(!before.contains(&"VIP".to_owned()));

    let change = json!({"add": [{"name": "VIP"}]});
    let response = fleet
        .a
        .patch(&sample(), "acme-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // The invalidation crosses Redis in well under a millisecond here; the bound only keeps a
    // broken build from hanging.
    let deadline = tokio::time::Instant::now() + AT_MOST;
    let (after, status) = loop {
        let (names, status) = read(&fleet.b, &sample()).await;
        if status != "label-gateway; hit" || tokio::time::Instant::now() > deadline {
            break (names, status);
        }
    };
    assert_eq!(status, "label-gateway; fwd=miss", "B dropped its entry");
    assert!(after.contains(&"VIP".to_owned()), "{after:?}");
}

#[tokio::test]
async fn the_replica_that_made_the_change_never_answers_from_before_it() {
    let fleet = Fleet::start("", "").await;
    read(&fleet.a, &sample()).await;
    let change = json!({"add": [{"name": "Newsletter"}]});
    let response = fleet
        .a
        .patch(&sample(), "acme-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (names, status) = read(&fleet.a, &sample()).await;
    assert_eq!(status, "label-gateway; fwd=miss");
    assert!(names.contains(&"Newsletter".to_owned()));
}

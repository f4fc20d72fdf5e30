//! The simulators' record of requests is bounded: a demo that runs for days keeps only the most
//! recent requests, while the count of calls goes on counting every one.

use label_sim::trybe::{TrybeSim, DEMO_TOKEN};
use label_sim::DEFAULT_RECORD_LIMIT;

async fn get(sim: &TrybeSim, page: usize) {
    let url = format!("{}/customers/labels?page={page}", sim.server.base_url());
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn targets(sim: &TrybeSim) -> Vec<String> {
    sim.server
        .requests()
        .into_iter()
        .map(|r| r.target)
        .collect()
}

#[tokio::test]
async fn only_the_most_recent_requests_are_kept_but_every_call_is_counted() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    assert_eq!(sim.server.record_limit(), DEFAULT_RECORD_LIMIT);
    sim.server.set_record_limit(3);
    for page in 1..=5 {
        get(&sim, page).await;
    }
    assert_eq!(sim.server.calls(), 5);
    assert_eq!(
        targets(&sim),
        [3, 4, 5].map(|p| format!("/customers/labels?page={p}"))
    );
}

#[tokio::test]
async fn lowering_the_limit_forgets_the_oldest_at_once() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    for page in 1..=4 {
        get(&sim, page).await;
    }
    assert_eq!(sim.server.requests().len(), 4);
    sim.server.set_record_limit(1);
    assert_eq!(targets(&sim), ["/customers/labels?page=4"]);
    sim.server.set_record_limit(0);
    get(&sim, 9).await;
    assert!(sim.server.requests().is_empty());
    assert_eq!(sim.server.calls(), 5);
}

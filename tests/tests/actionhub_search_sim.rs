//! ActionHub's catalog search (`GET /labels?search=`): a case-insensitive substring of the label,
//! with the catalog's pagination applied to the matches (`total` counts the matches).

use label_sim::actionhub::{ActionHubSim, DEMO_API_KEY, DEMO_PROGRAM_ID, MAX_PAGE_SIZE};
use serde_json::{json, Value};

async fn catalog(sim: &ActionHubSim, query: &str) -> Value {
    let url = format!("{}/labels?{query}", sim.server.base_url());
    let response = reqwest::Client::new()
        .get(url)
        .header("actionhub-key", DEMO_API_KEY)
        .header("program-id", DEMO_PROGRAM_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn labels(page: &Value) -> Vec<&str> {
    let items = page["items"].as_array().unwrap();
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn matches_are_paged_and_counted() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let first = catalog(&sim, "search=iNtErEsT&page=1&size=500").await;
    assert_eq!(first["total"], json!(55));
    assert_eq!(first["size"], json!(MAX_PAGE_SIZE));
    assert_eq!(labels(&first).len(), MAX_PAGE_SIZE);
    assert!(labels(&first).iter().all(|l| l.starts_with("Interest ")));
    let second = catalog(&sim, "search=interest&page=2&size=50").await;
    assert_eq!(
        labels(&second),
        [
            "Interest 51",
            "Interest 52",
            "Interest 53",
            "Interest 54",
            "Interest 55"
        ]
    );
    let small = catalog(&sim, "search=interest%200&page=2&size=4").await;
    assert_eq!(
        (small["total"].clone(), labels(&small)),
        (
            json!(9),
            vec!["Interest 05", "Interest 06", "Interest 07", "Interest 08"]
        )
    );
}

#[tokio::test]
async fn a_substring_anywhere_in_any_case_matches_and_nothing_matching_is_an_empty_page() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    assert_eq!(labels(&catalog(&sim, "search=uMLAUT").await), ["Umlaut"]);
    assert_eq!(
        labels(&catalog(&sim, "search=lover").await),
        ["Coffee Lover"]
    );
    let none = catalog(&sim, "search=zzz").await;
    assert_eq!(
        none,
        json!({"items": [], "total": 0, "page": 1, "size": 50})
    );
    let all = catalog(&sim, "search=").await;
    let unfiltered = catalog(&sim, "").await;
    assert_eq!(all, unfiltered);
}

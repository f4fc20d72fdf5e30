//! The ActionHub simulator speaks the vendor's wire format (its API reference, FastAPI's errors),
//! checked over plain HTTP so that the backend tests rest on a faithful vendor.

use label_sim::actionhub::{
    ActionHubSim, DEMO_API_KEY, DEMO_PROGRAM_ID, MAX_PAGE_SIZE, SAMPLE_USER, UNLABELLED_USER,
};
use serde_json::{json, Value};

struct Answer {
    status: u16,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).expect("the simulator answers JSON")
    }
}

async fn call(sim: &ActionHubSim, target: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{target}", sim.server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the simulator answers");
    Answer {
        status: response.status().as_u16(),
        text: response.text().await.expect("a body"),
    }
}

const GOOD: [(&str, &str); 2] = [
    ("actionhub-key", DEMO_API_KEY),
    ("program-id", DEMO_PROGRAM_ID),
];

#[tokio::test]
async fn labels_are_an_object_ordered_by_weight_on_the_wire() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let answer = call(&sim, &format!("/users/{SAMPLE_USER}/labels"), &GOOD).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .text
            .starts_with(r#"{"labels":{"Sports Fan":0.92,"Weekend Shopper":0.81,"#),
        "{}",
        answer.text
    );
    let empty = call(&sim, &format!("/users/{UNLABELLED_USER}/labels"), &GOOD).await;
    assert_eq!((empty.status, empty.json()), (200, json!({"labels": {}})));
}

#[tokio::test]
async fn errors_come_in_fastapi_shapes() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let path = format!("/users/{SAMPLE_USER}/labels");
    let bad_key = [("actionhub-key", "nope"), ("program-id", DEMO_PROGRAM_ID)];
    let answer = call(&sim, &path, &bad_key).await;
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.json(),
        json!({"detail": "Could not validate API KEY"})
    );
    let answer = call(&sim, &path, &[("actionhub-key", DEMO_API_KEY)]).await;
    assert_eq!(answer.status, 422);
    let problem = &answer.json()["detail"][0];
    assert_eq!(problem["loc"], json!(["header", "program-id"]));
    assert_eq!(
        (&problem["msg"], &problem["type"]),
        (&json!("Field required"), &json!("missing"))
    );
    let answer = call(&sim, "/users/nobody/labels", &GOOD).await;
    assert_eq!(
        (answer.status, answer.json()),
        (404, json!({"detail": "User not found"}))
    );
    let long = format!("/users/{}/labels", "x".repeat(257));
    let answer = call(&sim, &long, &GOOD).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.json()["detail"][0]["loc"],
        json!(["path", "user_id"])
    );
    let answer = call(&sim, "/users/a/b/labels", &GOOD).await;
    assert_eq!(
        (answer.status, answer.json()),
        (404, json!({"detail": "Not Found"}))
    );
}

#[tokio::test]
async fn the_catalog_pages_caps_and_searches() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let first = call(&sim, "/labels?page=1&size=500", &GOOD).await.json();
    let total = first["total"].as_u64().unwrap() as usize;
    assert!(total > MAX_PAGE_SIZE);
    assert_eq!(first["size"], json!(MAX_PAGE_SIZE));
    assert_eq!(first["items"].as_array().unwrap().len(), MAX_PAGE_SIZE);
    let last = call(&sim, "/labels?page=2&size=50", &GOOD).await.json();
    assert_eq!(
        last["items"].as_array().unwrap().len(),
        total - MAX_PAGE_SIZE
    );
    let beyond = call(&sim, "/labels?page=9", &GOOD).await.json();
    assert_eq!(beyond["items"], json!([]));
    let found = call(&sim, "/labels?search=COFFEE", &GOOD).await.json();
    assert_eq!(
        found,
        json!({"items": [{"label": "Coffee Lover", "weight": 0.55}],
               "total": 1, "page": 1, "size": 50})
    );
    let answer = call(&sim, "/labels?page=0", &GOOD).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json()["detail"][0]["loc"], json!(["query", "page"]));
}

//! Creating a Trybe label (`POST /customers/labels`): 201 with the label, Laravel's 422 for a
//! missing, too long or duplicate `value`, and the new label in the paged catalog.

use label_sim::trybe::{TrybeSim, DEMO_TOKEN, MAX_VALUE_CHARS, ORGANISATION_ID, PER_PAGE_CAP};
use serde_json::{json, Value};

async fn send(sim: &TrybeSim, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", sim.server.base_url());
    let response = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(DEMO_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn create(sim: &TrybeSim, body: Value) -> (u16, Value) {
    send(sim, reqwest::Method::POST, "/customers/labels", body).await
}

#[tokio::test]
async fn a_created_label_is_answered_201_and_listed_on_the_catalogs_last_page() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let before = sim.data.lock().unwrap().labels.len();
    let (status, body) = create(&sim, json!({"value": "  Night Owl ", "colour": "ABCDEF"})).await;
    assert_eq!(status, 201, "{body}");
    let label = &body["data"];
    assert_eq!(label["value"], "Night Owl", "stored trimmed");
    assert_eq!(label["colour"], "abcdef");
    assert_eq!(label["organisation_id"], ORGANISATION_ID);
    assert_eq!(label["archived_at"], Value::Null);
    let id = label["id"].as_str().unwrap();
    assert!(uuid_like(id), "{id}");

    let total = before + 1;
    let last = total.div_ceil(PER_PAGE_CAP);
    let path = format!("/customers/labels?page={last}");
    let (_, page) = send(&sim, reqwest::Method::GET, &path, Value::Null).await;
    assert_eq!(page["meta"]["total"], json!(total));
    assert_eq!(page["data"].as_array().unwrap().last(), Some(label));
}

#[tokio::test]
async fn a_label_without_colour_gets_one_and_twenty_characters_are_enough() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let twenty = "é".repeat(MAX_VALUE_CHARS);
    let (status, body) = create(&sim, json!({ "value": twenty })).await;
    assert_eq!(status, 201, "characters are counted, not bytes: {body}");
    let colour = body["data"]["colour"].as_str().unwrap();
    assert!(colour.len() == 6 && colour.chars().all(|c| c.is_ascii_hexdigit()));
}

#[tokio::test]
async fn a_value_of_21_characters_is_refused() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let (status, body) = create(&sim, json!({"value": "x".repeat(MAX_VALUE_CHARS + 1)})).await;
    let text = "The value field must not be greater than 20 characters.";
    assert_eq!(
        (status, body),
        (422, json!({"message": text, "errors": {"value": [text]}}))
    );
}

#[tokio::test]
async fn a_missing_blank_or_non_string_value_is_refused() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let required = json!(["The value field is required."]);
    for body in [json!({}), json!({"value": null}), json!({"value": "   "})] {
        let (status, answer) = create(&sim, body).await;
        assert_eq!((status, &answer["errors"]["value"]), (422, &required));
    }
    let (status, answer) = create(&sim, json!({"value": 7})).await;
    assert_eq!(status, 422);
    assert_eq!(answer["message"], "The value field must be a string.");
}

#[tokio::test]
async fn a_duplicate_value_in_any_case_is_refused_archived_labels_included() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let before = sim.data.lock().unwrap().labels.len();
    for value in ["vip", "VIP", "summer promo 2023"] {
        let (status, body) = create(&sim, json!({ "value": value })).await;
        assert_eq!(status, 422, "{value}");
        assert_eq!(
            body["errors"]["value"],
            json!(["The value has already been taken."])
        );
    }
    assert_eq!(sim.data.lock().unwrap().labels.len(), before);
}

#[tokio::test]
async fn every_problem_is_listed_and_counted_in_the_message() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let (status, body) = create(&sim, json!({"value": "", "colour": "#12345"})).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["message"],
        "The value field is required. (and 1 more error)"
    );
    assert_eq!(
        body["errors"]["colour"],
        json!(["The colour field format is invalid."])
    );
}

#[tokio::test]
async fn creating_needs_the_token() {
    let sim = TrybeSim::start("another-token").await.unwrap();
    let (status, body) = create(&sim, json!({"value": "Fine"})).await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "Unauthenticated."}))
    );
}

fn uuid_like(id: &str) -> bool {
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    parts == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

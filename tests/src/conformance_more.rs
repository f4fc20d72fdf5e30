//! The conformance checks of contract §7 (labels created on a change, the catalog searched),
//! run against every provider by `conformance_tests!`.

use serde_json::{json, Value};

use crate::conformance::Subject;
use crate::json;

const KEY: &str = "good-key";

impl Subject {
    async fn catalog(&self, query: &str) -> (u16, Value) {
        let path = format!("/v1/tenants/good/labels{query}");
        json(self.gateway.get(&path, KEY).send().await.unwrap()).await
    }
}

fn statuses(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

pub async fn creates_missing_labels_on_a_change(s: Subject) {
    let Some(max) = s.max_label_name else {
        return; // A read-only provider refuses every change: `changes_labels_or_refuses`.
    };
    let add = |name: &str, create: bool| json!({"add": [{"name": name}], "create_missing": create});
    let (_, body) = s.change(add("Brand New", false)).await;
    assert_eq!(statuses(&body), ["not_found"]);
    let (status, body) = s.change(add("Brand New", true)).await;
    assert_eq!((status, statuses(&body)), (200, vec!["created"]), "{body}");
    let id = body["results"][0]["label"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, read) = s.read(&s.known_customer).await;
    assert!(read["labels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == id.as_str()));
    assert_eq!(
        statuses(&s.change(add("Brand New", true)).await.1),
        ["unchanged"]
    );
    let (status, body) = s.change(add(&"y".repeat(max + 1), true)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["pointer"], "/add/0/name", "{body}");
}

pub async fn filters_the_catalog_and_shows_raw_records(s: Subject) {
    let (_, all) = s.catalog("").await;
    let names: Vec<String> = all["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    // Part of a name, in the other case: the filter ignores case.
    let part: String = names[0]
        .chars()
        .skip(1)
        .take(3)
        .collect::<String>()
        .to_uppercase();
    let expected: Vec<&String> = names
        .iter()
        .filter(|n| n.to_lowercase().contains(&part.to_lowercase()))
        .collect();
    let (status, found) = s.catalog(&format!("?q={}", part.replace(' ', "%20"))).await;
    assert_eq!(status, 200, "{found}");
    let got: Vec<&str> = found["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(got, expected, "q={part}");
    assert!(got.contains(&names[0].as_str()), "q={part}");
    let (status, raw) = s.catalog("?include=raw").await;
    assert_eq!(status, 200);
    for label in raw["labels"].as_array().unwrap() {
        assert!(label["raw"].is_object(), "{label}");
    }
    assert!(
        all["labels"][0].get("raw").is_none(),
        "the plain catalog is kept apart"
    );
    for bad in ["?q=", "?include=everything"] {
        let (status, body) = s.catalog(bad).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("invalid_request")),
            "{bad}"
        );
    }
}

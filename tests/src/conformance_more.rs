//! The conformance checks of the routes beyond one customer (labels created, a label's customers, many customers
//! at once, the catalog searched), run against every provider by `conformance_tests!`. A
//! provider without the capability answers 405 with `Allow` and calls nothing.

use serde_json::{json, Value};

use crate::conformance::Subject;
use crate::{expect_problem, json};

const KEY: &str = "good-key";

impl Subject {
    async fn catalog(&self, query: &str) -> (u16, Value) {
        let path = format!("/v1/tenants/good/labels{query}");
        json(self.gateway.get(&path, KEY).send().await.unwrap()).await
    }

    async fn label_id(&self, name: &str) -> String {
        let (_, body) = self.catalog("").await;
        let labels = body["labels"].as_array().unwrap();
        let label = labels.iter().find(|l| l["name"] == name).expect(name);
        label["id"].as_str().unwrap().to_owned()
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.gateway.post(path, KEY, body).send().await.unwrap()
    }

    /// A 405 with exactly this `Allow`, and no vendor call made for it.
    async fn refused(&self, response: reqwest::Response, allow: &str) {
        let before = self.vendor.calls();
        assert_eq!(response.headers()["allow"], allow);
        expect_problem(response, 405, "unsupported_operation").await;
        assert_eq!(self.vendor.calls(), before);
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

pub async fn creates_labels_or_refuses(s: Subject) {
    let path = "/v1/tenants/good/labels";
    let Some(max) = s.max_label_name else {
        let response = s.post(path, json!({"name": "Campaign"})).await;
        s.refused(response, "GET, HEAD").await;
        assert_eq!(s.vendor.calls(), 0);
        return;
    };
    let too_long = json!({"name": "x".repeat(max + 1)});
    let body = expect_problem(s.post(path, too_long).await, 422, "invalid_request").await;
    assert_eq!(body["errors"][0]["pointer"], "/name", "{body}");
    assert_eq!(s.vendor.calls(), 0, "a name too long reaches no vendor");
    let (_, before) = s.catalog("").await;
    let new = json!({"name": "Campaign", "description": "Summer", "colour": "#FF6634"});
    let (status, body) = json(s.post(path, new.clone()).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["label"]["name"], "Campaign");
    assert_eq!(
        (body["tenant"].as_str(), body["provider"].as_str()),
        (Some("good"), Some(s.provider))
    );
    let ignored = body["ignored"].as_array().unwrap();
    assert_eq!(ignored.len(), 1, "each vendor keeps one of the two: {body}");
    assert!(
        matches!(ignored[0].as_str(), Some("colour" | "description")),
        "{body}"
    );
    // The catalog read before the write is not served after it.
    let (_, after) = s.catalog("").await;
    let count = |c: &Value| c["labels"].as_array().unwrap().len();
    assert_eq!(count(&after), count(&before) + 1);
    assert_eq!(
        s.label_id("Campaign").await,
        body["label"]["id"].as_str().unwrap()
    );
    expect_problem(s.post(path, new).await, 409, "label_exists").await;
    // `null` is the same as leaving a field out, as the document says.
    let nulls = json!({"name": "Nulls", "description": null, "colour": null});
    let (status, body) = json(s.post(path, nulls).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["ignored"],
        json!([]),
        "nothing was given to ignore: {body}"
    );
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

pub async fn lists_a_labels_customers_or_refuses(s: Subject) {
    let label = &s.known_label_ids[0];
    let segment = label.replace(' ', "%20");
    let path = |query: &str| format!("/v1/tenants/good/labels/{segment}/customers{query}");
    if !s.members {
        let response = s.gateway.get(&path(""), KEY).send().await.unwrap();
        s.refused(response, if s.batch > 0 { "PATCH" } else { "" })
            .await;
        assert_eq!(s.vendor.calls(), 0);
        return;
    }
    let (status, first) = json(s.gateway.get(&path(""), KEY).send().await.unwrap()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["label"]["id"], label.as_str());
    let all: Vec<Value> = first["customers"].as_array().unwrap().clone();
    assert!(all.contains(&json!(s.known_customer)), "{first}");
    // A page at a time, following the cursors, gives the same customers.
    let (mut paged, mut query) = (Vec::new(), "?limit=1".to_owned());
    loop {
        let (status, page) = json(s.gateway.get(&path(&query), KEY).send().await.unwrap()).await;
        assert_eq!(status, 200, "{page}");
        paged.extend(page["customers"].as_array().unwrap().clone());
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, all);
    for bad in [
        "?limit=0",
        "?limit=101",
        "?cursor=forged",
        "?cursor=WyJtMSIsImdvb2QiLCJ4IiwxXQ",
    ] {
        let response = s.gateway.get(&path(bad), KEY).send().await.unwrap();
        expect_problem(response, 422, "invalid_request").await;
    }
    let unknown = "/v1/tenants/good/labels/999999/customers";
    let response = s.gateway.get(unknown, KEY).send().await.unwrap();
    expect_problem(response, 404, "label_not_found").await;
}

pub async fn changes_many_customers_or_refuses(s: Subject) {
    let Some(case) = &s.writes else {
        let label = s.known_label_ids[0].replace(' ', "%20");
        let path = format!("/v1/tenants/good/labels/{label}/customers");
        let response = s
            .gateway
            .patch(&path, KEY, json!({"add": [s.known_customer]}))
            .send()
            .await
            .unwrap();
        s.refused(response, "").await;
        assert_eq!(s.vendor.calls(), 0);
        return;
    };
    let path = format!(
        "/v1/tenants/good/labels/{}/customers",
        s.label_id(case.attachable).await
    );
    let patch =
        |body: Value| async { json(s.gateway.patch(&path, KEY, body).send().await.unwrap()).await };
    let calls = s.vendor.calls();
    let invalid = json!({"add": [s.known_customer, s.invalid_customer]});
    let (status, body) = patch(invalid).await;
    assert_eq!(
        (status, body["errors"][0]["pointer"].as_str()),
        (422, Some("/add/1")),
        "{body}"
    );
    assert_eq!(s.vendor.calls(), calls, "an invalid id: nothing is sent");
    let (known, empty) = (&s.known_customer, &s.empty_customer);
    let has = |read: Value| {
        read["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == case.attachable)
    };
    assert!(
        !has(s.read(empty).await.1),
        "read, and kept, before the change"
    );
    let (status, body) = patch(json!({"add": [known, empty, s.unknown_customer]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        statuses(&body),
        ["applied", "applied", "customer_not_found"]
    );
    assert_eq!(
        body["results"][0],
        json!({"customer_id": known, "op": "add", "status": "applied"})
    );
    assert_eq!(body["label"]["name"], case.attachable);
    let has = |read: Value| {
        read["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == case.attachable)
    };
    assert!(
        has(s.read(empty).await.1),
        "the read after the change shows it"
    );
    assert_eq!(
        statuses(&patch(json!({"add": [known, empty]})).await.1),
        ["unchanged", "unchanged"]
    );
    let (_, body) = patch(json!({"remove": [empty, known]})).await;
    assert_eq!(statuses(&body), ["applied", "applied"]);
    assert_eq!(body["results"][1]["op"], "remove");
    assert!(!has(s.read(empty).await.1));
    assert_eq!(
        statuses(&patch(json!({"remove": [known]})).await.1),
        ["unchanged"]
    );
}

pub async fn reads_many_customers_in_one_request(s: Subject) {
    let path = "/v1/tenants/good/customers/labels:batchGet";
    let calls = s.vendor.calls();
    let invalid = json!({"customer_ids": [s.known_customer, s.invalid_customer]});
    let body = expect_problem(s.post(path, invalid).await, 422, "invalid_request").await;
    assert_eq!(body["errors"][0]["pointer"], "/customer_ids/1", "{body}");
    assert_eq!(s.vendor.calls(), calls, "an invalid id: nothing is read");
    let ids = [
        &s.known_customer,
        &s.empty_customer,
        &s.unknown_customer,
        &s.known_customer,
    ];
    let (status, body) = json(s.post(path, json!({"customer_ids": ids})).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["provider"], s.provider);
    let customers = body["customers"].as_array().unwrap();
    let label_ids = |item: &Value| -> Vec<String> {
        let labels = item["labels"].as_array().unwrap();
        labels
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(customers[0]["customer_id"], s.known_customer.as_str());
    assert_eq!(label_ids(&customers[0]), s.known_label_ids);
    assert_eq!(
        customers[1],
        json!({"customer_id": s.empty_customer, "labels": []})
    );
    assert_eq!(
        customers[2]["problem"]["code"], "customer_not_found",
        "{body}"
    );
    assert_eq!(customers[2]["problem"]["status"], 404);
    assert_eq!(customers[3], customers[0]);
    assert_eq!(customers.len(), 4);
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

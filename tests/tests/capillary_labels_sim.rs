//! Capillary's Labels API catalog (`/v2/labels`) in the simulator: batches of ten answered 200,
//! 207 or 400, labels listed newest update first, PRODUCT as the default entity type.

use label_gateway_tests::capillary_direct::call;
use label_sim::capillary::{CapillarySim, MAX_LABELS_PER_CREATE};
use reqwest::Method;
use serde_json::{json, Value};

async fn create(sim: &CapillarySim, labels: Value) -> (u16, Value) {
    call(
        sim,
        Method::POST,
        "/v2/labels",
        Some(json!({ "labels": labels })),
    )
    .await
}

async fn list(sim: &CapillarySim, query: &str) -> (u16, Value) {
    call(sim, Method::GET, &format!("/v2/labels?{query}"), None).await
}

fn codes(body: &Value, key: &str) -> Vec<u64> {
    let items = body[key].as_array().unwrap();
    items.iter().map(|e| e["code"].as_u64().unwrap()).collect()
}

fn names(labels: &Value) -> Vec<&str> {
    let labels = labels.as_array().unwrap();
    labels.iter().map(|l| l["name"].as_str().unwrap()).collect()
}

fn customer(name: &str) -> Value {
    json!({"name": name, "entityType": "CUSTOMER"})
}

#[tokio::test]
async fn a_batch_that_all_succeeds_is_200_with_the_labels() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let gold = json!({"name": "Gold", "externalId": "tier-gold", "description": "Gold tier",
                      "entityType": "CUSTOMER",
                      "expiryConfig": {"type": "RELATIVE", "unit": "YEARS", "value": 1}});
    let (status, body) = create(&sim, json!([gold, customer("Silver")])).await;
    assert_eq!(status, 200, "{body}");
    let created = &body["data"][0];
    assert_eq!(
        (
            &created["externalId"],
            &created["entityType"],
            &created["status"]
        ),
        (&json!("tier-gold"), &json!("CUSTOMER"), &json!("ACTIVE"))
    );
    assert_eq!(created["expiryConfig"]["unit"], "YEARS");
    assert!(created["id"].as_u64().is_some() && created["lastUpdatedOn"].is_string());
    assert_eq!(names(&body["data"]), ["Gold", "Silver"]);
    assert_eq!(body["errors"], json!([]));
}

#[tokio::test]
async fn a_partly_failed_batch_is_207_and_a_wholly_failed_one_400() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let batch = json!([
        customer("Fresh"),
        customer("vip"),
        {"name": "Promo", "entityType": "PRODUCT"},
        {"name": "Lower", "entityType": "customer"},
        {"entityType": "CUSTOMER"},
        {"name": "Past", "entityType": "CUSTOMER",
         "expiryConfig": {"type": "FIXED_DATE", "expiryDate": "2001-01-01T00:00:00Z"}},
    ]);
    let (status, body) = create(&sim, batch).await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(names(&body["data"]), ["Fresh"]);
    // "vip" clashes with the sample's "VIP": names are unique in any case.
    assert_eq!(codes(&body, "errors"), [23002, 23006, 23006, 23001, 23001]);
    let indexes: Vec<u64> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3, 4, 5]);

    let (status, body) = create(&sim, json!([customer("FRESH")])).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23002]));
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn more_than_ten_labels_or_none_are_refused_whole() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let eleven: Vec<Value> = (0..=MAX_LABELS_PER_CREATE)
        .map(|n| customer(&format!("L{n}")))
        .collect();
    let (status, body) = create(&sim, json!(eleven)).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23032]));
    let (_, all) = list(&sim, "entityType=CUSTOMER&q=L1").await;
    assert_eq!(
        all["totalCount"],
        json!(0),
        "nothing of the batch was created"
    );
    let (status, body) = create(&sim, json!([])).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23001]));
    let (status, _) = call(&sim, Method::POST, "/v2/labels", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_org_label_limit_applies_to_the_labels_api_too() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let count = sim.data.lock().unwrap().labels.len();
    sim.data.lock().unwrap().max_labels = count + 1;
    let (status, body) = create(&sim, json!([customer("One"), customer("Two")])).await;
    assert_eq!((status, codes(&body, "errors")), (207, vec![33005]));
}

#[tokio::test]
async fn the_list_defaults_to_product_labels_so_customer_ones_need_the_entity_type() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let (status, body) = list(&sim, "").await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({"totalCount": 0, "limit": 50, "offset": 0, "labels": []})
        )
    );
    let (_, customers) = list(&sim, "entityType=CUSTOMER").await;
    let active = sim
        .data
        .lock()
        .unwrap()
        .labels
        .iter()
        .filter(|l| l.active)
        .count();
    assert_eq!(customers["totalCount"], json!(active));
    let (_, archived) = list(&sim, "entityType=CUSTOMER&status=ARCHIVED").await;
    assert_eq!(names(&archived["labels"]), ["Retired"]);
    let (status, body) = list(&sim, "entityType=Customer").await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23006]));
}

#[tokio::test]
async fn the_list_is_newest_update_first_searched_and_paged() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let first = json!({"name": "Alpha Club", "externalId": "club-a", "entityType": "CUSTOMER"});
    create(&sim, json!([first])).await;
    create(&sim, json!([customer("Beta Club")])).await;
    let (_, page) = list(&sim, "entityType=CUSTOMER&limit=3").await;
    assert_eq!(
        names(&page["labels"]),
        ["Beta Club", "Alpha Club", "Churn Risk"]
    );
    assert_eq!(page["limit"], json!(3));
    let (_, found) = list(&sim, "entityType=CUSTOMER&q=CLUB&offset=1").await;
    assert_eq!(
        (found["totalCount"].clone(), names(&found["labels"])),
        (json!(2), vec!["Alpha Club"])
    );
    let (_, by_external) = list(&sim, "entityType=CUSTOMER&q=b-A").await;
    assert_eq!(names(&by_external["labels"]), ["Alpha Club"]);
    for bad in [
        "limit=0",
        "limit=101",
        "offset=-1",
        "limit=ten",
        "status=DELETED",
    ] {
        let (status, body) = list(&sim, &format!("entityType=CUSTOMER&{bad}")).await;
        assert_eq!(
            (status, codes(&body, "errors")),
            (400, vec![23001]),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn labels_created_here_are_org_labels() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let label = json!({"name": "Shared", "description": "both APIs", "entityType": "CUSTOMER"});
    create(&sim, json!([label])).await;
    let (_, org) = call(&sim, Method::GET, "/v2/organization/labels", None).await;
    let shared = org["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Shared")
        .cloned();
    let shared = shared.expect("listed as an org label");
    assert_eq!(
        (&shared["description"], &shared["active"]),
        (&json!("both APIs"), &json!(true))
    );
}

//! Capillary's label assignments (`/v2/labels/assignments…`) in the simulator: batches of 100
//! answered item by item, reads of ten entities, removals, search, and the limits.

use label_gateway_tests::capillary_direct::call;
use label_sim::capillary::{
    CapillarySim, MAX_ACTIVE_LABELS_PER_ENTITY, MAX_ASSIGNMENTS, MAX_ENTITY_IDS, MAX_REMOVALS,
    SAMPLE_CUSTOMER, UNLABELLED_CUSTOMER,
};
use reqwest::Method;
use serde_json::{json, Value};

const PATH: &str = "/v2/labels/assignments";

async fn assign(sim: &CapillarySim, assignments: Value) -> (u16, Value) {
    let body = json!({"entityType": "CUSTOMER", "assignments": assignments});
    call(sim, Method::POST, PATH, Some(body)).await
}

async fn remove(sim: &CapillarySim, removals: Value) -> (u16, Value) {
    let body = json!({"entityType": "CUSTOMER", "removals": removals});
    call(sim, Method::DELETE, PATH, Some(body)).await
}

async fn read(sim: &CapillarySim, query: &str) -> (u16, Value) {
    call(
        sim,
        Method::GET,
        &format!("{PATH}?entityType=CUSTOMER&{query}"),
        None,
    )
    .await
}

fn codes(body: &Value, key: &str) -> Vec<u64> {
    let items = body[key].as_array().unwrap();
    items.iter().map(|e| e["code"].as_u64().unwrap()).collect()
}

fn label_names(entity: &Value) -> Vec<&str> {
    let labels = entity["labels"].as_array().unwrap();
    labels
        .iter()
        .map(|l| l["labelName"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_assignment_is_answered_with_its_label_and_read_back() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let item =
        json!({"entityId": UNLABELLED_CUSTOMER, "labelName": "vip", "expiryDate": "2099-06-04"});
    let (status, body) = assign(&sim, json!([item])).await;
    assert_eq!(status, 200, "{body}");
    let made = &body["data"][0];
    assert_eq!(
        (&made["entityId"], &made["labelId"], &made["labelName"]),
        (&json!(UNLABELLED_CUSTOMER), &json!(20960), &json!("VIP"))
    );
    assert_eq!(
        made["expiryDate"], "2099-06-04T18:29:59Z",
        "end of the day in IST"
    );
    assert!(made["assignmentId"].as_u64().is_some());
    assert_eq!(made["labelExternalId"], Value::Null);

    let (status, body) = read(
        &sim,
        &format!("entityIds={UNLABELLED_CUSTOMER}, {SAMPLE_CUSTOMER}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(label_names(&body["data"][0]), ["VIP"]);
    assert_eq!(label_names(&body["data"][1]).len(), 5);
    assert_eq!(
        body["data"][0]["labels"][0]["expiryDate"],
        "2099-06-04T18:29:59Z"
    );
}

#[tokio::test]
async fn a_new_name_creates_its_label_and_an_existing_assignment_is_a_warning() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let items = json!([
        {"entityId": SAMPLE_CUSTOMER, "labelName": "Brand New", "labelExternalId": "brand-new"},
        {"entityId": SAMPLE_CUSTOMER, "labelName": "Premium Customer"},
        {"entityId": UNLABELLED_CUSTOMER, "labelExternalId": "brand-new"},
    ]);
    let (status, body) = assign(&sim, items).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    assert_eq!(body["data"][0]["labelExternalId"], "brand-new");
    assert_eq!(
        body["data"][1]["assignmentId"],
        json!(33558),
        "the existing assignment"
    );
    assert_eq!(body["data"][2]["labelId"], body["data"][0]["labelId"]);
    assert_eq!(codes(&body, "warnings"), [23050]);
    assert_eq!(body["warnings"][0]["index"], json!(1));
    let data = sim.data.lock().unwrap();
    let created = data
        .label_named("BRAND NEW")
        .expect("created by the assignment");
    assert_eq!(data.external_id(created.id), Some("brand-new"));
}

#[tokio::test]
async fn bad_items_fail_alone_with_207_and_a_batch_of_only_failures_is_400() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let items = json!([
        {"entityId": "1", "labelName": "VIP"},
        {"entityId": "not-a-number", "labelName": "Should Not Exist"},
        {"entityId": SAMPLE_CUSTOMER, "labelName": "Retired"},
        {"entityId": SAMPLE_CUSTOMER, "labelExternalId": "nobody"},
        {"entityId": SAMPLE_CUSTOMER},
        {"entityId": SAMPLE_CUSTOMER, "labelName": "VIP", "expiryDate": "2020-01-01"},
        {"entityId": SAMPLE_CUSTOMER, "labelName": "VIP", "expiryDate": "31-12-2099"},
        {"entityId": SAMPLE_CUSTOMER, "labelName": "Newsletter"},
    ]);
    let (status, body) = assign(&sim, items).await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(
        codes(&body, "errors"),
        [8015, 8015, 23005, 23004, 23001, 23001, 23001]
    );
    assert_eq!(body["errors"][1]["entityId"], "not-a-number");
    assert_eq!(body["data"][0]["labelName"], "Newsletter");
    assert!(sim
        .data
        .lock()
        .unwrap()
        .label_named("Should Not Exist")
        .is_none());

    let (status, body) = assign(&sim, json!([{"entityId": "2", "labelName": "VIP"}])).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![8015]));
}

#[tokio::test]
async fn whole_requests_over_the_limits_or_for_other_entity_types_are_refused() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let many: Vec<Value> = (0..=MAX_ASSIGNMENTS)
        .map(|_| json!({"entityId": SAMPLE_CUSTOMER, "labelName": "VIP"}))
        .collect();
    let (status, body) = assign(&sim, json!(many)).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23032]));
    assert!(!sim
        .attached_names(SAMPLE_CUSTOMER)
        .contains(&"VIP".to_owned()));
    let removals: Vec<Value> = (0..=MAX_REMOVALS)
        .map(|_| json!({"entityId": SAMPLE_CUSTOMER, "labelIds": [20942]}))
        .collect();
    let (status, body) = remove(&sim, json!(removals)).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23032]));
    let ids: Vec<String> = (0..=MAX_ENTITY_IDS).map(|n| n.to_string()).collect();
    let (status, body) = read(&sim, &format!("entityIds={}", ids.join(","))).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23032]));
    let (status, body) = read(&sim, "entityIds=").await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23001]));
    for entity_type in [json!("PRODUCT"), json!("customer"), Value::Null] {
        let item = json!({"entityId": "1", "labelName": "x"});
        let body = json!({"entityType": entity_type, "assignments": [item]});
        let (status, answer) = call(&sim, Method::POST, PATH, Some(body)).await;
        assert_eq!((status, codes(&answer, "errors")), (400, vec![23006]));
    }
    let products = call(
        &sim,
        Method::GET,
        &format!("{PATH}?entityType=PRODUCT&entityIds=a,b"),
        None,
    )
    .await;
    assert_eq!(
        products,
        (
            200,
            json!({"data": [{"entityId": "a", "labels": []}, {"entityId": "b", "labels": []}],
                   "warnings": [], "errors": []})
        )
    );
}

#[tokio::test]
async fn a_customer_holds_at_most_200_active_labels() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let owned = sim.attached_names(SAMPLE_CUSTOMER).len();
    for start in (owned..MAX_ACTIVE_LABELS_PER_ENTITY).step_by(MAX_ASSIGNMENTS) {
        let end = (start + MAX_ASSIGNMENTS).min(MAX_ACTIVE_LABELS_PER_ENTITY);
        let items: Vec<Value> = (start..end)
            .map(|n| json!({"entityId": SAMPLE_CUSTOMER, "labelName": format!("Bulk {n}")}))
            .collect();
        let (status, body) = assign(&sim, json!(items)).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        sim.attached_names(SAMPLE_CUSTOMER).len(),
        MAX_ACTIVE_LABELS_PER_ENTITY
    );
    let one_more = json!([{"entityId": SAMPLE_CUSTOMER, "labelName": "VIP"}]);
    let (status, body) = assign(&sim, one_more).await;
    assert_eq!((status, codes(&body, "errors")), (400, vec![23040]));
    remove(
        &sim,
        json!([{"entityId": SAMPLE_CUSTOMER, "labelNames": ["Bulk 7"]}]),
    )
    .await;
    let again = json!([{"entityId": SAMPLE_CUSTOMER, "labelName": "VIP"}]);
    assert_eq!(assign(&sim, again).await.0, 200);
}

#[tokio::test]
async fn removals_name_labels_one_way_and_stay_readable_as_inactive() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let removals = json!([
        {"entityId": SAMPLE_CUSTOMER, "labelIds": [20942, 20960]},
        {"entityId": SAMPLE_CUSTOMER, "labelNames": ["old1 customer1", "No Such Label"]},
        {"entityId": SAMPLE_CUSTOMER, "labelIds": [20949], "labelNames": ["VIP"]},
        {"entityId": SAMPLE_CUSTOMER, "labelExternalIds": []},
        {"entityId": "999", "labelIds": [20942]},
    ]);
    let (status, body) = remove(&sim, removals).await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(
        body["data"],
        json!([{"entityId": SAMPLE_CUSTOMER, "removedLabelIds": [20942]},
               {"entityId": SAMPLE_CUSTOMER, "removedLabelIds": [20949]}])
    );
    assert_eq!(codes(&body, "warnings"), [23051, 23004]);
    assert_eq!(
        body["warnings"][0]["message"],
        format!(
            "Label with id '20960' is already inactive or expired for entity '{SAMPLE_CUSTOMER}'."
        )
    );
    assert_eq!(codes(&body, "errors"), [23001, 23001, 8015]);

    let (_, active) = read(&sim, &format!("entityIds={SAMPLE_CUSTOMER}")).await;
    assert_eq!(label_names(&active["data"][0]).len(), 3);
    let (_, all) = read(
        &sim,
        &format!("entityIds={SAMPLE_CUSTOMER}&includeInactive=true"),
    )
    .await;
    let all = label_names(&all["data"][0]);
    assert_eq!(all.len(), 5);
    assert_eq!(all[3..], ["Premium Customer", "Old1 Customer1"]);
}

#[tokio::test]
async fn reading_an_unknown_customer_names_it_in_errors() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let (status, body) = read(&sim, &format!("entityIds=42,{UNLABELLED_CUSTOMER}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!([{"entityId": UNLABELLED_CUSTOMER, "labels": []}])
    );
    assert_eq!(codes(&body, "errors"), [8015]);
    assert_eq!(body["errors"][0]["entityId"], "42");
}

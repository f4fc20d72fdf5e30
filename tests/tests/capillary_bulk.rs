//! Capillary's batch calls through the gateway: 100 customers a write, 10 a read, 50 a search
//! page; the cache kept right around them; the org's catalog limit.

use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::CapillarySim;
use serde_json::{json, Value};

const KEY: &str = "acme-key";

/// A Capillary simulator whose every numeric customer exists (synthetic mode), and a gateway
/// with the cache on in front of it.
async fn setup() -> (CapillarySim, TestGateway) {
    let sim = CapillarySim::start("till", "pw").await.unwrap();
    sim.data.lock().unwrap().synthetic = true;
    let config = "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"${URL}\"\n\
        username = \"till\"\npassword = \"pw\"\napi_keys = [\"acme-key\"]\ncache_ttl_seconds = 600\n";
    let gateway = TestGateway::start(config, &[("URL", sim.server.base_url())]).await;
    (sim, gateway)
}

/// Creates a label no synthetic customer has, and reads the catalog so that it is kept.
async fn new_label(gateway: &TestGateway, name: &str) -> String {
    let response = gateway.post("/v1/tenants/acme/labels", KEY, json!({"name": name}));
    let (status, body) = json(response.send().await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = json(
        gateway
            .get("/v1/tenants/acme/labels", KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    body["label"]["id"].as_str().unwrap().to_owned()
}

fn customers(first: u64, count: u64) -> Vec<String> {
    (first..first + count).map(|id| id.to_string()).collect()
}

fn statuses(body: &Value) -> Vec<&str> {
    let results = body["results"].as_array().unwrap();
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

/// The requests the simulator received after the first `skip`, as `METHOD target`.
fn requests_since(sim: &CapillarySim, skip: usize) -> Vec<String> {
    let all = sim.server.requests();
    all[skip..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

#[tokio::test]
async fn a_change_of_250_customers_is_three_vendor_calls_each_way() {
    let (sim, gateway) = setup().await;
    let label = new_label(&gateway, "Campaign 250").await;
    let path = format!("/v1/tenants/acme/labels/{label}/customers");
    let ids = customers(1_000_001, 250);
    for (op, method) in [("add", "POST"), ("remove", "DELETE")] {
        let before = sim.server.requests().len();
        let mut change = serde_json::Map::new();
        change.insert(op.to_owned(), json!(ids));
        let response = gateway
            .patch(&path, KEY, Value::Object(change))
            .send()
            .await
            .unwrap();
        let (status, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(statuses(&body), vec!["applied"; 250]);
        let sent = requests_since(&sim, before);
        assert_eq!(
            sent,
            vec![format!("{method} /v2/labels/assignments"); 3],
            "{op}"
        );
        let id = |at: usize| body["results"][at]["customer_id"].clone();
        assert_eq!(
            (id(0), id(249)),
            (json!("1000001"), json!("1000250")),
            "request order"
        );
    }
    let names = sim.attached_names("1000100");
    assert!(!names.iter().any(|n| n == "Campaign 250"), "{names:?}");
}

#[tokio::test]
async fn the_changed_customers_cached_labels_are_dropped() {
    let (sim, gateway) = setup().await;
    let label = new_label(&gateway, "Fresh").await;
    let read = |customer: &'static str| {
        let path = format!("/v1/tenants/acme/customers/{customer}/labels");
        let request = gateway.get(&path, KEY);
        async move {
            let response = request.send().await.unwrap();
            let cache = response.headers()["cache-status"]
                .to_str()
                .unwrap()
                .to_owned();
            (cache, json(response).await.1)
        }
    };
    for customer in ["2000001", "2000002", "2000003"] {
        read(customer).await;
        assert_eq!(read(customer).await.0, "label-gateway; hit");
    }
    let path = format!("/v1/tenants/acme/labels/{label}/customers");
    let change = json!({"add": ["2000001", "2000002"]});
    let (status, _) = json(gateway.patch(&path, KEY, change).send().await.unwrap()).await;
    assert_eq!(status, 200);
    for customer in ["2000001", "2000002"] {
        let (cache, body) = read(customer).await;
        assert_eq!(cache, "label-gateway; fwd=miss", "{customer}");
        assert!(body["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "Fresh"));
    }
    assert_eq!(
        read("2000003").await.0,
        "label-gateway; hit",
        "an unchanged customer stays"
    );
    drop(sim);
}

#[tokio::test]
async fn a_batch_read_answers_kept_customers_from_the_cache_and_reads_the_rest_ten_a_call() {
    let (sim, gateway) = setup().await;
    let kept = customers(3_000_001, 3);
    for customer in &kept {
        let path = format!("/v1/tenants/acme/customers/{customer}/labels");
        assert_eq!(gateway.get(&path, KEY).send().await.unwrap().status(), 200);
    }
    let cold = customers(3_100_001, 12);
    let all: Vec<&String> = kept.iter().chain(&cold).collect();
    let path = "/v1/tenants/acme/customers/labels:batchGet";
    let before = sim.server.requests().len();
    let (status, body) = json(
        gateway
            .post(path, KEY, json!({"customer_ids": all}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let read = requests_since(&sim, before);
    assert_eq!(read.len(), 2, "12 cold customers, 10 a call: {read:?}");
    let ten = cold[..10].join(",");
    assert_eq!(
        read[0],
        format!("GET /v2/labels/assignments?entityType=CUSTOMER&entityIds={ten}")
    );
    let answered: Vec<&Value> = body["customers"].as_array().unwrap().iter().collect();
    assert_eq!(answered.len(), 15);
    for (item, id) in answered.iter().zip(&all) {
        assert_eq!(item["customer_id"], id.as_str());
        assert_eq!(item["labels"].as_array().map(Vec::len), Some(5), "{item}");
    }
    // Each customer read in a batch is kept: the same request again costs nothing.
    let before = sim.server.requests().len();
    let again = json(
        gateway
            .post(path, KEY, json!({"customer_ids": all}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(again, (200, body));
    assert_eq!(requests_since(&sim, before), Vec::<String>::new());
}

#[tokio::test]
async fn a_page_of_a_hundred_customers_takes_two_searches_and_the_cursor_the_rest() {
    let (sim, gateway) = setup().await;
    let label = new_label(&gateway, "Members").await;
    let path = format!("/v1/tenants/acme/labels/{label}/customers");
    let ids = customers(4_000_001, 120);
    let (status, _) = json(
        gateway
            .patch(&path, KEY, json!({"add": ids}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let before = sim.server.requests().len();
    let page = |query: String| {
        let request = gateway.get(&format!("{path}{query}"), KEY);
        async move { json(request.send().await.unwrap()).await.1 }
    };
    let first = page("?limit=100".to_owned()).await;
    assert_eq!(first["customers"].as_array().unwrap().len(), 100, "{first}");
    assert_eq!(
        requests_since(&sim, before).len(),
        2,
        "50 customers a search"
    );
    let cursor = first["next_cursor"]
        .as_str()
        .expect("more to come")
        .to_owned();
    let second = page(format!("?limit=100&cursor={cursor}")).await;
    let mut seen: Vec<Value> = first["customers"].as_array().unwrap().clone();
    seen.extend(second["customers"].as_array().unwrap().clone());
    seen.sort_by_key(|id| id.as_str().unwrap().to_owned());
    assert_eq!(seen, ids.iter().map(|id| json!(id)).collect::<Vec<_>>());
    assert_eq!(second["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_full_catalog_is_label_limit_reached() {
    let (sim, gateway) = setup().await;
    {
        let mut data = sim.data.lock().unwrap();
        data.max_labels = data.labels.len();
    }
    let response = gateway.post(
        "/v1/tenants/acme/labels",
        KEY,
        json!({"name": "One Too Many"}),
    );
    let body = expect_problem(response.send().await.unwrap(), 409, "label_limit_reached").await;
    assert_eq!(body["upstream"]["code"], "33005", "{body}");
}

#[tokio::test]
async fn a_label_id_spelt_with_leading_zeros_is_the_same_label() {
    let (_sim, gateway) = setup().await;
    let label = new_label(&gateway, "Padded").await;
    let padded = format!("00{label}");
    let path = format!("/v1/tenants/acme/labels/{padded}/customers");
    let change = json!({"add": ["3000001"]});
    let (status, body) = json(gateway.patch(&path, KEY, change).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["label"]["id"],
        label.as_str(),
        "answered in one spelling"
    );
    assert_eq!(statuses(&body), ["applied"]);

    let customer = "/v1/tenants/acme/customers/3000001/labels";
    let again = json!({"add": [{"id": format!("0{label}")}]});
    let (status, body) = json(gateway.patch(customer, KEY, again).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "unchanged", "{body}");

    let (status, body) = json(gateway.get(&path, KEY).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["customers"], json!(["3000001"]));
}

//! The two ways of asking Capillary's simulator which customers have a label: the v2 customer
//! search (`/v2/customers/labels/search`) and the Labels API's assignment search.

use label_gateway_tests::capillary_direct::call;
use label_sim::capillary::CapillarySim;
use reqwest::Method;
use serde_json::{json, Value};

const PATH: &str = "/v2/labels/assignments";

async fn assign(sim: &CapillarySim, assignments: Value) -> (u16, Value) {
    let body = json!({"entityType": "CUSTOMER", "assignments": assignments});
    call(sim, Method::POST, PATH, Some(body)).await
}

async fn search(sim: &CapillarySim, query: &str) -> (u16, Value) {
    let path = format!("{PATH}/search?entityType=CUSTOMER&{query}");
    call(sim, Method::GET, &path, None).await
}

fn codes(problems: &Value) -> Vec<u64> {
    let problems = problems.as_array().unwrap();
    problems
        .iter()
        .map(|p| p["code"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_customers_having_a_label_are_paged_with_their_total() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    for user in 600..603 {
        let path = format!("/v2/customers/{user}/changeLabels");
        sim.data.lock().unwrap().customers.insert(user, Vec::new());
        let add = json!({"add": [{"labelName": "Churn Risk"}]});
        assert_eq!(call(&sim, Method::POST, &path, Some(add)).await.0, 200);
    }
    let path = "/v2/customers/labels/search?q=CHURN%20risk&offset=1&limit=1";
    let (status, body) = call(&sim, Method::GET, path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"pagination": {"limit": 1, "offset": 1, "total": 3},
               "data": [{"userId": 601, "customerLabels": [
                   {"orgId": 100737, "labelId": 20962, "userId": 601, "labelName": "Churn Risk"}]}],
               "warnings": [], "errors": []})
    );
    let (_, all) = call(
        &sim,
        Method::GET,
        "/v2/customers/labels/search?q=Churn Risk&limit=-1",
        None,
    )
    .await;
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    let (_, partial) = call(
        &sim,
        Method::GET,
        "/v2/customers/labels/search?q=Churn",
        None,
    )
    .await;
    assert_eq!(
        codes(&partial["warnings"]),
        [33000],
        "the name must match whole"
    );
    assert_eq!(partial["pagination"]["total"], json!(0));
}

#[tokio::test]
async fn search_pages_the_customers_having_a_label() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let items: Vec<Value> = (0..12)
        .map(|n| json!({"entityId": format!("{}", 700 + n), "labelName": "Searchable"}))
        .collect();
    sim.data.lock().unwrap().synthetic = true;
    assert_eq!(assign(&sim, json!(items)).await.0, 200);
    let (status, first) = search(&sim, "labelName=searchable").await;
    assert_eq!(status, 200);
    assert_eq!(
        first["pagination"],
        json!({"totalCount": 12, "limit": 10, "offset": 0})
    );
    assert_eq!(first["data"][0]["entityId"], "700");
    let id = first["data"][0]["labelId"].as_u64().unwrap();
    let (_, rest) = search(&sim, &format!("labelId={id}&offset=10&limit=50")).await;
    let rest: Vec<&str> = rest["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["entityId"].as_str().unwrap())
        .collect();
    assert_eq!(rest, ["710", "711"]);
    let (_, one) = search(&sim, "labelName=Searchable&entityId=705").await;
    assert_eq!(one["pagination"]["totalCount"], json!(1));
    let (_, none) = search(&sim, "labelName=Nothing").await;
    assert_eq!(none["data"], json!([]));
    for bad in [
        "labelName=Searchable&limit=51",
        "labelName=Searchable&limit=0",
        "labelName=a&labelId=1",
        "offset=0",
    ] {
        let (status, body) = search(&sim, bad).await;
        assert_eq!(
            (status, codes(&body["errors"])),
            (400, vec![23001]),
            "{bad}"
        );
    }
}

//! Driving jobs: cancel, `Idempotency-Key` on submission, a body refused whole, the listing.

use label_gateway_tests::jobs::{jobs_path, submit, until, until_ended};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::trybe::TrybeSim;
use serde_json::json;

/// A Trybe tenant whose jobs go one customer at a time, five vendor calls a second: slow
/// enough to cancel part-way.
async fn slow_trybe(customers: usize) -> (TrybeSim, TestGateway, Vec<String>) {
    let trybe = TrybeSim::start("t").await.unwrap();
    let ids: Vec<String> = (0..customers)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in &ids {
            data.customers.insert(id.clone(), Vec::new());
        }
    }
    let config = format!(
        "[jobs]\nconcurrency = 1\n\n[tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\n\
         token = \"t\"\napi_keys = [\"globex-key\"]\nvendor_requests_per_minute = 600\n",
        trybe.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    (trybe, gateway, ids)
}

#[tokio::test]
async fn a_cancelled_job_starts_no_new_customer() {
    let (trybe, gateway, ids) = slow_trybe(60).await;
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}]});
    let (status, job) = submit(&gateway, "globex", "globex-key", &body).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    until(&gateway, "globex", "globex-key", id, |job| {
        job["counts"]["done"].as_u64() >= Some(2)
    })
    .await;
    let path = format!("{}/{id}", jobs_path("globex"));
    let response = gateway
        .call(reqwest::Method::DELETE, &path, "globex-key")
        .send()
        .await
        .unwrap();
    let (status, cancelled) = json(response).await;
    assert_eq!(
        (status, &cancelled["cancel_requested"]),
        (202, &json!(true)),
        "{cancelled}"
    );
    let at_cancel = cancelled["counts"]["done"].as_u64().unwrap();
    let job = until_ended(&gateway, "globex", "globex-key", id).await;
    assert_eq!(job["state"], "cancelled", "{job}");
    let done = job["counts"]["done"].as_u64().unwrap();
    // One customer at a time: at most the one in flight finishes after the cancel.
    assert!(
        done <= at_cancel + 1 && done < 60,
        "{done} done, {at_cancel} at the cancel"
    );
    let changed = ids
        .iter()
        .filter(|id| !trybe.attached_values(id).is_empty())
        .count();
    assert_eq!(
        changed as u64, done,
        "no customer was changed beyond those the job reports"
    );
    // Cancelling again changes nothing.
    let again = gateway
        .call(reqwest::Method::DELETE, &path, "globex-key")
        .send()
        .await
        .unwrap();
    let (status, again) = json(again).await;
    assert_eq!((status, again["state"].as_str()), (200, Some("cancelled")));
}

#[tokio::test]
async fn an_idempotency_key_makes_one_job() {
    let (_trybe, gateway, ids) = slow_trybe(2).await;
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}]});
    let send = |body: serde_json::Value| {
        gateway
            .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
            .header("Idempotency-Key", "campaign-2026-11")
            .json(&body)
            .send()
    };
    let first = send(body.clone()).await.unwrap();
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let (status, job) = json(first).await;
    assert_eq!(status, 202);
    let again = send(body.clone()).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let (status, replayed) = json(again).await;
    assert_eq!((status, &replayed["id"]), (202, &job["id"]));
    let mut other = body.clone();
    other["dry_run"] = json!(true);
    expect_problem(send(other).await.unwrap(), 422, "idempotency_key_reused").await;
    let (_, list) = json(
        gateway
            .get(&jobs_path("globex"), "globex-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["jobs"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        location,
        format!("/v1/tenants/globex/jobs/{}", job["id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_body_with_problems_is_refused_whole_listing_at_most_a_hundred() {
    let (trybe, gateway, mut ids) = slow_trybe(3).await;
    ids.extend((0..150).map(|i| format!("not-a-uuid-{i}")));
    ids.push(ids[0].to_uppercase());
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": ""}], "colour": 1});
    let response = gateway
        .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "invalid_request").await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 100, "{problem}");
    assert_eq!(problem["errors_truncated"], true);
    let pointers: Vec<&str> = errors
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/colour") && pointers.contains(&"/add/0/name"),
        "{pointers:?}"
    );
    assert!(pointers.contains(&"/customers/3"), "{pointers:?}");
    // The same customer twice, in another spelling: fewer problems show it.
    let twice =
        json!({"kind": "change", "customers": [ids[0], ids[153]], "add": [{"name": "VIP"}]});
    let response = gateway
        .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
        .json(&twice)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "invalid_request").await;
    assert_eq!(problem["errors"][0]["pointer"], "/customers/1", "{problem}");
    let (_, list) = json(
        gateway
            .get(&jobs_path("globex"), "globex-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["jobs"], json!([]), "no job was made");
    assert_eq!(trybe.server.calls(), 0, "nothing reached the vendor");
}

#[tokio::test]
async fn jobs_are_listed_newest_first_and_unknown_ones_are_404() {
    let (_trybe, gateway, ids) = slow_trybe(1).await;
    let mut made = Vec::new();
    for _ in 0..3 {
        let body =
            json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}], "dry_run": true});
        let (_, job) = submit(&gateway, "globex", "globex-key", &body).await;
        made.push(job["id"].as_str().unwrap().to_owned());
    }
    let (status, page) = json(
        gateway
            .get(&format!("{}?limit=2", jobs_path("globex")), "globex-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let first: Vec<&str> = page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(first, [made[2].as_str(), made[1].as_str()]);
    let next = format!(
        "{}?limit=2&cursor={}",
        jobs_path("globex"),
        page["next_cursor"].as_str().unwrap()
    );
    let (_, page) = json(gateway.get(&next, "globex-key").send().await.unwrap()).await;
    assert_eq!(page["jobs"][0]["id"], made[0].as_str());
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
    let bad = format!("{}?cursor=zz", jobs_path("globex"));
    expect_problem(
        gateway.get(&bad, "globex-key").send().await.unwrap(),
        422,
        "invalid_request",
    )
    .await;
    let unknown = format!(
        "{}/01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d",
        jobs_path("globex")
    );
    expect_problem(
        gateway.get(&unknown, "globex-key").send().await.unwrap(),
        404,
        "job_not_found",
    )
    .await;
    let odd = format!("{}/%FF", jobs_path("globex"));
    expect_problem(
        gateway.get(&odd, "globex-key").send().await.unwrap(),
        404,
        "job_not_found",
    )
    .await;
}

#[tokio::test]
async fn a_submission_over_max_body_bytes_is_413() {
    let trybe = TrybeSim::start("t").await.unwrap();
    let config = format!(
        "[jobs]\nmax_body_bytes = 1024\n\n[tenants.globex]\nprovider = \"trybe\"\n\
         base_url = \"{}\"\ntoken = \"t\"\napi_keys = [\"globex-key\"]\n",
        trybe.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    let ids: Vec<String> = (0..40)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}]});
    let response = gateway
        .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_problem(response, 413, "payload_too_large").await;
}

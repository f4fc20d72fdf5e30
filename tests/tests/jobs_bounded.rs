//! Jobs are bounded (contract §10): a tenant past `[jobs] max_active_per_tenant` queued or
//! running jobs is refused with 429 `too_many_jobs`, and a submission that would take the
//! process's jobs past `[jobs] max_memory_bytes` with 503 `jobs_full`; either way no job is
//! made and no vendor is called for it.

use label_gateway_tests::jobs::{jobs_path, submit, until_ended};
use label_gateway_tests::world::{capillary_sim, capillary_tenant};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::trybe::TrybeSim;
use serde_json::{json, Value};

fn uuids(from: usize, count: usize) -> Vec<String> {
    (from..from + count)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect()
}

/// A Trybe tenant whose jobs go one customer at a time, five vendor calls a second: a job of
/// 60 customers is still running when the next submissions come.
async fn slow_trybe(extra: &str) -> (TrybeSim, TestGateway) {
    let trybe = TrybeSim::start("t").await.unwrap();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in uuids(0, 400) {
            data.customers.insert(id, Vec::new());
        }
    }
    let config = format!(
        "[jobs]\nconcurrency = 1\n{extra}\n\n[tenants.globex]\nprovider = \"trybe\"\n\
         base_url = \"{}\"\ntoken = \"t\"\napi_keys = [\"globex-key\"]\n\
         vendor_requests_per_minute = 600\n",
        trybe.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    (trybe, gateway)
}

fn change(customers: &[String]) -> Value {
    json!({"kind": "change", "customers": customers, "add": [{"name": "VIP"}]})
}

async fn listed(gateway: &TestGateway, tenant: &str, key: &str) -> Vec<Value> {
    let path = format!("{}?limit=100", jobs_path(tenant));
    let (status, page) = json(gateway.get(&path, key).send().await.unwrap()).await;
    assert_eq!(status, 200, "{page}");
    page["jobs"].as_array().expect("jobs").clone()
}

fn retry_after(response: &reqwest::Response) -> u64 {
    let value = response.headers().get("retry-after").expect("Retry-After");
    value.to_str().unwrap().parse().expect("whole seconds")
}

async fn submit_raw(gateway: &TestGateway, key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = gateway
        .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("the gateway answers")
}

#[tokio::test]
async fn a_tenant_past_its_most_active_jobs_gets_too_many_jobs_and_no_job_is_made() {
    let (trybe, gateway) = slow_trybe("max_active_per_tenant = 2").await;
    let mut running = Vec::new();
    for first in [0, 60] {
        let (status, job) =
            submit(&gateway, "globex", "globex-key", &change(&uuids(first, 60))).await;
        assert_eq!(status, 202, "{job}");
        running.push(job["id"].as_str().unwrap().to_owned());
    }
    let refused_ids = uuids(200, 50);
    // Refused before its body is read, and, with an Idempotency-Key (which may name a job that
    // exists), by the store in the step that would make the job.
    for key in [None, Some("third-job")] {
        let response = submit_raw(&gateway, key, &change(&refused_ids)).await;
        assert!(retry_after(&response) >= 1);
        let problem = expect_problem(response, 429, "too_many_jobs").await;
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("max_active_per_tenant"));
    }
    let jobs = listed(&gateway, "globex", "globex-key").await;
    assert_eq!(jobs.len(), 2, "no third job: {jobs:?}");

    // Once one has ended, the tenant may submit again.
    let path = format!("{}/{}", jobs_path("globex"), running[0]);
    let cancel = gateway.call(reqwest::Method::DELETE, &path, "globex-key");
    assert!(cancel.send().await.unwrap().status().is_success());
    until_ended(&gateway, "globex", "globex-key", &running[0]).await;
    let (status, job) = submit(&gateway, "globex", "globex-key", &change(&uuids(300, 2))).await;
    assert_eq!(status, 202, "{job}");
    until_ended(&gateway, "globex", "globex-key", &running[1]).await;
    let requests = trybe.server.requests();
    for id in &refused_ids {
        assert!(
            !requests.iter().any(|r| r.target.contains(id.as_str())),
            "a refused job called the vendor for {id}"
        );
    }
}

#[tokio::test]
async fn a_submission_larger_than_the_jobs_memory_is_jobs_full_and_no_job_is_made() {
    let (trybe, gateway) = slow_trybe("max_memory_bytes = 65536").await;
    // Checking 20 000 customers takes a hash of 8 bytes each: past 64 KiB.
    let ids = uuids(0, 20_000);
    let response = submit_raw(&gateway, None, &change(&ids)).await;
    assert!(retry_after(&response) >= 1);
    let problem = expect_problem(response, 503, "jobs_full").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("max_memory_bytes"));
    assert!(listed(&gateway, "globex", "globex-key").await.is_empty());
    assert!(
        trybe.server.requests().is_empty(),
        "no vendor call for a refused job"
    );
    // What the refused one held was given back: a small job fits.
    let (status, job) = submit(&gateway, "globex", "globex-key", &change(&ids[..3])).await;
    assert_eq!(status, 202, "{job}");
}

#[tokio::test]
async fn ended_jobs_count_against_the_jobs_memory_until_it_is_full() {
    let sim = capillary_sim().await;
    let config = format!(
        "[jobs]\nmax_memory_bytes = 1048576\n\n{}",
        capillary_tenant("acme", &sim.server.base_url(), "")
    );
    let gateway = TestGateway::start(&config, &[]).await;
    // Customers the simulator does not know: each fails, and an ended job keeps its problem.
    let mut accepted = 0;
    for round in 0..100u64 {
        let customers: Vec<String> = (0..2000u64)
            .map(|i| (900_000_000 + round * 2000 + i).to_string())
            .collect();
        let body = json!({"kind": "change", "customers": customers, "add": [{"name": "VIP"}]});
        let response = gateway
            .call(reqwest::Method::POST, &jobs_path("acme"), "acme-key")
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status() == 503 {
            assert!(retry_after(&response) >= 1);
            expect_problem(response, 503, "jobs_full").await;
            // Every job before it has ended: what fills the memory is what ended jobs keep.
            let jobs = listed(&gateway, "acme", "acme-key").await;
            assert_eq!(jobs.len(), accepted);
            assert!(
                jobs.iter().all(|job| job["state"] == "succeeded"),
                "{jobs:?}"
            );
            assert!(accepted >= 2, "the first jobs fit: {accepted}");
            return;
        }
        let (status, job) = json(response).await;
        assert_eq!(status, 202, "{job}");
        accepted += 1;
        let job = until_ended(&gateway, "acme", "acme-key", job["id"].as_str().unwrap()).await;
        assert_eq!(job["counts"]["failed"], 2000, "{job}");
    }
    panic!("{accepted} ended jobs never filled 1 MiB");
}

#[tokio::test]
async fn with_state_the_most_active_jobs_hold_fleet_wide_and_a_refused_one_leaves_no_key() {
    let redis = label_gateway_tests::redis::RedisServer::start();
    let trybe = TrybeSim::start("t").await.unwrap();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in uuids(0, 60) {
            data.customers.insert(id, Vec::new());
        }
    }
    let config = format!(
        "[state]\nredis_url = \"{}\"\nkey_prefix = \"bounded\"\n\n[jobs]\nconcurrency = 1\n\
         max_active_per_tenant = 1\n\n[tenants.globex]\nprovider = \"trybe\"\n\
         base_url = \"{}\"\ntoken = \"t\"\napi_keys = [\"globex-key\"]\n\
         vendor_requests_per_minute = 600\n",
        redis.url(),
        trybe.server.base_url()
    );
    let (a, b) = (
        TestGateway::start(&config, &[]).await,
        TestGateway::start(&config, &[]).await,
    );
    let mut first = None;
    // The replicas reach Redis a moment after they listen: a submission before is 503.
    for _ in 0..200 {
        let (code, job) = submit(&a, "globex", "globex-key", &change(&uuids(0, 60))).await;
        if code == 202 {
            assert_eq!(job["durable"], true);
            first = job["id"].as_str().map(str::to_owned);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let first = first.expect("the first job is made");
    // The other replica, with an Idempotency-Key: refused by the script that makes the job.
    for key in [None, Some("second")] {
        let response = b
            .call(reqwest::Method::POST, &jobs_path("globex"), "globex-key")
            .json(&change(&uuids(100, 20)));
        let response = match key {
            Some(key) => response.header("Idempotency-Key", key),
            None => response,
        };
        let response = response.send().await.unwrap();
        expect_problem(response, 429, "too_many_jobs").await;
    }
    let mut manager = redis.manager().await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("bounded:job:*")
        .query_async(&mut manager)
        .await
        .unwrap();
    assert!(
        keys.iter().all(|key| key.contains(&first)),
        "only the first job's keys: {keys:?}"
    );
    assert_eq!(listed(&b, "globex", "globex-key").await.len(), 1);
}

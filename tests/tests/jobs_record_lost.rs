//! A job whose record vanished: the fleet's Redis restarts without persistence while the job
//! runs. The replicas that knew the job say so (410 `job_lost`) rather than pretend it never
//! existed (404), and the job stops; an id no replica ever gave out stays 404.

use std::time::Duration;

use label_gateway_tests::jobs::{jobs_path, submit, until, AT_MOST};
use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::{expect_problem, TestGateway};
use label_sim::trybe::TrybeSim;
use serde_json::json;

#[tokio::test]
async fn a_job_lost_with_a_restarted_redis_answers_410_job_lost_where_it_was_known() {
    let redis = RedisServer::start();
    let trybe = TrybeSim::start("t").await.unwrap();
    let ids: Vec<String> = (0..200)
        .map(|i| format!("30000000-0000-4000-8000-{i:012}"))
        .collect();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in &ids {
            data.customers.insert(id.clone(), Vec::new());
        }
    }
    // About 2 s a chunk of 50: the job is far from done when Redis restarts.
    let config = format!(
        "[state]\nredis_url = \"{}\"\nkey_prefix = \"lost\"\n\n[jobs]\nconcurrency = 2\n\n\
         [tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\ntoken = \"t\"\n\
         api_keys = [\"globex-key\"]\nvendor_requests_per_minute = 6000\n",
        redis.url(),
        trybe.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}]});
    let deadline = tokio::time::Instant::now() + AT_MOST;
    let submitted = loop {
        let (status, submitted) = submit(&gateway, "globex", "globex-key", &body).await;
        if status == 202 {
            break submitted;
        }
        // Until the replica has reached Redis, a submission is 503.
        assert!(tokio::time::Instant::now() < deadline, "{submitted}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let id = submitted["id"].as_str().unwrap().to_owned();
    until(&gateway, "globex", "globex-key", &id, |job| {
        job["counts"]["done"].as_u64() >= Some(50)
    })
    .await;

    redis.restart();
    let path = format!("{}/{id}", jobs_path("globex"));
    let deadline = tokio::time::Instant::now() + AT_MOST;
    let lost = loop {
        let answer = gateway.get(&path, "globex-key").send().await.unwrap();
        // 503 while the replica reconnects; then the job is gone from Redis.
        if answer.status() != 503 {
            break answer;
        }
        assert!(tokio::time::Instant::now() < deadline, "never reconnected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let problem = expect_problem(lost, 410, "job_lost").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Redis"),
        "{problem}"
    );
    let results = gateway
        .get(&format!("{path}/results"), "globex-key")
        .send()
        .await
        .unwrap();
    expect_problem(results, 410, "job_lost").await;
    let cancel = gateway
        .call(reqwest::Method::DELETE, &path, "globex-key")
        .send()
        .await
        .unwrap();
    expect_problem(cancel, 410, "job_lost").await;

    // An id of the same form that no replica gave out is still unknown.
    let never = format!(
        "{}/01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d",
        jobs_path("globex")
    );
    let unknown = gateway.get(&never, "globex-key").send().await.unwrap();
    expect_problem(unknown, 404, "job_not_found").await;
}

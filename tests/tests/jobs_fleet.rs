//! A durable job on two replicas sharing one Redis: the replica running it goes away part-way,
//! and the other takes it over from its last finished chunk. Every customer is done at least
//! once, none is lost, and the job's counts say so.

use label_gateway_tests::jobs::{job, results, submit, until, until_ended};
use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::TestGateway;
use label_sim::trybe::TrybeSim;
use serde_json::json;

const CUSTOMERS: usize = 200;

#[tokio::test]
async fn another_replica_finishes_a_job_whose_replica_died() {
    let redis = RedisServer::start();
    let trybe = TrybeSim::start("t").await.unwrap();
    let ids: Vec<String> = (0..CUSTOMERS)
        .map(|i| format!("10000000-0000-4000-8000-{i:012}"))
        .collect();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in &ids {
            data.customers.insert(id.clone(), Vec::new());
        }
    }
    // Two calls a customer, 50 customers a chunk, 50 calls a second for jobs: a chunk a
    // second or two.
    let config = format!(
        "[state]\nredis_url = \"{}\"\nkey_prefix = \"jobs-test\"\n\n[jobs]\nconcurrency = 2\n\n\
         [tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\ntoken = \"t\"\n\
         api_keys = [\"globex-key\"]\nvendor_requests_per_minute = 6000\n",
        redis.url(),
        trybe.server.base_url()
    );
    let a = TestGateway::start(&config, &[]).await;
    let b = TestGateway::start(&config, &[]).await;
    for replica in [&a, &b] {
        connected(replica).await;
    }
    let body = json!({"kind": "change", "customers": ids, "add": [{"name": "VIP"}]});
    let (status, submitted) = submit(&a, "globex", "globex-key", &body).await;
    assert_eq!(status, 202, "{submitted}");
    assert_eq!(submitted["durable"], true);
    let id = submitted["id"].as_str().unwrap().to_owned();
    // B reads the job A runs, and A dies once a chunk is in.
    let part = until(&b, "globex", "globex-key", &id, |job| {
        job["counts"]["done"].as_u64() >= Some(50)
    })
    .await;
    drop(a);
    assert!(
        part["counts"]["done"].as_u64().unwrap() < CUSTOMERS as u64,
        "A did not finish it: {part}"
    );
    let before = job(&b, "globex", "globex-key", &id).await;
    assert_ne!(before["state"], "succeeded");

    let ended = until_ended(&b, "globex", "globex-key", &id).await;
    assert_eq!(ended["state"], "succeeded", "{ended}");
    let total = CUSTOMERS as u64;
    assert_eq!(
        ended["counts"],
        json!({"total": total, "done": total, "succeeded": total, "failed": 0})
    );
    let items = results(&b, "globex", "globex-key", &id, None).await;
    let listed: Vec<&str> = items
        .iter()
        .map(|i| i["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids, "one item per customer, in order, none lost");
    for id in &ids {
        assert_eq!(trybe.attached_values(id), ["VIP"], "{id}");
    }
}

#[tokio::test]
async fn without_its_redis_a_durable_gateway_refuses_jobs_with_503() {
    let redis = RedisServer::start();
    let trybe = TrybeSim::start("t").await.unwrap();
    let config = format!(
        "[state]\nredis_url = \"{}\"\n\n[tenants.globex]\nprovider = \"trybe\"\n\
         base_url = \"{}\"\ntoken = \"t\"\napi_keys = [\"globex-key\"]\n",
        redis.url(),
        trybe.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    connected(&gateway).await;
    redis.kill_9();
    let body = json!({"kind": "change", "customers": [label_sim::trybe::SAMPLE_CUSTOMER],
        "add": [{"name": "VIP"}]});
    let deadline = tokio::time::Instant::now() + label_gateway_tests::jobs::AT_MOST;
    loop {
        let (status, problem) = submit(&gateway, "globex", "globex-key", &body).await;
        if status == 503 {
            assert_eq!(problem["code"], "state_unavailable", "{problem}");
            break;
        }
        // Until the replica notices Redis is gone, a submission may still find it.
        assert!(tokio::time::Instant::now() < deadline, "{status} {problem}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(trybe.server.calls(), 0, "nothing was sent to the vendor");
    let path = format!(
        "{}/01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d",
        label_gateway_tests::jobs::jobs_path("globex")
    );
    let response = gateway.get(&path, "globex-key").send().await.unwrap();
    label_gateway_tests::expect_problem(response, 503, "state_unavailable").await;
}

/// Waits until the replica's `/readyz` says the shared state is connected.
async fn connected(replica: &TestGateway) {
    let deadline = tokio::time::Instant::now() + label_gateway_tests::jobs::AT_MOST;
    loop {
        let body = replica.readyz().await;
        if body["state"] == "connected" {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Redis never connected"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

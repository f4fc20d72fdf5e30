//! A durable job on two replica processes sharing one real `redis-server`: the replica running
//! it is stopped (SIGTERM) or killed (SIGKILL) mid-chunk, and the other goes on. Stopped, it
//! commits the chunk in flight and frees its lease, so the other resumes at once and no
//! customer is done twice; killed, the chunk it had started is done again, and the customers it
//! had already changed keep the outcome this job got for them, `applied`.

use std::collections::HashMap;
use std::time::Duration;

use label_gateway_tests::child::{serve_if_child, ChildGateway};
use label_gateway_tests::jobs::AT_MOST;
use label_gateway_tests::redis::RedisServer;
use label_sim::trybe::TrybeSim;
use redis::AsyncCommands;
use serde_json::{json, Value};

const CHILD: &str = "replica";
const CUSTOMERS: usize = 200;
/// Two replicas' job scheduler would take a lapsed lease 4 to 8 s after its replica stopped
/// renewing it; a handed-off job goes on within a poll (250 ms). Between the two, with room
/// for a loaded machine.
const HANDED_OFF_WITHIN: Duration = Duration::from_secs(3);

#[test]
#[ignore = "a replica process of the tests below, which start it by name"]
fn replica() {
    serve_if_child();
}

struct Setup {
    redis: RedisServer,
    trybe: TrybeSim,
    config: String,
    ids: Vec<String>,
    http: reqwest::Client,
}

/// 200 Trybe customers; a chunk is 50 of them, and the jobs' budget (half of 6000 a minute,
/// two calls a customer) makes it take about 2 s.
async fn setup() -> Setup {
    let redis = RedisServer::start();
    let trybe = TrybeSim::start("t").await.unwrap();
    let ids: Vec<String> = (0..CUSTOMERS)
        .map(|i| format!("20000000-0000-4000-8000-{i:012}"))
        .collect();
    {
        let mut data = trybe.data.lock().unwrap();
        for id in &ids {
            data.customers.insert(id.clone(), Vec::new());
        }
    }
    let config = format!(
        "[state]\nredis_url = \"{}\"\nkey_prefix = \"handoff\"\n\n[jobs]\nconcurrency = 2\n\n\
         [tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\ntoken = \"t\"\n\
         api_keys = [\"globex-key\"]\nvendor_requests_per_minute = 6000\n",
        redis.url(),
        trybe.server.base_url()
    );
    Setup {
        redis,
        trybe,
        config,
        ids,
        http: reqwest::Client::new(),
    }
}

impl Setup {
    async fn replica(&self) -> ChildGateway {
        let replica = ChildGateway::start(CHILD, &self.config);
        let deadline = tokio::time::Instant::now() + AT_MOST;
        loop {
            let ready = self.http.get(replica.url("/readyz")).send().await;
            if let Ok(ready) = ready {
                let body: Value = ready.json().await.unwrap_or_default();
                if body["state"] == "connected" {
                    return replica;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "never connected");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn submit(&self, replica: &ChildGateway) -> String {
        let body = json!({"kind": "change", "customers": self.ids, "add": [{"name": "VIP"}]});
        let answer = self
            .http
            .post(replica.url("/v1/tenants/globex/jobs"))
            .bearer_auth("globex-key")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        let job: Value = answer.json().await.unwrap();
        job["id"].as_str().unwrap().to_owned()
    }

    async fn job(&self, replica: &ChildGateway, id: &str) -> Value {
        let url = replica.url(&format!("/v1/tenants/globex/jobs/{id}"));
        let answer = self
            .http
            .get(url)
            .bearer_auth("globex-key")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        answer.json().await.unwrap()
    }

    async fn until(&self, replica: &ChildGateway, id: &str, done: impl Fn(&Value) -> bool) {
        let deadline = tokio::time::Instant::now() + AT_MOST;
        loop {
            let job = self.job(replica, id).await;
            if done(&job) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never got there: {job}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn ended(&self, replica: &ChildGateway, id: &str) -> Value {
        self.until(replica, id, |job| job["state"] == "succeeded")
            .await;
        self.job(replica, id).await
    }

    /// Every result's per-label status, in order.
    async fn statuses(&self, replica: &ChildGateway, id: &str) -> Vec<String> {
        let url = replica.url(&format!("/v1/tenants/globex/jobs/{id}/results?limit=1000"));
        let page: Value = self
            .http
            .get(url)
            .bearer_auth("globex-key")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), CUSTOMERS, "{page}");
        items
            .iter()
            .map(|item| item["results"][0]["status"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The vendor requests about each customer: `(reads, attaches)` by customer id.
    fn sent(&self) -> HashMap<String, (usize, usize)> {
        let mut sent: HashMap<String, (usize, usize)> = HashMap::new();
        for request in self.trybe.server.requests() {
            let Some(rest) = request.target.strip_prefix("/customers/customers/") else {
                continue;
            };
            let customer = rest.split('/').next().unwrap().to_owned();
            let counts = sent.entry(customer).or_default();
            match request.method.as_str() {
                "GET" => counts.0 += 1,
                "POST" => counts.1 += 1,
                _ => {}
            }
        }
        sent
    }

    fn attaches(&self) -> usize {
        self.sent().values().map(|(_, attaches)| attaches).sum()
    }

    async fn lease(&self, id: &str) -> Option<String> {
        let key = format!("handoff:job:globex:{id}:lease");
        self.redis.manager().await.get(key).await.unwrap()
    }
}

/// Waits until the chunk in flight has sent 10 to 40 of its 50 customers: well inside it.
async fn mid_chunk(setup: &Setup) -> usize {
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let attaches = setup.attaches();
        if attaches > 50 && (10..=40).contains(&(attaches % 50)) {
            return attaches;
        }
        assert!(tokio::time::Instant::now() < deadline, "no chunk in flight");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_replica_stopped_with_sigterm_hands_its_job_off_and_sends_no_customer_twice() {
    let setup = setup().await;
    let mut a = setup.replica().await;
    let id = setup.submit(&a).await;
    setup
        .until(&a, &id, |job| job["counts"]["done"].as_u64() >= Some(50))
        .await;
    // B comes once A runs the job, so that A holds it.
    let b = setup.replica().await;
    let a_owner = setup.lease(&id).await.expect("A holds the lease");
    let sent_before = mid_chunk(&setup).await;

    a.sigterm();
    let deadline = tokio::time::Instant::now() + AT_MOST;
    let exited_ok = loop {
        if let Some(ok) = a.exited() {
            break ok;
        }
        assert!(tokio::time::Instant::now() < deadline, "A never exited");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let exited = tokio::time::Instant::now();
    assert!(exited_ok, "a SIGTERM ends the replica with status 0");
    assert_ne!(
        setup.lease(&id).await,
        Some(a_owner),
        "A freed its lease as it stopped"
    );
    let after_a = setup.job(&b, &id).await;
    let committed = after_a["counts"]["done"].as_u64().unwrap() as usize;
    assert!(
        committed >= sent_before && committed.is_multiple_of(50) && committed < CUSTOMERS,
        "A committed the chunk it had in flight ({sent_before} sent): {after_a}"
    );
    // B goes on soon after, not once A's lease has lapsed.
    while setup.attaches() == committed {
        assert!(
            exited.elapsed() < HANDED_OFF_WITHIN,
            "B did not resume within {HANDED_OFF_WITHIN:?} of A's exit"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let ended = setup.ended(&b, &id).await;
    let total = CUSTOMERS as u64;
    assert_eq!(
        ended["counts"],
        json!({"total": total, "done": total, "succeeded": total, "failed": 0})
    );
    assert!(setup.statuses(&b, &id).await.iter().all(|s| s == "applied"));
    let sent = setup.sent();
    for customer in &setup.ids {
        assert_eq!(
            sent.get(customer),
            Some(&(1, 1)),
            "{customer}: one read and one attach, by one replica"
        );
    }
}

#[tokio::test]
async fn customers_sent_again_after_a_crash_keep_the_outcome_the_job_first_got() {
    let setup = setup().await;
    let mut a = setup.replica().await;
    let id = setup.submit(&a).await;
    setup
        .until(&a, &id, |job| job["counts"]["done"].as_u64() >= Some(50))
        .await;
    let b = setup.replica().await;
    mid_chunk(&setup).await;

    a.kill_9();
    let sent_by_a = setup.attaches();
    let left = setup.job(&b, &id).await;
    let committed = left["counts"]["done"].as_u64().unwrap() as usize;
    assert!(
        committed < sent_by_a,
        "A died with customers sent and not committed: {left}"
    );

    let ended = setup.ended(&b, &id).await;
    assert_eq!(ended["counts"]["succeeded"], CUSTOMERS as u64, "{ended}");
    let statuses = setup.statuses(&b, &id).await;
    for (place, status) in statuses.iter().enumerate() {
        assert_eq!(
            status, "applied",
            "customer {place} (A sent {committed}..{sent_by_a} and died) keeps its outcome"
        );
    }
    let sent = setup.sent();
    let again = (committed..sent_by_a)
        .filter(|&i| sent[&setup.ids[i]].0 == 2)
        .count();
    assert!(again > 0, "B read again what A had sent uncommitted");
    for customer in &setup.ids {
        assert_eq!(sent[customer].1, 1, "{customer} was attached once");
        assert_eq!(setup.trybe.attached_values(customer), ["VIP"]);
    }
}

//! Events with `[state]`: two replica processes on one real `redis-server`, the Capillary
//! simulator behind them and a webhook receiver in this process. Events recorded through
//! either replica are one feed; the replica delivering a webhook is killed with SIGKILL while
//! the receiver is down for longer than a retry step, and still no event is lost.

use std::collections::HashSet;
use std::time::Duration;

use label_gateway_tests::child::{serve_if_child, ChildGateway};
use label_gateway_tests::fleet::replica_config;
use label_gateway_tests::receiver::{webhook_table, Receiver};
use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::world::{capillary_sim, labels_path};
use serde_json::{json, Value};

const CHILD: &str = "replica";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WAIT: Duration = Duration::from_secs(60);

#[test]
#[ignore = "a replica process of the tests below, which start it by name"]
fn replica() {
    serve_if_child();
}

async fn connected(client: &reqwest::Client, replica: &ChildGateway) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(ready) = client.get(replica.url("/readyz")).send().await {
            let body: Value = ready.json().await.unwrap_or_default();
            if body["state"] == "connected" {
                return;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "never connected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn change(client: &reqwest::Client, replica: &ChildGateway, customer: u64, op: &str) {
    let answer = client
        .patch(replica.url(&labels_path("acme", &customer.to_string())))
        .bearer_auth("acme-key")
        .json(&json!({op: [{"name": "VIP"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
}

/// Every event id of the feed, read through `replica`, page by page.
async fn feed_ids(client: &reqwest::Client, replica: &ChildGateway) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = String::new();
    loop {
        let url = replica.url(&format!("/v1/tenants/acme/events?limit=7{after}"));
        let page: Value = client
            .get(url)
            .bearer_auth("acme-key")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().expect("a page");
        if items.is_empty() {
            return ids;
        }
        ids.extend(items.iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        after = format!("&after={}", page["next_cursor"].as_str().unwrap());
    }
}

#[tokio::test]
async fn no_event_is_lost_through_a_replica_kill_and_a_receiver_down_past_a_retry_step() {
    let redis = RedisServer::start();
    let sim = capillary_sim().await;
    {
        let mut data = sim.data.lock().unwrap();
        for id in 9001..=9010 {
            data.customers.insert(id, Vec::new());
        }
    }
    // Down: every delivery fails until the receiver comes back.
    let receiver = Receiver::start(|_| 503).await;
    let events = format!(
        "\n[events]\nretry_schedule_ms = [{}]",
        ["300"; 30].join(", ")
    );
    let hook = webhook_table("acme", &receiver.url, SECRET, "");
    let config = replica_config(&redis.url(), &sim.server.base_url(), &events, &hook);
    let client = reqwest::Client::new();
    let mut a = ChildGateway::start(CHILD, &config);
    connected(&client, &a).await;
    // A holds the webhook's lease before B exists.
    let mut redis_commands = redis.manager().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("lg-test:webhook:*:lease")
            .query_async(&mut redis_commands)
            .await
            .unwrap();
        if !keys.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no replica took the webhook"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = ChildGateway::start(CHILD, &config);
    connected(&client, &b).await;

    for customer in 9001..=9005 {
        change(&client, &a, customer, "add").await;
        change(&client, &b, customer + 5, "add").await;
    }
    // A is trying (and failing): it has read the events and holds them pending.
    receiver.until(WAIT, |got| got.len() >= 3).await;
    a.kill_9();
    for customer in 9001..=9003 {
        change(&client, &b, customer, "remove").await;
    }
    let recorded = feed_ids(&client, &b).await;
    assert_eq!(
        recorded.len(),
        13,
        "one feed for both replicas: {recorded:?}"
    );
    let unique: HashSet<&String> = recorded.iter().collect();
    assert_eq!(unique.len(), 13);

    // Down for longer than a retry step (B, having taken the webhook over, is refused the same
    // event twice), then back.
    let before = receiver.got().len();
    receiver
        .until(WAIT, |got| {
            let mut since = HashSet::new();
            got[before..]
                .iter()
                .any(|r| !since.insert(r.header("webhook-id").to_owned()))
        })
        .await;
    receiver.answer_with(|_| 200);
    let got = receiver
        .until(WAIT, |got| {
            let delivered: HashSet<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
            recorded.iter().all(|id| delivered.contains(id.as_str()))
        })
        .await;
    // Each customer's events reached the receiver in the order they happened (a delivery
    // repeated after the kill may come twice; the first arrivals keep the order).
    for customer in 9001..=9003 {
        let mut seen: Vec<String> = Vec::new();
        for received in &got {
            let event = received.event();
            if event["data"]["customer_id"].as_str() == Some(&*customer.to_string()) {
                let id = event["id"].as_str().unwrap().to_owned();
                if !seen.contains(&id) {
                    seen.push(id);
                }
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "customer {customer}'s events in order");
    }
    // The deliveries list is the fleet's: what A began and B ended shows as delivered.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let list = |status: &str| {
            client
                .get(b.url(&format!(
                    "/v1/tenants/acme/webhooks/deliveries?status={status}"
                )))
                .bearer_auth("acme-key")
                .send()
        };
        let pending: Value = list("pending").await.unwrap().json().await.unwrap();
        let delivered: Value = list("delivered").await.unwrap().json().await.unwrap();
        let delivered: HashSet<&str> = delivered["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["event_id"].as_str().unwrap())
            .collect();
        if pending["items"] == json!([])
            && recorded.iter().all(|id| delivered.contains(id.as_str()))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{pending} {delivered:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(b);
}

#[tokio::test]
async fn a_change_made_while_redis_is_away_becomes_an_event_once_it_is_back() {
    let fleet = label_gateway_tests::fleet::Fleet::start("", "").await;
    let patch = |gateway: &label_gateway_tests::TestGateway, op: &str| {
        gateway
            .patch(
                &labels_path("acme", label_sim::capillary::SAMPLE_CUSTOMER),
                "acme-key",
                json!({op: [{"name": "VIP"}]}),
            )
            .send()
    };
    assert_eq!(patch(&fleet.a, "add").await.unwrap().status(), 200);
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    // Answered at once: the change is made, its event waits in the process.
    assert_eq!(patch(&fleet.a, "remove").await.unwrap().status(), 200);
    fleet.redis.restart();
    fleet.until_state(&fleet.a, "connected").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let page: Value = fleet
            .b
            .get("/v1/tenants/acme/events", "acme-key")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The restarted Redis lost the first event (no persistence); the kept one arrives.
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if let Some(event) = items.first() {
            assert_eq!(event["data"]["removed"][0]["name"], "VIP", "{page}");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the kept event never arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_feed_in_redis_is_one_for_the_fleet_and_expires_cursors_past_what_it_keeps() {
    let fleet = label_gateway_tests::fleet::Fleet::start("\n[events]\nmax_events = 10", "").await;
    {
        let mut data = fleet.sim.data.lock().unwrap();
        for id in 20_000..20_300 {
            data.customers.insert(id, Vec::new());
        }
    }
    let feed = |gateway: &label_gateway_tests::TestGateway, query: String| {
        let request = gateway.get(&format!("/v1/tenants/acme/events{query}"), "acme-key");
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, empty) = feed(&fleet.a, String::new()).await;
    assert_eq!(status, 200, "{empty}");
    let start = empty["next_cursor"].as_str().unwrap().to_owned();
    let customers: Vec<String> = (20_000..20_300).map(|id| id.to_string()).collect();
    let job = json!({"kind": "change", "customers": customers, "add": [{"name": "VIP"}]});
    let (status, job) = label_gateway_tests::jobs::submit(&fleet.a, "acme", "acme-key", &job).await;
    assert_eq!(status, 202, "{job}");
    label_gateway_tests::jobs::until_ended(
        &fleet.a,
        "acme",
        "acme-key",
        job["id"].as_str().unwrap(),
    )
    .await;
    // Both replicas read one feed: the newest events, the same ids.
    let (_, on_a) = feed(&fleet.a, String::from("?limit=1000")).await;
    let (_, on_b) = feed(&fleet.b, String::from("?limit=1000")).await;
    assert_eq!(on_a["items"], on_b["items"]);
    let kept = on_a["items"].as_array().unwrap();
    assert_eq!(kept.len(), 10, "trimmed to max_events");
    assert_eq!(kept.last().unwrap()["type"], "job.ended");
    // A cursor from before the trimmed events is expired, on either replica.
    for replica in [&fleet.a, &fleet.b] {
        let (status, problem) = feed(replica, format!("?after={start}")).await;
        assert_eq!(status, 410, "{problem}");
        assert_eq!(problem["code"], "cursor_expired");
    }
    // The last page's cursor reads on from there.
    let next = on_a["next_cursor"].as_str().unwrap();
    let (status, page) = feed(&fleet.b, format!("?after={next}")).await;
    assert_eq!((status, page["items"].clone()), (200, json!([])));
}

//! Webhooks over real HTTP: changes made through the gateway (against the Capillary simulator)
//! POSTed to a local receiver, signed so that an independent implementation (the
//! `standardwebhooks` package from PyPI) verifies them, retried on the configured schedule,
//! disabled by a 410, one customer's events in order while another customer's go on.

use std::collections::HashSet;
use std::time::Duration;

use label_gateway_tests::receiver::{Received, Receiver};
use label_gateway_tests::webhooks::{
    change, deliveries, failed_deliveries, start, KEY, SECRET, WAIT,
};
use label_gateway_tests::{json, metric_sum};
use serde_json::{json, Value};

fn customer(received: &Received) -> String {
    received.event()["data"]["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn python_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import standardwebhooks"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Verifies every request with the PyPI `standardwebhooks` package: `Ok(false)` when python3
/// or the package is not installed here (CI installs it: ci/api-checks.sh).
fn verified_by_python(got: &[Received]) -> Result<bool, String> {
    let script = "import json,sys\n\
        from standardwebhooks import Webhook\n\
        items = json.load(sys.stdin)\n\
        hook = Webhook(sys.argv[1])\n\
        for item in items:\n    hook.verify(item['body'], item['headers'])\n\
        print(len(items))\n";
    if !python_available() {
        return Ok(false);
    }
    let items: Vec<Value> = got
        .iter()
        .map(|r| json!({"headers": r.headers, "body": r.body}))
        .collect();
    let mut child = std::process::Command::new("python3")
        .args(["-c", script, SECRET])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(items).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        got.len().to_string()
    );
    Ok(true)
}

#[tokio::test]
async fn each_event_is_posted_alone_signed_as_standard_webhooks_says() {
    let receiver = Receiver::start(|_| 204).await;
    let (_sim, gateway) = start(&receiver, "", "").await;
    change(&gateway, "8001", "add").await;
    change(&gateway, "8002", "add").await;
    let got = receiver.until(WAIT, |got| got.len() >= 2).await;
    for received in &got {
        let event = received.event();
        assert_eq!(event["type"], "customer.labels.changed");
        assert_eq!(received.header("webhook-id"), event["id"].as_str().unwrap());
        assert_eq!(received.header("content-type"), "application/json");
        let timestamp: i64 = received.header("webhook-timestamp").parse().unwrap();
        assert!(timestamp > 1_700_000_000, "Unix seconds: {timestamp}");
        assert!(received.header("webhook-signature").starts_with("v1,"));
    }
    match verified_by_python(&got) {
        Ok(true) => {}
        Ok(false) if std::env::var_os("LABEL_GATEWAY_TEST_REQUIRE_STANDARDWEBHOOKS").is_some() => {
            panic!("CI requires python3 with standardwebhooks (.ci/run installs it)")
        }
        Ok(false) => eprintln!(
            "python3 with standardwebhooks is not installed: the independent check was skipped \
             (pip install standardwebhooks)"
        ),
        Err(why) => panic!("the standardwebhooks package refused a signature: {why}"),
    }
    // And it would refuse a body that is not the one signed.
    let mut tampered = got[0].clone();
    tampered.body = tampered.body.replace("8001", "8009");
    assert!(verified_by_python(&[tampered]).is_err() || !python_available());
    // The same events the feed lists, in the same bytes.
    let (_, feed) = json(
        gateway
            .get("/v1/tenants/acme/events", KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let ids: HashSet<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    for item in feed["items"].as_array().unwrap() {
        assert!(ids.contains(item["id"].as_str().unwrap()));
    }
    let delivered = deliveries(&gateway, "?status=delivered").await;
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    assert_eq!(delivered[0]["last_status"], 204);
    assert_eq!(delivered[0]["attempts"], 1);
    // The admin listener counts them (the recorder is the process's: other tests add to it).
    let metrics = gateway.metrics().await;
    let delivered = [("tenant", "acme"), ("outcome", "delivered")];
    let total = "label_gateway_webhook_deliveries_total";
    assert!(metric_sum(&metrics, total, &delivered) >= 2.0, "{metrics}");
    assert!(
        metrics.contains("label_gateway_webhook_backlog{tenant=\"acme\"}"),
        "{metrics}"
    );
    let latency = "label_gateway_webhook_delivery_seconds_count";
    assert!(
        metric_sum(&metrics, latency, &[("tenant", "acme")]) >= 2.0,
        "{metrics}"
    );
}

#[tokio::test]
async fn a_failed_delivery_is_retried_on_the_schedule_then_delivered_or_failed() {
    let mut calls = 0;
    // Fails twice, then takes it.
    let receiver = Receiver::start(move |_| {
        calls += 1;
        if calls <= 2 {
            503
        } else {
            200
        }
    })
    .await;
    let (_sim, gateway) = start(&receiver, "retry_schedule_ms = [50, 50, 50]", "").await;
    change(&gateway, "8001", "add").await;
    let got = receiver.until(WAIT, |got| got.len() >= 3).await;
    let ids: HashSet<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(ids.len(), 1, "the same event each time");
    let done = loop {
        let all = deliveries(&gateway, "").await;
        if all[0]["status"] != "pending" {
            break all;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(done[0]["status"], "delivered", "{done:?}");
    assert_eq!(done[0]["attempts"], 3);

    // A receiver that never takes it: the schedule runs out and the delivery is failed.
    receiver.answer_with(|_| 500);
    change(&gateway, "8002", "add").await;
    let failed = failed_deliveries(&gateway, 1).await;
    assert_eq!(
        failed[0]["attempts"], 4,
        "the first attempt and three retries"
    );
    assert_eq!(failed[0]["last_status"], 500);
    assert_eq!(
        deliveries(&gateway, "?status=pending").await,
        Vec::<Value>::new()
    );

    // Redelivery queues it again.
    let id = failed[0]["event_id"].as_str().unwrap();
    receiver.answer_with(|_| 200);
    let path = format!("/v1/tenants/acme/events/{id}/redeliver");
    let (status, answer) = json(gateway.post(&path, KEY, json!({})).send().await.unwrap()).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["queued"], 1);
    receiver
        .until(WAIT, |got| {
            got.last().is_some_and(|r| r.header("webhook-id") == id)
        })
        .await;
    let unknown = "/v1/tenants/acme/events/evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d/redeliver";
    let (status, problem) = json(gateway.post(unknown, KEY, json!({})).send().await.unwrap()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("event_not_found"))
    );
}

#[tokio::test]
async fn a_410_disables_the_webhook_and_a_redirect_is_not_followed() {
    let receiver = Receiver::start(|_| 410).await;
    let (_sim, gateway) = start(&receiver, "retry_schedule_ms = [50]", "").await;
    change(&gateway, "8001", "add").await;
    receiver.until(WAIT, |got| got.len() == 1).await;
    change(&gateway, "8002", "add").await;
    let failed = failed_deliveries(&gateway, 2).await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(receiver.got().len(), 1, "nothing is sent after the 410");
    assert!(failed[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("disabled"));
    assert_eq!(failed[1]["last_status"], 410);

    let moved = Receiver::start(|_| 307).await;
    let (_sim, gateway) = start(&moved, "retry_schedule_ms = []", "").await;
    change(&gateway, "8001", "add").await;
    let failed = failed_deliveries(&gateway, 1).await;
    assert_eq!(
        failed[0]["last_status"], 307,
        "a redirect is an answer, not followed"
    );
}

#[tokio::test]
async fn one_customer_s_events_stay_in_order_and_others_do_not_wait_for_it() {
    // Customer 8001's first event is refused until the test lets it through.
    let receiver = Receiver::start(|r| if customer(r) == "8001" { 503 } else { 200 }).await;
    let (_sim, gateway) = start(
        &receiver,
        &format!("retry_schedule_ms = [{}]", ["50"; 30].join(", ")),
        "",
    )
    .await;
    change(&gateway, "8001", "add").await;
    change(&gateway, "8001", "remove").await;
    change(&gateway, "8001", "add").await;
    change(&gateway, "8002", "add").await;
    change(&gateway, "8003", "add").await;
    // The others arrive while 8001's first is still being refused.
    let got = receiver
        .until(WAIT, |got| {
            let others: HashSet<String> = got.iter().map(customer).collect();
            others.contains("8002") && others.contains("8003")
        })
        .await;
    let tried: Vec<Value> = got
        .iter()
        .filter(|r| customer(r) == "8001")
        .map(Received::event)
        .collect();
    let first_id = tried[0]["id"].clone();
    assert!(
        tried.iter().all(|e| e["id"] == first_id),
        "8001's later events wait for its first"
    );
    receiver.answer_with(|_| 200);
    let got = receiver
        .until(WAIT, |got| {
            got.iter()
                .filter(|r| customer(r) == "8001")
                .map(|r| r.header("webhook-id").to_owned())
                .collect::<HashSet<_>>()
                .len()
                == 3
        })
        .await;
    let mut order: Vec<String> = Vec::new();
    for received in got.iter().filter(|r| customer(r) == "8001") {
        let id = received.header("webhook-id").to_owned();
        if order.last() != Some(&id) {
            order.push(id);
        }
    }
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(
        order, sorted,
        "8001's events came in the order they happened"
    );
    assert_eq!(order.len(), 3, "each once, after its retries: {order:?}");
}

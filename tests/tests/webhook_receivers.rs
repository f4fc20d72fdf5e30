//! Receivers that misbehave, and a webhook that a 410 disabled: one that never answers fails its
//! attempt at `delivery_timeout_ms`, one that streams an endless body is read a few KiB and let
//! go, the API answers throughout; a config reload enables a disabled webhook again.

use std::time::Duration;

use label_gateway_tests::receiver::{webhook_table, Receiver};
use label_gateway_tests::webhooks::{change, deliveries, KEY, SECRET, WAIT};
use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path};
use label_gateway_tests::TestGateway;
use serde_json::{json, Value};

/// A receiver that takes connections and never answers.
async fn silent() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

/// A receiver that answers 200 with a body that never ends.
async fn endless() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 65536];
                let _ = socket.read(&mut head).await;
                let start = "HTTP/1.1 200 OK\r\ncontent-length: 1000000000000\r\n\r\n";
                if socket.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 65536];
                while socket.write_all(&chunk).await.is_ok() {}
            });
        }
    });
    (url, task)
}

#[tokio::test]
async fn a_silent_or_endless_receiver_costs_one_attempt_and_never_holds_the_api() {
    let (url, _silent) = silent().await;
    let sim = capillary_sim().await;
    {
        let mut data = sim.data.lock().unwrap();
        data.customers.insert(8001, Vec::new());
        data.customers.insert(8002, Vec::new());
    }
    let (endless_url, _endless) = endless().await;
    let config = format!(
        "[events]\nretry_schedule_ms = []\ndelivery_timeout_ms = 300\n{}{}{}",
        capillary_tenant("acme", &sim.server.base_url(), ""),
        webhook_table("acme", &url, SECRET, ""),
        webhook_table("acme", &endless_url, SECRET, ""),
    );
    let gateway = TestGateway::start(&config, &[]).await;
    // Answered while one receiver holds its connection open and the other streams forever.
    change(&gateway, "8001", "add").await;
    change(&gateway, "8002", "add").await;
    let ended = loop {
        let all = deliveries(&gateway, "").await;
        if all.len() == 4 && all.iter().all(|d| d["status"] != "pending") {
            break all;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    for delivery in &ended {
        if delivery["webhook_url"] == url.as_str() {
            assert_eq!(delivery["status"], "failed", "{delivery}");
            assert_eq!(
                delivery["last_error"],
                "no answer within the delivery timeout"
            );
        } else {
            // Its 200 counts; of its endless body no more than a few KiB were read.
            assert_eq!(delivery["status"], "delivered", "{delivery}");
            assert_eq!(delivery["last_status"], 200);
        }
    }
}

#[tokio::test]
async fn a_webhook_disabled_by_a_410_is_enabled_again_by_a_reload() {
    use label_gateway::http::state::Gateway;
    use label_gateway::serve::{serve_gateway, Listeners};
    let receiver = Receiver::start(|_| 410).await;
    let sim = capillary_sim().await;
    sim.data.lock().unwrap().customers.insert(8001, Vec::new());
    let text = format!(
        "[events]\nretry_schedule_ms = []\n{}{}",
        capillary_tenant("acme", &sim.server.base_url(), ""),
        webhook_table("acme", &receiver.url, SECRET, "")
    );
    let config = label_gateway_tests::parse_config(&text, &[]).unwrap();
    let free = "127.0.0.1:0".parse().unwrap();
    let listeners = Listeners::bind(free, free).await.unwrap();
    let base = format!("http://{}", listeners.public.local_addr().unwrap());
    let gateway = std::sync::Arc::new(Gateway::new(&config));
    let never = std::future::pending();
    let server = tokio::spawn(serve_gateway(
        gateway.clone(),
        listeners,
        never,
        Duration::from_secs(1),
    ));
    let client = reqwest::Client::new();
    let patch = |op: &str| {
        client
            .patch(format!("{base}{}", labels_path("acme", "8001")))
            .bearer_auth(KEY)
            .json(&json!({op: [{"name": "VIP"}]}))
            .send()
    };
    assert_eq!(patch("add").await.unwrap().status(), 200);
    receiver.until(WAIT, |got| got.len() == 1).await;
    receiver.answer_with(|_| 204);
    // Disabled: the next event is not sent.
    assert_eq!(patch("remove").await.unwrap().status(), 200);
    let list = || async {
        let url = format!("{base}/v1/tenants/acme/webhooks/deliveries?status=failed");
        let page: Value = client
            .get(url)
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["items"].as_array().unwrap().len()
    };
    while list().await < 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(receiver.got().len(), 1);
    // The same config again (as SIGHUP would read it): the webhook is enabled.
    gateway.reload(&config);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        assert_eq!(patch("add").await.unwrap().status(), 200);
        if receiver.got().len() > 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never enabled again"
        );
        assert_eq!(patch("remove").await.unwrap().status(), 200);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.abort();
}

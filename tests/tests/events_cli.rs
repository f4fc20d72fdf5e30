//! `label-gateway events` (label-cli's `events`) against a gateway on the Capillary simulator:
//! it prints the feed to its end, and with `--follow` prints what is recorded later; and the
//! demo's events: the feed curl line it prints, and its receiver verifying each webhook.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use label_cli::events::{print_events, EventsCommand};
use label_gateway::demo;
use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path};
use label_gateway_tests::{json, TestGateway};
use label_sim::capillary::SAMPLE_CUSTOMER;
use serde_json::json;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    events: EventsCommand,
}

fn command(args: &[&str]) -> EventsCommand {
    Cli::parse_from(std::iter::once("events").chain(args.iter().copied())).events
}

/// What the command printed so far, shared with the task printing it.
#[derive(Clone, Default)]
struct Printed(Arc<Mutex<Vec<u8>>>);

impl Write for Printed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Printed {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

async fn change(gateway: &TestGateway, body: serde_json::Value) {
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let (status, answer) = json(gateway.patch(&path, "acme-key", body).send().await.unwrap()).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn the_cli_prints_the_feed_and_follows_it() {
    let sim = capillary_sim().await;
    let gateway =
        TestGateway::start(&capillary_tenant("acme", &sim.server.base_url(), ""), &[]).await;
    change(&gateway, json!({"add": [{"name": "VIP"}]})).await;
    let client = label_cli::api_client("acme-key");
    let args = ["--url", &gateway.base_url, "--tenant", "acme"];
    let mut out = Printed::default();
    print_events(&client, &command(&args), &mut out)
        .await
        .unwrap();
    let text = out.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("customer.labels.changed"), "{text}");
    assert!(
        text.contains(&format!("customer {SAMPLE_CUSTOMER} +VIP")),
        "{text}"
    );

    // Following: what is recorded later is printed, once, as JSON lines.
    let follow = [&args[..], &["--follow", "--json", "--interval-ms", "20"]].concat();
    let printed = Printed::default();
    let task = {
        let mut printed = printed.clone();
        let command = command(&follow);
        tokio::spawn(async move {
            let client = label_cli::api_client("acme-key");
            let _ = print_events(&client, &command, &mut printed).await;
        })
    };
    change(&gateway, json!({"remove": [{"name": "VIP"}]})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while printed.text().lines().count() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "{}", printed.text());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    let lines: Vec<serde_json::Value> = printed
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["data"]["removed"][0]["name"], "VIP");
    assert_ne!(lines[0]["id"], lines[1]["id"]);
}

#[tokio::test]
async fn the_demo_prints_its_feed_and_its_receiver_verifies_acme_s_webhooks() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let config = demo::demo_config(&vendors).expect("the demo config is valid");
    let gateway = TestGateway::serve(&config).await;
    let address = |url: &str| url.trim_start_matches("http://").parse().unwrap();
    let banner = demo::banner(address(&gateway.base_url), address(&gateway.admin_url));
    let feed = format!("'{}/v1/tenants/acme/events?limit=10'", gateway.base_url);
    assert!(banner.contains(&feed), "{banner}");
    assert!(banner.contains("label-gateway events --follow"), "{banner}");
    let tenant = &demo::TENANTS[0];
    let path = format!(
        "/v1/tenants/acme/customers/{}/labels",
        tenant.sample_customer
    );
    let body: serde_json::Value = serde_json::from_str(tenant.change.unwrap()).unwrap();
    let (status, _) = json(
        gateway
            .patch(&path, tenant.api_key, body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while vendors.receiver.verified.load(Ordering::Relaxed) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the demo's receiver got nothing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

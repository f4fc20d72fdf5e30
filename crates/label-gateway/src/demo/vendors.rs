//! The demo's vendors: every one simulated on loopback (the `demo` feature's simulators).

use std::net::SocketAddr;

use label_sim::actionhub::{self, ActionHubSim};
use label_sim::capillary::{self, CapillarySim};
use label_sim::trybe::{self, TrybeSim};

use super::{DemoCall, MORE_CALLS, TENANTS};
use crate::config::{self, Config};

const DEMO_CONFIG: &str = include_str!("../../../../config/demo.toml");

/// The simulators behind the demo tenants; they stop when this is dropped.
pub struct DemoVendors {
    pub capillary: CapillarySim,
    pub trybe: TrybeSim,
    pub actionhub: ActionHubSim,
    /// Where acme's change events are POSTed: it prints each.
    pub receiver: super::DemoReceiver,
}

pub async fn start_vendors() -> std::io::Result<DemoVendors> {
    Ok(DemoVendors {
        capillary: CapillarySim::start(capillary::DEMO_USERNAME, capillary::DEMO_PASSWORD).await?,
        trybe: TrybeSim::start(trybe::DEMO_TOKEN).await?,
        actionhub: ActionHubSim::start(actionhub::DEMO_API_KEY).await?,
        receiver: super::DemoReceiver::start().await?,
    })
}

/// The demo config with the simulators' addresses filled in.
pub fn demo_config(vendors: &DemoVendors) -> Result<Config, Vec<config::ConfigProblem>> {
    let lookup = |name: &str| -> Option<String> {
        match name {
            "DEMO_CAPILLARY_URL" => Some(vendors.capillary.server.base_url()),
            "DEMO_CAPILLARY_USERNAME" => Some(capillary::DEMO_USERNAME.to_owned()),
            "DEMO_CAPILLARY_PASSWORD" => Some(capillary::DEMO_PASSWORD.to_owned()),
            "DEMO_TRYBE_URL" => Some(vendors.trybe.server.base_url()),
            "DEMO_TRYBE_TOKEN" => Some(trybe::DEMO_TOKEN.to_owned()),
            "DEMO_ACTIONHUB_URL" => Some(vendors.actionhub.server.base_url()),
            "DEMO_ACTIONHUB_KEY" => Some(actionhub::DEMO_API_KEY.to_owned()),
            "DEMO_WEBHOOK_URL" => Some(vendors.receiver.url.clone()),
            "DEMO_WEBHOOK_SECRET" => Some(super::DEMO_WEBHOOK_SECRET.to_owned()),
            _ => None,
        }
    };
    config::parse(DEMO_CONFIG, &lookup)
}

/// What the demo prints: the tenants, their keys and curl lines that work when pasted.
pub fn banner(addr: SocketAddr, admin: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let mut text = format!("label-gateway demo listening on {base}\n");
    text.push_str(&format!(
        "metrics (admin listener): curl -s http://{admin}/metrics\n\n"
    ));
    text.push_str("tenant    provider    api key\n");
    for t in TENANTS {
        text.push_str(&format!(
            "{:<9} {:<11} {}\n",
            t.tenant, t.provider, t.api_key
        ));
    }
    text.push_str("\nTry:\n");
    for t in TENANTS {
        let auth = format!("-H 'Authorization: Bearer {}'", t.api_key);
        let labels = format!(
            "{base}/v1/tenants/{}/customers/{}/labels",
            t.tenant, t.sample_customer
        );
        text.push_str(&format!("  curl -s {auth} {labels}\n"));
        text.push_str(&format!(
            "  curl -s {auth} {base}/v1/tenants/{}/labels\n",
            t.tenant
        ));
    }
    for t in TENANTS {
        if let Some(change) = t.change {
            text.push_str(&format!(
                "  curl -s -X PATCH -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \\\n       -d '{change}' {base}/v1/tenants/{}/customers/{}/labels\n",
                t.api_key, t.tenant, t.sample_customer
            ));
        }
    }
    text.push_str(
        "\nCreate labels, who has a label, many customers at once, search the catalog, jobs:\n",
    );
    for call in MORE_CALLS {
        text.push_str(&curl_line(&base, call));
    }
    text.push_str(&format!(
        "  printf '564663099\\n565345934\\n' > customers.csv\n  LABEL_GATEWAY_KEY=demo-acme-key label-gateway job --url {base} --tenant acme --add VIP customers.csv\n"
    ));
    text.push_str(&format!(
        "\nChange events: the feed, followed from the command line, and acme's webhook:\n  curl -s -H 'Authorization: Bearer demo-acme-key' '{base}/v1/tenants/acme/events?limit=10'\n  LABEL_GATEWAY_KEY=demo-acme-key label-gateway events --follow --url {base} --tenant acme\n  (acme's events are also POSTed to a local receiver in this demo, which prints a \"webhook received:\" line for each)\n"
    ));
    text.push_str(&format!(
        "\nOpenAPI: {base}/openapi.json   Reference: {base}/docs\n"
    ));
    text
}

fn curl_line(base: &str, call: &DemoCall) -> String {
    let method = match call.method {
        "GET" => String::new(),
        other => format!("-X {other} "),
    };
    let auth = format!("-H 'Authorization: Bearer {}'", call.api_key);
    let url = format!("'{base}{}'", call.path);
    match call.body {
        Some(body) => format!(
            "  curl -s {method}{auth} -H 'Content-Type: application/json' \\\n       -d '{body}' {url}\n"
        ),
        None => format!("  curl -s {method}{auth} {url}\n"),
    }
}

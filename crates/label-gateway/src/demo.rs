//! `label-gateway demo`: every vendor simulated on loopback, one tenant each, ready to curl.

use std::net::SocketAddr;

use label_sim::actionhub::{self, ActionHubSim};
use label_sim::capillary::{self, CapillarySim};
use label_sim::trybe::{self, TrybeSim};

use crate::config::{self, Config};

const DEMO_CONFIG: &str = include_str!("../../../config/demo.toml");

/// The simulators behind the demo tenants; they stop when this is dropped.
pub struct DemoVendors {
    pub capillary: CapillarySim,
    pub trybe: TrybeSim,
    pub actionhub: ActionHubSim,
}

/// One line per demo tenant: what to call and with which key.
pub struct DemoTenant {
    pub tenant: &'static str,
    pub provider: &'static str,
    pub api_key: &'static str,
    pub sample_customer: &'static str,
    /// A change worth pasting, for providers that can write.
    pub change: Option<&'static str>,
}

pub const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        tenant: "acme",
        provider: "capillary",
        api_key: "demo-acme-key",
        sample_customer: capillary::SAMPLE_CUSTOMER,
        change: Some(r#"{"add":[{"name":"VIP"}],"remove":[{"name":"Old1 Customer1"}]}"#),
    },
    DemoTenant {
        tenant: "globex",
        provider: "trybe",
        api_key: "demo-globex-key",
        sample_customer: trybe::SAMPLE_CUSTOMER,
        change: Some(r#"{"add":[{"name":"Gym Member"}],"remove":[{"name":"VIP"}]}"#),
    },
    DemoTenant {
        tenant: "initech",
        provider: "actionhub",
        api_key: "demo-initech-key",
        sample_customer: actionhub::SAMPLE_USER,
        change: None,
    },
];

/// A call of the routes beyond one customer at a time, printed as a curl line, and the status
/// it gets from a fresh demo when the calls are made in this order.
pub struct DemoCall {
    pub tenant: &'static str,
    pub api_key: &'static str,
    pub method: &'static str,
    /// The path and query, after the gateway's address.
    pub path: &'static str,
    pub body: Option<&'static str>,
    pub status: u16,
}

const fn call(
    (tenant, api_key): (&'static str, &'static str),
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    status: u16,
) -> DemoCall {
    DemoCall {
        tenant,
        api_key,
        method,
        path,
        body,
        status,
    }
}

const ACME: (&str, &str) = ("acme", "demo-acme-key");
const GLOBEX: (&str, &str) = ("globex", "demo-globex-key");
const INITECH: (&str, &str) = ("initech", "demo-initech-key");

pub const MORE_CALLS: &[DemoCall] = &[
    call(
        ACME,
        "POST",
        "/v1/tenants/acme/labels",
        Some(r#"{"name":"Summer 2025","description":"Summer campaign","colour":"ff6634"}"#),
        201,
    ),
    call(
        GLOBEX,
        "POST",
        "/v1/tenants/globex/labels",
        Some(r#"{"name":"Summer 2025","colour":"ff6634"}"#),
        201,
    ),
    call(
        ACME,
        "GET",
        "/v1/tenants/acme/labels/20942/customers?limit=10",
        None,
        200,
    ),
    call(
        ACME,
        "PATCH",
        "/v1/tenants/acme/labels/20960/customers",
        Some(r#"{"add":["564663098","565345934"],"remove":["564663099"]}"#),
        200,
    ),
    call(
        GLOBEX,
        "PATCH",
        "/v1/tenants/globex/labels/8c3f0d2e-6a1b-4c5d-9e7f-000000000001/customers",
        Some(r#"{"add":["3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"]}"#),
        200,
    ),
    call(
        ACME,
        "POST",
        "/v1/tenants/acme/customers/labels:batchGet",
        Some(r#"{"customer_ids":["564663098","565345934","564663099"]}"#),
        200,
    ),
    call(
        GLOBEX,
        "POST",
        "/v1/tenants/globex/customers/labels:batchGet",
        Some(
            r#"{"customer_ids":["9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b","3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"]}"#,
        ),
        200,
    ),
    call(
        ACME,
        "PATCH",
        "/v1/tenants/acme/customers/565345934/labels",
        Some(r#"{"add":[{"name":"Spring 2026"}],"create_missing":true}"#),
        200,
    ),
    call(
        ACME,
        "GET",
        "/v1/tenants/acme/labels?q=customer&include=raw",
        None,
        200,
    ),
    call(
        INITECH,
        "GET",
        "/v1/tenants/initech/labels?q=fan",
        None,
        200,
    ),
];

pub async fn start_vendors() -> std::io::Result<DemoVendors> {
    Ok(DemoVendors {
        capillary: CapillarySim::start(capillary::DEMO_USERNAME, capillary::DEMO_PASSWORD).await?,
        trybe: TrybeSim::start(trybe::DEMO_TOKEN).await?,
        actionhub: ActionHubSim::start(actionhub::DEMO_API_KEY).await?,
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
            _ => None,
        }
    };
    config::parse(DEMO_CONFIG, &lookup)
}

/// What the demo prints: the tenants, their keys and curl lines that work when pasted.
pub fn banner(addr: SocketAddr) -> String {
    let base = format!("http://{addr}");
    let mut text = format!("label-gateway demo listening on {base}\n\n");
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
        "\nCreate labels, who has a label, many customers at once, search the catalog:\n",
    );
    for call in MORE_CALLS {
        text.push_str(&curl_line(&base, call));
    }
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

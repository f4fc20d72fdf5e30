//! The passthrough tests' world: one tenant per provider on a recording fake vendor (below
//! `/base`), with narrow allow-lists, and `open`, whose allow-list lets every path through;
//! and a client that sends a request target exactly as written.

#![allow(dead_code)] // each test file that includes it uses a part of it

use label_gateway_tests::TestGateway;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::fake_vendor::{FakeVendor, Received, Reply};

pub const CAP_USER: &str = "till_refuse";
pub const CAP_PASSWORD: &str = "cap-pw-Hk38sd-refuse";
pub const TRYBE_TOKEN: &str = "trybe-tok-Vb61qa-refuse";
pub const AH_KEY: &str = "ah-key-Rt52mx-refuse";

/// One tenant per provider on the fake vendor (below `/base`), with narrow allow-lists, and
/// `open`, whose allow-list lets every path through: what refuses a hostile path there is the
/// path rule alone.
pub fn config(vendor: &str) -> String {
    let common = "cache_ttl_seconds = 0\ncircuit_failures = 1000";
    format!(
        r#"
[server]
max_body_bytes = 2048

[tenants.cap]
provider = "capillary"
base_url = "{vendor}/base"
username = "{CAP_USER}"
password = "{CAP_PASSWORD}"
api_keys = ["cap-client"]
{common}
passthrough = [
    {{ methods = ["GET"], path = "/v2/customers/*/labels" }},
    {{ methods = ["POST"], path = "/v2/x/**" }},
]

[tenants.try]
provider = "trybe"
base_url = "{vendor}/base"
token = "{TRYBE_TOKEN}"
api_keys = ["trybe-client"]
{common}
passthrough = [{{ methods = ["GET"], path = "/echo" }}]

[tenants.ah]
provider = "actionhub"
base_url = "{vendor}/base"
api_key = "{AH_KEY}"
program_id = "prog-42"
api_keys = ["ah-client"]
{common}
passthrough = [{{ methods = ["GET"], path = "/echo" }}]

[tenants.open]
provider = "trybe"
base_url = "{vendor}/base"
token = "{TRYBE_TOKEN}"
api_keys = ["open-client"]
{common}
max_retries = 0
passthrough = [{{ methods = ["GET", "POST", "PUT", "PATCH", "DELETE"], path = "/**" }}]
"#
    )
}

pub async fn start(
    answer: impl Fn(&Received) -> Reply + Send + Sync + 'static,
) -> (FakeVendor, TestGateway) {
    let vendor = FakeVendor::start(answer).await;
    let gateway = TestGateway::start(&config(&vendor.base_url), &[]).await;
    (vendor, gateway)
}

pub fn ok(_: &Received) -> Reply {
    Reply::json(200, json!({"ok": true}))
}

/// Sends `target` exactly as written (no URL library normalizes it on the way) and returns the
/// status and the body.
pub async fn raw_get(gateway: &TestGateway, target: &str, key: &str) -> (u16, String) {
    let addr = gateway.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

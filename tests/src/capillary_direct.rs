//! Calls straight to the Capillary simulator, as a backend makes them (credentials `u`/`p`),
//! for the tests of the simulator itself.

use label_sim::capillary::{basic_authorization, CapillarySim};
use reqwest::Method;
use serde_json::Value;

/// The status and JSON body (Null when there is none) of `method path` with `body`.
pub async fn call(
    sim: &CapillarySim,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sim.server.base_url());
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("authorization", basic_authorization("u", "p"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

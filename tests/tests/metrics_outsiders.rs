//! Nobody without a key learns which tenants exist, from the answers or from the metrics
//! : every `/v1` route, asked by an outsider in every way a key can fail to be
//! accepted, answers a tenant that exists exactly as one that does not, and counts the request
//! under `tenant="unauthenticated"`, never under the tenant its path named.
//!
//! The metrics are read from what `/metrics` renders (`telemetry::render`), whichever listener
//! serves it; the recorder is process-wide, so counts are compared before and after.

use std::sync::Arc;

use axum::extract::State;
use label_gateway::http::state::Gateway;
use label_gateway_tests::{metric_sum as sum, parse_config};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::Method;
use serde_json::Value;

const CONFIG: &str = r#"
[tenants.vault]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["vault-key"]
"#;

/// `vault` exists; `vault-ghost` does not.
const NAMED: [&str; 2] = ["vault", "vault-ghost"];

/// Every way of not presenting an accepted key: none, an unknown one, the right one twice or
/// beside a wrong one, in another scheme, empty.
const KEYLESS: [&[&str]; 6] = [
    &[],
    &["Bearer not-a-key"],
    &["Bearer vault-key", "Bearer not-a-key"],
    &["Bearer vault-key", "Bearer vault-key"],
    &["Basic dmF1bHQta2V5"],
    &["Bearer "],
];

fn routes(tenant: &str) -> [(Method, String); 5] {
    let labels = format!("/v1/tenants/{tenant}/customers/564663098/labels");
    [
        (Method::GET, format!("/v1/tenants/{tenant}")),
        // Answered by the front.
        (Method::GET, labels.clone()),
        // An escaped segment: answered by the router.
        (
            Method::GET,
            format!("/v1/tenants/{tenant}/customers/56466%3098/labels"),
        ),
        (Method::PATCH, labels),
        (Method::GET, format!("/v1/tenants/{tenant}/labels")),
    ]
}

async fn scrape(state: &label_gateway::http::state::AppState) -> String {
    let response = label_gateway::http::exchange::render(State(state.clone())).await;
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the metrics");
    String::from_utf8(body.to_vec()).expect("text")
}

/// What an answer tells about the tenant: status, header names, and the body but its id.
async fn shape(response: reqwest::Response) -> (u16, Vec<String>, Option<String>, Value) {
    let status = response.status().as_u16();
    let mut names: Vec<String> = response
        .headers()
        .keys()
        .filter(|name| !matches!(name.as_str(), "x-request-id" | "date"))
        .map(|name| name.to_string())
        .collect();
    names.sort();
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let mut body: Value = response.json().await.expect("a problem");
    body.as_object_mut()
        .expect("an object")
        .remove("request_id");
    (status, names, challenge, body)
}

#[tokio::test]
async fn an_outsider_learns_no_tenant_from_answers_or_metrics() {
    let config = parse_config(CONFIG, &[]).expect("a valid config");
    let state = Arc::new(Gateway::new(&config));
    let free = "127.0.0.1:0".parse().unwrap();
    let listeners = label_gateway::serve::Listeners::bind(free, free)
        .await
        .unwrap();
    let base = format!("http://{}", listeners.public.local_addr().unwrap());
    let grace = label_gateway::serve::SHUTDOWN_GRACE;
    let never = std::future::pending();
    let serving = tokio::spawn(label_gateway::serve::serve_gateway(
        state.clone(),
        listeners,
        never,
        grace,
    ));
    let client = reqwest::Client::new();
    let http = "label_gateway_http_requests_total";
    let outsiders = [("tenant", "unauthenticated"), ("status", "401")];
    let before = sum(&scrape(&state).await, http, &outsiders);
    let mut sent = 0.0;
    for authorization in KEYLESS {
        for index in 0..routes("x").len() {
            let mut shapes = Vec::new();
            for tenant in NAMED {
                let (method, path) = routes(tenant)[index].clone();
                let mut request = client
                    .request(method, format!("{base}{path}"))
                    .header(CONTENT_TYPE, "application/json")
                    .body(r#"{"add":[{"name":"VIP"}]}"#);
                for value in authorization {
                    request = request.header(AUTHORIZATION, *value);
                }
                let answer = shape(request.send().await.unwrap()).await;
                assert_eq!(answer.0, 401, "{path} with {authorization:?}: {answer:?}");
                shapes.push(answer);
                sent += 1.0;
            }
            assert_eq!(
                shapes[0], shapes[1],
                "route {index} with {authorization:?} tells the tenants apart"
            );
        }
    }
    let text = scrape(&state).await;
    assert_eq!(sum(&text, http, &outsiders) - before, sent, "{text}");
    assert!(!text.contains("vault-ghost"), "{text}");
    let named = text
        .lines()
        .filter(|line| line.starts_with(http) && line.contains("tenant=\"vault\""))
        .collect::<Vec<_>>();
    assert!(
        named.is_empty(),
        "an outsider's request named a tenant: {named:?}"
    );
    // The tenant's own key is counted under it: the series above would have shown it.
    let own = client
        .get(format!("{base}/v1/tenants/vault"))
        .bearer_auth("vault-key")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let text = scrape(&state).await;
    let mine = [("tenant", "vault"), ("status", "200")];
    assert_eq!(sum(&text, http, &mine), 1.0, "{text}");
    serving.abort();
}

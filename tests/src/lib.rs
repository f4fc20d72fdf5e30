//! Shared helpers for the end-to-end tests: start simulators and the real gateway on loopback
//! (port 0) and talk to it over HTTP, as a client would.

pub mod actionhub;
pub mod cache;
pub mod capillary_direct;
pub mod child;
pub mod conformance;
pub mod conformance_more;
pub mod fleet;
pub mod jobs;
pub mod procfs;
pub mod raw_vendor;
pub mod receiver;
pub mod redis;
pub mod subjects;
pub mod webhooks;
pub mod world;

use std::collections::HashMap;

use label_gateway::config;
use reqwest::{Client, Method, RequestBuilder};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A gateway serving on 127.0.0.1 at a free port, its admin listener on another; it stops when
/// dropped.
pub struct TestGateway {
    pub base_url: String,
    /// The admin listener: `/metrics` and the probes.
    pub admin_url: String,
    pub client: Client,
    task: JoinHandle<std::io::Result<()>>,
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestGateway {
    /// Starts the gateway with a TOML config whose `${NAME}` values come from `vars`.
    pub async fn start(toml: &str, vars: &[(&str, String)]) -> Self {
        let config = parse_config(toml, vars).unwrap_or_else(|problems| {
            panic!("test config rejected: {problems:?}");
        });
        Self::serve(&config).await
    }

    /// Starts the gateway with a config already made; whatever its `admin_listen`, the admin
    /// listener takes a free port, so that tests can run side by side.
    pub async fn serve(config: &config::Config) -> Self {
        let mut config = config.clone();
        config.server.admin_listen = ([127, 0, 0, 1], 0).into();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let spawned = label_gateway::serve::spawn(&config, listener)
            .await
            .expect("the admin listener binds");
        Self {
            base_url,
            admin_url: format!("http://{}", spawned.admin),
            client: Client::new(),
            task: spawned.task,
        }
    }

    /// The gateway's metrics, as a scraper reads them from the admin listener.
    pub async fn metrics(&self) -> String {
        let response = self
            .client
            .get(format!("{}/metrics", self.admin_url))
            .send()
            .await
            .expect("the admin listener answers");
        assert_eq!(response.status(), 200);
        response.text().await.expect("a text body")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A request with `Authorization: Bearer <key>`.
    pub fn call(&self, method: Method, path: &str, key: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(key)
    }

    pub fn get(&self, path: &str, key: &str) -> RequestBuilder {
        self.call(Method::GET, path, key)
    }

    pub fn patch(&self, path: &str, key: &str, body: serde_json::Value) -> RequestBuilder {
        self.call(Method::PATCH, path, key).json(&body)
    }

    pub fn post(&self, path: &str, key: &str, body: serde_json::Value) -> RequestBuilder {
        self.call(Method::POST, path, key).json(&body)
    }

    /// The replica's `/readyz` body (`null` if it did not answer JSON).
    pub async fn readyz(&self) -> serde_json::Value {
        let answer = self.client.get(self.url("/readyz")).send().await.unwrap();
        answer.json().await.unwrap_or_default()
    }
}

pub fn parse_config(
    toml: &str,
    vars: &[(&str, String)],
) -> Result<config::Config, Vec<config::ConfigProblem>> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    config::parse(toml, &|name: &str| vars.get(name).cloned())
}

/// The status and the JSON body of a response (Null for an empty body).
pub async fn json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    let value = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    };
    (status, value)
}

/// Checks an error answer against the contract: problem+json, its status, its code.
pub async fn expect_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> serde_json::Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let has_request_id = response.headers().contains_key("x-request-id");
    let (got, body) = json(response).await;
    assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], "about:blank");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    assert!(has_request_id && body["request_id"].is_string(), "{body}");
    body
}

/// In a Prometheus text page, the sum of the samples of `family` whose labels include every one
/// of `labels`.
pub fn metric_sum(text: &str, family: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(&format!("{family}{{")))
        .filter(|line| {
            labels
                .iter()
                .all(|(k, v)| line.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

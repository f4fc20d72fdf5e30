//! What the benchmark binaries share: serving an axum app on a given address (the ceiling and the
//! minimal proxy), the gateway and the customers a client binary talks to (`fill`, `many`), and
//! counting the answers of many requests sent a few at a time.

use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use futures::stream::{self, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::Method;

/// The gateway's route for one customer's labels, as axum spells it: the ceiling and the minimal
/// proxy answer on it so that wrk loads them with the gateway's own URL.
pub const CUSTOMER_LABELS_ROUTE: &str = "/v1/tenants/{tenant}/customers/{customer_id}/labels";

/// Serves `app` on `listen` until killed; `name` says who failed, on stderr.
pub async fn serve(listen: SocketAddr, app: Router, name: &str) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {listen}: {err}");
            return ExitCode::FAILURE;
        }
    };
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{name} stopped: {err}");
            ExitCode::FAILURE
        }
    }
}

/// What a client binary loads (`fill`, `many`): the customers, on the gateway's tenant.
#[derive(clap::Args)]
pub struct Load {
    #[command(flatten)]
    pub gateway: Gateway,
    #[command(flatten)]
    pub customers: Customers,
}

/// The gateway, tenant and key a client binary sends its requests with, and the one pooled
/// client it sends them on.
#[derive(clap::Args)]
pub struct Gateway {
    /// The gateway, e.g. http://127.0.0.1:18080
    #[arg(long)]
    pub gateway: String,
    #[arg(long)]
    pub tenant: String,
    #[arg(long)]
    pub key: String,
    #[arg(skip)]
    client: reqwest::Client,
}

impl Gateway {
    /// The tenant's base URL: `{gateway}/v1/tenants/{tenant}`.
    pub fn tenant_url(&self) -> String {
        format!("{}/v1/tenants/{}", self.gateway, self.tenant)
    }

    /// A request to `path` under the tenant's base URL, with the key.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.tenant_url()))
            .bearer_auth(&self.key)
    }

    /// A GET of one customer's labels: true when it answered 2xx, `check` holds for its
    /// headers, and its whole body came.
    pub fn read(
        &self,
        customer: impl std::fmt::Display,
        check: fn(&HeaderMap) -> bool,
    ) -> impl Future<Output = bool> {
        let sent = self
            .request(Method::GET, &format!("/customers/{customer}/labels"))
            .send();
        async move {
            let Ok(response) = sent.await else {
                return false;
            };
            let ok = response.status().is_success() && check(response.headers());
            ok && response.bytes().await.is_ok()
        }
    }
}

/// The customers a client binary reads or changes: the ids `first..first + count`.
#[derive(clap::Args)]
pub struct Customers {
    /// The first customer id; the others follow it.
    #[arg(long, default_value_t = 1_000_000)]
    pub first: u64,
    #[arg(long, default_value_t = 100_000)]
    pub count: u64,
}

impl Customers {
    /// `count` ids from `first` on.
    pub fn ids(&self) -> std::ops::Range<u64> {
        self.ids_from(self.first)
    }

    /// `count` ids from `start` on: a run's own customers, beside the first run's.
    pub fn ids_from(&self, start: u64) -> std::ops::Range<u64> {
        start..start + self.count
    }
}

/// Runs `checks` at most `concurrency` at a time and counts those that came out true.
pub async fn count_ok<F>(checks: impl Iterator<Item = F>, concurrency: usize) -> u64
where
    F: Future<Output = bool>,
{
    stream::iter(checks)
        .buffer_unordered(concurrency)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await as u64
}

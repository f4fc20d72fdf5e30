//! The gateway's TOML config: read, `${VAR}`-substituted, and checked whole, so that every
//! problem is reported at once with its key path and the gateway never starts half-configured.

mod client_rates;
mod cors;
mod document;
mod env;
mod events;
mod fields;
mod jobs;
mod keys;
mod locate;
mod outbound;
mod passthrough;
mod path;
mod resilience;
mod state;
mod tenant;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use label_core::LabelProvider;

pub use client_rates::ClientRate;
pub use cors::origin as cors_origin;
pub use events::{EventsConfig, Webhook};
pub use keys::{ApiKey, ApiKeyError};
pub use passthrough::{AllowList, Rule as PassthroughRule};
pub use state::StateConfig;

#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub cache: CacheConfig,
    pub idempotency: IdempotencyConfig,
    pub jobs: JobsConfig,
    pub events: EventsConfig,
    /// Sorted by id.
    pub tenants: Vec<Tenant>,
    /// `[state]`: `None` keeps everything in the process.
    pub state: Option<StateConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// `None`: the command line's `--listen`, or the default.
    pub listen: Option<SocketAddr>,
    pub max_body_bytes: usize,
    /// Open client connections at most; more wait in the listen backlog.
    pub max_connections: usize,
    /// A client must send its request headers within this, or its connection is closed.
    pub header_read_timeout: Duration,
    /// A request head over this is answered 431.
    pub max_header_bytes: usize,
    /// A request body must have arrived whole within this once its head is in.
    pub body_read_timeout: Duration,
    /// Once read from, a body must keep arriving at this many bytes a second (after a grace of
    /// two seconds), else 408.
    pub min_body_bytes_per_second: u64,
    /// Connections one API key may have reading a body at once; past it, 429.
    pub max_connections_per_key: usize,
    /// A vendor answer over this is `upstream_error`, read no further.
    pub max_upstream_body_bytes: usize,
    /// The vendor bytes all requests may hold at once; a call past it waits within its
    /// deadline, else `upstream_busy`.
    pub max_upstream_bytes_in_flight: usize,
    /// Where `/metrics` (with `/healthz` and `/readyz`) is served, apart from clients.
    pub admin_listen: SocketAddr,
    /// Browser origins allowed to call the API (CORS); none by default.
    pub cors_allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    pub ttl_seconds: u64,
    pub max_entries: u64,
    /// How long a `customer_not_found` is kept.
    pub negative_ttl_seconds: u64,
    /// How long an expired entry may still be served while the vendor fails.
    pub stale_if_error_seconds: u64,
    /// What the entries may weigh in all, in bytes of the process's memory.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyConfig {
    /// What the kept answers may weigh in all, in bytes of the process's memory.
    pub max_bytes: u64,
}

/// `[jobs]`: what a job submission may carry and how hard a job may use a tenant's vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct JobsConfig {
    /// Customers one job may name.
    pub max_customers: usize,
    /// A job submission's body, in bytes (`[server] max_body_bytes` is for the other routes).
    pub max_body_bytes: usize,
    /// The share of a tenant's `vendor_requests_per_minute` that jobs leave to interactive
    /// requests.
    pub interactive_share: f64,
    /// Vendor calls one job has in flight at most.
    pub concurrency: usize,
    /// Jobs one tenant may have queued or running at once (fleet-wide with `[state]`).
    pub max_active_per_tenant: usize,
    /// What all jobs of the process may hold: submissions being read, running and ended jobs.
    pub max_memory_bytes: usize,
}

#[derive(Clone)]
pub struct Tenant {
    pub id: String,
    pub provider: Arc<dyn LabelProvider>,
    pub base_url: url::Url,
    pub api_keys: Vec<ApiKey>,
    /// Each of `api_keys`' limit, in the same order (the tenant's `client_rate_limit` for a
    /// key that names none); `None`: not limited.
    pub client_rates: Vec<Option<ClientRate>>,
    /// Overrides `[cache] ttl_seconds`; `Some(0)` turns this tenant's cache off.
    pub cache_ttl_seconds: Option<u64>,
    pub resilience: Resilience,
    /// Tenants whose labels a copy job may read into this one.
    pub copy_from: Vec<String>,
    /// The vendor calls its clients may make past the model (`passthrough`).
    pub passthrough: Arc<AllowList>,
    /// Where this tenant's change events are POSTed.
    pub webhooks: Vec<Webhook>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resilience {
    /// Bounds the whole wait on the vendor, retries included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_retries: u32,
    /// Consecutive failed vendor calls that open the circuit.
    pub circuit_failures: u32,
    pub circuit_open: Duration,
    /// Concurrent calls to this tenant's vendor.
    pub max_in_flight: usize,
    /// The calls the whole fleet may send this tenant's vendor, if capped.
    pub budget: Option<Budget>,
    /// The least time a call must have left to be worth sending (the floor under the tenant's
    /// recent p95 vendor latency): a call that would wait past it for the budget is refused.
    pub min_call: Duration,
    /// A vendor's `Retry-After` is cut to this before a client or the breaker sees it.
    pub max_retry_after: Duration,
}

/// `vendor_requests_per_minute`: over any 60 s, at most `per_minute` + `burst` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: u32,
    pub burst: u32,
}

/// One thing wrong with a config, at a key path such as `tenants.acme.base_url` (`""` for
/// the file as a whole). The message never holds a configured value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub path: String,
    pub message: String,
    /// Where in the text the path is (a missing key: the table it belongs in).
    pub at: Option<Position>,
    /// The file, when the config was read from one ([`load`]).
    pub file: Option<String>,
}

/// A line and a column, both counted from 1, the column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: None,
            max_body_bytes: 65_536,
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            body_read_timeout: Duration::from_secs(10),
            min_body_bytes_per_second: 1024,
            max_connections_per_key: 1024 / 8,
            max_upstream_body_bytes: 4 * 1024 * 1024,
            max_upstream_bytes_in_flight: 64 * 1024 * 1024,
            admin_listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            cors_allowed_origins: Vec::new(),
        }
    }
}

impl Default for IdempotencyConfig {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl_seconds: 60,
            max_entries: 100_000,
            negative_ttl_seconds: 5,
            stale_if_error_seconds: 0,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

impl Default for Resilience {
    fn default() -> Self {
        Self {
            timeout: Duration::from_millis(3000),
            connect_timeout: Duration::from_millis(1000),
            max_retries: 2,
            circuit_failures: 5,
            circuit_open: Duration::from_secs(30),
            max_in_flight: 64,
            budget: None,
            min_call: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl Config {
    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants
            .binary_search_by(|tenant| tenant.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.tenants[i])
    }
}

impl Tenant {
    /// This tenant's entry lifetime: its own, else the `[cache]` default.
    pub fn cache_ttl(&self, cache: &CacheConfig) -> Duration {
        Duration::from_secs(self.cache_ttl_seconds.unwrap_or(cache.ttl_seconds))
    }
}

/// A provider has no `Debug`, and its keys are secrets: show the provider's name and only
/// how many keys there are.
impl fmt::Debug for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tenant")
            .field("id", &self.id)
            .field("provider", &self.provider.name())
            .field("base_url", &self.base_url.as_str())
            .field("api_keys", &self.api_keys.len())
            .field("client_rates", &self.client_rates)
            .field("cache_ttl_seconds", &self.cache_ttl_seconds)
            .field("resilience", &self.resilience)
            .field("copy_from", &self.copy_from)
            .field("passthrough", &self.passthrough)
            .field("webhooks", &self.webhooks)
            .finish()
    }
}

impl ConfigProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            at: None,
            file: None,
        }
    }
}

/// `file:line:column: path: message`, as compilers write it (editors and terminals open the
/// file at that place); the path alone for a config that came from no file.
impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.at) {
            (Some(file), Some(at)) => write!(f, "{file}:{}:{}: ", at.line, at.column)?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConfigProblem {}

/// Reads and checks a config file, substituting `${VAR}` from the process environment; every
/// problem names the file.
pub fn load(path: &Path) -> Result<Config, Vec<ConfigProblem>> {
    let file = path.display().to_string();
    let in_file = |mut problem: ConfigProblem| {
        problem.file = Some(file.clone());
        problem
    };
    let text = std::fs::read_to_string(path).map_err(|err| {
        vec![in_file(ConfigProblem::new(
            "",
            format!("cannot read the file: {err}"),
        ))]
    })?;
    parse(&text, &|name| std::env::var(name).ok())
        .map_err(|problems| problems.into_iter().map(in_file).collect())
}

/// Checks a config's text, taking `${VAR}` values from `env`; every problem is reported.
pub fn parse(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, Vec<ConfigProblem>> {
    document::read(text, env)
}

//! The gateway's TOML config: read, `${VAR}`-substituted, and checked whole, so that every
//! problem is reported at once with its key path and the gateway never starts half-configured.

mod env;
mod fields;
mod keys;
mod path;
mod tenant;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use label_core::LabelProvider;

use fields::Section;
pub use keys::{ApiKey, ApiKeyError};

#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub cache: CacheConfig,
    /// Sorted by id.
    pub tenants: Vec<Tenant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// `None`: the command line's `--listen`, or the default.
    pub listen: Option<SocketAddr>,
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    pub ttl_seconds: u64,
    pub max_entries: u64,
    /// How long a `customer_not_found` is kept.
    pub negative_ttl_seconds: u64,
    /// How long an expired entry may still be served while the vendor fails.
    pub stale_if_error_seconds: u64,
}

#[derive(Clone)]
pub struct Tenant {
    pub id: String,
    pub provider: Arc<dyn LabelProvider>,
    pub base_url: url::Url,
    pub api_keys: Vec<ApiKey>,
    /// Overrides `[cache] ttl_seconds`; `Some(0)` turns this tenant's cache off.
    pub cache_ttl_seconds: Option<u64>,
    pub resilience: Resilience,
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
}

/// One thing wrong with a config, at a key path such as `tenants.acme.base_url` (`""` for
/// the file as a whole). The message never holds a configured value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub path: String,
    pub message: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: None,
            max_body_bytes: 65_536,
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

    /// The tenant a presented key belongs to. Every key of every tenant is compared, so the
    /// time taken does not tell which tenant, or whether any, holds the key.
    pub fn key_owner(&self, presented: &str) -> Option<&Tenant> {
        let mut owner = None;
        for tenant in &self.tenants {
            for key in &tenant.api_keys {
                if key.matches(presented) && owner.is_none() {
                    owner = Some(tenant);
                }
            }
        }
        owner
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
            .field("cache_ttl_seconds", &self.cache_ttl_seconds)
            .field("resilience", &self.resilience)
            .finish()
    }
}

impl ConfigProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConfigProblem {}

/// Reads and checks a config file, substituting `${VAR}` from the process environment.
pub fn load(path: &Path) -> Result<Config, Vec<ConfigProblem>> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        vec![ConfigProblem::new(
            "",
            format!("cannot read {}: {err}", path.display()),
        )]
    })?;
    parse(&text, &|name| std::env::var(name).ok())
}

const ROOT_KEYS: &[&str] = &["server", "cache", "tenants"];
const SERVER_KEYS: &[&str] = &["listen", "max_body_bytes"];
const CACHE_KEYS: &[&str] = &[
    "ttl_seconds",
    "max_entries",
    "negative_ttl_seconds",
    "stale_if_error_seconds",
];
/// moka refuses lifetimes over 1000 years; a year is far beyond any useful one.
const MAX_TTL_SECONDS: u64 = 365 * 24 * 60 * 60;

/// Checks a config's text, taking `${VAR}` values from `env`.
pub fn parse(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, Vec<ConfigProblem>> {
    let mut root = toml::Value::Table(
        text.parse::<toml::Table>()
            .map_err(|err| vec![syntax_problem(text, &err)])?,
    );
    let interpolation = env::interpolate(&mut root, env);
    let mut problems = interpolation.problems;
    let unresolved = &interpolation.unresolved;
    let mut section = Section::new(String::new(), &root, ROOT_KEYS, unresolved)
        .expect("a parsed document is a table");

    let server = sub_section(&mut section, "server", SERVER_KEYS, &mut problems, server);
    let cache = sub_section(&mut section, "cache", CACHE_KEYS, &mut problems, cache);
    let mut tenants = Vec::new();
    let mut keys = Vec::new();
    match section.value("tenants") {
        None => problems.push(ConfigProblem::new(
            "tenants",
            "at least one tenant is required",
        )),
        Some(toml::Value::Table(table)) if table.is_empty() => {
            problems.push(ConfigProblem::new(
                "tenants",
                "at least one tenant is required",
            ));
        }
        Some(toml::Value::Table(table)) => {
            for (id, value) in table {
                let outcome = tenant::read(id, path::join("tenants", id), value, unresolved);
                tenants.extend(outcome.tenant);
                keys.extend(outcome.keys);
                problems.extend(outcome.problems);
            }
        }
        Some(other) => problems.push(ConfigProblem::new(
            "tenants",
            fields::wrong_type("a table", other),
        )),
    }
    problems.extend(section.finish());
    problems.extend(tenant::duplicate_keys(&keys));

    if !problems.is_empty() {
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(problems);
    }
    tenants.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Config {
        server: server.unwrap_or_default(),
        cache: cache.unwrap_or_default(),
        tenants,
    })
}

/// Reads an optional table with `read`; `None` (and a problem) when it is not a table.
fn sub_section<T: Default>(
    parent: &mut Section,
    key: &'static str,
    known: &'static [&'static str],
    problems: &mut Vec<ConfigProblem>,
    read: fn(&mut Section) -> T,
) -> Option<T> {
    let Some(value) = parent.value(key) else {
        return Some(T::default());
    };
    match Section::new(parent.path_of(key), value, known, parent.unresolved()) {
        Ok(mut section) => {
            let read = read(&mut section);
            problems.extend(section.finish());
            Some(read)
        }
        Err(problem) => {
            problems.push(problem);
            None
        }
    }
}

fn server(section: &mut Section) -> ServerConfig {
    let default = ServerConfig::default();
    let listen = section.string("listen", false).and_then(|text| {
        let parsed = text.parse().ok();
        if parsed.is_none() {
            section.problem(
                section.path_of("listen"),
                "must be an IP address and port, like 127.0.0.1:8080",
            );
        }
        parsed
    });
    let max_body_bytes = section.integer_or(
        "max_body_bytes",
        default.max_body_bytes as u64,
        1..=usize::MAX as u64,
    );
    ServerConfig {
        listen,
        max_body_bytes: max_body_bytes as usize,
    }
}

fn cache(section: &mut Section) -> CacheConfig {
    let default = CacheConfig::default();
    CacheConfig {
        ttl_seconds: section.integer_or("ttl_seconds", default.ttl_seconds, 0..=MAX_TTL_SECONDS),
        max_entries: section.integer_or("max_entries", default.max_entries, 1..=u64::MAX),
        negative_ttl_seconds: section.integer_or(
            "negative_ttl_seconds",
            default.negative_ttl_seconds,
            0..=MAX_TTL_SECONDS,
        ),
        stale_if_error_seconds: section.integer_or(
            "stale_if_error_seconds",
            default.stale_if_error_seconds,
            0..=MAX_TTL_SECONDS,
        ),
    }
}

/// toml's own `Display` quotes the offending line, which may hold a secret: give only the
/// position and what was wrong.
fn syntax_problem(text: &str, err: &toml::de::Error) -> ConfigProblem {
    let message = err.message().trim().replace('\n', ", ");
    let Some(span) = err.span() else {
        return ConfigProblem::new("", format!("not valid TOML: {message}"));
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    ConfigProblem::new(
        "",
        format!("not valid TOML at line {line}, column {column}: {message}"),
    )
}

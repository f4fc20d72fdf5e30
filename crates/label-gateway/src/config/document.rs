//! Reading a whole config document: syntax, `${VAR}` substitution, `[server]`, `[cache]`,
//! `[state]` and every tenant, collecting all problems before deciding.

use std::collections::HashSet;
use std::net::SocketAddr;

use super::fields::{self, Section};
use super::{
    cors, env, events, jobs, locate, path, state, tenant, CacheConfig, Config, ConfigProblem,
    IdempotencyConfig, ServerConfig,
};

const ROOT_KEYS: &[&str] = &[
    "server",
    "cache",
    "idempotency",
    "jobs",
    "events",
    "state",
    "tenants",
];
pub(super) const SERVER_KEYS: &[&str] = &[
    "listen",
    "max_body_bytes",
    "max_connections",
    "header_read_timeout_ms",
    "max_header_bytes",
    "body_read_timeout_ms",
    "min_body_bytes_per_second",
    "max_connections_per_key",
    "max_upstream_body_bytes",
    "max_upstream_bytes_in_flight",
    "admin_listen",
    "cors_allowed_origins",
];
pub(super) const CACHE_KEYS: &[&str] = &[
    "ttl_seconds",
    "max_entries",
    "negative_ttl_seconds",
    "stale_if_error_seconds",
    "max_bytes",
];
pub(super) const IDEMPOTENCY_KEYS: &[&str] = &["max_bytes"];
/// hyper reads a request head into a buffer of at least 8 KiB.
const MIN_HEADER_BYTES: u64 = 8 * 1024;
const MAX_CONNECTIONS: u64 = 1_000_000;
/// An hour: waits for a client's head or body.
const MAX_WAIT_MS: u64 = 3_600_000;
/// Below this a bounded store cannot keep even one typical answer.
const MIN_STORE_BYTES: u64 = 1024 * 1024;
/// moka refuses lifetimes over 1000 years; a year is far beyond any useful one.
const MAX_TTL_SECONDS: u64 = 365 * 24 * 60 * 60;

/// The whole of [`super::parse`]: syntax, substitution, every section, then duplicates.
pub fn read(
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
    let idempotency = sub_section(
        &mut section,
        "idempotency",
        IDEMPOTENCY_KEYS,
        &mut problems,
        idempotency,
    );
    let jobs = sub_section(&mut section, "jobs", jobs::KEYS, &mut problems, jobs::read);
    let events = sub_section(
        &mut section,
        "events",
        events::KEYS,
        &mut problems,
        events::read,
    );
    let state = sub_section(
        &mut section,
        "state",
        state::KEYS,
        &mut problems,
        state::read,
    );
    let mut tenants = Vec::new();
    let mut keys = Vec::new();
    match section.value("tenants") {
        Some(toml::Value::Table(table)) if !table.is_empty() => {
            let ids: HashSet<&str> = table.keys().map(String::as_str).collect();
            let server = server.clone().unwrap_or_default();
            // Made with the document: a reloaded config brings a budget of its own, and the
            // calls of the one before give theirs back as they end.
            let in_flight = label_providers::InFlight::new(server.max_upstream_bytes_in_flight);
            for (id, value) in table {
                let shared = tenant::Shared {
                    max_upstream_body_bytes: server.max_upstream_body_bytes,
                    in_flight: in_flight.clone(),
                };
                let path = path::join("tenants", id);
                let outcome = tenant::read(id, path, value, unresolved, shared);
                tenants.extend(outcome.tenant);
                keys.extend(outcome.keys);
                problems.extend(outcome.problems);
                problems.extend(jobs::unknown_sources(&ids, &outcome.sources));
            }
        }
        Some(other) if !other.is_table() => problems.push(ConfigProblem::new(
            "tenants",
            fields::wrong_type("a table", other),
        )),
        _ => problems.push(ConfigProblem::new(
            "tenants",
            "at least one tenant is required",
        )),
    }
    problems.extend(section.finish());
    problems.extend(tenant::duplicate_keys(&keys));

    if !problems.is_empty() {
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        locate::locate(text, &mut problems);
        return Err(problems);
    }
    tenants.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Config {
        server: server.unwrap_or_default(),
        cache: cache.unwrap_or_default(),
        idempotency: idempotency.unwrap_or_default(),
        jobs: jobs.unwrap_or_default(),
        events: events.unwrap_or_default(),
        tenants,
        state: state.flatten(),
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
    let listen = address(section, "listen");
    let admin_listen = address(section, "admin_listen").unwrap_or(default.admin_listen);
    let max_connections = section.setting_or(
        "max_connections",
        default.max_connections,
        1..=MAX_CONNECTIONS,
    );
    ServerConfig {
        listen,
        max_body_bytes: section.setting_or(
            "max_body_bytes",
            default.max_body_bytes,
            1..=usize::MAX as u64,
        ),
        max_connections,
        header_read_timeout: section.setting_or(
            "header_read_timeout_ms",
            default.header_read_timeout,
            1..=MAX_WAIT_MS,
        ),
        max_header_bytes: section.setting_or(
            "max_header_bytes",
            default.max_header_bytes,
            MIN_HEADER_BYTES..=1024 * 1024,
        ),
        body_read_timeout: section.setting_or(
            "body_read_timeout_ms",
            default.body_read_timeout,
            1..=MAX_WAIT_MS,
        ),
        min_body_bytes_per_second: section.setting_or(
            "min_body_bytes_per_second",
            default.min_body_bytes_per_second,
            1..=u32::MAX as u64,
        ),
        // A share of the connections, unless set: one key may never take them all.
        max_connections_per_key: section.setting_or(
            "max_connections_per_key",
            (max_connections / 8).max(1),
            1..=MAX_CONNECTIONS,
        ),
        max_upstream_body_bytes: section.setting_or(
            "max_upstream_body_bytes",
            default.max_upstream_body_bytes,
            1024..=1024 * 1024 * 1024,
        ),
        max_upstream_bytes_in_flight: section.setting_or(
            "max_upstream_bytes_in_flight",
            default.max_upstream_bytes_in_flight,
            MIN_STORE_BYTES..=1 << 40,
        ),
        admin_listen,
        cors_allowed_origins: cors::read(section),
    }
}

fn idempotency(section: &mut Section) -> IdempotencyConfig {
    let default = IdempotencyConfig::default();
    IdempotencyConfig {
        max_bytes: section.integer_or("max_bytes", default.max_bytes, MIN_STORE_BYTES..=u64::MAX),
    }
}

fn address(section: &mut Section, key: &'static str) -> Option<SocketAddr> {
    let text = section.string(key, false)?;
    let parsed = text.parse().ok();
    if parsed.is_none() {
        section.problem(
            section.path_of(key),
            "must be an IP address and port, like 127.0.0.1:8080",
        );
    }
    parsed
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
        max_bytes: section.integer_or("max_bytes", default.max_bytes, MIN_STORE_BYTES..=u64::MAX),
    }
}

/// toml's own `Display` quotes the offending line, which may hold a secret: give only the
/// position and what was wrong.
fn syntax_problem(text: &str, err: &toml::de::Error) -> ConfigProblem {
    let message = err.message().trim().replace('\n', ", ");
    let Some(span) = err.span() else {
        return ConfigProblem::new("", format!("not valid TOML: {message}"));
    };
    let at = locate::position(text, span.start);
    let mut problem = ConfigProblem::new("", format!("not valid TOML: {message}"));
    problem.at = Some(at);
    problem
}

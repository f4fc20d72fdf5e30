//! `[state]`: the Redis that replicas share (docs/fleet.md). Without the table everything stays
//! in the process, so the table is all or nothing: present, it needs a usable `redis_url`.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::fields::Section;

pub(super) const KEYS: &[&str] = &[
    "redis_url",
    "key_prefix",
    "max_staleness_seconds",
    "command_timeout_ms",
];

pub const DEFAULT_KEY_PREFIX: &str = "label-gateway";
const DEFAULT_MAX_STALENESS_SECONDS: u64 = 5;
/// An hour: beyond it "bounded staleness" stops meaning anything for labels.
const MAX_STALENESS_SECONDS: u64 = 3600;
/// Two fleets' prefixes must not nest (`a` and `a:b` would read each other's keys), so the
/// prefix has no separator of the keys' own (`:`) and no glob characters.
const MAX_PREFIX_LEN: usize = 32;
/// Measured on a 2-core host at load 9: a Redis command's p99.9 was far under it, one slow
/// command no longer looks like an outage (docs/fleet.md).
const DEFAULT_COMMAND_TIMEOUT_MS: u64 = 2000;
/// Past a minute a "cut off" replica would hold requests that long.
const MAX_COMMAND_TIMEOUT_MS: u64 = 60_000;

/// Where the fleet's shared state lives.
///
/// `Debug` shows no part of the URL (secrecy's own `Debug` redacts it): it may carry a password.
#[derive(Debug, Clone)]
pub struct StateConfig {
    /// `redis://` or `rediss://` (TLS), with a host; read it with `ExposeSecret`.
    pub redis_url: SecretString,
    /// Every key and channel the gateway uses starts with it: 1–32 of `[A-Za-z0-9_-]`.
    pub key_prefix: String,
    /// While Redis is unreachable, no cached entry older than this is served.
    pub max_staleness: Duration,
    /// The longest a Redis command may take before it counts as failed.
    pub command_timeout: Duration,
}

/// Reads a present `[state]` table; `None` when it has a problem (already recorded).
pub(super) fn read(section: &mut Section) -> Option<StateConfig> {
    let redis_url = section.string("redis_url", true).and_then(|text| {
        let checked = check_redis_url(text);
        if let Err(message) = checked {
            section.problem(section.path_of("redis_url"), message);
        }
        checked.ok().map(|()| SecretString::from(text.to_owned()))
    });
    let key_prefix = match section.string("key_prefix", false) {
        None => Some(DEFAULT_KEY_PREFIX),
        Some(prefix) if is_key_prefix(prefix) => Some(prefix),
        Some(_) => {
            section.problem(
                section.path_of("key_prefix"),
                format!("must be 1 to {MAX_PREFIX_LEN} characters of A-Z a-z 0-9 _ -"),
            );
            None
        }
    };
    let max_staleness_seconds = section.integer_or(
        "max_staleness_seconds",
        DEFAULT_MAX_STALENESS_SECONDS,
        0..=MAX_STALENESS_SECONDS,
    );
    let command_timeout_ms = section.integer_or(
        "command_timeout_ms",
        DEFAULT_COMMAND_TIMEOUT_MS,
        1..=MAX_COMMAND_TIMEOUT_MS,
    );
    Some(StateConfig {
        redis_url: redis_url?,
        key_prefix: key_prefix?.to_owned(),
        max_staleness: Duration::from_secs(max_staleness_seconds),
        command_timeout: Duration::from_millis(command_timeout_ms),
    })
}

/// Catches at startup what the Redis client would only refuse at its first connection. The
/// messages never quote the URL: it may hold a password.
fn check_redis_url(text: &str) -> Result<(), &'static str> {
    let url =
        Url::parse(text).map_err(|_| "must be a URL like redis://host:6379 (rediss:// for TLS)")?;
    if !matches!(url.scheme(), "redis" | "rediss") {
        return Err("must be a redis:// or rediss:// (TLS) URL");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host, like redis://redis.internal:6379");
    }
    // The path is the database number, as the redis client reads it.
    let database = url.path().trim_start_matches('/');
    if !database.bytes().all(|b| b.is_ascii_digit()) || database.len() > 5 {
        return Err("its path, if any, must be a database number, like /0");
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment (`#...`)");
    }
    Ok(())
}

fn is_key_prefix(prefix: &str) -> bool {
    (1..=MAX_PREFIX_LEN).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

//! `[events]` (how long change events are kept and how webhooks are retried) and a tenant's
//! `[[tenants.<t>.webhooks]]` (where its events are POSTed, signed with which secret).

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::SecretSlice;
use url::Url;

use super::fields::{wrong_type, Section};
use super::outbound::check_base_url;
use super::path::index;
use crate::contract::EventType;

pub(super) const KEYS: &[&str] = &[
    "retention_seconds",
    "max_events",
    "max_bytes",
    "retry_schedule_ms",
    "delivery_timeout_ms",
    "max_deliveries_in_flight",
];
pub(super) const WEBHOOK_KEYS: &[&str] = &["url", "secret", "types", "allow_insecure_http"];

/// Standard Webhooks: the secret is 24 to 64 random bytes.
const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
const SECRET_PREFIX: &str = "whsec_";
/// A year of events is beyond any feed's use.
const MAX_RETENTION_SECONDS: u64 = 365 * 24 * 60 * 60;
/// Attempts after the first, at most.
const MAX_RETRIES: usize = 32;
/// A retry step of a day at most.
const MAX_STEP_MS: u64 = 24 * 60 * 60 * 1000;

/// `[events]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsConfig {
    /// An event is kept this long (for the feed and redelivery).
    pub retention: Duration,
    /// Events kept per tenant at most; the oldest go first.
    pub max_events: usize,
    /// What the events of all tenants may weigh in the process (without `[state]`).
    pub max_bytes: usize,
    /// The waits before each retry of a delivery; after the last, the delivery is `failed`.
    pub retry_schedule: Vec<Duration>,
    /// A receiver must answer within this; else the attempt failed.
    pub delivery_timeout: Duration,
    /// Deliveries one webhook has in flight at once (one per customer at most).
    pub max_deliveries_in_flight: usize,
}

impl Default for EventsConfig {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            retention: Duration::from_secs(7 * 24 * 60 * 60),
            max_events: 1_000_000,
            max_bytes: 256 * 1024 * 1024,
            // Standard Webhooks' (and Svix's) schedule.
            retry_schedule: vec![
                Duration::from_secs(5),
                minutes(5),
                minutes(30),
                minutes(2 * 60),
                minutes(5 * 60),
                minutes(10 * 60),
                minutes(10 * 60),
            ],
            delivery_timeout: Duration::from_secs(10),
            max_deliveries_in_flight: 64,
        }
    }
}

pub(super) fn read(section: &mut Section) -> EventsConfig {
    let default = EventsConfig::default();
    EventsConfig {
        retention: section.setting_or(
            "retention_seconds",
            default.retention,
            1..=MAX_RETENTION_SECONDS,
        ),
        max_events: section.setting_or("max_events", default.max_events, 1..=100_000_000),
        max_bytes: section.setting_or("max_bytes", default.max_bytes, 1024 * 1024..=1 << 40),
        retry_schedule: schedule(section).unwrap_or(default.retry_schedule),
        delivery_timeout: section.setting_or(
            "delivery_timeout_ms",
            default.delivery_timeout,
            1..=60_000,
        ),
        max_deliveries_in_flight: section.setting_or(
            "max_deliveries_in_flight",
            default.max_deliveries_in_flight,
            1..=4096,
        ),
    }
}

/// `retry_schedule_ms = [5000, 300000, ...]`: tests shorten the schedule with it.
fn schedule(section: &mut Section) -> Option<Vec<Duration>> {
    let value = section.value("retry_schedule_ms")?;
    let path = section.path_of("retry_schedule_ms");
    let steps = value.as_array().and_then(|items| {
        items
            .iter()
            .map(|item| item.as_integer().and_then(|ms| u64::try_from(ms).ok()))
            .collect::<Option<Vec<u64>>>()
    });
    match steps {
        Some(steps)
            if steps.len() <= MAX_RETRIES
                && steps.iter().all(|ms| (1..=MAX_STEP_MS).contains(ms)) =>
        {
            Some(steps.into_iter().map(Duration::from_millis).collect())
        }
        _ => {
            section.problem(
                path,
                format!(
                    "must be a list of at most {MAX_RETRIES} waits in milliseconds, each 1 to \
                     {MAX_STEP_MS}, like [5000, 300000]"
                ),
            );
            None
        }
    }
}

/// Where a tenant's events are POSTed.
#[derive(Clone)]
pub struct Webhook {
    pub url: Url,
    /// The secret's bytes (after `whsec_`, Base64-decoded): what the signature's HMAC keys on.
    pub secret: SecretSlice<u8>,
    /// `None`: every type.
    pub types: Option<Vec<EventType>>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("types", &self.types)
            .finish_non_exhaustive()
    }
}

/// A tenant's `webhooks`: a list of tables, each checked whole.
pub(super) fn webhooks(section: &mut Section) -> Vec<Webhook> {
    let hint = "must be a list of tables: [[tenants.<id>.webhooks]] with url and secret";
    section.tables("webhooks", WEBHOOK_KEYS, hint, webhook)
}

fn webhook(section: &mut Section) -> Option<Webhook> {
    let insecure = section.flag("allow_insecure_http");
    // The same rules as a vendor's base_url: events carry customers' data.
    let url = section.string("url", true).and_then(|text| {
        let checked = check_base_url(text, insecure).map_err(|m| m.replace("base_url", "url"));
        if let Err(message) = &checked {
            section.problem(section.path_of("url"), message.as_str());
        }
        checked.ok()
    });
    let secret = section.string("secret", true).and_then(|text| {
        let read = secret_bytes(text);
        if let Err(message) = read {
            section.problem(section.path_of("secret"), message);
        }
        read.ok()
    });
    let types = match section.value("types") {
        None => None,
        Some(value) => Some(types(section, value)?),
    };
    Some(Webhook {
        url: url?,
        secret: secret?.into(),
        types,
    })
}

fn secret_bytes(text: &str) -> Result<Vec<u8>, &'static str> {
    let encoded = text.strip_prefix(SECRET_PREFIX).ok_or(
        "must be `whsec_` followed by Base64 of 24 to 64 random bytes (Standard Webhooks)",
    )?;
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| "must be `whsec_` followed by valid Base64")?;
    if !SECRET_BYTES.contains(&bytes.len()) {
        return Err("must hold 24 to 64 bytes after `whsec_` (Standard Webhooks)");
    }
    Ok(bytes)
}

fn types(section: &mut Section, value: &toml::Value) -> Option<Vec<EventType>> {
    let path = section.path_of("types");
    let Some(items) = value.as_array().filter(|items| !items.is_empty()) else {
        section.problem(path, wrong_type("a non-empty list of event types", value));
        return None;
    };
    let mut types = Vec::with_capacity(items.len());
    let mut valid = true;
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(EventType::parse) {
            Some(kind) => types.push(kind),
            None => {
                valid = false;
                let message = format!("must be one of {}", EventType::listed());
                section.problem(index(&path, i), message);
            }
        }
    }
    valid.then_some(types)
}

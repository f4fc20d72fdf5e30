//! One `[tenants.<id>]` table: the keys every tenant has, then the provider's own keys, which
//! only the provider's factory can judge.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use label_core::LabelProvider;
use label_providers::{ProviderSettings, SettingProblem};
use url::Url;

use super::fields::{self, Section};
use super::outbound::check_base_url;
use super::{
    client_rates, events, jobs, passthrough, resilience, ApiKey, ConfigProblem, Resilience, Tenant,
};

pub(super) const GENERIC_KEYS: &[&str] = &[
    "provider",
    "base_url",
    "api_keys",
    "client_rate_limit",
    "cache_ttl_seconds",
    "timeout_ms",
    "connect_timeout_ms",
    "max_retries",
    "circuit_failures",
    "circuit_open_seconds",
    "max_in_flight",
    "allow_insecure_http",
    "vendor_requests_per_minute",
    "vendor_burst",
    "min_call_ms",
    "max_retry_after_seconds",
    "copy_from",
    "passthrough",
    "webhooks",
];

/// A day bounds any sane lifetime (`Instant`s overflow past far less than forever).
const MAX_SECONDS: u64 = 24 * 60 * 60;

/// What reading a tenant yields: the tenant when all of it is valid, and its keys either way,
/// so that duplicates are found even among tenants with other problems.
pub struct Outcome {
    pub tenant: Option<Tenant>,
    pub keys: Vec<(String, ApiKey)>,
    /// `copy_from`'s tenant ids with their paths, checked once every tenant is known.
    pub sources: Vec<(String, String)>,
    pub problems: Vec<ConfigProblem>,
}

/// What a tenant's provider takes from the rest of the config.
#[derive(Debug, Clone)]
pub struct Shared {
    pub max_upstream_body_bytes: usize,
    /// One budget for every tenant of the document: the bound is the process's.
    pub in_flight: label_providers::InFlight,
}

pub fn read(
    id: &str,
    path: String,
    value: &toml::Value,
    unresolved: &HashSet<String>,
    shared: Shared,
) -> Outcome {
    let mut section = match Section::new(path, value, GENERIC_KEYS, unresolved) {
        Ok(section) => section,
        Err(problem) => {
            return Outcome {
                tenant: None,
                keys: Vec::new(),
                sources: Vec::new(),
                problems: vec![problem],
            }
        }
    };
    let valid_id = is_tenant_id(id);
    if !valid_id {
        let path = section.path().to_owned();
        section.problem(path, "a tenant id must match [a-z0-9][a-z0-9_-]{0,62}");
    }
    let factory = provider_factory(&mut section);
    let allow_insecure_http = section.flag("allow_insecure_http");
    let base_url = section.string("base_url", true).and_then(|text| {
        let checked = check_base_url(text, allow_insecure_http);
        if let Err(message) = &checked {
            section.problem(section.path_of("base_url"), *message);
        }
        checked.ok()
    });
    let (keys, client_rates) = client_rates::read(&mut section);
    let cache_ttl_seconds = section.integer("cache_ttl_seconds", 0..=MAX_SECONDS);
    let resilience = resilience::read(&mut section);
    let sources = jobs::copy_from(&mut section);
    let passthrough = passthrough::read(&mut section);
    let webhooks = events::webhooks(&mut section);

    let hidden = keys
        .iter()
        .filter_map(|(_, key)| match key {
            ApiKey::Plain(plain) => Some(plain.clone()),
            ApiKey::Sha256(_) => None,
        })
        .collect();
    let vendor = Vendor {
        base_url: base_url.as_ref(),
        resilience: &resilience,
        shared,
        hidden,
    };
    let provider = factory.and_then(|factory| build_provider(&mut section, factory, vendor));

    let problems = section.into_problems();
    let complete = valid_id && problems.is_empty() && !keys.is_empty();
    let tenant = match (provider, base_url) {
        (Some(provider), Some(base_url)) if complete => Some(Tenant {
            id: id.to_owned(),
            provider,
            base_url,
            api_keys: keys.iter().map(|(_, key)| key.clone()).collect(),
            client_rates,
            cache_ttl_seconds,
            resilience,
            copy_from: sources.iter().map(|(_, id)| id.clone()).collect(),
            passthrough: Arc::new(passthrough),
            webhooks,
        }),
        _ => None,
    };
    Outcome {
        tenant,
        keys,
        sources,
        problems,
    }
}

/// What the provider is built from besides its own keys.
struct Vendor<'a> {
    base_url: Option<&'a Url>,
    resilience: &'a Resilience,
    shared: Shared,
    /// The tenant's plain api keys: vendor text never hands them on either.
    hidden: Vec<secrecy::SecretString>,
}

/// Hands the tenant's remaining keys to its provider, placing any problem under the tenant.
fn build_provider(
    section: &mut Section,
    factory: label_providers::Factory,
    vendor: Vendor<'_>,
) -> Option<Arc<dyn LabelProvider>> {
    let settings = ProviderSettings {
        // A stand-in lets the provider judge its own keys even when base_url is wrong, so
        // one run of check-config reports both.
        base_url: vendor
            .base_url
            .cloned()
            .unwrap_or_else(|| Url::parse("http://base-url.invalid").expect("a valid URL")),
        connect_timeout: vendor.resilience.connect_timeout,
        request_timeout: vendor.resilience.timeout,
        max_body_bytes: vendor.shared.max_upstream_body_bytes,
        in_flight: vendor.shared.in_flight.clone(),
        hidden: vendor.hidden,
        vendor: section.rest(),
    };
    factory(&settings)
        .map_err(|problems| provider_problems(section, problems, &settings.vendor))
        .ok()
}

/// Every key configured twice, named at both places.
pub fn duplicate_keys(keys: &[(String, ApiKey)]) -> Vec<ConfigProblem> {
    let mut first_seen: HashMap<[u8; 32], &str> = HashMap::new();
    let mut problems = Vec::new();
    for (path, key) in keys {
        match first_seen.get(&key.fingerprint()) {
            Some(first) => problems.push(ConfigProblem::new(
                path,
                format!(
                    "the same api key is already configured at {first}; a key may appear once only"
                ),
            )),
            None => {
                first_seen.insert(key.fingerprint(), path);
            }
        }
    }
    problems
}

fn is_tenant_id(id: &str) -> bool {
    let first_ok = id
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    first_ok
        && id.len() <= 63
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn provider_factory(section: &mut Section) -> Option<label_providers::Factory> {
    let name = section.string("provider", true)?;
    let factory = label_providers::factory(name);
    if factory.is_none() {
        let known: Vec<&str> = label_providers::provider_names().collect();
        section.problem(
            section.path_of("provider"),
            format!(
                "unknown provider `{name}`; known providers: {}",
                known.join(", ")
            ),
        );
    }
    factory
}

/// Places the provider's problems under the tenant's path. A key whose `${VAR}` was unset is
/// already reported; and since a provider may quote what it was given, any value of the
/// tenant's provider keys is masked out of the messages.
fn provider_problems(section: &mut Section, problems: Vec<SettingProblem>, vendor: &toml::Table) {
    for problem in problems {
        let path = if problem.key.is_empty() {
            section.path().to_owned()
        } else {
            format!("{}.{}", section.path(), problem.key)
        };
        if section.unresolved().contains(&path) {
            continue;
        }
        // Every key a tenant does not share goes to its provider, so a misspelt common key
        // comes back as the provider's unknown field: answer it as any unknown key, with
        // the common keys and the provider's own.
        let message = match provider_keys(&problem.message) {
            Some(own) => {
                let known: Vec<&str> = GENERIC_KEYS.iter().copied().chain(own).collect();
                fields::unknown_key(&problem.key, &known)
            }
            None => redact(&problem.message, vendor),
        };
        section.problem(path, message);
    }
}

/// The keys a provider knows, from serde's unknown-field message (`unknown field `x`,
/// expected one of `a`, `b``; `expected `a``; `there are no fields`); `None` for any other.
fn provider_keys(message: &str) -> Option<Vec<&str>> {
    let expected = message.strip_prefix("unknown field `")?.split_once('`')?.1;
    Some(expected.split('`').skip(1).step_by(2).collect())
}

fn redact(message: &str, vendor: &toml::Table) -> String {
    let mut message = message.to_owned();
    let mut secrets: Vec<&str> = vendor.values().filter_map(toml::Value::as_str).collect();
    // Longest first, so that a value containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
        for quoted in [format!("{secret:?}"), format!("`{secret}`")] {
            message = message.replace(&quoted, "\"***\"");
        }
        // Bare occurrences only for longer values: a short one may be a word of the message.
        if secret.len() >= 6 {
            message = message.replace(secret, "***");
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_unknown_field_gives_the_provider_keys() {
        let said = "unknown field `passwrd`, expected one of `username`, `password`";
        assert_eq!(provider_keys(said), Some(vec!["username", "password"]));
        assert_eq!(
            provider_keys("unknown field `x`, expected `token`"),
            Some(vec!["token"])
        );
        assert_eq!(
            provider_keys("unknown field `x`, there are no fields"),
            Some(vec![])
        );
        assert_eq!(provider_keys("missing field `token`"), None);
    }

    #[test]
    fn provider_messages_are_stripped_of_configured_values() {
        let vendor: toml::Table = toml::from_str("token = \"tok-123456\"\nshort = \"ab\"").unwrap();
        let said = "invalid value: string \"tok-123456\", saw tok-123456, `ab`, \"ab\", about";
        assert_eq!(
            redact(said, &vendor),
            "invalid value: string \"***\", saw ***, \"***\", \"***\", about"
        );
    }
}

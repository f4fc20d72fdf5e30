//! Per-client limits (CONTRACT §12): an `api_keys` entry is a key, or a table
//! `{ key = "…", requests_per_second = 50, burst = 100 }`; a tenant's
//! `client_rate_limit = { requests_per_second, burst }` applies to each key that names none.

use std::collections::HashSet;

use super::fields::{wrong_type, Section};
use super::path::index;
use super::{ApiKey, ConfigProblem};

/// One client key's limit: GCRA, a request every `1 / requests_per_second`, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientRate {
    /// Finite, above 0, at most [`MAX_RATE`].
    pub requests_per_second: f64,
    /// 1 to [`MAX_BURST`].
    pub burst: u32,
}

/// Past a million a second a limit limits nothing a replica could serve.
pub const MAX_RATE: f64 = 1_000_000.0;
pub const MAX_BURST: u32 = 1_000_000;
/// One request a day: any slower and the refill would outlast the process.
pub const MIN_RATE: f64 = 1.0 / 86_400.0;

const RATE_KEYS: &[&str] = &["requests_per_second", "burst"];
const ENTRY_KEYS: &[&str] = &["key", "requests_per_second", "burst"];

/// A tenant's `api_keys`, each with its path and the limit its table names (if any).
pub(super) fn api_keys(section: &mut Section) -> Vec<(String, ApiKey, Option<ClientRate>)> {
    let list_path = section.path_of("api_keys");
    let Some(value) = section.value("api_keys") else {
        section.problem(list_path, "missing required key");
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        section.problem(list_path, wrong_type("a list of keys", value));
        return Vec::new();
    };
    let unresolved = section.unresolved();
    let unresolved_any = unresolved
        .iter()
        .any(|path| path.starts_with(&format!("{list_path}[")));
    if items.is_empty() && !unresolved_any {
        section.problem(list_path.clone(), "at least one api key is required");
    }
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index(&list_path, i);
        let (text, rate) = if item.is_table() {
            let (text, rate, problems) = entry(&path, item, unresolved);
            for problem in problems {
                section.problem(problem.path, problem.message);
            }
            (text, rate)
        } else if item.is_str() {
            let text = section.as_str(path.clone(), item);
            (text.map(|text| (path.clone(), text)), None)
        } else {
            section.problem(path, wrong_type("a string or a table", item));
            continue;
        };
        let Some((key_path, text)) = text else {
            continue;
        };
        match ApiKey::parse(text) {
            Ok(key) => keys.push((path, key, rate)),
            Err(err) => section.problem(key_path, err.to_string()),
        }
    }
    keys
}

/// A table entry's key (with its own path, for its problems) and limit.
#[allow(clippy::type_complexity)]
fn entry<'a>(
    path: &str,
    item: &'a toml::Value,
    unresolved: &'a HashSet<String>,
) -> (
    Option<(String, &'a str)>,
    Option<ClientRate>,
    Vec<ConfigProblem>,
) {
    let mut table = match Section::new(path.to_owned(), item, ENTRY_KEYS, unresolved) {
        Ok(table) => table,
        Err(problem) => return (None, None, vec![problem]),
    };
    let key_path = table.path_of("key");
    let text = table.string("key", true).map(|text| (key_path, text));
    let rate = rate_of(&mut table, false);
    (text, rate, table.finish())
}

/// `client_rate_limit`: the limit of each of the tenant's keys that names none.
pub(super) fn tenant_default(section: &mut Section) -> Option<ClientRate> {
    let value = section.value("client_rate_limit")?;
    let path = section.path_of("client_rate_limit");
    let mut table = match Section::new(path, value, RATE_KEYS, section.unresolved()) {
        Ok(table) => table,
        Err(problem) => {
            section.problem(problem.path, problem.message);
            return None;
        }
    };
    let rate = rate_of(&mut table, true);
    for problem in table.finish() {
        section.problem(problem.path, problem.message);
    }
    rate
}

/// Both keys or (where `required` is false) neither.
fn rate_of(table: &mut Section, required: bool) -> Option<ClientRate> {
    let rate_value = table.value("requests_per_second");
    let burst_value = table.value("burst");
    if rate_value.is_none() && burst_value.is_none() && !required {
        return None;
    }
    let rate = match rate_value {
        Some(value) => per_second(table, value),
        None => {
            table.problem(
                table.path_of("requests_per_second"),
                "missing required key (a limit names both requests_per_second and burst)",
            );
            None
        }
    };
    let burst = match burst_value {
        Some(value) => burst(table, value),
        None => {
            table.problem(
                table.path_of("burst"),
                "missing required key (a limit names both requests_per_second and burst)",
            );
            None
        }
    };
    Some(ClientRate {
        requests_per_second: rate?,
        burst: burst?,
    })
}

fn per_second(table: &mut Section, value: &toml::Value) -> Option<f64> {
    let path = table.path_of("requests_per_second");
    let number = match value {
        toml::Value::Integer(n) => *n as f64,
        toml::Value::Float(f) => *f,
        other => {
            table.problem(path, wrong_type("a number", other));
            return None;
        }
    };
    if number.is_finite() && (MIN_RATE..=MAX_RATE).contains(&number) {
        Some(number)
    } else {
        table.problem(
            path,
            format!("must be a number from {MIN_RATE:.6} (one a day) to {MAX_RATE}"),
        );
        None
    }
}

fn burst(table: &mut Section, value: &toml::Value) -> Option<u32> {
    let path = table.path_of("burst");
    let Some(number) = value.as_integer() else {
        table.problem(path, wrong_type("an integer", value));
        return None;
    };
    match u32::try_from(number) {
        Ok(burst) if (1..=MAX_BURST).contains(&burst) => Some(burst),
        _ => {
            table.problem(path, format!("must be an integer from 1 to {MAX_BURST}"));
            None
        }
    }
}

/// The tenant's keys with their paths, and each key's limit in the same order.
#[allow(clippy::type_complexity)]
pub(super) fn read(section: &mut Section) -> (Vec<(String, ApiKey)>, Vec<Option<ClientRate>>) {
    let written = api_keys(section);
    let default = tenant_default(section);
    written
        .into_iter()
        .map(|(path, key, rate)| ((path, key), rate.or(default)))
        .unzip()
}

//! `${NAME}` substitution in every string value of a parsed config, before it is read.

use std::collections::HashSet;

use super::path::{index, join};
use super::ConfigProblem;

/// What substitution left behind: every problem, and the paths whose value could not be
/// substituted, so that later checks do not report a second, misleading problem there.
#[derive(Debug, Default)]
pub struct Interpolation {
    pub problems: Vec<ConfigProblem>,
    pub unresolved: HashSet<String>,
}

/// Replaces `${NAME}` with the variable's value in every string of the tree; `$${` stands for
/// a literal `${`. A value that cannot be substituted is left as written.
pub fn interpolate(value: &mut toml::Value, env: &dyn Fn(&str) -> Option<String>) -> Interpolation {
    let mut outcome = Interpolation::default();
    walk(value, String::new(), env, &mut outcome);
    outcome
}

fn walk(
    value: &mut toml::Value,
    path: String,
    env: &dyn Fn(&str) -> Option<String>,
    outcome: &mut Interpolation,
) {
    match value {
        toml::Value::String(text) => match substitute(text, env) {
            Ok(done) => *text = done,
            Err(messages) => {
                outcome.problems.extend(
                    messages
                        .into_iter()
                        .map(|message| ConfigProblem::new(&path, message)),
                );
                outcome.unresolved.insert(path);
            }
        },
        toml::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, index(&path, i), env, outcome);
            }
        }
        toml::Value::Table(table) => {
            for (key, item) in table.iter_mut() {
                walk(item, join(&path, key), env, outcome);
            }
        }
        _ => {}
    }
}

/// Substitutes one string. The messages never quote the string itself: it may be a secret
/// that merely happens to contain a `$`.
fn substitute(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(text.len());
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                problems.push("`${` without a closing `}`; write `$${` for a literal `${`".into());
                break;
            };
            let name = &after[..end];
            if !is_variable_name(name) {
                problems.push(
                    "`${...}` must hold an environment variable name \
                     (letters, digits and `_`, not starting with a digit)"
                        .into(),
                );
            } else if let Some(found) = env(name) {
                out.push_str(&found);
            } else {
                problems.push(format!("environment variable {name} is not set"));
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_env(name: &str) -> Option<String> {
        match name {
            "USER" => Some("acme".into()),
            "EMPTY" => Some(String::new()),
            "TRICKY" => Some("${USER}".into()),
            _ => None,
        }
    }

    fn sub(text: &str) -> Result<String, Vec<String>> {
        substitute(text, &fake_env)
    }

    #[test]
    fn substitutes_variables_and_leaves_other_dollars() {
        assert_eq!(sub("${USER}").unwrap(), "acme");
        assert_eq!(sub("a-${USER}-${USER}!").unwrap(), "a-acme-acme!");
        assert_eq!(sub("x${EMPTY}y").unwrap(), "xy");
        assert_eq!(sub("cost $5 or $").unwrap(), "cost $5 or $");
        assert_eq!(sub("$${USER}").unwrap(), "${USER}");
    }

    #[test]
    fn values_are_not_substituted_again() {
        assert_eq!(sub("${TRICKY}").unwrap(), "${USER}");
    }

    #[test]
    fn every_bad_reference_is_reported() {
        let problems = sub("${NOPE}/${ALSO_NOPE}/${1BAD}").unwrap_err();
        assert_eq!(problems.len(), 3);
        assert_eq!(problems[0], "environment variable NOPE is not set");
        assert_eq!(problems[1], "environment variable ALSO_NOPE is not set");
        assert!(problems[2].contains("environment variable name"));
        assert!(sub("pa${ss").unwrap_err()[0].contains("closing"));
        assert!(sub("${}").is_err());
    }

    #[test]
    fn problems_carry_the_key_path() {
        let mut value: toml::Value = toml::from_str(
            "[tenants.acme]\npassword = \"${ACME_PW}\"\napi_keys = [\"${USER}\", \"${K}\"]\n",
        )
        .unwrap();
        let outcome = interpolate(&mut value, &fake_env);
        let shown: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "tenants.acme.api_keys[1]: environment variable K is not set",
                "tenants.acme.password: environment variable ACME_PW is not set",
            ]
        );
        assert!(outcome.unresolved.contains("tenants.acme.password"));
        assert_eq!(
            value["tenants"]["acme"]["api_keys"][0].as_str(),
            Some("acme")
        );
    }
}

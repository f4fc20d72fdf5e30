//! How problems are reported: all at once, at their key, and never quoting a secret.

use super::problems::{assert_one, tenant, tenant_with};
use super::{fake_env, parse, problems, SECRETS};
use crate::config::Position;

#[test]
fn an_unset_variable_is_one_problem_at_its_key() {
    let text = tenant_with("password", "password = \"${ACME_CAPILLARY_PASSWORD_TYPO}\"");
    assert_eq!(
        problems(&text),
        ["tenants.acme.password: environment variable ACME_CAPILLARY_PASSWORD_TYPO is not set"]
    );
    let text = tenant_with("base_url", "base_url = \"${ACME_URL}\"");
    assert_eq!(
        problems(&text),
        ["tenants.acme.base_url: environment variable ACME_URL is not set"]
    );
    let text = tenant_with("api_keys", "api_keys = [\"${NOPE}\"]");
    assert_eq!(
        problems(&text),
        ["tenants.acme.api_keys[0]: environment variable NOPE is not set"]
    );
    assert_one(
        &tenant_with("password", "password = \"pa${ss\""),
        "tenants.acme.password",
        "closing",
    );
}

#[test]
fn a_toml_syntax_error_gives_its_position_not_the_line() {
    let text = "[tenants.acme]\npassword = hunter2-secret\n";
    let found = problems(text);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("not valid TOML: "), "{found:?}");
    assert!(!found[0].contains("hunter2"), "{found:?}");
    let problem = &parse(text, &fake_env).unwrap_err()[0];
    assert_eq!(
        problem.at,
        Some(Position {
            line: 2,
            column: 12
        })
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = format!(
        "[server]\nmax_body_bytes = 0\n[cache]\nextra = 1\n{}{}[tenants.Bad]\nprovider = \"nope\"\n",
        tenant("acme", "timeout_ms = -1\nmax_in_flight = 0\nsurprise = 1")
            .replace("https://eu", "ftp://eu")
            .replace("\"pw\"", "\"${UNSET_PW}\""),
        tenant("beta", "").replace("key-of-beta", "key-of-acme"),
    );
    let paths: Vec<String> = problems(&text)
        .iter()
        .map(|p| p.split(": ").next().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "cache.extra",
            "server.max_body_bytes",
            "tenants.Bad",
            "tenants.Bad.api_keys",
            "tenants.Bad.base_url",
            "tenants.Bad.provider",
            "tenants.acme.base_url",
            "tenants.acme.max_in_flight",
            "tenants.acme.password",
            "tenants.acme.surprise",
            "tenants.acme.timeout_ms",
            "tenants.beta.api_keys[0]",
        ]
    );
}

#[test]
fn problems_never_quote_a_secret() {
    // Secrets put where they cause problems: a bad key, a bad md5, a string for a list.
    let text = format!(
        "{}{}",
        tenant_with("api_keys", "api_keys = \"${ACME_GATEWAY_KEY}\"").replace(
            "password = \"pw\"",
            "password_md5 = \"${ACME_CAPILLARY_PASSWORD}\""
        ),
        tenant("beta", "password_md5 = \"${INITECH_CAPILLARY_PASSWORD}\"")
            .replace("key-of-beta", "${GLOBEX_KEY} x"),
    );
    let found = problems(&text);
    assert!(found.len() >= 3, "{found:#?}");
    for problem in &found {
        for secret in SECRETS {
            assert!(!problem.contains(secret), "{secret} in {problem}");
        }
    }
}

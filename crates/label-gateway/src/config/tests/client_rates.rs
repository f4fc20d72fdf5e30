//! `api_keys` entries as tables and `client_rate_limit`: read, defaulted and refused by path.

use super::super::ClientRate;
use super::problems::{assert_one, tenant_with};
use super::{parse_ok, problems, SECRETS, TEST_DIGEST};

fn rate(requests_per_second: f64, burst: u32) -> Option<ClientRate> {
    Some(ClientRate {
        requests_per_second,
        burst,
    })
}

#[test]
fn a_key_table_overrides_the_tenant_default() {
    let keys = format!(
        "api_keys = [\"plain-key\", {{ key = \"{TEST_DIGEST}\", requests_per_second = 50, \
         burst = 100 }}, {{ key = \"${{GLOBEX_KEY}}\" }}]\n\
         client_rate_limit = {{ requests_per_second = 0.5, burst = 3 }}"
    );
    let config = parse_ok(&tenant_with("api_keys", &keys));
    let acme = config.tenant("acme").unwrap();
    assert!(acme.api_keys[0].matches("plain-key"));
    assert!(acme.api_keys[1].matches("test"));
    assert!(acme.api_keys[2].matches(SECRETS[2]));
    assert_eq!(
        acme.client_rates,
        [rate(0.5, 3), rate(50.0, 100), rate(0.5, 3)]
    );
    // The key's secret never shows in Debug.
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(SECRETS[2]) && !shown.contains("plain-key"),
        "{shown}"
    );
}

#[test]
fn keys_without_any_limit_are_unlimited() {
    let keys = "api_keys = [\"a-key\", { key = \"b-key\", requests_per_second = 2, burst = 1 }]";
    let config = parse_ok(&tenant_with("api_keys", keys));
    assert_eq!(
        config.tenant("acme").unwrap().client_rates,
        [None, rate(2.0, 1)]
    );
}

#[test]
fn bad_limits_are_named_by_their_key_path() {
    let entry = |fields: &str| format!("api_keys = [\"ok-key\", {{ key = \"k2\", {fields} }}]");
    let at = "tenants.acme.api_keys[1]";
    for (fields, path, fragment) in [
        (
            "requests_per_second = 0, burst = 1",
            "requests_per_second",
            "must be a number",
        ),
        (
            "requests_per_second = -5, burst = 1",
            "requests_per_second",
            "must be a number",
        ),
        (
            "requests_per_second = nan, burst = 1",
            "requests_per_second",
            "must be a number",
        ),
        (
            "requests_per_second = \"10\", burst = 1",
            "requests_per_second",
            "not a string",
        ),
        ("requests_per_second = 10, burst = 0", "burst", "from 1 to"),
        (
            "requests_per_second = 10, burst = 1.5",
            "burst",
            "must be an integer",
        ),
        ("requests_per_second = 10", "burst", "missing required key"),
        (
            "requests_per_second = 1, burst = 1, brust = 2",
            "brust",
            "unknown key",
        ),
    ] {
        assert_one(
            &tenant_with("api_keys", &entry(fields)),
            &format!("{at}.{path}"),
            fragment,
        );
    }
    assert_one(
        &tenant_with(
            "api_keys",
            "api_keys = [{ requests_per_second = 1, burst = 1 }]",
        ),
        "tenants.acme.api_keys[0].key",
        "missing required key",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [{ key = \"a b\" }]"),
        "tenants.acme.api_keys[0].key",
        "visible ASCII",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [7]"),
        "tenants.acme.api_keys[0]",
        "a string or a table",
    );
}

#[test]
fn a_bad_tenant_default_is_named_by_its_key_path() {
    let with = |limit: &str| {
        tenant_with(
            "api_keys",
            &format!("api_keys = [\"k\"]\nclient_rate_limit = {limit}"),
        )
    };
    assert_one(
        &with("{ requests_per_second = 5 }"),
        "tenants.acme.client_rate_limit.burst",
        "missing required key",
    );
    assert_one(
        &with("{ requests_per_second = 5, burst = -1 }"),
        "tenants.acme.client_rate_limit.burst",
        "from 1 to",
    );
    assert_one(
        &with("{ rps = 5, requests_per_second = 5, burst = 1 }"),
        "tenants.acme.client_rate_limit.rps",
        "unknown key",
    );
    assert_one(
        &with("5"),
        "tenants.acme.client_rate_limit",
        "must be a table",
    );
    let found = problems(&with("{}"));
    assert_eq!(found.len(), 2, "{found:#?}");
}

//! A tenant's `passthrough` allow-list: every problem at its key path.

use super::problems::tenant;
use super::{parse_ok, problems};

#[test]
fn an_allow_list_is_read_with_its_entries() {
    let text = tenant(
        "acme",
        r#"passthrough = [{ methods = ["GET", "POST"], path = "/v2/customers/*/labels", invalidate = "tenant" }]"#,
    );
    let config = parse_ok(&text);
    let segments = |p: &str| -> Vec<String> { p.split('/').map(str::to_owned).collect() };
    let allow = &config.tenants[0].passthrough;
    let rule = allow.find("POST", &segments("v2/customers/7/labels"));
    assert!(rule.is_some_and(|r| r.invalidates_tenant));
    assert!(allow
        .find("DELETE", &segments("v2/customers/7/labels"))
        .is_none());
    assert!(parse_ok(&tenant("acme", "")).tenants[0]
        .passthrough
        .is_empty());
}

#[test]
fn bad_entries_are_named_at_their_key_paths() {
    let text = tenant(
        "acme",
        r#"passthrough = [
            { methods = ["GET", "get", "TRACE"], path = "/v2/x" },
            { methods = ["GET"], path = "/v2/../x" },
            { methods = ["GET"], path = "/v2/**/x" },
            { methods = [], path = "/v2/x" },
            { methods = ["GET"], path = "/v2/x", invalidate = "all", colour = 1 },
            { methods = ["GET"] },
            "GET /v2/x",
        ]"#,
    );
    let found = problems(&text);
    let at = |path: &str, words: &str| {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{path}: ")) && p.contains(words)),
            "no `{path}` problem saying `{words}` in {found:#?}"
        );
    };
    at(
        "tenants.acme.passthrough[0].methods[1]",
        "must be one of GET",
    );
    at(
        "tenants.acme.passthrough[0].methods[2]",
        "must be one of GET",
    );
    at("tenants.acme.passthrough[1].path", "dot segment");
    at(
        "tenants.acme.passthrough[2].path",
        "`**` only as its last segment",
    );
    at("tenants.acme.passthrough[3].methods", "at least one method");
    at(
        "tenants.acme.passthrough[4].invalidate",
        "must be \"tenant\"",
    );
    at("tenants.acme.passthrough[4].colour", "unknown key");
    at("tenants.acme.passthrough[5].path", "missing required key");
    at("tenants.acme.passthrough[6]", "a table");
    assert_eq!(found.len(), 9, "{found:#?}");
}

#[test]
fn a_passthrough_that_is_no_list_is_named() {
    let found = problems(&tenant("acme", r#"passthrough = "GET /v2/x""#));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("tenants.acme.passthrough: must be a list of tables"));
}

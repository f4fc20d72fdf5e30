//! Every kind of config problem, each named at its key path.

use super::{fake_env, parse, problems, TEST_DIGEST};

/// A valid tenant table, to which a test adds or from which it removes lines.
pub(super) fn tenant(id: &str, extra: &str) -> String {
    let key = id.replace('"', "");
    format!(
        "[tenants.{id}]\nprovider = \"capillary\"\nbase_url = \"https://eu.api.capillarytech.com\"\n\
         username = \"till\"\npassword = \"pw\"\napi_keys = [\"key-of-{key}\"]\n{extra}\n"
    )
}

/// `tenant()` with one of its lines replaced (or removed, with an empty `with`).
pub(super) fn tenant_with(key: &str, with: &str) -> String {
    tenant("acme", "")
        .lines()
        .map(|line| {
            if line.starts_with(&format!("{key} =")) {
                with
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts exactly one problem, at `path`, whose message contains `fragment`.
pub(super) fn assert_one(text: &str, path: &str, fragment: &str) {
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let prefix = format!("{path}: ");
    assert!(
        found[0].starts_with(&prefix) && found[0].contains(fragment),
        "{found:#?}"
    );
}

#[test]
fn unknown_keys_are_named_everywhere() {
    let text = format!(
        "colour = 1\n[server]\nlisten = \"127.0.0.1:1\"\nbogus = 2\n[cache]\nttl = 3\n{}",
        tenant("acme", "passwrd = \"x\"")
    );
    let found = problems(&text);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].starts_with(
        "cache.ttl: unknown key (did you mean `ttl_seconds`?); expected one of: ttl_seconds"
    ));
    assert!(found[1].starts_with("colour: unknown key; expected one of: server,"));
    assert!(found[2].starts_with("server.bogus: unknown key; expected one of: listen,"));
    // A provider's key is unknown in the same words, with the common keys and its own.
    assert!(
        found[3].starts_with(
            "tenants.acme.passwrd: unknown key (did you mean `password`?); expected one of: \
             provider, base_url,"
        ),
        "{found:#?}"
    );
    assert!(
        found[3].contains(", copy_from, passthrough, webhooks, username, password, password_md5"),
        "{found:#?}"
    );
}

#[test]
fn missing_required_keys_are_named() {
    assert_one(
        &tenant_with("provider", ""),
        "tenants.acme.provider",
        "missing",
    );
    assert_one(
        &tenant_with("base_url", ""),
        "tenants.acme.base_url",
        "missing",
    );
    assert_one(
        &tenant_with("api_keys", ""),
        "tenants.acme.api_keys",
        "missing",
    );
    // The provider's own required keys are its own to name.
    assert_one(
        &tenant_with("username", ""),
        "tenants.acme.username",
        "missing",
    );
    assert_one(
        &tenant_with("password", ""),
        "tenants.acme.password",
        "password_md5",
    );
}

#[test]
fn wrong_types_are_named_without_the_value() {
    assert_one(
        &tenant("acme", "timeout_ms = \"3000\""),
        "tenants.acme.timeout_ms",
        "must be an integer, not a string",
    );
    assert_one(
        &tenant("acme", "max_in_flight = 1.5"),
        "tenants.acme.max_in_flight",
        "not a float",
    );
    assert_one(
        &tenant_with("provider", "provider = 7"),
        "tenants.acme.provider",
        "must be a string",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [\"k\", 3]"),
        "tenants.acme.api_keys[1]",
        "must be a string",
    );
    let found = problems(&tenant_with(
        "api_keys",
        "api_keys = \"${ACME_GATEWAY_KEY}\"",
    ));
    assert_eq!(
        found,
        ["tenants.acme.api_keys: must be a list of keys, not a string"]
    );
    assert_one(
        &format!("server = 5\n{}", tenant("acme", "")),
        "server",
        "must be a table",
    );
    assert_one(
        &format!("[server]\nmax_body_bytes = true\n{}", tenant("acme", "")),
        "server.max_body_bytes",
        "not a boolean",
    );
    assert_one(
        "[tenants]\nacme = \"capillary\"\n",
        "tenants.acme",
        "must be a table",
    );
    assert_one("tenants = []\n", "tenants", "must be a table");
}

#[test]
fn tenant_ids_must_be_lower_case_slugs() {
    let long = "a".repeat(64);
    for (id, path) in [
        ("Acme", "tenants.Acme".to_owned()),
        ("_acme", "tenants._acme".to_owned()),
        ("\"ac.me\"", "tenants.\"ac.me\"".to_owned()),
        ("\"\"", "tenants.\"\"".to_owned()),
        (long.as_str(), format!("tenants.{long}")),
    ] {
        assert_one(&tenant(id, ""), &path, "[a-z0-9][a-z0-9_-]{0,62}");
    }
    let longest = "0".repeat(63);
    assert_eq!(
        super::parse_ok(&tenant(&longest, "")).tenants[0].id,
        longest
    );
    assert!(parse(&tenant("a_b-9", ""), &fake_env).is_ok());
}

#[test]
fn base_urls_must_be_plain_http_addresses() {
    for (url, fragment) in [
        ("eu.api.capillarytech.com", "absolute"),
        ("ftp://eu.api.capillarytech.com", "http:// or https://"),
        (
            "https://user:hunter2@eu.api.capillarytech.com",
            "credentials",
        ),
        ("https://eu.api.capillarytech.com/?org=1", "query"),
        ("https://eu.api.capillarytech.com/#top", "fragment"),
        ("https://", "absolute"),
    ] {
        let text = tenant_with("base_url", &format!("base_url = \"{url}\""));
        assert_one(&text, "tenants.acme.base_url", fragment);
        assert!(!problems(&text)[0].contains("hunter2"));
    }
}

#[test]
fn plain_http_is_for_loopback_unless_allowed() {
    let remote = tenant_with("base_url", "base_url = \"http://eu.api.capillarytech.com\"");
    assert_one(&remote, "tenants.acme.base_url", "must be https://");
    for local in [
        "http://127.0.0.1:9000",
        "http://localhost:9000",
        "http://[::1]:9000",
    ] {
        super::parse_ok(&tenant_with("base_url", &format!("base_url = \"{local}\"")));
    }
    let allowed = tenant_with(
        "base_url",
        "base_url = \"http://capillary.internal\"\nallow_insecure_http = true",
    );
    super::parse_ok(&allowed);
    let wrong_type = tenant_with(
        "base_url",
        "base_url = \"https://x.example\"\nallow_insecure_http = \"yes\"",
    );
    assert_one(
        &wrong_type,
        "tenants.acme.allow_insecure_http",
        "true or false",
    );
}

#[test]
fn an_unknown_provider_lists_the_known_ones() {
    let text = tenant_with("provider", "provider = \"salesforce\"");
    assert_one(
        &text,
        "tenants.acme.provider",
        "unknown provider `salesforce`; known providers: capillary, trybe, actionhub",
    );
}

#[test]
fn provider_problems_sit_under_the_tenant() {
    let text = tenant_with("password", "password_md5 = \"not-a-hash\"");
    assert_one(&text, "tenants.acme.password_md5", "32 hex digits");
    // The other backends are stubs in this tree; whatever they say lands under the tenant.
    let found = problems(&tenant_with("provider", "provider = \"trybe\""));
    assert!(
        found.iter().all(|p| p.starts_with("tenants.acme.")),
        "{found:#?}"
    );
}

#[test]
fn there_must_be_a_tenant_and_each_needs_a_key() {
    assert_one("[server]\n", "tenants", "at least one tenant");
    assert_one("[tenants]\n", "tenants", "at least one tenant");
    assert_one(
        &tenant_with("api_keys", "api_keys = []"),
        "tenants.acme.api_keys",
        "at least one api key",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [\"\"]"),
        "tenants.acme.api_keys[0]",
        "must not be empty",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [\"sha256:9f86d0...\"]"),
        "tenants.acme.api_keys[0]",
        "64 hex digits",
    );
    assert_one(
        &tenant_with("api_keys", "api_keys = [\"two words\"]"),
        "tenants.acme.api_keys[0]",
        "without spaces",
    );
}

#[test]
fn a_key_used_twice_is_named_at_both_places() {
    let text = format!(
        "{}{}",
        tenant("acme", "").replace("\"key-of-acme\"", "\"test\", \"k\""),
        tenant("beta", "").replace(
            "\"key-of-beta\"",
            &format!("\"{TEST_DIGEST}\", \"k\", \"k\"")
        ),
    );
    // Across tenants, within one, and a plain key against its own sha256: form.
    let twice = |at: usize, first: usize| {
        format!(
            "tenants.beta.api_keys[{at}]: the same api key is already configured at \
             tenants.acme.api_keys[{first}]; a key may appear once only"
        )
    };
    assert_eq!(problems(&text), [twice(0, 0), twice(1, 1), twice(2, 1)]);
}

#[test]
fn numbers_must_be_in_range() {
    for (key, fragment) in [
        ("timeout_ms = 0", "from 1 to"),
        ("connect_timeout_ms = 0", "from 1 to"),
        ("timeout_ms = 86400001", "from 1 to 86400000"),
        ("max_in_flight = 0", "from 1 to"),
        ("circuit_failures = 0", "from 1 to 4294967295"),
        ("circuit_open_seconds = 0", "from 1 to"),
        ("max_retries = -1", "from 0 to"),
        ("max_retries = 4294967296", "from 0 to 4294967295"),
        ("cache_ttl_seconds = -5", "from 0 to"),
    ] {
        let name = key.split(' ').next().unwrap();
        assert_one(
            &tenant("acme", key),
            &format!("tenants.acme.{name}"),
            fragment,
        );
    }
    let acme = tenant("acme", "");
    assert_one(
        &format!("[cache]\nmax_entries = 0\n{acme}"),
        "cache.max_entries",
        "at least 1",
    );
    assert_one(
        &format!("[cache]\nttl_seconds = -1\n{acme}"),
        "cache.ttl_seconds",
        "from 0 to",
    );
    assert_one(
        &format!("[server]\nmax_body_bytes = 0\n{acme}"),
        "server.max_body_bytes",
        "at least 1",
    );
    assert_one(
        &format!("[server]\nmax_upstream_bytes_in_flight = 65536\n{acme}"),
        "server.max_upstream_bytes_in_flight",
        "from 1048576 to",
    );
    assert_one(
        &format!("[server]\nlisten = \"localhost\"\n{acme}"),
        "server.listen",
        "IP address and port",
    );
}

#[test]
fn the_jobs_bounds_are_checked_at_their_key_paths() {
    let acme = tenant("acme", "");
    assert_one(
        &format!("[jobs]\nmax_active_per_tenant = 0\n{acme}"),
        "jobs.max_active_per_tenant",
        "",
    );
    assert_one(
        &format!("[jobs]\nmax_memory_bytes = 1024\n{acme}"),
        "jobs.max_memory_bytes",
        "",
    );
    assert_one(
        &format!("[jobs]\nmax_memory_bytes = \"big\"\n{acme}"),
        "jobs.max_memory_bytes",
        "",
    );
    let config = super::parse_ok(&format!(
        "[jobs]\nmax_active_per_tenant = 2\nmax_memory_bytes = 1048576\n{acme}"
    ));
    assert_eq!(
        (
            config.jobs.max_active_per_tenant,
            config.jobs.max_memory_bytes
        ),
        (2, 1_048_576)
    );
    let config = super::parse_ok(&acme);
    assert_eq!(
        (
            config.jobs.max_active_per_tenant,
            config.jobs.max_memory_bytes
        ),
        (4, 256 * 1024 * 1024)
    );
}

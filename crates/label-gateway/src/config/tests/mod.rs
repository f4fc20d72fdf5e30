//! `parse` with a fake environment: a valid config, then (in `problems`) every way to break one.

mod client_rates;
mod cors;
mod events;
mod example;
mod passthrough;
mod problems;
mod reporting;
mod state;

use std::time::Duration;

use super::*;

pub const SECRETS: &[&str] = &[
    "acme-capillary-pw",
    "acme-gateway-key-1",
    "globex-gateway-key",
    "initech-capillary-pw",
];

/// `sha256:` of "test".
pub const TEST_DIGEST: &str =
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

pub fn fake_env(name: &str) -> Option<String> {
    let value = match name {
        "ACME_CAPILLARY_PASSWORD" => SECRETS[0],
        "ACME_GATEWAY_KEY" => SECRETS[1],
        "GLOBEX_KEY" => SECRETS[2],
        "INITECH_CAPILLARY_PASSWORD" => SECRETS[3],
        _ => return None,
    };
    Some(value.to_owned())
}

/// The contract's example, with every tenant on Capillary (the other backends are built
/// elsewhere) and tenants written out of order.
pub const FULL: &str = r#"
[server]
listen = "127.0.0.1:9090"
max_body_bytes = 1024

[cache]
ttl_seconds = 120
max_entries = 500
negative_ttl_seconds = 7
stale_if_error_seconds = 300
max_bytes = 2097152

[idempotency]
max_bytes = 3145728

[tenants.initech]
provider = "capillary"
base_url = "http://127.0.0.1:8999/prefix/"
username = "initech_till"
password = "${INITECH_CAPILLARY_PASSWORD}"
api_keys = ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]

[tenants.acme]
provider = "capillary"
base_url = "https://eu.api.capillarytech.com"
username = "acme_till"
password = "${ACME_CAPILLARY_PASSWORD}"
api_keys = ["${ACME_GATEWAY_KEY}", "literal-acme-key"]
cache_ttl_seconds = 30
timeout_ms = 2500
connect_timeout_ms = 400
max_retries = 0
circuit_failures = 3
circuit_open_seconds = 10
max_in_flight = 8
vendor_requests_per_minute = 120
min_call_ms = 150
max_retry_after_seconds = 60

[tenants.globex-2]
provider = "capillary"
base_url = "https://globex.example"
username = "globex"
password_md5 = "5f4dcc3b5aa765d61d8327deb882cf99"
api_keys = ["${GLOBEX_KEY}"]
cache_ttl_seconds = 0
"#;

pub fn parse_ok(text: &str) -> Config {
    match parse(text, &fake_env) {
        Ok(config) => config,
        Err(problems) => panic!("unexpected problems: {problems:#?}"),
    }
}

/// The problems of a config that must fail, as `path: message` lines.
pub fn problems(text: &str) -> Vec<String> {
    match parse(text, &fake_env) {
        Ok(config) => panic!("expected problems, got {config:#?}"),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn full_config_is_read_with_every_value() {
    let config = parse_ok(FULL);
    assert_eq!(
        config.server.listen,
        Some("127.0.0.1:9090".parse().unwrap())
    );
    assert_eq!(config.server.max_body_bytes, 1024);
    assert_eq!(
        config.cache,
        CacheConfig {
            ttl_seconds: 120,
            max_entries: 500,
            negative_ttl_seconds: 7,
            stale_if_error_seconds: 300,
            max_bytes: 2 * 1024 * 1024,
        }
    );
    assert_eq!(config.idempotency.max_bytes, 3 * 1024 * 1024);
    let ids: Vec<&str> = config.tenants.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["acme", "globex-2", "initech"]);

    let acme = config.tenant("acme").unwrap();
    assert_eq!(acme.provider.name(), "capillary");
    assert_eq!(acme.base_url.as_str(), "https://eu.api.capillarytech.com/");
    assert_eq!(acme.api_keys.len(), 2);
    assert!(acme.api_keys[0].matches("acme-gateway-key-1"));
    assert!(acme.api_keys[1].matches("literal-acme-key"));
    assert_eq!(acme.cache_ttl_seconds, Some(30));
    assert_eq!(
        acme.resilience,
        Resilience {
            timeout: Duration::from_millis(2500),
            connect_timeout: Duration::from_millis(400),
            max_retries: 0,
            circuit_failures: 3,
            circuit_open: Duration::from_secs(10),
            max_in_flight: 8,
            budget: Some(Budget {
                per_minute: 120,
                burst: 12,
            }),
            min_call: Duration::from_millis(150),
            max_retry_after: Duration::from_secs(60),
        }
    );

    let globex = config.tenant("globex-2").unwrap();
    assert_eq!(globex.resilience, Resilience::default());
    assert_eq!(globex.cache_ttl(&config.cache), Duration::ZERO);

    let initech = config.tenant("initech").unwrap();
    assert!(matches!(initech.api_keys[0], ApiKey::Sha256(_)));
    assert!(initech.api_keys[0].matches("test"));
    assert_eq!(initech.base_url.path(), "/prefix/");
    assert_eq!(initech.cache_ttl(&config.cache), Duration::from_secs(120));
    assert!(config.tenant("nobody").is_none());
}

#[test]
fn omitted_sections_and_keys_take_their_defaults() {
    let config = parse_ok(
        r#"
        [tenants.acme]
        provider = "capillary"
        base_url = "https://eu.api.capillarytech.com"
        username = "acme_till"
        password = "x"
        api_keys = ["k1"]
        "#,
    );
    assert_eq!(
        config.server,
        ServerConfig {
            listen: None,
            max_body_bytes: 65_536,
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 16_384,
            body_read_timeout: Duration::from_secs(10),
            min_body_bytes_per_second: 1024,
            max_connections_per_key: 128,
            max_upstream_body_bytes: 4 * 1024 * 1024,
            max_upstream_bytes_in_flight: 64 * 1024 * 1024,
            admin_listen: "127.0.0.1:9464".parse().unwrap(),
            cors_allowed_origins: Vec::new(),
        }
    );
    assert_eq!(
        config.cache,
        CacheConfig {
            ttl_seconds: 60,
            max_entries: 100_000,
            negative_ttl_seconds: 5,
            stale_if_error_seconds: 0,
            max_bytes: 256 * 1024 * 1024,
        }
    );
    assert_eq!(config.idempotency.max_bytes, 64 * 1024 * 1024);
    assert!(config.state.is_none());
    let acme = &config.tenants[0];
    assert_eq!(acme.cache_ttl_seconds, None);
    assert_eq!(
        acme.resilience,
        Resilience {
            timeout: Duration::from_millis(3000),
            connect_timeout: Duration::from_millis(1000),
            max_retries: 2,
            circuit_failures: 5,
            circuit_open: Duration::from_secs(30),
            max_in_flight: 64,
            budget: None,
            min_call: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(300),
        }
    );
}

#[test]
fn debug_output_holds_no_secret() {
    let config = parse_ok(FULL);
    for shown in [format!("{config:?}"), format!("{config:#?}")] {
        for secret in SECRETS
            .iter()
            .chain(&["literal-acme-key", "5f4dcc3b", "9f86d08"])
        {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(shown.contains("capillary"), "{shown}");
        assert!(shown.contains("globex-2"), "{shown}");
    }
}

#[test]
fn an_unreadable_file_is_one_problem_for_the_whole_file() {
    let problems = load(Path::new("/nonexistent/label-gateway.toml")).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "");
    assert!(problems[0]
        .to_string()
        .starts_with("/nonexistent/label-gateway.toml: cannot read the file: "));
}

#[test]
fn load_reads_a_file() {
    let dir = std::env::temp_dir().join(format!("label-gateway-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    let text = FULL
        .replace("${ACME_CAPILLARY_PASSWORD}", "pw")
        .replace("${INITECH_CAPILLARY_PASSWORD}", "pw")
        .replace("${ACME_GATEWAY_KEY}", "k1")
        .replace("${GLOBEX_KEY}", "k2");
    std::fs::write(&file, text).unwrap();
    let config = load(&file);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(config.unwrap().tenants.len(), 3);
}

#[test]
fn problems_display_as_path_and_message() {
    assert_eq!(
        ConfigProblem::new("tenants.acme", "bad").to_string(),
        "tenants.acme: bad"
    );
    assert_eq!(
        ConfigProblem::new("", "cannot read x").to_string(),
        "cannot read x"
    );
}

//! `[state]` (the shared Redis) and `[server] admin_listen`.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::problems::{assert_one, tenant};
use super::{parse, parse_ok, problems};

const PASSWORD: &str = "redis-hunter2-pw";

fn with_state(lines: &str) -> String {
    format!("[state]\n{lines}\n{}", tenant("acme", ""))
}

fn env(name: &str) -> Option<String> {
    match name {
        "REDIS_URL" => Some(format!("rediss://:{PASSWORD}@redis.internal:6380/2")),
        "BAD_REDIS_URL" => Some(format!("https://:{PASSWORD}@redis.internal")),
        _ => super::fake_env(name),
    }
}

#[test]
fn state_is_read_with_every_value() {
    let text = with_state(
        "redis_url = \"${REDIS_URL}\"\nkey_prefix = \"lg-prod_eu-1a\"\nmax_staleness_seconds = 0\ncommand_timeout_ms = 750",
    );
    let config = parse(&text, &env).expect("valid");
    let state = config.state.expect("[state] given");
    assert_eq!(
        state.redis_url.expose_secret(),
        format!("rediss://:{PASSWORD}@redis.internal:6380/2")
    );
    assert_eq!(state.key_prefix, "lg-prod_eu-1a");
    assert_eq!(state.max_staleness, Duration::ZERO);
    assert_eq!(state.command_timeout, Duration::from_millis(750));
}

#[test]
fn state_takes_its_defaults() {
    let state = parse_ok(&with_state("redis_url = \"redis://127.0.0.1:6379\""))
        .state
        .expect("[state] given");
    assert_eq!(state.redis_url.expose_secret(), "redis://127.0.0.1:6379");
    assert_eq!(state.key_prefix, "label-gateway");
    assert_eq!(state.max_staleness, Duration::from_secs(5));
    assert_eq!(state.command_timeout, Duration::from_millis(2000));
    let longest = "a".repeat(32);
    let text = with_state(&format!(
        "redis_url = \"redis://r\"\nkey_prefix = \"{longest}\"\nmax_staleness_seconds = 3600"
    ));
    let state = parse_ok(&text).state.unwrap();
    assert_eq!(state.key_prefix, longest);
    assert_eq!(state.max_staleness, Duration::from_secs(3600));
}

#[test]
fn a_state_table_needs_a_redis_url() {
    assert_one(&with_state(""), "state.redis_url", "missing required key");
    assert_one(
        &with_state("redis_url = [\"redis://r\"]"),
        "state.redis_url",
        "must be a string, not an array",
    );
    assert_one(
        &with_state("redis_url = \"${UNSET_REDIS_URL}\""),
        "state.redis_url",
        "environment variable UNSET_REDIS_URL is not set",
    );
    assert_one(
        &format!("state = \"redis://r\"\n{}", tenant("acme", "")),
        "state",
        "must be a table",
    );
}

#[test]
fn redis_urls_must_be_redis_with_a_host() {
    for (url, fragment) in [
        (
            "https://:pw-in-https@redis.internal",
            "redis:// or rediss://",
        ),
        ("unix:///run/redis.sock", "redis:// or rediss://"),
        ("redis.internal:6379", "redis:// or rediss://"),
        ("not a url at all", "must be a URL like redis://host:6379"),
        ("redis://", "must name a host"),
        ("rediss://:pw-no-host@/0", "must be a URL like"),
        ("redis:///0", "must name a host"),
        ("redis://r:99999", "must be a URL like"),
        ("redis://r/db1", "database number"),
        ("redis://r/0/extra", "database number"),
        ("redis://r/0#top", "fragment"),
    ] {
        let text = with_state(&format!("redis_url = \"{url}\""));
        assert_one(&text, "state.redis_url", fragment);
    }
    for url in ["redis://r", "redis://r:6379/", "rediss://u:p@[::1]:6380/15"] {
        parse_ok(&with_state(&format!("redis_url = \"{url}\"")));
    }
}

#[test]
fn the_redis_password_is_never_shown() {
    let config = parse(&with_state("redis_url = \"${REDIS_URL}\""), &env).unwrap();
    for shown in [format!("{config:?}"), format!("{config:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("redis.internal"), "{shown}");
    }
    let broken = with_state("redis_url = \"${BAD_REDIS_URL}\"\nkey_prefix = \"\"");
    let found = match parse(&broken, &env) {
        Ok(_) => panic!("an https:// redis_url was accepted"),
        Err(found) => found,
    };
    assert_eq!(found.len(), 2, "{found:#?}");
    for problem in &found {
        let shown = format!("{problem} {problem:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
}

#[test]
fn key_prefixes_are_short_and_plain() {
    for prefix in [
        "",
        "has space",
        "slash/y",
        "star*",
        "ünï",
        "lg:prod",
        "lg.eu",
        "lg{x}",
        &"a".repeat(33),
    ] {
        let text = with_state(&format!(
            "redis_url = \"redis://r\"\nkey_prefix = \"{prefix}\""
        ));
        assert_one(
            &text,
            "state.key_prefix",
            "must be 1 to 32 characters of A-Z a-z 0-9 _ -",
        );
    }
}

#[test]
fn staleness_is_bounded_and_unknown_keys_are_named() {
    for value in ["-1", "3601", "\"5\""] {
        let text = with_state(&format!(
            "redis_url = \"redis://r\"\nmax_staleness_seconds = {value}"
        ));
        assert_eq!(problems(&text).len(), 1, "{value}");
        assert!(problems(&text)[0].starts_with("state.max_staleness_seconds: must be"));
    }
    assert_one(
        &with_state("redis_url = \"redis://r\"\nredis_password = \"x\""),
        "state.redis_password",
        // A password belongs in the URL: the hint points there.
        "unknown key (did you mean `redis_url`?); expected one of: redis_url, key_prefix, max_staleness_seconds, command_timeout_ms",
    );
}

#[test]
fn the_admin_listener_is_an_ip_and_port() {
    let acme = tenant("acme", "");
    let config = parse_ok(&format!(
        "[server]\nadmin_listen = \"0.0.0.0:9100\"\n{acme}"
    ));
    assert_eq!(config.server.admin_listen, "0.0.0.0:9100".parse().unwrap());
    let config = parse_ok(&format!("[server]\nadmin_listen = \"[::1]:9464\"\n{acme}"));
    assert_eq!(config.server.admin_listen, "[::1]:9464".parse().unwrap());
    for bad in ["\"localhost:9464\"", "\"0.0.0.0\"", "9464"] {
        let text = format!("[server]\nadmin_listen = {bad}\n{acme}");
        assert_one(&text, "server.admin_listen", "must be");
    }
}

//! `[events]` and a tenant's `[[tenants.<t>.webhooks]]`.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::problems::{assert_one, tenant};
use super::{parse_ok, problems};
use crate::contract::EventType;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn with_hook(lines: &str) -> String {
    format!(
        "{}\n[[tenants.acme.webhooks]]\n{lines}\n",
        tenant("acme", "")
    )
}

#[test]
fn events_and_webhooks_are_read_with_their_defaults() {
    let text = format!(
        "[events]\nretry_schedule_ms = [10, 20]\nmax_events = 5\n{}",
        with_hook(&format!(
            "url = \"https://hooks.example/x\"\nsecret = \"{SECRET}\"\ntypes = [\"job.ended\"]"
        ))
    );
    let config = parse_ok(&text);
    let events = &config.events;
    assert_eq!(
        events.retry_schedule,
        [Duration::from_millis(10), Duration::from_millis(20)]
    );
    assert_eq!(events.max_events, 5);
    assert_eq!(events.retention, Duration::from_secs(7 * 24 * 3600));
    assert_eq!(events.delivery_timeout, Duration::from_secs(10));
    let hook = &config.tenants[0].webhooks[0];
    assert_eq!(hook.url.as_str(), "https://hooks.example/x");
    assert_eq!(hook.secret.expose_secret().len(), 24);
    assert_eq!(hook.types, Some(vec![EventType::JobEnded]));
    let default = parse_ok(&tenant("acme", ""));
    assert_eq!(default.events.retry_schedule.len(), 7);
    assert!(default.tenants[0].webhooks.is_empty());
}

#[test]
fn a_bad_url_or_secret_is_named_at_its_key_path_and_never_shown() {
    let path = "tenants.acme.webhooks[0]";
    for (url, why) in [
        ("http://hooks.example/x", "https://"),
        ("ftp://hooks.example/x", "http"),
        ("https://user:pw@hooks.example/x", "credentials"),
        ("https://hooks.example/x?token=1", "query"),
        ("not a url", "absolute"),
    ] {
        let text = with_hook(&format!("url = \"{url}\"\nsecret = \"{SECRET}\""));
        assert_one(&text, &format!("{path}.url"), why);
    }
    for secret in [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_not base64!",
        "whsec_c2hvcnQ=",
    ] {
        let text = with_hook(&format!(
            "url = \"https://h.example/\"\nsecret = \"{secret}\""
        ));
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(&format!("{path}.secret: ")),
            "{found:#?}"
        );
        assert!(!found[0].contains(secret), "the secret is never shown");
    }
    let text = with_hook(&format!(
        "url = \"https://h.example/\"\nsecret = \"{SECRET}\"\ntypes = [\"job.done\"]\nsecrte = 1"
    ));
    let found = problems(&text);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("{path}.types[0]: "))),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("{path}.secrte: "))),
        "{found:#?}"
    );
    let text = with_hook("url = \"https://h.example/\"");
    assert_one(&text, &format!("{path}.secret"), "missing");
    assert_one(
        &format!("[events]\nretry_schedule_ms = [0]\n{}", tenant("acme", "")),
        "events.retry_schedule_ms",
        "milliseconds",
    );
    // Loopback may be plain http, as for a vendor.
    let text = with_hook(&format!(
        "url = \"http://127.0.0.1:9/x\"\nsecret = \"{SECRET}\""
    ));
    assert_eq!(parse_ok(&text).tenants[0].webhooks.len(), 1);
}

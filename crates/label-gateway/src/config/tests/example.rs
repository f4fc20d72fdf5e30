//! `config/example.toml` is documentation: it must stay valid and mention every key.

use super::super::{document, events, jobs, state, tenant};
use super::parse;

const EXAMPLE: &str = include_str!("../../../../../config/example.toml");

#[test]
fn the_example_is_valid() {
    let env = |name: &str| Some(format!("example-value-of-{name}"));
    match parse(EXAMPLE, &env) {
        Ok(config) => {
            let ids: Vec<&str> = config.tenants.iter().map(|t| t.id.as_str()).collect();
            assert_eq!(ids, ["acme", "globex", "initech"]);
            assert!(config.state.is_some(), "the example shows [state]");
        }
        // Backends still being written are stubs that refuse to be built; nothing else may fail.
        Err(problems) => {
            for problem in &problems {
                assert!(
                    problem.message.ends_with("is not implemented yet"),
                    "{problems:#?}"
                );
            }
        }
    }
}

#[test]
fn the_example_mentions_every_key() {
    let keys = document::SERVER_KEYS
        .iter()
        .chain(document::CACHE_KEYS)
        .chain(document::IDEMPOTENCY_KEYS)
        .chain(state::KEYS)
        .chain(jobs::KEYS)
        .chain(events::KEYS)
        .chain(events::WEBHOOK_KEYS)
        .chain(tenant::GENERIC_KEYS)
        .chain(&[
            "username",
            "password",
            "password_md5",
            "oauth_key",
            "oauth_secret",
            "token",
            "api_key",
            "program_id",
        ]);
    for key in keys {
        let line_start = format!("\n{key} = ");
        let commented = format!("\n# {key} = ");
        assert!(
            EXAMPLE.contains(&line_start) || EXAMPLE.contains(&commented),
            "config/example.toml lacks `{key}`"
        );
    }
}

//! Any config text, however broken, is a config or a list of problems: never a panic.

use label_gateway::config;
use proptest::prelude::*;

const VALID: &str = r#"
[server]
max_body_bytes = 1024
[cache]
ttl_seconds = 5
[tenants.acme]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "${PW}"
api_keys = ["k1", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
timeout_ms = 100
"#;

fn env(name: &str) -> Option<String> {
    (name == "PW").then(|| "pw".to_owned())
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
        if let Err(problems) = config::parse(&text, &env) {
            prop_assert!(!problems.is_empty());
        }
    }

    #[test]
    fn mutated_valid_configs_never_panic(position in 0..VALID.len(), insert in "[\\[\\]=\"${}a-z0-9._ \\n-]{0,12}", cut in 0usize..20) {
        let mut text = VALID.to_owned();
        let at = (0..=position).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (at + cut).min(text.len());
        let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        let _ = config::parse(&text, &env);
    }

    #[test]
    fn numbers_of_any_size_are_judged_not_panicked_on(value in any::<i64>(), key in prop_oneof![
        Just("timeout_ms"), Just("connect_timeout_ms"), Just("max_retries"), Just("circuit_failures"),
        Just("circuit_open_seconds"), Just("max_in_flight"), Just("cache_ttl_seconds"),
    ]) {
        let text = format!("{VALID}{key} = {value}\n");
        let _ = config::parse(&text, &env);
    }
}

#[test]
fn the_valid_base_parses() {
    config::parse(VALID, &env).expect("the base of the mutations is valid");
}

//! The redactor on plain text: the forms it always knew, the marker, tokens, the cut.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

use super::*;

#[test]
fn every_form_of_a_secret_is_replaced() {
    let redactor = Redactor::new(["s3cret-key", "ab"]);
    let md5 = hex::encode(Md5::digest(b"s3cret-key"));
    let text = format!(
        "bad key s3cret-key, md5 {md5} / {}, basic {}, urlsafe {}; ab stays",
        md5.to_uppercase(),
        STANDARD.encode("s3cret-key"),
        URL_SAFE_NO_PAD.encode("s3cret-key"),
    );
    let clean = redactor.scrub(&text);
    assert!(!clean.contains("s3cret"), "{clean}");
    assert!(!clean.to_lowercase().contains(&md5), "{clean}");
    assert!(
        !clean.contains(&STANDARD_NO_PAD.encode("s3cret-key")),
        "{clean}"
    );
    assert_eq!(clean.matches(REDACTED).count(), 5, "{clean}");
    assert!(
        clean.ends_with("ab stays"),
        "short secrets are left: {clean}"
    );
}

#[test]
fn a_secret_the_marker_completes_is_not_left_in_the_text() {
    // Found by fuzz/fuzz_targets/redactor.rs: `e[reda` in `eeee[redacted]cted]cted]`.
    let redactor = Redactor::new(["d]ab"]);
    assert_eq!(redactor.scrub("d]abab"), REDACTED);
    let redactor = Redactor::new(["e[reda", "eeeeeeeeeeee", "cted]"]);
    let clean = redactor.scrub("eeeeeeeeeeeeeeeee, cted]");
    assert!(!clean.contains("e[reda"), "{clean}");
    assert_eq!(Redactor::new(["dact"]).scrub("a dact"), "a [redacted]");
}

#[test]
fn tokens_learnt_later_are_replaced_until_they_expire() {
    let hour = Duration::from_secs(3600);
    let redactor = Redactor::new(["configured"]);
    redactor.remember("token-one-0001", hour);
    assert_eq!(
        redactor.scrub("configured token-one-0001"),
        "[redacted] [redacted]"
    );
    for n in 2..=20 {
        redactor.remember(&format!("token-{n:04}"), hour);
    }
    assert_eq!(redactor.scrub("token-one-0001"), REDACTED);
    assert_eq!(redactor.scrub("token-0002"), REDACTED);
    // Past its lifetime and the grace after it, a token is forgotten when the next comes.
    let redactor = Redactor::default();
    redactor.remember("short-lived", Duration::ZERO);
    assert_eq!(redactor.scrub("short-lived"), REDACTED);
    redactor.learnt.write().unwrap()[0].0 = Instant::now();
    redactor.remember("the-next-one", hour);
    assert_eq!(redactor.scrub("short-lived"), "short-lived");
}

#[test]
fn text_is_cut_to_256_characters() {
    let redactor = Redactor::default();
    let long = "é".repeat(300);
    assert_eq!(redactor.scrub(&long).chars().count(), MAX_VENDOR_TEXT);
    assert_eq!(redactor.scrub("short"), "short");
}

#[test]
fn an_answer_seen_before_a_token_was_learnt_is_scrubbed_again_after() {
    let redactor = Redactor::new(["s3cret-key"]);
    let body = br#"{"labels":[{"name":"tok-Pw93kd-x"}]}"#;
    assert_eq!(redactor.scrub_body(body), None, "no known secret yet");
    assert_eq!(
        redactor.scrub_body(body),
        None,
        "the same answer, remembered"
    );
    redactor.remember("tok-Pw93kd-x", Duration::from_secs(3600));
    let clean = redactor.scrub_body(body).expect("the token is known now");
    assert_eq!(clean, br#"{"labels":[{"name":"[redacted]"}]}"#);
    assert_eq!(redactor.scrub_body(body), Some(clean), "and remembered so");
}

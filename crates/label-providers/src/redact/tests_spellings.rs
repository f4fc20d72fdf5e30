//! Each spelling of §10 ("What vendors say, in any spelling") on its own, and nested once.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use percent_encoding::{percent_encode, NON_ALPHANUMERIC};

use super::*;

const SECRET: &str = "Sk-Live_9fQ2+x/Ab";

fn redactor() -> Redactor {
    Redactor::new([SECRET])
}

fn percent_all(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn json_escaped(text: &str) -> String {
    text.chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect()
}

/// The secret inside a larger blob, `at` bytes in, in each Base64 alphabet.
fn in_blobs(secret: &[u8], at: usize) -> Vec<String> {
    let mut blob = b"0123".to_vec()[..at].to_vec();
    blob.extend_from_slice(secret);
    blob.extend_from_slice(b"!tail");
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .map(|engine| engine.encode(&blob))
        .collect()
}

fn spellings(secret: &str) -> Vec<String> {
    let mut all = vec![
        secret.to_lowercase(),
        secret.to_uppercase(),
        percent_all(secret),
        percent_encode(secret.as_bytes(), NON_ALPHANUMERIC).to_string(),
        hex::encode(secret),
        hex::encode_upper(secret),
        json_escaped(secret),
        secret.replace('/', "\\/"),
    ];
    for at in 0..3 {
        all.extend(in_blobs(secret.as_bytes(), at));
    }
    all
}

#[test]
fn every_spelling_of_a_secret_is_replaced() {
    let redactor = redactor();
    for spelt in spellings(SECRET) {
        let clean = redactor.scrub(&format!("bad key <{spelt}> given"));
        assert!(clean.contains(REDACTED), "{spelt}: {clean}");
        assert!(!clean.contains(&spelt), "{spelt}: {clean}");
        assert!(clean.starts_with("bad key <"), "{spelt}: {clean}");
    }
}

#[test]
fn spellings_nested_once_are_replaced() {
    let redactor = redactor();
    let mut nested = Vec::new();
    for inner in spellings(SECRET) {
        nested.extend(spellings(&inner).into_iter().skip(2));
    }
    assert!(nested.len() > 300, "{}", nested.len());
    for spelt in nested {
        let clean = redactor.scrub(&format!("echo: {spelt}"));
        assert!(clean.contains(REDACTED), "{spelt}: {clean}");
        assert!(!clean.contains(&spelt), "{spelt}: {clean}");
    }
}

#[test]
fn spaced_and_full_width_secrets_are_replaced() {
    let redactor = Redactor::new(["AbCd-1234"]);
    let full_width: String = "abcd1234"
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    for spelt in [
        "a b c d 1 2 3 4",
        "ABCD_1234",
        "abcd.12-34",
        &full_width,
        "ab\u{200b}cd1234",
    ] {
        assert_eq!(
            redactor.scrub(&format!("x {spelt} y")),
            "x [redacted] y",
            "{spelt}"
        );
    }
}

#[test]
fn ordinary_text_is_left_alone() {
    let redactor = redactor();
    let text = "Customer not found for the given identifiers (8015); see docs/errors, id 0f8fad5b";
    assert_eq!(redactor.scrub(text), text);
    assert_eq!(redactor.scrub_body(text.as_bytes()), None);
}

#[test]
fn a_json_answer_is_scrubbed_inside_its_strings_only() {
    let redactor = Redactor::new(["cap-pw-Zq81", "12345678"]);
    let body = format!(
        r#"{{"data":[{{"labelId":12345678,"labelName":"cap-pw-Zq81"}},{{"labelName":"{}","x":"{}"}}]}}"#,
        STANDARD.encode("x cap-pw-Zq81"),
        json_escaped("CAP-PW-ZQ81"),
    );
    let clean = String::from_utf8(redactor.scrub_body(body.as_bytes()).unwrap()).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&clean).expect(&clean);
    assert_eq!(
        parsed["data"][0]["labelId"], 12345678,
        "numbers are no text"
    );
    assert_eq!(parsed["data"][0]["labelName"], REDACTED);
    assert!(
        parsed["data"][1]["labelName"]
            .as_str()
            .unwrap()
            .contains(REDACTED),
        "{clean}"
    );
    assert_eq!(parsed["data"][1]["x"], REDACTED);
}

#[test]
fn a_body_that_is_not_json_is_scrubbed_as_text() {
    let redactor = redactor();
    let body = format!("<html>denied {}</html>", SECRET.to_uppercase());
    let clean = redactor.scrub_body(body.as_bytes()).unwrap();
    assert_eq!(clean, b"<html>denied [redacted]</html>");
}

#[test]
fn a_long_answer_is_read_in_windows_that_miss_nothing() {
    let redactor = redactor();
    let spelt = [
        SECRET.to_owned(),
        percent_all(SECRET),
        STANDARD.encode(SECRET),
    ];
    // Each spelling placed across every byte of a window's edge in turn.
    for shift in 0..spelt[1].len() {
        let mut body = "x ".repeat(WINDOW / 2 - 40 - shift / 2);
        if shift % 2 == 1 {
            body.push('y');
        }
        for spelling in &spelt {
            body.push_str(&format!(" {spelling} "));
        }
        body.push_str(&"z ".repeat(WINDOW));
        let clean = String::from_utf8(redactor.scrub_body(body.as_bytes()).unwrap()).unwrap();
        assert_eq!(clean.matches(REDACTED).count(), 3, "shift {shift}");
    }
}

/// This thread's CPU time (the first field of `schedstat`, in ns): on a shared machine the wall
/// clock would count the time other processes ran.
fn cpu_time() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    let ns = stat.split_whitespace().next().unwrap().parse().unwrap();
    std::time::Duration::from_nanos(ns)
}

/// What scrubbing costs on answers of the vendors' shapes; prints, asserts nothing. Run with
/// `cargo test --release -p label-providers --lib -- --ignored scrub_cost --nocapture`.
#[test]
#[ignore]
fn scrub_cost() {
    let redactor = Redactor::new([
        "cap-pw-Zq81xT",
        "till_7:9f86d081884c7d65",
        "tok-Pw93kd-x",
        "ah-key-Lm27",
    ]);
    let capillary = |n: usize| {
        let labels: Vec<String> = (0..n)
            .map(|i| {
                format!(r#"{{"labelId":{i},"labelName":"Loyal customers {i}","deleted":false}}"#)
            })
            .collect();
        format!(r#"{{"data":[{}],"errors":[]}}"#, labels.join(","))
    };
    let trybe = |n: usize| {
        let labels: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":"0f8fad5b-d9cb-469f-a165-{i:012}","value":"Gold tier {i}","archived_at":null}}"#))
            .collect();
        format!(
            r#"{{"data":[{}],"meta":{{"current_page":1,"last_page":9}}}}"#,
            labels.join(",")
        )
    };
    let blob = format!(
        r#"{{"detail":"{}"}}"#,
        STANDARD.encode(vec![7u8; 48 * 1024])
    );
    for (what, body) in [
        ("capillary, 20 labels", capillary(20)),
        ("trybe page, 100 labels", trybe(100)),
        ("capillary, 10 000 labels", capillary(10_000)),
        ("64 KiB of Base64", blob),
    ] {
        let rounds = (4_000_000 / body.len()).max(3);
        let started = cpu_time();
        for _ in 0..rounds {
            assert!(redactor.scrub_body(body.as_bytes()).is_none());
        }
        let each = (cpu_time() - started) / rounds as u32;
        let per_kib = each.as_secs_f64() * 1e9 / (body.len() as f64 / 1024.0);
        println!(
            "{what}: {} bytes, {each:?} each, {per_kib:.0} ns/KiB",
            body.len()
        );
    }
}

#![no_main]
//! Vendor text through the redactor, with one secret spelt into it some way (contract §10: case,
//! percent, hex, JSON escapes, Base64 or Base64url at any offset, one encoding inside another):
//! never a panic, never more than 256 characters, never the spelling that went in, and never
//! any secret of 4 characters or more in any ASCII case, as its MD5 (either case), its hex, its
//! percent-encoding or in any of its Base64 forms. A secret that is part of the marker itself
//! (`dact` in `[redacted]`) cannot be kept out of a text that has been redacted, and is not
//! looked for.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use label_providers::redact::{Redactor, MAX_VENDOR_TEXT, REDACTED};
use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};

/// `text` in encoding `which` (of 9), `at` bytes into a Base64 blob where that applies.
fn encode(text: &[u8], which: u8, at: usize) -> String {
    let blob = [&b"xyz"[..at % 3], text, b"!"].concat();
    match which % 9 {
        0 => String::from_utf8_lossy(text).to_ascii_uppercase(),
        1 => text.iter().map(|b| format!("%{b:02X}")).collect(),
        2 => text.iter().map(|b| format!("%{b:02x}")).collect(),
        3 => hex::encode(text),
        4 => hex::encode_upper(text),
        5 => String::from_utf8_lossy(text)
            .encode_utf16()
            .map(|u| format!("\\u{u:04x}"))
            .collect(),
        6 => STANDARD.encode(&blob),
        7 => URL_SAFE_NO_PAD.encode(&blob),
        _ => String::from_utf8_lossy(text).into_owned(),
    }
}

/// What the redactor compares: full-width forms as ASCII, ASCII lower case, separators (and
/// no-break, ideographic and zero-width spaces) left out.
fn folded(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            _ => c,
        })
        .filter(|c| !c.is_ascii_whitespace() && !matches!(c, '-' | '_' | '.'))
        .filter(|c| !matches!(c, '\u{A0}' | '\u{3000}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn forms(secret: &str) -> Vec<String> {
    let md5 = hex::encode(Md5::digest(secret.as_bytes()));
    let mut forms = vec![md5.to_ascii_uppercase(), md5, hex::encode(secret)];
    forms.push(secret.bytes().map(|b| format!("%{b:02X}")).collect());
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    forms
}

fuzz_target!(|input: (Vec<String>, String, u8, u8, u8)| {
    let (secrets, mut text, outer, inner, at) = input;
    // Upper case is a spelling of the secret, not of an encoding: `\U0061` is no JSON escape,
    // and Base64 in upper case is other bytes.
    let outer = if outer % 9 == 0 && matches!(inner % 9, 5..=7) { 8 } else { outer };
    let spelt = secrets.first().map(|secret| {
        let once = encode(secret.as_bytes(), inner, usize::from(at));
        encode(once.as_bytes(), outer, usize::from(at / 3))
    });
    if let Some(spelt) = &spelt {
        let middle = text.char_indices().nth(text.chars().count() / 2);
        text.insert_str(middle.map_or(text.len(), |(i, _)| i), spelt);
    }
    let redactor = Redactor::new(secrets.iter().map(String::as_str));
    let clean = redactor.scrub(&text);
    assert!(clean.chars().count() <= MAX_VENDOR_TEXT);
    let needles = secrets
        .iter()
        .filter(|s| s.chars().count() >= 4 && folded(s).len() >= 4);
    for secret in needles.filter(|s| !folded(REDACTED).contains(&folded(s))) {
        assert!(
            !folded(&clean).contains(&folded(secret)),
            "{secret:?} in {clean:?} from {text:?}"
        );
        for form in forms(secret) {
            if !REDACTED.contains(form.as_str()) {
                assert!(!clean.contains(form.as_str()), "{form:?} of {secret:?} in {clean:?}");
            }
        }
    }
    if let (Some(spelt), Some(secret)) = (spelt, secrets.first()) {
        let looked_for = secret.chars().count() >= 4 && folded(secret).len() >= 4;
        if looked_for && !folded(REDACTED).contains(&folded(secret)) && spelt.len() >= 4 {
            assert!(!clean.contains(&spelt), "{spelt:?} of {secret:?} in {clean:?}");
        }
    }
});

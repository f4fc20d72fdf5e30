#![no_main]
//! Vendor text through the redactor: never a panic, never more than 256 characters, and never
//! any configured secret of 4 characters or more, as written, as its MD5 (either case) or in
//! any of its Base64 forms. A form that is part of the marker itself (`dact` in
//! `[redacted]`) cannot be kept out of a text that has been redacted, and is not looked for.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use label_providers::redact::{Redactor, MAX_VENDOR_TEXT, REDACTED};
use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};

fn forms(secret: &str) -> Vec<String> {
    let md5 = hex::encode(Md5::digest(secret.as_bytes()));
    let mut forms = vec![secret.to_owned(), md5.to_ascii_uppercase(), md5];
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    forms
}

fuzz_target!(|input: (Vec<String>, String)| {
    let (secrets, text) = input;
    let redactor = Redactor::new(secrets.iter().map(String::as_str));
    let clean = redactor.scrub(&text);
    assert!(clean.chars().count() <= MAX_VENDOR_TEXT);
    for secret in secrets.iter().filter(|s| s.chars().count() >= 4) {
        for form in forms(secret) {
            if REDACTED.contains(form.as_str()) {
                continue;
            }
            assert!(
                !clean.contains(form.as_str()),
                "{form:?} (of {secret:?}) in {clean:?} from {text:?}"
            );
        }
    }
});

//! Vendor text reaches clients (a problem's `detail` and `upstream.message`) and logs: a vendor
//! that echoes the credentials it was sent (`invalid actionhub-key <the key>`) must not hand
//! them on. Every configured secret of the tenant is looked for as written and in the forms a
//! vendor may see or echo (its MD5, its Base64), and replaced; the text is then cut short.

use std::collections::VecDeque;
use std::sync::RwLock;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use md5::{Digest, Md5};

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";
/// Vendor text is cut to this many characters.
pub const MAX_VENDOR_TEXT: usize = 256;
/// Shorter secrets are not looked for: they would match ordinary words, and a secret this
/// short protects nothing anyway.
const MIN_SECRET_CHARS: usize = 4;
/// Secrets learnt while running (OAuth tokens) are kept out of vendor text while they may
/// still be echoed: the current one and a few before it.
const LEARNT_SECRETS: usize = 4;

#[derive(Default)]
pub struct Redactor {
    /// Every form of every configured secret, longest first, so that a longer form is replaced
    /// whole before a shorter one inside it.
    forms: Vec<String>,
    /// The forms of each secret learnt since (a token the vendor issued), oldest first.
    learnt: RwLock<VecDeque<Vec<String>>>,
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            forms: forms_of(secrets),
            learnt: RwLock::default(),
        }
    }

    /// Keeps `secret` out of vendor text from now on, as if it had been configured.
    pub fn remember(&self, secret: &str) {
        let forms = forms_of([secret]);
        let mut learnt = self.learnt.write().unwrap_or_else(|p| p.into_inner());
        learnt.push_back(forms);
        while learnt.len() > LEARNT_SECRETS {
            learnt.pop_front();
        }
    }

    /// `text` with every secret replaced, cut to [`MAX_VENDOR_TEXT`] characters.
    pub fn scrub(&self, text: &str) -> String {
        let mut clean = text.to_owned();
        let learnt = self.learnt.read().unwrap_or_else(|p| p.into_inner());
        for form in self.forms.iter().chain(learnt.iter().flatten()) {
            if clean.contains(form.as_str()) {
                clean = clean.replace(form.as_str(), REDACTED);
            }
        }
        if let Some((cut, _)) = clean.char_indices().nth(MAX_VENDOR_TEXT) {
            clean.truncate(cut);
        }
        // The marker can complete a secret with the text around it (`d]ab` in `d]abab` reads
        // `[redacted]ab`): then none of the text is kept. A secret inside the marker itself
        // (`dact`) is the one thing no redacted text can avoid.
        let remains =
            |form: &String| !REDACTED.contains(form.as_str()) && clean.contains(form.as_str());
        if self
            .forms
            .iter()
            .chain(learnt.iter().flatten())
            .any(remains)
        {
            return REDACTED.to_owned();
        }
        clean
    }
}

/// Every form of every secret long enough to look for, longest first.
fn forms_of<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut forms = Vec::new();
    for secret in secrets {
        if secret.chars().count() < MIN_SECRET_CHARS {
            continue;
        }
        let md5 = hex::encode(Md5::digest(secret.as_bytes()));
        forms.push(md5.to_ascii_uppercase());
        forms.push(md5);
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(secret));
        }
        forms.push(secret.to_owned());
    }
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    forms
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} forms)", self.forms.len())
    }
}

#[cfg(test)]
mod tests {
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
    fn secrets_learnt_later_are_replaced_too_the_latest_few() {
        let redactor = Redactor::new(["configured"]);
        redactor.remember("token-one-0001");
        assert_eq!(
            redactor.scrub("configured token-one-0001"),
            "[redacted] [redacted]"
        );
        for n in 2..=LEARNT_SECRETS + 1 {
            redactor.remember(&format!("token-{n:04}"));
        }
        assert_eq!(redactor.scrub("token-one-0001"), "token-one-0001");
        assert_eq!(redactor.scrub("token-0002"), REDACTED);
    }

    #[test]
    fn text_is_cut_to_256_characters() {
        let redactor = Redactor::default();
        let long = "é".repeat(300);
        assert_eq!(redactor.scrub(&long).chars().count(), MAX_VENDOR_TEXT);
        assert_eq!(redactor.scrub("short"), "short");
    }
}

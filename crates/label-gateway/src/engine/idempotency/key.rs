//! The `Idempotency-Key` a request carries, and the fingerprint that tells a repeat of a
//! request from another request under the same key.

use axum::http::HeaderMap;
use label_core::FieldProblem;
use sha2::{Digest, Sha256};

pub const KEY_HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

/// The key a request carries, if any: 1 to 255 visible ASCII characters.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, FieldProblem> {
    let Some(value) = headers.get(KEY_HEADER) else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    if (1..=MAX_KEY_LEN).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic) {
        // Visible ASCII is valid UTF-8.
        return Ok(Some(String::from_utf8_lossy(bytes).into_owned()));
    }
    Err(FieldProblem::in_header(
        "Idempotency-Key",
        format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
    ))
}

/// What makes two requests "the same": what they change (the canonical customer, or any other
/// subject) and their exact body.
pub fn fingerprint(subject: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Fingerprinting::new(subject);
    hash.update(body);
    hash.finish()
}

/// [`fingerprint`] of a body read piece by piece (a job submission is never held whole).
pub struct Fingerprinting(Sha256);

impl Fingerprinting {
    pub fn new(subject: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update((subject.len() as u64).to_be_bytes());
        hash.update(subject.as_bytes());
        Self(hash)
    }

    pub fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            KEY_HEADER,
            HeaderValue::from_bytes(value).expect("a header"),
        );
        headers
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&HeaderMap::new()).ok(), Some(None));
        assert_eq!(
            key_of(&headers(b"abc-123_~!")).ok(),
            Some(Some("abc-123_~!".into()))
        );
        assert!(key_of(&headers(&[b'k'; 255])).is_ok());
        for bad in [
            &b""[..],
            &[b'k'; 256],
            b"has space",
            b"tab\there",
            "é".as_bytes(),
        ] {
            let problem = key_of(&headers(bad)).expect_err("rejected");
            assert_eq!(problem.header.as_deref(), Some("Idempotency-Key"));
            assert_eq!(problem.pointer, None);
        }
    }

    #[test]
    fn the_fingerprint_covers_the_customer_and_the_body() {
        let a = fingerprint("1", b"{}");
        assert_eq!(a, fingerprint("1", b"{}"));
        assert_ne!(a, fingerprint("2", b"{}"));
        assert_ne!(a, fingerprint("1", b"{ }"));
        assert_ne!(fingerprint("12", b"3"), fingerprint("1", b"23"));
    }
}

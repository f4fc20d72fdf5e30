//! The api keys a tenant accepts from its clients.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const SHA256_PREFIX: &str = "sha256:";

/// A key clients present as `Authorization: Bearer <key>`: either the key itself, or only its
/// SHA-256, so that a config file need not hold the key at all.
#[derive(Clone)]
pub enum ApiKey {
    Plain(SecretString),
    Sha256([u8; 32]),
}

/// Why a configured key is unusable. No variant carries any part of the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    #[error("an api key must not be empty")]
    Empty,
    #[error("an api key must be visible ASCII characters, without spaces")]
    NotVisible,
    #[error("a `sha256:` api key must be followed by exactly 64 hex digits")]
    BadDigest,
}

impl ApiKey {
    /// `sha256:<64 hex>` is a digest; anything else is a plain key.
    pub fn parse(text: &str) -> Result<Self, ApiKeyError> {
        if let Some(digest) = text.strip_prefix(SHA256_PREFIX) {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(digest, &mut bytes).map_err(|_| ApiKeyError::BadDigest)?;
            return Ok(Self::Sha256(bytes));
        }
        if text.is_empty() {
            return Err(ApiKeyError::Empty);
        }
        // A key with a space or a stray newline (a common slip in env files) could never
        // arrive intact in an Authorization header, so it would silently never match.
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiKeyError::NotVisible);
        }
        Ok(Self::Plain(text.into()))
    }

    /// Whether a client presented this key. Both sides are compared as SHA-256 digests in
    /// constant time, so neither the key's content nor its length shows in the timing.
    pub fn matches(&self, presented: &str) -> bool {
        let presented = sha256(presented);
        self.fingerprint().ct_eq(&presented).into()
    }

    /// The key's SHA-256: equal for a plain key and its `sha256:` form, which is what makes
    /// a key configured twice recognisable whichever way it is written.
    pub fn fingerprint(&self) -> [u8; 32] {
        match self {
            Self::Plain(key) => sha256(key.expose_secret()),
            Self::Sha256(digest) => *digest,
        }
    }
}

impl FromStr for ApiKey {
    type Err = ApiKeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Shows only the form: even a digest would let a weak key be guessed offline.
impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain(_) => f.write_str("ApiKey::Plain(..)"),
            Self::Sha256(_) => f.write_str("ApiKey::Sha256(..)"),
        }
    }
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn plain_key_matches_only_itself() {
        let key = ApiKey::parse("s3cret-key").unwrap();
        assert!(key.matches("s3cret-key"));
        assert!(!key.matches("s3cret-ke"));
        assert!(!key.matches("s3cret-key2"));
        assert!(!key.matches(""));
    }

    #[test]
    fn sha256_key_matches_its_preimage() {
        let key = ApiKey::parse(&format!("sha256:{TEST_DIGEST}")).unwrap();
        assert!(matches!(key, ApiKey::Sha256(_)));
        assert!(key.matches("test"));
        assert!(!key.matches("Test"));
        assert!(!key.matches(TEST_DIGEST));
    }

    #[test]
    fn upper_case_digest_is_accepted() {
        let key = ApiKey::parse(&format!("sha256:{}", TEST_DIGEST.to_uppercase())).unwrap();
        assert!(key.matches("test"));
    }

    #[test]
    fn plain_and_digest_forms_share_a_fingerprint() {
        let plain = ApiKey::parse("test").unwrap();
        let digest = ApiKey::parse(&format!("sha256:{TEST_DIGEST}")).unwrap();
        assert_eq!(plain.fingerprint(), digest.fingerprint());
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert_eq!(ApiKey::parse("").unwrap_err(), ApiKeyError::Empty);
        assert_eq!(ApiKey::parse("a b").unwrap_err(), ApiKeyError::NotVisible);
        assert_eq!(ApiKey::parse("key\n").unwrap_err(), ApiKeyError::NotVisible);
        for bad in [
            "sha256:",
            "sha256:abc",
            "sha256:9f86d0...",
            &format!("sha256:{TEST_DIGEST}0"),
        ] {
            assert_eq!(
                ApiKey::parse(bad).unwrap_err(),
                ApiKeyError::BadDigest,
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_shows_no_key_material() {
        let plain = ApiKey::parse("hunter2-key").unwrap();
        let digest = ApiKey::parse(&format!("sha256:{TEST_DIGEST}")).unwrap();
        let shown = format!("{plain:?} {digest:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("9f86"));
        assert!(!shown.to_lowercase().contains(&TEST_DIGEST[..8]));
    }
}

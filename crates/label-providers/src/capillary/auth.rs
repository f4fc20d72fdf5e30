//! How the gateway signs in to Capillary: Basic (a till and its password's MD5), built once into
//! the endpoint's headers; or OAuth (a client key and secret), whose token is fetched once for
//! every call waiting for it, refreshed before it runs out, and kept out of vendor text.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use base64::Engine;
use label_core::{CallContext, Error, ErrorKind, Temporariness};
use md5::{Digest, Md5};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::error;
use super::wire::{TokenReply, TokenRequest};
use crate::endpoint::{self, Endpoint};
use crate::http;
use crate::settings::SettingProblem;

pub const OAUTH_HEADER: HeaderName = HeaderName::from_static("x-cap-api-oauth-token");
const TOKEN_PATH: &str = "/v3/oauth/token/generate";
/// A token is refreshed this long before it runs out (at most half its life), so that no call
/// is sent with a token about to die on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CapillarySettings {
    username: Option<String>,
    password: Option<SecretString>,
    password_md5: Option<SecretString>,
    oauth_key: Option<SecretString>,
    oauth_secret: Option<SecretString>,
}

/// The endpoint's fixed headers, every form of the credentials to keep out of vendor text, and
/// the OAuth client when the tenant signs in that way.
pub(super) struct SignIn {
    pub headers: HeaderMap,
    pub secrets: Vec<String>,
    pub oauth: Option<OAuth>,
}

impl CapillarySettings {
    pub fn sign_in(self) -> Result<SignIn, Vec<SettingProblem>> {
        let basic =
            self.username.is_some() || self.password.is_some() || self.password_md5.is_some();
        match (self.oauth_key, self.oauth_secret) {
            (None, None) => basic_sign_in(self.username, self.password, self.password_md5),
            _ if basic => Err(vec![SettingProblem::new(
                "oauth_key",
                "give either username and password (or password_md5), or oauth_key and oauth_secret, not both",
            )]),
            (Some(key), Some(secret)) => {
                let printable = |s: &SecretString| {
                    let s = s.expose_secret();
                    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
                };
                for (name, value) in [("oauth_key", &key), ("oauth_secret", &secret)] {
                    if !printable(value) {
                        let why = "must be non-empty, visible ASCII characters without spaces";
                        return Err(vec![SettingProblem::new(name, why)]);
                    }
                }
                let secrets = vec![
                    key.expose_secret().to_owned(),
                    secret.expose_secret().to_owned(),
                ];
                Ok(SignIn {
                    headers: HeaderMap::new(),
                    secrets,
                    oauth: Some(OAuth::new(key, secret)),
                })
            }
            (None, Some(_)) => Err(vec![SettingProblem::new("oauth_key", "missing: OAuth needs oauth_key and oauth_secret")]),
            (Some(_), None) => Err(vec![SettingProblem::new("oauth_secret", "missing: OAuth needs oauth_key and oauth_secret")]),
        }
    }
}

/// `Authorization: Basic base64(username ":" md5hex(password))`, as Capillary requires.
fn basic_sign_in(
    username: Option<String>,
    password: Option<SecretString>,
    password_md5: Option<SecretString>,
) -> Result<SignIn, Vec<SettingProblem>> {
    let Some(username) = username else {
        let why =
            "missing: give username and password (or password_md5), or oauth_key and oauth_secret";
        return Err(vec![SettingProblem::new("username", why)]);
    };
    let hashed = match (&password, &password_md5) {
        (Some(password), None) => hex::encode(Md5::digest(password.expose_secret().as_bytes())),
        (None, Some(md5)) => {
            let md5 = md5.expose_secret();
            if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
                let why = "must be 32 hex digits";
                return Err(vec![SettingProblem::new("password_md5", why)]);
            }
            md5.to_ascii_lowercase()
        }
        (Some(_), Some(_)) => {
            let why = "give either password or password_md5, not both";
            return Err(vec![SettingProblem::new("password_md5", why)]);
        }
        (None, None) => {
            let why = "missing: give password or password_md5";
            return Err(vec![SettingProblem::new("password", why)]);
        }
    };
    if username.is_empty() || username.contains(':') {
        let why = "must be non-empty and contain no `:`";
        return Err(vec![SettingProblem::new("username", why)]);
    }
    let credentials = format!("{username}:{hashed}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&credentials);
    let basic = format!("Basic {encoded}");
    let headers = endpoint::headers(&[("authorization", "username", &basic, true)])?;
    let password = password.as_ref().map(|p| p.expose_secret().to_owned());
    let secrets = [Some(hashed), Some(credentials), password]
        .into_iter()
        .flatten()
        .collect();
    Ok(SignIn {
        headers,
        secrets,
        oauth: None,
    })
}

/// An OAuth client: its credentials and the token in use.
pub(super) struct OAuth {
    key: SecretString,
    secret: SecretString,
    current: RwLock<Option<Token>>,
    /// Held while a token is fetched: calls that need one meanwhile wait, then use it.
    fetching: tokio::sync::Mutex<()>,
    generations: AtomicU64,
}

/// A token as a sensitive header value (no `Debug` shows it), when to replace it, and which
/// one it is, so that a call refused with it asks for a newer one only.
#[derive(Clone)]
pub(super) struct Token {
    pub header: HeaderValue,
    refresh_at: Instant,
    pub generation: u64,
}

impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuth([redacted])")
    }
}

impl OAuth {
    fn new(key: SecretString, secret: SecretString) -> Self {
        Self {
            key,
            secret,
            current: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(()),
            generations: AtomicU64::new(0),
        }
    }

    /// A token to call with: the current one while it is fresh, unless it is `refused` (the
    /// generation a call was just refused with); else one fetch, shared by every call that
    /// waits for it.
    pub async fn token(
        &self,
        endpoint: &Endpoint,
        ctx: &CallContext,
        refused: Option<u64>,
    ) -> Result<Token, Error> {
        if let Some(token) = self.usable(refused) {
            return Ok(token);
        }
        let _only_fetch = self.fetching.lock().await;
        // Whoever fetched while this call waited has served it too.
        if let Some(token) = self.usable(refused) {
            return Ok(token);
        }
        let token = self.fetch(endpoint, ctx).await.map_err(not_acted_on)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(token)
    }

    fn usable(&self, refused: Option<u64>) -> Option<Token> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        let token = current.as_ref()?;
        let fresh = Instant::now() < token.refresh_at && refused != Some(token.generation);
        fresh.then(|| token.clone())
    }

    async fn fetch(&self, endpoint: &Endpoint, ctx: &CallContext) -> Result<Token, Error> {
        let body = TokenRequest {
            key: self.key.expose_secret(),
            secret: self.secret.expose_secret(),
        };
        let asked = Instant::now();
        let request = endpoint.request(Method::POST, TOKEN_PATH).json(&body);
        // Unscrubbed: the token itself is in the answer. Its text still goes through
        // `Reply::said` before it is handed on.
        let limits = endpoint.limits();
        let reply = http::send(request, ctx, &Method::POST, TOKEN_PATH, limits).await?;
        error::check_status(&reply)?;
        let answer: TokenReply = reply.json()?;
        error::check_errors(&reply, &answer.errors)?;
        let broken = |why: &str| {
            Error::new(
                ErrorKind::UpstreamError,
                format!("Capillary's token answer {why}"),
            )
            .with_upstream(reply.upstream(None, None))
        };
        let data = answer.data.ok_or_else(|| broken("has no data"))?;
        let lifetime = Duration::from_secs(data.ttl_seconds);
        // Learnt before anything can go wrong with it, so no later text shows it, for as long
        // as it lives: a vendor may quote any token it issued, not only the latest.
        endpoint.redactor().remember(&data.access_token, lifetime);
        let mut header = HeaderValue::from_str(&data.access_token)
            .ok()
            .filter(|_| !data.access_token.is_empty())
            .ok_or_else(|| broken("has a token that is no header value"))?;
        header.set_sensitive(true);
        Ok(Token {
            header,
            refresh_at: refresh_at(asked, lifetime),
            generation: self.generations.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }
}

/// When to replace a token asked for at `asked` that lives `lifetime`: a minute early, or half
/// its life for a short one. Counted from the request, not the answer: the vendor's clock
/// started first.
fn refresh_at(asked: Instant, lifetime: Duration) -> Instant {
    asked + lifetime - REFRESH_MARGIN.min(lifetime / 2)
}

/// A call that could not get a token was not sent: even a write may be repeated.
fn not_acted_on(error: Error) -> Error {
    match error.temporariness {
        Temporariness::Temporary => error.temporary(Temporariness::NotActedOn),
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ProviderSettings;

    fn build(vendor: &str) -> Result<super::super::Capillary, Vec<SettingProblem>> {
        let settings = ProviderSettings::for_test("https://eu.api.capillarytech.com", vendor);
        let own: CapillarySettings = crate::settings::vendor_settings(&settings)?;
        let sign_in = own.sign_in()?;
        let secrets: Vec<&str> = sign_in.secrets.iter().map(String::as_str).collect();
        Ok(super::super::Capillary {
            endpoint: Endpoint::new(&settings, sign_in.headers, &secrets),
            oauth: sign_in.oauth,
        })
    }

    fn problem_key(vendor: &str) -> String {
        build(vendor).map(|_| ()).unwrap_err()[0].key.clone()
    }

    #[test]
    fn a_tenant_signs_in_one_way_with_all_its_keys() {
        assert!(build("username = \"u\"\npassword = \"p\"").is_ok());
        assert!(build("oauth_key = \"k\"\noauth_secret = \"s\"").is_ok());
        assert_eq!(problem_key(""), "username");
        assert_eq!(problem_key("oauth_key = \"k\""), "oauth_secret");
        assert_eq!(problem_key("oauth_secret = \"s\""), "oauth_key");
        assert_eq!(
            problem_key("oauth_key = \"k k\"\noauth_secret = \"s\""),
            "oauth_key"
        );
        let both = "username = \"u\"\npassword = \"p\"\noauth_key = \"k\"\noauth_secret = \"s\"";
        assert_eq!(problem_key(both), "oauth_key");
    }

    #[test]
    fn debug_output_shows_no_credential() {
        let oauth = build("oauth_key = \"key-Xy12\"\noauth_secret = \"secret-Qw34\"").unwrap();
        let basic = build("username = \"till\"\npassword = \"pass-Er56\"").unwrap();
        let shown = format!("{oauth:?} {basic:?}");
        for secret in ["key-Xy12", "secret-Qw34", "pass-Er56"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            !shown.contains(&hex::encode(Md5::digest(b"pass-Er56"))),
            "{shown}"
        );
    }

    #[test]
    fn a_token_is_replaced_a_minute_early_or_at_half_its_life() {
        let now = Instant::now();
        let at = |seconds: u64| refresh_at(now, Duration::from_secs(seconds)) - now;
        assert_eq!(at(3600), Duration::from_secs(3540));
        assert_eq!(at(120), Duration::from_secs(60));
        assert_eq!(at(30), Duration::from_secs(15));
        assert_eq!(at(0), Duration::ZERO);
    }
}

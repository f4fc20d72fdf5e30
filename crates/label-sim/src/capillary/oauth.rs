//! Capillary's two ways in: `Authorization: Basic base64(user:md5hex(password))`, or an OAuth
//! token from `POST /v3/oauth/token/generate` sent as `X-CAP-API-OAUTH-TOKEN`. Tokens live for
//! the configured TTL (at most an hour); tests can expire every token at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{basic_authorization, wire, AppState, CapillaryConfig};

pub const DEMO_OAUTH_KEY: &str = "demo-oauth-key";
pub const DEMO_OAUTH_SECRET: &str = "demo-oauth-secret";
/// The longest a token lives: Capillary's 60 minutes.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(3600);
pub const OAUTH_HEADER: &str = "x-cap-api-oauth-token";

pub(super) struct Auth {
    /// The whole expected `Authorization` value.
    basic: String,
    key: String,
    secret: String,
    ttl: Duration,
    /// Token to the instant it stops working.
    tokens: Mutex<HashMap<String, Instant>>,
    issued: AtomicUsize,
}

impl Auth {
    pub(super) fn new(config: &CapillaryConfig) -> Self {
        Self {
            basic: basic_authorization(&config.username, &config.password),
            key: config.oauth_key.clone(),
            secret: config.oauth_secret.clone(),
            ttl: config.token_ttl.min(MAX_TOKEN_TTL),
            tokens: Mutex::default(),
            issued: AtomicUsize::new(0),
        }
    }

    /// The 401 to answer with, unless the request carries a live token or, without a token
    /// header, the expected Basic credentials. A token header wins over `Authorization`.
    pub(super) fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        if let Some(token) = headers.get(OAUTH_HEADER) {
            let token = token.to_str().unwrap_or_default();
            let expires = self.tokens.lock().expect("tokens lock").get(token).copied();
            return match expires {
                Some(at) if Instant::now() < at => None,
                Some(_) => Some(unauthorized("Token expired")),
                None => Some(unauthorized("Invalid token")),
            };
        }
        let given = headers.get("authorization").and_then(|v| v.to_str().ok());
        (given != Some(self.basic.as_str())).then(|| unauthorized("Unauthorized"))
    }

    pub(super) fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }

    /// Every token issued so far stops working now; the next call with one gets 401.
    pub(super) fn expire_all(&self) {
        let now = Instant::now();
        for expires in self.tokens.lock().expect("tokens lock").values_mut() {
            *expires = now;
        }
    }

    fn issue(&self) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now = Instant::now();
        let mut tokens = self.tokens.lock().expect("tokens lock");
        // Dead tokens go, so that a client fetching a token per call cannot grow the map.
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(token.clone(), now + self.ttl);
        self.issued.fetch_add(1, Ordering::SeqCst);
        token
    }
}

/// Capillary's 401 envelope, as for Basic credentials.
fn unauthorized(message: &str) -> Response {
    let body = json!({"status": {"success": false, "code": 401, "message": message}});
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `POST /v3/oauth/token/generate` with `{"key", "secret"}`.
pub(super) async fn generate(State(state): State<AppState>, body: Bytes) -> Response {
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(key), Some(secret)) = (input["key"].as_str(), input["secret"].as_str()) else {
        let body = json!({"errors": [wire::problem(400, "key and secret are required")]});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    let auth = &state.auth;
    if key != auth.key || secret != auth.secret {
        return unauthorized("Invalid key or secret");
    }
    let token = auth.issue();
    // A TTL under a second still reads as one: the vendor counts whole seconds.
    let ttl_seconds = auth.ttl.as_secs_f64().ceil() as u64;
    Json(json!({"data": {"accessToken": token, "ttlSeconds": ttl_seconds}})).into_response()
}

/// The data routes' guard: the 401 of [`Auth::refusal`], or the route itself.
pub(super) async fn require(
    State(auth): State<Arc<Auth>>,
    request: Request,
    next: Next,
) -> Response {
    match auth.refusal(request.headers()) {
        Some(denied) => denied,
        None => next.run(request).await,
    }
}

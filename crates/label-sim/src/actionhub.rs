//! ActionHub by Data Baller (as its API reference describes it): weighted labels per user, read-only, every call
//! scoped by the `program-id` header and authorised by `actionhub-key`; errors in FastAPI's
//! shapes (`{"detail": "..."}`, and `{"detail": [...]}` for validation).

mod fastapi;
mod seed;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::server::SimServer;

pub const DEMO_API_KEY: &str = "demo-actionhub-key";
pub const DEMO_PROGRAM_ID: &str = "prog-42";
/// A second program, holding a user with the same id as [`SAMPLE_USER`] but other labels.
pub const OTHER_PROGRAM_ID: &str = "prog-7";
/// A user with five labels of distinct weights.
pub const SAMPLE_USER: &str = "user-1001";
/// A user with two labels of equal weight, stored (and sent) out of name order.
pub const TIED_USER: &str = "user-1002";
/// A user who exists but has no labels.
pub const UNLABELLED_USER: &str = "user-1003";
/// Users whose ids would change the path if they were not encoded as one segment.
pub const ODD_USERS: [&str; 5] = ["a/../b", "x?y=1", "%2F", "...", "ü-user"];
pub const MAX_USER_ID_CHARS: usize = 256;
/// `/labels` answers at most this many items a page, whatever `size` asks for.
pub const MAX_PAGE_SIZE: usize = 50;

/// Labels and their weights, in the order they were stored.
pub type Weighted = Vec<(String, f64)>;

#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Answers sort by weight with a stable sort, so ties keep this stored order.
    pub users: BTreeMap<String, Weighted>,
    pub catalog: Weighted,
}

#[derive(Debug, Clone, Default)]
pub struct ActionHubData {
    pub programs: BTreeMap<String, Program>,
}

impl ActionHubData {
    pub fn sample() -> Self {
        seed::sample()
    }

    /// A user's labels as the vendor sends them: highest weight first. `None`: unknown user.
    pub fn user_labels(&self, program: &str, user: &str) -> Option<Weighted> {
        let mut labels = self.programs.get(program)?.users.get(user)?.clone();
        labels.sort_by(|a, b| b.1.total_cmp(&a.1));
        Some(labels)
    }

    /// Replaces (or creates) a user's labels, as the vendor's event processing would.
    pub fn set_user_labels(&mut self, program: &str, user: &str, labels: &[(&str, f64)]) {
        let stored = labels.iter().map(|&(l, w)| (l.to_owned(), w)).collect();
        self.programs
            .entry(program.to_owned())
            .or_default()
            .users
            .insert(user.to_owned(), stored);
    }
}

/// A running ActionHub simulator and its data, which tests may inspect or change.
pub struct ActionHubSim {
    pub server: SimServer,
    pub data: Arc<Mutex<ActionHubData>>,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<ActionHubData>>,
    api_key: String,
}

impl ActionHubSim {
    pub async fn start(api_key: &str) -> std::io::Result<Self> {
        let data = Arc::new(Mutex::new(ActionHubData::sample()));
        let state = AppState {
            data: data.clone(),
            api_key: api_key.to_owned(),
        };
        // A catch-all, because the user id is taken from the raw path: axum's `Path` would
        // decode `%2F` before we could tell one segment from two.
        let router = Router::new()
            .route("/users/{*rest}", get(user_labels))
            .route("/labels", get(catalog))
            .with_state(state);
        Ok(Self {
            server: SimServer::start(router).await?,
            data,
        })
    }

    /// A user's labels in the order the simulator sends them.
    pub fn user_labels(&self, program: &str, user: &str) -> Option<Weighted> {
        self.data.lock().ok()?.user_labels(program, user)
    }
}

/// The answer to a missing or wrong key. A FastAPI security dependency, so it is checked
/// before the parameters are validated.
fn refused(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let given = headers.get("actionhub-key").and_then(|v| v.to_str().ok());
    (given != Some(state.api_key.as_str()))
        .then(|| fastapi::detail(StatusCode::FORBIDDEN, "Could not validate API KEY"))
}

async fn user_labels(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    // Starlette matches `{user_id}` against one non-empty segment; anything else has no route.
    let Some(user) = user_segment(uri.path()) else {
        return fastapi::detail(StatusCode::NOT_FOUND, "Not Found");
    };
    if let Some(refusal) = refused(&state, &headers) {
        return refusal;
    }
    let mut problems = Vec::new();
    if user.chars().count() > MAX_USER_ID_CHARS {
        problems.push(fastapi::too_long(&user, MAX_USER_ID_CHARS));
    }
    let program = fastapi::program_id(&headers, &mut problems);
    let Some(program) = program.filter(|_| problems.is_empty()) else {
        return fastapi::validation_error(problems);
    };
    let labels = match state.data.lock() {
        Ok(data) => data.user_labels(&program, &user),
        Err(_) => {
            return fastapi::detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    };
    let Some(labels) = labels else {
        return fastapi::detail(StatusCode::NOT_FOUND, "User not found");
    };
    let body = ordered_labels_json(&labels);
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// serde_json's map is sorted by key here (no `preserve_order`), but the vendor promises
/// highest weight first on the wire, so the object is written by hand in that order.
fn ordered_labels_json(labels: &[(String, f64)]) -> String {
    let entries: Vec<String> = labels
        .iter()
        .map(|(label, weight)| format!("{}:{}", Value::from(label.as_str()), Value::from(*weight)))
        .collect();
    format!("{{\"labels\":{{{}}}}}", entries.join(","))
}

/// The decoded user id of `/users/{user_id}/labels`, matched on the raw path.
fn user_segment(path: &str) -> Option<String> {
    let raw = path.strip_prefix("/users/")?.strip_suffix("/labels")?;
    if raw.is_empty() || raw.contains('/') {
        return None;
    }
    Some(String::from_utf8_lossy(&percent_decode(raw)).into_owned())
}

fn percent_decode(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|hex| bytes[i] == b'%' && hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    decoded
}

async fn catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = refused(&state, &headers) {
        return refusal;
    }
    let mut problems = Vec::new();
    let page = fastapi::positive(&query, "page", 1, &mut problems);
    let size = fastapi::positive(&query, "size", MAX_PAGE_SIZE, &mut problems).min(MAX_PAGE_SIZE);
    let program = fastapi::program_id(&headers, &mut problems);
    let Some(program) = program.filter(|_| problems.is_empty()) else {
        return fastapi::validation_error(problems);
    };
    let search = query.get("search").map(|s| s.to_lowercase());
    let matching: Vec<(String, f64)> = match state.data.lock() {
        Ok(data) => data
            .programs
            .get(&program)
            .map(|p| p.catalog.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|(label, _)| {
                search
                    .as_deref()
                    .is_none_or(|s| label.to_lowercase().contains(s))
            })
            .collect(),
        Err(_) => {
            return fastapi::detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    };
    let items: Vec<Value> = matching
        .iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .map(|(label, weight)| json!({"label": label, "weight": weight}))
        .collect();
    let body = json!({"items": items, "total": matching.len(), "page": page, "size": size});
    Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_segment_is_a_user_id() {
        assert_eq!(
            user_segment("/users/a%2F..%2Fb/labels").as_deref(),
            Some("a/../b")
        );
        assert_eq!(user_segment("/users/%252F/labels").as_deref(), Some("%2F"));
        assert_eq!(
            user_segment("/users/%C3%BC-user/labels").as_deref(),
            Some("ü-user")
        );
        assert_eq!(user_segment("/users/100%/labels").as_deref(), Some("100%"));
        assert_eq!(user_segment("/users/a/b/labels"), None);
        assert_eq!(user_segment("/users//labels"), None);
    }

    #[test]
    fn labels_keep_weight_order_on_the_wire() {
        let data = ActionHubData::sample();
        let labels = data.user_labels(DEMO_PROGRAM_ID, TIED_USER).unwrap();
        let text = ordered_labels_json(&labels);
        let vegan = text.find("Vegan").unwrap();
        let zebra = text.find("Zebra").unwrap();
        let apple = text.find("Apple").unwrap();
        assert!(vegan < zebra && zebra < apple, "{text}");
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["labels"]["Vegan"], json!(0.9));
        assert_eq!(ordered_labels_json(&[]), r#"{"labels":{}}"#);
    }
}

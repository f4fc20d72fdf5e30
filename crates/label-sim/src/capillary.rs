//! Capillary's v2 customer-label API (as its API reference describes it): labels attached by name, problems
//! reported as HTTP 200 with `errors`/`warnings`, Basic auth with an MD5-hashed password.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::server::SimServer;

mod synthetic;
pub use synthetic::SYNTHETIC_LABELS;

pub const ORG_ID: u64 = 100737;
/// The customer of the vendor page, with its five labels.
pub const SAMPLE_CUSTOMER: &str = "564663098";
/// A customer who exists but has no labels (warning 33001).
pub const UNLABELLED_CUSTOMER: &str = "565345934";
pub const DEMO_USERNAME: &str = "demo_till";
pub const DEMO_PASSWORD: &str = "demo-password";

#[derive(Debug, Clone)]
pub struct OrgLabel {
    pub id: u64,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub id: u64,
    pub label_id: u64,
}

#[derive(Debug, Default)]
pub struct CapillaryData {
    pub labels: Vec<OrgLabel>,
    pub customers: BTreeMap<u64, Vec<Mapping>>,
    /// Any numeric id not in `customers` exists, read-only, with five labels (for benchmarks).
    pub synthetic: bool,
    next_mapping_id: u64,
}

impl CapillaryData {
    /// The sample data of the vendor pages, plus a few org labels to attach.
    pub fn sample() -> Self {
        let names = [
            (20942, "Premium Customer"),
            (20948, "Valuable Customer shvdshjdvshdvhjsdvjasajshjahadjgciuwyeguhbcwjhbjdshsbcjhwhewbehcbwjdhbckwjhekjhcbw"),
            (20949, "Old1 Customer1"),
            (20952, "Old2 Customer2"),
            (20957, "Testing_UAT_@_123"),
            (20960, "VIP"),
            (20961, "Newsletter"),
            (20962, "Churn Risk"),
        ];
        let mut data = Self {
            labels: names
                .iter()
                .map(|&(id, name)| OrgLabel {
                    id,
                    name: name.to_owned(),
                    active: true,
                })
                .collect(),
            next_mapping_id: 33600,
            ..Self::default()
        };
        data.labels.push(OrgLabel {
            id: 20963,
            name: "Retired".to_owned(),
            active: false,
        });
        let sample = [
            (33558, 20942),
            (33561, 20948),
            (33559, 20949),
            (33557, 20952),
            (33560, 20957),
        ];
        data.customers.insert(
            SAMPLE_CUSTOMER.parse().expect("numeric"),
            sample
                .iter()
                .map(|&(id, label_id)| Mapping { id, label_id })
                .collect(),
        );
        data.customers
            .insert(UNLABELLED_CUSTOMER.parse().expect("numeric"), Vec::new());
        data.customers.insert(
            564663099,
            vec![Mapping {
                id: 33562,
                label_id: 20960,
            }],
        );
        data
    }

    fn label_named(&self, name: &str) -> Option<&OrgLabel> {
        self.labels.iter().find(|l| l.name == name)
    }

    fn label_name(&self, id: u64) -> String {
        self.labels
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    }
}

/// A running Capillary simulator and its data, which tests may inspect or change.
pub struct CapillarySim {
    pub server: SimServer,
    pub data: Arc<Mutex<CapillaryData>>,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<CapillaryData>>,
    /// `Basic base64(username:md5hex(password))`, as Capillary expects it.
    expected_authorization: String,
}

pub fn basic_authorization(username: &str, password: &str) -> String {
    let hashed = hex::encode(Md5::digest(password.as_bytes()));
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{hashed}"));
    format!("Basic {encoded}")
}

impl CapillarySim {
    pub async fn start(username: &str, password: &str) -> std::io::Result<Self> {
        let data = Arc::new(Mutex::new(CapillaryData::sample()));
        let state = AppState {
            data: data.clone(),
            expected_authorization: basic_authorization(username, password),
        };
        let router = Router::new()
            .route("/v2/customers/{user_id}/labels", get(customer_labels))
            .route("/v2/customers/{user_id}/changeLabels", post(change_labels))
            .route("/v2/organization/labels", get(org_labels))
            .with_state(state);
        Ok(Self {
            server: SimServer::start(router).await?,
            data,
        })
    }

    /// The names attached to a customer, in the vendor's order.
    pub fn attached_names(&self, customer: &str) -> Vec<String> {
        let data = self.data.lock().expect("data lock");
        let id: u64 = customer.parse().unwrap_or_default();
        data.customers
            .get(&id)
            .map(|m| m.iter().map(|m| data.label_name(m.label_id)).collect())
            .unwrap_or_default()
    }
}

/// The 401 to answer with, unless the request carries the expected credentials.
fn refusal(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let given = headers.get("authorization").and_then(|v| v.to_str().ok());
    if given == Some(state.expected_authorization.as_str()) {
        None
    } else {
        let body = json!({"status": {"success": false, "code": 401, "message": "Unauthorized"}});
        Some((StatusCode::UNAUTHORIZED, Json(body)).into_response())
    }
}

fn problem(code: u64, message: &str) -> Value {
    json!({"status": false, "message": message, "code": code})
}

fn customer_not_found() -> Response {
    let body = json!({"errors": [problem(8015, "Customer not found for the given identifiers")]});
    Json(body).into_response()
}

async fn customer_labels(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(denied) = refusal(&state, &headers) {
        return denied;
    }
    let data = state.data.lock().expect("data lock");
    let Some((id, mappings)) = user_id
        .parse::<u64>()
        .ok()
        .and_then(|id| data.mappings_of(id).map(|m| (id, m)))
    else {
        return customer_not_found();
    };
    if mappings.is_empty() {
        let body = json!({"warnings": [problem(33001, "User labels not found")], "errors": []});
        return Json(body).into_response();
    }
    let records: Vec<Value> = mappings
        .iter()
        .map(|m| {
            json!({"id": m.id, "orgId": ORG_ID, "addedBy": 75155295, "labelId": m.label_id,
                   "userId": id, "labelName": data.label_name(m.label_id), "deleted": false})
        })
        .collect();
    Json(json!({"data": records, "warnings": [], "errors": []})).into_response()
}

#[derive(Deserialize)]
struct ChangeBody {
    #[serde(default)]
    add: Vec<LabelName>,
    #[serde(default)]
    remove: Vec<LabelName>,
}

#[derive(Deserialize)]
struct LabelName {
    #[serde(rename = "labelName")]
    label_name: String,
}

async fn change_labels(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(denied) = refusal(&state, &headers) {
        return denied;
    }
    let Ok(change) = serde_json::from_slice::<ChangeBody>(&body) else {
        let body = json!({"errors": [problem(33006, "Empty payload")]});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    if change.add.is_empty() && change.remove.is_empty() {
        return Json(json!({"errors": [problem(33006, "Empty payload")]})).into_response();
    }
    let mut data = state.data.lock().expect("data lock");
    let Some(id) = user_id
        .parse::<u64>()
        .ok()
        .filter(|id| data.customers.contains_key(id))
    else {
        return customer_not_found();
    };
    let mut warnings = Vec::new();
    for name in change.add.iter().map(|l| &l.label_name) {
        match data.label_named(name).filter(|l| l.active).map(|l| l.id) {
            None => warnings.push(problem(33000, &format!("{name} label not found"))),
            Some(label_id) => {
                let mapping_id = data.next_mapping_id;
                let mappings = data.customers.get_mut(&id).expect("checked above");
                if !mappings.iter().any(|m| m.label_id == label_id) {
                    mappings.push(Mapping {
                        id: mapping_id,
                        label_id,
                    });
                    data.next_mapping_id += 1;
                }
            }
        }
    }
    for name in change.remove.iter().map(|l| &l.label_name) {
        match data.label_named(name).map(|l| l.id) {
            None => warnings.push(problem(33000, &format!("{name} label not found"))),
            Some(label_id) => {
                let mappings = data.customers.get_mut(&id).expect("checked above");
                mappings.retain(|m| m.label_id != label_id);
            }
        }
    }
    Json(json!({"entity": id, "warnings": warnings})).into_response()
}

async fn org_labels(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(denied) = refusal(&state, &headers) {
        return denied;
    }
    let data = state.data.lock().expect("data lock");
    let records: Vec<Value> = data
        .labels
        .iter()
        .map(|l| {
            json!({"id": l.id, "orgId": ORG_ID, "name": l.name, "description": "",
                   "lastUpdatedBy": 75155295, "active": l.active})
        })
        .collect();
    Json(json!({"data": records, "warnings": [], "errors": []})).into_response()
}

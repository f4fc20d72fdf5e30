//! Trybe's customer-label API (as its API reference describes it): labels attached by UUID, Laravel conventions
//! throughout: `{"data": ...}` collections, `{"message": ...}` errors, 422 with `errors`, and
//! length-aware pagination whose `per_page` is capped silently.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::server::SimServer;
use laravel::{refused, Refused};

mod catalog;
mod laravel;

pub use laravel::MAX_VALUE_CHARS;

pub const ORGANISATION_ID: &str = "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b";
/// A customer with three labels: VIP, Newsletter, Spa Member.
pub const SAMPLE_CUSTOMER: &str = "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b";
/// A customer who exists but has no labels.
pub const UNLABELLED_CUSTOMER: &str = "3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c";
/// A customer who still carries an archived label.
pub const ARCHIVED_LABEL_CUSTOMER: &str = "7e9a1b3c-5d7f-4a9b-8c1d-2e3f4a5b6c7d";
/// A customer the simulator does not know.
pub const UNKNOWN_CUSTOMER: &str = "00000000-0000-4000-8000-000000000000";
pub const DEMO_TOKEN: &str = "trybe-demo-token";
/// Trybe answers at most this many labels a page, whatever `per_page` asks for.
pub const PER_PAGE_CAP: usize = 15;

/// The catalog, in creation order; the last two are archived.
const LABEL_VALUES: &str = "VIP,Newsletter,Spa Member,Gym Member,Birthday Month,Couples,Corporate,\
    Hotel Guest,Day Guest,Complaint,Allergy,Wheelchair Access,Influencer,Staff,Press,Loyalty Gold,\
    Loyalty Silver,Loyalty Bronze,Lapsed,First Visit,Gift Voucher,Member Guest,Summer Promo 2023,\
    Old Treatment List";
/// Every label, the created ones too, shows this creation time: the simulator keeps no clock.
const CREATED_AT: &str = "2023-04-18T10:15:30.000000Z";
/// The colours labels get, in turn, when none is given.
const COLOURS: [&str; 6] = ["ff6634", "2f80ed", "27ae60", "9b51e0", "f2c94c", "eb5757"];
const ARCHIVED_AT: &str = "2024-01-09T08:00:00.000000Z";

#[derive(Debug, Clone)]
pub struct TrybeLabel {
    pub id: String,
    pub value: String,
    pub colour: String,
    pub archived_at: Option<String>,
}

impl TrybeLabel {
    pub fn json(&self) -> Value {
        json!({"id": self.id, "value": self.value, "colour": self.colour,
               "organisation_id": ORGANISATION_ID, "created_at": CREATED_AT,
               "updated_at": CREATED_AT, "archived_at": self.archived_at})
    }
}

#[derive(Debug, Default)]
pub struct TrybeData {
    pub labels: Vec<TrybeLabel>,
    /// Customer id (lower case) to the ids of its labels, in the order they were attached.
    pub customers: BTreeMap<String, Vec<String>>,
}

impl TrybeData {
    /// 22 live labels (two pages at the cap) and two archived ones; a few customers.
    pub fn sample() -> Self {
        let values = LABEL_VALUES.split(',');
        let labels = values
            .enumerate()
            .map(|(i, value)| TrybeLabel {
                id: label_id(i + 1),
                value: value.to_owned(),
                colour: COLOURS[i % COLOURS.len()].to_owned(),
                archived_at: (i >= 22).then(|| ARCHIVED_AT.to_owned()),
            })
            .collect();
        let mut customers = BTreeMap::new();
        customers.insert(
            SAMPLE_CUSTOMER.to_owned(),
            vec![label_id(1), label_id(2), label_id(3)],
        );
        customers.insert(UNLABELLED_CUSTOMER.to_owned(), Vec::new());
        customers.insert(
            ARCHIVED_LABEL_CUSTOMER.to_owned(),
            vec![label_id(16), label_id(23)],
        );
        customers.insert(
            "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d".to_owned(),
            vec![label_id(8)],
        );
        Self { labels, customers }
    }

    pub fn label(&self, id: &str) -> Option<&TrybeLabel> {
        self.labels.iter().find(|l| l.id == id)
    }

    pub fn label_named(&self, value: &str) -> Option<&TrybeLabel> {
        self.labels.iter().find(|l| l.value == value)
    }

    /// Whether a label, live or archived, already has this value, in any case: the column's
    /// collation is case-insensitive, as MySQL's default is.
    pub fn value_taken(&self, value: &str) -> bool {
        let wanted = value.to_lowercase();
        self.labels.iter().any(|l| l.value.to_lowercase() == wanted)
    }

    pub fn live_labels(&self) -> usize {
        self.labels
            .iter()
            .filter(|l| l.archived_at.is_none())
            .count()
    }

    fn customer_json(&self, ids: &[String]) -> Value {
        let data: Vec<Value> = ids
            .iter()
            .filter_map(|id| self.label(id).map(TrybeLabel::json))
            .collect();
        json!({ "data": data })
    }
}

/// Fixed ids, so that the demo's curl lines and the tests can name labels.
pub fn label_id(n: usize) -> String {
    format!("8c3f0d2e-6a1b-4c5d-9e7f-{n:012}")
}

/// A running Trybe simulator and its data, which tests may inspect or change.
pub struct TrybeSim {
    pub server: SimServer,
    pub data: Arc<Mutex<TrybeData>>,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<TrybeData>>,
    token: String,
}

impl TrybeSim {
    pub async fn start(token: &str) -> std::io::Result<Self> {
        let data = Arc::new(Mutex::new(TrybeData::sample()));
        let state = AppState {
            data: data.clone(),
            token: token.to_owned(),
        };
        let router = Router::new()
            .route(
                "/customers/customers/{customer_id}/labels",
                get(customer_labels).post(change).delete(change),
            )
            .route(
                "/customers/labels",
                get(catalog::labels).post(catalog::create_label),
            )
            // Laravel authenticates first: before route-model binding (404) and validation (422).
            .route_layer(middleware::from_fn_with_state(state.clone(), authenticated))
            .with_state(state);
        Ok(Self {
            server: SimServer::start(router).await?,
            data,
        })
    }

    /// The values of the labels attached to a customer, in the vendor's order.
    pub fn attached_values(&self, customer: &str) -> Vec<String> {
        let data = self.data.lock().expect("data lock");
        let ids = data.customers.get(customer).cloned().unwrap_or_default();
        ids.iter()
            .filter_map(|id| data.label(id).map(|l| l.value.clone()))
            .collect()
    }
}

/// Sanctum's bearer token, checked for every route before its handler runs.
async fn authenticated(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Refused> {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given == Some(state.token.as_str()) {
        Ok(next.run(request).await)
    } else {
        Err(refused(StatusCode::UNAUTHORIZED, "Unauthenticated."))
    }
}

/// Route-model binding: the id is a UUID column, so any spelling of the UUID finds the customer.
fn customer_key(data: &TrybeData, raw: &str) -> Result<String, Refused> {
    uuid::Uuid::try_parse(raw)
        .ok()
        .map(|id| id.hyphenated().to_string())
        .filter(|id| data.customers.contains_key(id))
        .ok_or_else(|| {
            let text = "No query results for model [App\\Models\\Customer].";
            refused(StatusCode::NOT_FOUND, text)
        })
}

async fn customer_labels(
    State(state): State<AppState>,
    Path(customer): Path<String>,
) -> Result<Json<Value>, Refused> {
    let data = state.data.lock().expect("data lock");
    let key = customer_key(&data, &customer)?;
    Ok(Json(data.customer_json(&data.customers[&key])))
}

/// `POST` attaches, `DELETE` detaches. Laravel's order (after authentication): route-model
/// binding (404), then validation (422).
async fn change(
    State(state): State<AppState>,
    method: Method,
    Path(customer): Path<String>,
    body: Bytes,
) -> Result<Response, Refused> {
    let add = method == Method::POST;
    let mut data = state.data.lock().expect("data lock");
    let key = customer_key(&data, &customer)?;
    let ids = laravel::validate_label_ids(&body, |id| data.label(id).is_some())?;
    let attached = data.customers.get_mut(&key).expect("bound above");
    for id in ids {
        if !add {
            attached.retain(|a| *a != id);
        } else if !attached.contains(&id) {
            attached.push(id);
        }
    }
    Ok(if add {
        Json(data.customer_json(&data.customers[&key])).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

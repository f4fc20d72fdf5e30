//! Capillary (its API reference, summarised for the seed pages and the label surface): the v2 customer-label API
//! (labels attached by name, problems reported as HTTP 200 with `errors`/`warnings`), org
//! labels, the batch Labels API (`/v2/labels…`, 400/207 with the same envelope), all over one
//! store; Basic auth with an MD5-hashed password, or an OAuth token.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use md5::{Digest, Md5};

use crate::server::SimServer;

mod assign;
mod assignments;
mod clock;
mod customers;
mod labels;
mod oauth;
mod org_labels;
mod store;
mod synthetic;
mod unassign;
mod wire;

pub use assign::MAX_ASSIGNMENTS;
pub use assignments::{MAX_ENTITY_IDS, MAX_SEARCH_LIMIT};
pub use labels::MAX_LABELS_PER_CREATE;
pub use oauth::{DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET, MAX_TOKEN_TTL, OAUTH_HEADER};
pub use org_labels::{MAX_ORG_LABEL_DESCRIPTION_CHARS, MAX_ORG_LABEL_NAME_CHARS};
pub use store::{same_name, DEFAULT_MAX_LABELS, MAX_ACTIVE_LABELS_PER_ENTITY};
pub use synthetic::SYNTHETIC_LABELS;
pub use unassign::MAX_REMOVALS;
/// The codes the simulator answers with, for tests to name.
pub use wire::code;

pub const ORG_ID: u64 = 100737;
/// The customer of the vendor page, with its five labels.
pub const SAMPLE_CUSTOMER: &str = "564663098";
/// A customer who exists but has no labels (warning 33001).
pub const UNLABELLED_CUSTOMER: &str = "565345934";
pub const DEMO_USERNAME: &str = "demo_till";
pub const DEMO_PASSWORD: &str = "demo-password";
/// The user every record says added or updated it.
const ADDED_BY: u64 = 75155295;

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

/// The org's CUSTOMER labels (org labels and the Labels API alike) and each customer's active
/// assignments (mappings), with what the vendor keeps beside them.
#[derive(Debug)]
pub struct CapillaryData {
    pub labels: Vec<OrgLabel>,
    pub customers: BTreeMap<u64, Vec<Mapping>>,
    /// Any numeric id not in `customers` exists with five labels (for benchmarks); a write to
    /// one stores it first.
    pub synthetic: bool,
    /// `ORG_MAX_LABEL_COUNT`: creating a label beyond this many answers 33005.
    pub max_labels: usize,
    next_mapping_id: u64,
    extra: store::Extra,
}

impl Default for CapillaryData {
    fn default() -> Self {
        Self {
            labels: Vec::new(),
            customers: BTreeMap::new(),
            synthetic: false,
            max_labels: DEFAULT_MAX_LABELS,
            next_mapping_id: 1,
            extra: store::Extra::default(),
        }
    }
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
}

/// How a test or the demo starts the Capillary simulator.
#[derive(Debug, Clone)]
pub struct CapillaryConfig {
    pub username: String,
    pub password: String,
    /// The client key and secret that `POST /v3/oauth/token/generate` accepts.
    pub oauth_key: String,
    pub oauth_secret: String,
    /// How long a token works; more than [`MAX_TOKEN_TTL`] is cut to it, as the vendor caps.
    pub token_ttl: Duration,
}

impl CapillaryConfig {
    /// These Basic credentials, the demo OAuth client, and tokens that live an hour.
    pub fn new(username: &str, password: &str) -> Self {
        Self {
            username: username.to_owned(),
            password: password.to_owned(),
            oauth_key: DEMO_OAUTH_KEY.to_owned(),
            oauth_secret: DEMO_OAUTH_SECRET.to_owned(),
            token_ttl: MAX_TOKEN_TTL,
        }
    }

    pub fn with_oauth(mut self, key: &str, secret: &str) -> Self {
        self.oauth_key = key.to_owned();
        self.oauth_secret = secret.to_owned();
        self
    }

    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }
}

/// A running Capillary simulator and its data, which tests may inspect or change.
pub struct CapillarySim {
    pub server: SimServer,
    pub data: Arc<Mutex<CapillaryData>>,
    auth: Arc<oauth::Auth>,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<CapillaryData>>,
    auth: Arc<oauth::Auth>,
}

pub fn basic_authorization(username: &str, password: &str) -> String {
    let hashed = hex::encode(Md5::digest(password.as_bytes()));
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{hashed}"));
    format!("Basic {encoded}")
}

impl CapillarySim {
    pub async fn start(username: &str, password: &str) -> std::io::Result<Self> {
        Self::start_with(CapillaryConfig::new(username, password)).await
    }

    pub async fn start_with(config: CapillaryConfig) -> std::io::Result<Self> {
        let data = Arc::new(Mutex::new(CapillaryData::sample()));
        let auth = Arc::new(oauth::Auth::new(&config));
        let state = AppState {
            data: data.clone(),
            auth: auth.clone(),
        };
        let assignments = get(assignments::read)
            .post(assign::assign)
            .delete(unassign::remove);
        let data_routes = Router::new()
            .route("/v2/customers/{user_id}/labels", get(customers::labels))
            .route(
                "/v2/customers/{user_id}/changeLabels",
                post(customers::change),
            )
            .route("/v2/customers/labels/search", get(customers::search))
            .route(
                "/v2/organization/labels",
                get(org_labels::list).post(org_labels::create),
            )
            .route("/v2/labels", get(labels::list).post(labels::create))
            .route("/v2/labels/assignments", assignments)
            .route("/v2/labels/assignments/search", get(assignments::search))
            // Capillary refuses a call without valid credentials before it reads anything else.
            .route_layer(middleware::from_fn_with_state(auth.clone(), oauth::require));
        let router = data_routes
            .route("/v3/oauth/token/generate", post(oauth::generate))
            .with_state(state);
        Ok(Self {
            server: SimServer::start(router).await?,
            data,
            auth,
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

    /// How many OAuth tokens the simulator has issued.
    pub fn tokens_issued(&self) -> usize {
        self.auth.issued()
    }

    /// Every token issued so far stops working at once: the next call with one gets 401.
    pub fn expire_tokens(&self) {
        self.auth.expire_all();
    }
}

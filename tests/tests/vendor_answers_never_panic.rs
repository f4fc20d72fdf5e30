//! Whatever a vendor answers (any status, any bytes, JSON of any shape), every backend returns
//! a value or an error: never a panic. The answers come over real HTTP from a fake vendor.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use label_core::{CallContext, CustomerId, LabelChange, LabelIdentity, LabelProvider, Op};
use label_providers::ProviderSettings;
use proptest::prelude::*;
use serde_json::{json, Value};

type Answer = Arc<Mutex<(u16, Vec<u8>)>>;

struct FakeVendor {
    answer: Answer,
    providers: Vec<Arc<dyn LabelProvider>>,
    runtime: tokio::runtime::Runtime,
}

fn fake_vendor() -> FakeVendor {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answer: Answer = Arc::new(Mutex::new((200, Vec::new())));
    let shared = answer.clone();
    let base = runtime.block_on(async move {
        let app = Router::new().fallback(move || {
            let (status, body) = shared.lock().unwrap().clone();
            async move {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                (status, [("content-type", "application/json")], body).into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let vendors = [
        ("capillary", "username = \"u\"\npassword = \"p\""),
        ("trybe", "token = \"t\""),
        ("actionhub", "api_key = \"k\"\nprogram_id = \"p\""),
    ];
    let providers = vendors
        .iter()
        .map(|(name, keys)| {
            let settings = ProviderSettings {
                base_url: base.parse().unwrap(),
                connect_timeout: Duration::from_secs(1),
                request_timeout: Duration::from_secs(5),
                max_body_bytes: 4 * 1024 * 1024,
                in_flight: label_providers::InFlight::new(64 * 1024 * 1024),
                hidden: Vec::new(),
                vendor: keys.parse().unwrap(),
            };
            label_providers::factory(name).unwrap()(&settings).unwrap()
        })
        .collect();
    FakeVendor {
        answer,
        providers,
        runtime,
    }
}

impl FakeVendor {
    fn exercise(&self, status: u16, body: Vec<u8>) {
        *self.answer.lock().unwrap() = (status, body);
        self.runtime.block_on(async {
            for provider in &self.providers {
                let customer = match provider.name() {
                    "trybe" => "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b",
                    _ => "564663098",
                };
                let customer =
                    CustomerId::parse(customer, provider.capabilities().customer_id_format)
                        .unwrap();
                let ctx = CallContext {
                    include_raw: true,
                    ..CallContext::default()
                };
                let _ = provider
                    .customer_labels(&ctx, &customer)
                    .await
                    .map(|f| f.value);
                let _ = provider
                    .catalog(&ctx)
                    .await
                    .map(|f| f.value.labels().clone());
                let label = LabelIdentity {
                    id: Some("9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5c".into()),
                    name: Some("VIP".into()),
                };
                let labels = std::slice::from_ref(&label);
                for op in [Op::Add, Op::Remove] {
                    let customer = &customer;
                    let change = LabelChange {
                        op,
                        customer,
                        labels,
                    };
                    let _ = provider.change_labels(&ctx, change).await;
                }
            }
        });
    }
}

/// JSON shaped like the vendors' answers, with every field free to be anything.
fn vendorish_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("data"),
        Just("errors"),
        Just("warnings"),
        Just("code"),
        Just("message"),
        Just("labelId"),
        Just("labelName"),
        Just("deleted"),
        Just("id"),
        Just("name"),
        Just("active"),
        Just("entity"),
        Just("value"),
        Just("archived_at"),
        Just("meta"),
        Just("current_page"),
        Just("last_page"),
        Just("labels"),
        Just("items"),
        Just("total"),
        Just("page"),
        Just("size"),
        Just("label"),
        Just("weight"),
        Just("detail"),
        Just("loc"),
    ]
    .prop_map(str::to_owned);
    leaf.prop_recursive(5, 96, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(204),
        Just(400),
        Just(401),
        Just(403),
        Just(404),
        Just(422),
        Just(429),
        Just(500),
        Just(503),
        100u16..600
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic(status in status(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        thread_local!(static VENDOR: FakeVendor = fake_vendor());
        VENDOR.with(|vendor| vendor.exercise(status, body));
    }

    #[test]
    fn arbitrary_vendor_shaped_json_never_panics(status in status(), body in vendorish_json()) {
        thread_local!(static VENDOR: FakeVendor = fake_vendor());
        VENDOR.with(|vendor| vendor.exercise(status, serde_json::to_vec(&body).unwrap()));
    }
}

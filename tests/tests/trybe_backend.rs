//! The Trybe backend against its simulator on loopback, driven through the provider registry
//! as the gateway drives it.

use std::sync::Arc;
use std::time::Duration;

use label_core::{
    apply_change, CallContext, ChangeStatus, CustomerId, CustomerIdFormat, Error, ErrorKind,
    LabelChange, LabelIdentity, LabelList, LabelProvider, Op, WriteStatus,
};
use label_providers::ProviderSettings;
use label_sim::trybe::{
    label_id, TrybeSim, ARCHIVED_LABEL_CUSTOMER, DEMO_TOKEN, SAMPLE_CUSTOMER, UNKNOWN_CUSTOMER,
    UNLABELLED_CUSTOMER,
};
use label_sim::Fault;
use serde_json::json;

fn backend(sim: &TrybeSim, token: &str) -> Arc<dyn LabelProvider> {
    let mut vendor = toml::Table::new();
    vendor.insert("token".into(), toml::Value::String(token.into()));
    let settings = ProviderSettings {
        base_url: sim.server.base_url().parse().expect("a valid url"),
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(5),
        max_body_bytes: 4 * 1024 * 1024,
        in_flight: label_providers::InFlight::new(64 * 1024 * 1024),
        hidden: Vec::new(),
        vendor,
    };
    let factory = label_providers::factory("trybe").expect("trybe is registered");
    factory(&settings).expect("valid settings")
}

async fn start() -> (TrybeSim, Arc<dyn LabelProvider>) {
    let sim = TrybeSim::start(DEMO_TOKEN).await.expect("simulator starts");
    let provider = backend(&sim, DEMO_TOKEN);
    (sim, provider)
}

fn customer(raw: &str) -> CustomerId {
    CustomerId::parse(raw, CustomerIdFormat::Uuid).expect("a valid uuid")
}

fn ctx() -> CallContext {
    CallContext {
        request_id: "req-trybe-1".into(),
        ..CallContext::default()
    }
}

fn names(labels: &LabelList) -> Vec<&str> {
    labels.iter().filter_map(|l| l.name.as_deref()).collect()
}

/// `op` of the labels numbered `values` for the customer `id`, as the gateway asks it.
async fn change(
    provider: &dyn LabelProvider,
    op: Op,
    id: &str,
    values: &[usize],
) -> Result<Vec<WriteStatus>, Error> {
    let labels = ids(values);
    let change = LabelChange {
        op,
        customer: &customer(id),
        labels: &labels,
    };
    provider.change_labels(&ctx(), change).await
}

fn ids(values: &[usize]) -> Vec<LabelIdentity> {
    let identity = |&n: &usize| LabelIdentity {
        id: Some(label_id(n)),
        name: None,
    };
    values.iter().map(identity).collect()
}

#[tokio::test]
async fn reads_a_customers_labels_with_value_as_name_and_uuid_as_id() {
    let (sim, provider) = start().await;
    let labels = provider
        .customer_labels(&ctx(), &customer(SAMPLE_CUSTOMER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(names(&labels), ["VIP", "Newsletter", "Spa Member"]);
    let got: Vec<&str> = labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(got, [label_id(1), label_id(2), label_id(3)]);
    assert!(labels.iter().all(|l| l.weight.is_none() && l.raw.is_none()));
    let request = &sim.server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some("Bearer trybe-demo-token")
    );
    assert_eq!(request.header("x-request-id"), Some("req-trybe-1"));
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn a_customer_without_labels_reads_as_empty() {
    let (_sim, provider) = start().await;
    let labels = provider
        .customer_labels(&ctx(), &customer(UNLABELLED_CUSTOMER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert!(labels.is_empty());
}

#[tokio::test]
async fn an_archived_label_still_attached_is_still_read() {
    let (_sim, provider) = start().await;
    let labels = provider
        .customer_labels(&ctx(), &customer(ARCHIVED_LABEL_CUSTOMER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(names(&labels), ["Loyalty Gold", "Summer Promo 2023"]);
}

#[tokio::test]
async fn an_unknown_customer_is_customer_not_found() {
    let (_sim, provider) = start().await;
    let err = provider
        .customer_labels(&ctx(), &customer(UNKNOWN_CUSTOMER))
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CustomerNotFound);
    assert_eq!(err.upstream.as_ref().and_then(|u| u.status), Some(404));
}

#[tokio::test]
async fn a_wrong_token_is_upstream_auth_failed() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let provider = backend(&sim, "not-the-token");
    let err = provider
        .customer_labels(&ctx(), &customer(SAMPLE_CUSTOMER))
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UpstreamAuthFailed);
    let upstream = err.upstream.clone().unwrap();
    assert_eq!(upstream.message.as_deref(), Some("Unauthenticated."));
    assert!(!format!("{err:?}").contains("not-the-token"));
    let err = provider
        .catalog(&ctx())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UpstreamAuthFailed);
}

#[tokio::test]
async fn the_catalog_walks_every_page_and_skips_archived_labels() {
    let (sim, provider) = start().await;
    let catalog = provider
        .catalog(&ctx())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap();
    let live = sim.data.lock().unwrap().live_labels();
    assert_eq!(catalog.len(), live);
    assert!(!names(&catalog).contains(&"Summer Promo 2023"));
    let targets: Vec<String> = sim
        .server
        .requests()
        .into_iter()
        .map(|r| r.target)
        .collect();
    assert_eq!(
        targets,
        [
            "/customers/labels?page=1&per_page=100&archived=false",
            "/customers/labels?page=2&per_page=100&archived=false",
        ]
    );
}

#[tokio::test]
async fn the_catalog_skips_archived_labels_even_when_the_filter_is_ignored() {
    let (sim, provider) = start().await;
    let (live, archived) = {
        let data = sim.data.lock().unwrap();
        (data.labels[0].json(), data.labels[22].json())
    };
    let page = json!({"data": [live, archived], "meta": {"current_page": 1, "last_page": 1}});
    sim.server.push_fault(Fault {
        status: Some(200),
        body: page.to_string(),
        ..Fault::default()
    });
    let catalog = provider
        .catalog(&ctx())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap();
    assert_eq!(names(&catalog), ["VIP"]);
}

#[tokio::test]
async fn broken_answers_are_upstream_errors_never_panics() {
    let (sim, provider) = start().await;
    let runaway = json!({"data": [], "meta": {"current_page": 1, "last_page": 1_000_000}});
    for body in ["not json", r#"{"data": [{"id": 1}]}"#, &runaway.to_string()] {
        sim.server.push_fault(Fault {
            status: Some(200),
            body: body.to_owned(),
            ..Fault::default()
        });
        let err = provider
            .catalog(&ctx())
            .await
            .map(|f| f.value.labels().clone())
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::UpstreamError, "{body}");
    }
    let runaway_requests = sim.server.calls();
    assert_eq!(runaway_requests, 3, "a runaway page count is not walked");
}

#[tokio::test]
async fn attach_then_detach_changes_the_vendors_data() {
    let (sim, provider) = start().await;
    // Gym Member is new; VIP is already attached, which Trybe ignores.
    let statuses = change(provider.as_ref(), Op::Add, SAMPLE_CUSTOMER, &[4, 1])
        .await
        .unwrap();
    assert_eq!(statuses, [WriteStatus::Applied; 2]);
    let expected = ["VIP", "Newsletter", "Spa Member", "Gym Member"];
    assert_eq!(sim.attached_values(SAMPLE_CUSTOMER), expected);
    // Lapsed is not attached, which Trybe ignores too; the detach answers 204 with no body.
    let statuses = change(provider.as_ref(), Op::Remove, SAMPLE_CUSTOMER, &[1, 19])
        .await
        .unwrap();
    assert_eq!(statuses, [WriteStatus::Applied; 2]);
    let expected = ["Newsletter", "Spa Member", "Gym Member"];
    assert_eq!(sim.attached_values(SAMPLE_CUSTOMER), expected);
    let methods: Vec<String> = sim
        .server
        .requests()
        .into_iter()
        .map(|r| r.method)
        .collect();
    assert_eq!(methods, ["POST", "DELETE"]);
}

#[tokio::test]
async fn a_refused_write_is_an_upstream_error_and_a_missing_customer_is_not_found() {
    let (sim, provider) = start().await;
    let err = change(provider.as_ref(), Op::Add, SAMPLE_CUSTOMER, &[99])
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UpstreamError);
    let upstream = err.upstream.clone().unwrap();
    assert_eq!(upstream.status, Some(422));
    assert_eq!(upstream.code.as_deref(), Some("labels.0"));
    assert_eq!(sim.attached_values(SAMPLE_CUSTOMER).len(), 3);
    let err = change(provider.as_ref(), Op::Remove, UNKNOWN_CUSTOMER, &[1])
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CustomerNotFound);
}

#[tokio::test]
async fn the_raw_record_comes_only_with_include_raw() {
    let (sim, provider) = start().await;
    let who = customer(SAMPLE_CUSTOMER);
    let raw_ctx = CallContext {
        include_raw: true,
        ..ctx()
    };
    let labels = provider
        .customer_labels(&raw_ctx, &who)
        .await
        .map(|f| f.value)
        .unwrap();
    let vip = sim.data.lock().unwrap().labels[0].json();
    assert_eq!(labels[0].raw.as_ref(), Some(&vip));
    let labels = provider
        .customer_labels(&ctx(), &who)
        .await
        .map(|f| f.value)
        .unwrap();
    assert!(labels.iter().all(|l| l.raw.is_none()));
}

#[tokio::test]
async fn the_customer_id_reaches_the_vendor_as_exactly_one_segment() {
    let (sim, provider) = start().await;
    let upper = customer(&SAMPLE_CUSTOMER.to_uppercase());
    provider
        .customer_labels(&ctx(), &upper)
        .await
        .map(|f| f.value)
        .unwrap();
    // The backend encodes whatever id it is given, so even one no UUID check let through
    // cannot reach another path.
    let hostile =
        CustomerId::parse("a/../b?c=1#d", CustomerIdFormat::Opaque { max_chars: 256 }).unwrap();
    let err = provider
        .customer_labels(&ctx(), &hostile)
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CustomerNotFound);
    let targets: Vec<String> = sim
        .server
        .requests()
        .into_iter()
        .map(|r| r.target)
        .collect();
    assert_eq!(
        targets,
        [
            format!("/customers/customers/{SAMPLE_CUSTOMER}/labels"),
            "/customers/customers/a%2F..%2Fb%3Fc%3D1%23d/labels".to_owned(),
        ]
    );
}

#[tokio::test]
async fn the_planner_resolves_names_to_ids_through_the_catalog() {
    let (sim, provider) = start().await;
    let body = json!({"add": [{"name": "Loyalty Gold"}, {"id": label_id(2)},
                              {"name": "Summer Promo 2023"}],
                      "remove": [{"name": "VIP"}]});
    let request =
        label_gateway::contract::parse_change_request(body.to_string().as_bytes()).unwrap();
    let who = customer(SAMPLE_CUSTOMER);
    let results = apply_change(provider.as_ref(), &ctx(), &who, &request)
        .await
        .unwrap();
    let summary: Vec<(Op, Option<String>, Option<&str>, ChangeStatus)> = results
        .iter()
        .map(|r| (r.op, r.label.id.clone(), r.label.name.as_deref(), r.status))
        .collect();
    assert_eq!(
        summary,
        [
            (
                Op::Add,
                Some(label_id(16)),
                Some("Loyalty Gold"),
                ChangeStatus::Applied
            ),
            (
                Op::Add,
                Some(label_id(2)),
                Some("Newsletter"),
                ChangeStatus::Unchanged
            ),
            // Archived labels are not in the catalog, so they cannot be attached.
            (
                Op::Add,
                None,
                Some("Summer Promo 2023"),
                ChangeStatus::NotFound
            ),
            (
                Op::Remove,
                Some(label_id(1)),
                Some("VIP"),
                ChangeStatus::Applied
            ),
        ]
    );
    let expected = ["Newsletter", "Spa Member", "Loyalty Gold"];
    assert_eq!(sim.attached_values(SAMPLE_CUSTOMER), expected);
}

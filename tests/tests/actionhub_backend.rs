//! The ActionHub backend against its simulator on loopback: weight order, program scoping,
//! FastAPI's errors, catalog paging, and ids that must stay one path segment.

use label_core::{CallContext, ErrorKind, LabelChange, LabelIdentity, Op};
use label_gateway_tests::actionhub::{backend, customer, ranked, start};
use label_sim::actionhub::{
    ActionHubSim, DEMO_API_KEY, DEMO_PROGRAM_ID, OTHER_PROGRAM_ID, SAMPLE_USER, TIED_USER,
    UNLABELLED_USER,
};
use serde_json::json;

#[tokio::test]
async fn labels_come_highest_weight_first_with_both_headers() {
    let (sim, provider) = start().await;
    let ctx = CallContext::default();
    let labels = provider
        .customer_labels(&ctx, &customer(&provider, SAMPLE_USER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(
        ranked(&labels),
        [
            ("Sports Fan", 0.92),
            ("Weekend Shopper", 0.81),
            ("Coffee Lover", 0.55),
            ("Early Adopter", 0.31),
            ("Newsletter Reader", 0.12)
        ]
    );
    assert!(labels.iter().all(|l| l.raw.is_none()));
    let request = &sim.server.requests()[0];
    assert_eq!(request.target, "/users/user-1001/labels");
    assert_eq!(request.header("actionhub-key"), Some(DEMO_API_KEY));
    assert_eq!(request.header("program-id"), Some(DEMO_PROGRAM_ID));
}

#[tokio::test]
async fn equal_weights_are_ordered_by_name_whatever_the_vendor_sent() {
    let (sim, provider) = start().await;
    let sent = sim.user_labels(DEMO_PROGRAM_ID, TIED_USER).unwrap();
    let sent: Vec<&str> = sent.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        sent[1..3],
        ["Zebra Print", "Apple Pay User"],
        "the sim sends the tie unsorted"
    );
    let labels = provider
        .customer_labels(&CallContext::default(), &customer(&provider, TIED_USER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(
        ranked(&labels),
        [
            ("Vegan", 0.9),
            ("Apple Pay User", 0.7),
            ("Zebra Print", 0.7),
            ("Late Night Browser", 0.2)
        ]
    );
}

#[tokio::test]
async fn a_user_without_labels_has_an_empty_list() {
    let (_sim, provider) = start().await;
    let labels = provider
        .customer_labels(
            &CallContext::default(),
            &customer(&provider, UNLABELLED_USER),
        )
        .await
        .map(|f| f.value)
        .unwrap();
    assert!(labels.is_empty());
}

#[tokio::test]
async fn an_unknown_user_is_customer_not_found() {
    let (_sim, provider) = start().await;
    let err = provider
        .customer_labels(&CallContext::default(), &customer(&provider, "nobody"))
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CustomerNotFound);
    let upstream = err.upstream.clone().expect("the vendor's answer is kept");
    assert_eq!(upstream.status, Some(404));
    assert_eq!(upstream.message.as_deref(), Some("User not found"));
}

#[tokio::test]
async fn users_belong_to_a_program() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let other = backend(&sim, DEMO_API_KEY, OTHER_PROGRAM_ID);
    let labels = other
        .customer_labels(&CallContext::default(), &customer(&other, SAMPLE_USER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(ranked(&labels), [("Other Program Label", 0.99)]);
    let unknown = backend(&sim, DEMO_API_KEY, "prog-unknown");
    let err = unknown
        .customer_labels(&CallContext::default(), &customer(&unknown, SAMPLE_USER))
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CustomerNotFound);
}

#[tokio::test]
async fn a_wrong_key_is_upstream_auth_failed_and_never_shown() {
    let sim = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    let provider = backend(&sim, "wrong-key-s3cret", DEMO_PROGRAM_ID);
    for result in [
        provider
            .customer_labels(&CallContext::default(), &customer(&provider, SAMPLE_USER))
            .await
            .map(|f| f.value),
        provider
            .catalog(&CallContext::default())
            .await
            .map(|f| f.value.labels().clone()),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::UpstreamAuthFailed);
        let upstream = err.upstream.as_ref().unwrap();
        assert_eq!(upstream.status, Some(403));
        assert_eq!(
            upstream.message.as_deref(),
            Some("Could not validate API KEY")
        );
        assert!(!format!("{err:?}").contains("s3cret"));
    }
}

#[tokio::test]
async fn the_catalog_walks_every_page() {
    let (sim, provider) = start().await;
    let expected = sim.data.lock().unwrap().programs[DEMO_PROGRAM_ID]
        .catalog
        .len();
    assert!(expected > 50, "the seed needs more than one page");
    let labels = provider
        .catalog(&CallContext::default())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap();
    assert_eq!(labels.len(), expected);
    let weights: Vec<f64> = labels.iter().map(|l| l.weight.unwrap()).collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{weights:?}");
    assert!(labels.iter().all(|l| l.raw.is_none()));
    let pages: Vec<String> = sim
        .server
        .requests()
        .into_iter()
        .map(|r| r.target)
        .filter(|t| t.starts_with("/labels?"))
        .collect();
    assert_eq!(
        pages,
        ["/labels?page=1&size=50", "/labels?page=2&size=50"],
        "one request per page, stopping at total"
    );
}

#[tokio::test]
async fn raw_records_only_when_asked_for() {
    let (_sim, provider) = start().await;
    let ctx = CallContext {
        include_raw: true,
        ..CallContext::default()
    };
    let labels = provider
        .customer_labels(&ctx, &customer(&provider, SAMPLE_USER))
        .await
        .map(|f| f.value)
        .unwrap();
    assert_eq!(
        labels[0].raw,
        Some(json!({"label": "Sports Fan", "weight": 0.92}))
    );
    let catalog = provider
        .catalog(&ctx)
        .await
        .map(|f| f.value.labels().clone())
        .unwrap();
    let raw = catalog[0].raw.as_ref().expect("raw is kept");
    assert_eq!(raw["label"], json!(catalog[0].id));
    assert_eq!(raw["weight"].as_f64(), catalog[0].weight);
}

#[tokio::test]
async fn odd_ids_reach_the_vendor_as_one_segment() {
    let (sim, provider) = start().await;
    let cases = [
        ("a/../b", "a%2F..%2Fb", "Path Traveller"),
        ("x?y=1", "x%3Fy%3D1", "Query Curious"),
        ("%2F", "%252F", "Percent Encoded"),
        ("...", "...", "Ellipsis"),
        ("ü-user", "%C3%BC-user", "Umlaut"),
    ];
    for (i, (id, encoded, top_label)) in cases.into_iter().enumerate() {
        let labels = provider
            .customer_labels(&CallContext::default(), &customer(&provider, id))
            .await
            .map(|f| f.value)
            .unwrap_or_else(|err| panic!("{id}: {err}"));
        assert_eq!(labels[0].id, top_label, "{id} reached its own user");
        assert_eq!(
            sim.server.requests()[i].target,
            format!("/users/{encoded}/labels")
        );
    }
}

#[tokio::test]
async fn writes_are_unsupported_and_call_nothing() {
    let (sim, provider) = start().await;
    let caps = provider.capabilities();
    assert!(caps.read && caps.catalog && caps.weights);
    assert!(!caps.add && !caps.remove && !caps.can_write());
    let id = customer(&provider, SAMPLE_USER);
    let label = [LabelIdentity {
        id: Some("VIP".to_owned()),
        name: Some("VIP".to_owned()),
    }];
    let ctx = CallContext::default();
    for op in [Op::Add, Op::Remove] {
        let change = LabelChange {
            op,
            customer: &id,
            labels: &label,
        };
        let refused = provider.change_labels(&ctx, change).await;
        assert_eq!(refused.unwrap_err().kind, ErrorKind::UnsupportedOperation);
    }
    assert_eq!(sim.server.calls(), 0);
}

//! The ActionHub backend when the vendor answers oddly: its map out of order, a catalog that
//! ends early or never, validation errors, broken bodies; and settings that cannot work.

use label_core::{CallContext, ErrorKind};
use label_gateway_tests::actionhub::{build, customer, ranked, start};
use label_sim::actionhub::SAMPLE_USER;
use label_sim::Fault;

#[tokio::test]
async fn the_vendor_order_is_not_trusted() {
    let (sim, provider) = start().await;
    sim.server.push_fault(Fault {
        status: Some(200),
        body: r#"{"labels": {"low": 1, "high": 3, "mid": 2.5, "also high": 3}}"#.to_owned(),
        ..Fault::default()
    });
    let labels = provider
        .customer_labels(&CallContext::default(), &customer(&provider, SAMPLE_USER))
        .await
        .map(|f| f.value)
        .unwrap();
    let expected = [
        ("also high", 3.0),
        ("high", 3.0),
        ("mid", 2.5),
        ("low", 1.0),
    ];
    assert_eq!(ranked(&labels), expected);
}

#[tokio::test]
async fn an_empty_page_ends_the_catalog() {
    let (sim, provider) = start().await;
    let page = |items: &str| Fault {
        status: Some(200),
        body: format!(r#"{{"items": [{items}], "total": 10, "page": 1, "size": 50}}"#),
        ..Fault::default()
    };
    sim.server
        .push_fault(page(r#"{"label": "Only", "weight": 1}"#));
    sim.server.push_fault(page(""));
    let labels = provider
        .catalog(&CallContext::default())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap();
    assert_eq!(ranked(&labels), [("Only", 1.0)]);
    assert_eq!(sim.server.calls(), 2);
}

#[tokio::test]
async fn a_catalog_that_never_ends_is_an_upstream_error() {
    let (sim, provider) = start().await;
    // A vendor that ignores `page` and claims more than it ever sends.
    for _ in 0..1000 {
        sim.server.push_fault(Fault {
            status: Some(200),
            body: r#"{"items": [{"label": "Loop", "weight": 1}], "total": 1000000}"#.to_owned(),
            ..Fault::default()
        });
    }
    let err = provider
        .catalog(&CallContext::default())
        .await
        .map(|f| f.value.labels().clone())
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UpstreamError);
    assert_eq!(sim.server.calls(), 1000, "the walk stops at its page limit");
}

#[tokio::test]
async fn vendor_validation_errors_blame_the_id_only_for_the_path() {
    let (sim, provider) = start().await;
    let problem = |loc: &str| Fault {
        status: Some(422),
        body: format!(r#"{{"detail":[{{"loc":{loc},"msg":"bad","type":"string_too_long"}}]}}"#),
        ..Fault::default()
    };
    sim.server.push_fault(problem(r#"["path","user_id"]"#));
    sim.server.push_fault(problem(r#"["header","program-id"]"#));
    let id = customer(&provider, SAMPLE_USER);
    let ctx = CallContext::default();
    let err = provider
        .customer_labels(&ctx, &id)
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidCustomerId);
    let upstream = err.upstream.clone().unwrap();
    assert_eq!(upstream.code.as_deref(), Some("string_too_long"));
    assert_eq!(upstream.message.as_deref(), Some("path.user_id: bad"));
    let err = provider
        .customer_labels(&ctx, &id)
        .await
        .map(|f| f.value)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UpstreamError);
}

#[tokio::test]
async fn broken_answers_are_upstream_errors() {
    let (sim, provider) = start().await;
    for (status, body) in [
        (500, "oops"),
        (200, "not json"),
        (200, r#"{"labels":{"a":"x"}}"#),
    ] {
        sim.server.push_fault(Fault {
            status: Some(status),
            body: body.to_owned(),
            ..Fault::default()
        });
        let err = provider
            .customer_labels(&CallContext::default(), &customer(&provider, SAMPLE_USER))
            .await
            .map(|f| f.value)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::UpstreamError, "{status} {body}");
        assert_eq!(err.is_temporary(), status >= 500, "{status} {body}");
    }
}

#[test]
fn settings_name_the_key_at_fault_and_never_echo_secrets() {
    assert!(build("api_key = \"k\"\nprogram_id = \"p\"").is_ok());
    let missing = build("api_key = \"k\"").err().unwrap();
    assert_eq!(missing[0].key, "program_id");
    let unknown = build("api_key = \"k\"\nprogram_id = \"p\"\ntoken = \"t\"")
        .err()
        .unwrap();
    assert_eq!(unknown[0].key, "token");
    let bad = build("api_key = \"s3cret\\n\"\nprogram_id = \" p\"")
        .err()
        .unwrap();
    let keys: Vec<&str> = bad.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["api_key", "program_id"]);
    assert!(bad.iter().all(|p| !p.message.contains("s3cret")));
}

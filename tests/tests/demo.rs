//! `label-gateway demo` as a new user meets it: every tenant it prints answers the curl lines
//! it prints.

use label_gateway::demo;
use label_gateway_tests::{expect_problem, json, TestGateway};

/// The demo's sample data is known without the simulators (for the OpenAPI document's
/// examples); it must be the data they serve.
#[test]
fn the_demo_knows_the_simulators_sample_customers() {
    assert_eq!(
        demo::CAPILLARY_SAMPLE_CUSTOMER,
        label_sim::capillary::SAMPLE_CUSTOMER
    );
    assert_eq!(
        demo::TRYBE_SAMPLE_CUSTOMER,
        label_sim::trybe::SAMPLE_CUSTOMER
    );
    assert_eq!(
        demo::ACTIONHUB_SAMPLE_USER,
        label_sim::actionhub::SAMPLE_USER
    );
}

#[tokio::test]
async fn every_printed_tenant_answers_its_curl_lines() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let config = demo::demo_config(&vendors).expect("the demo config is valid");
    let gateway = TestGateway::serve(&config).await;
    let address = |url: &str| url.trim_start_matches("http://").parse().unwrap();
    let banner = demo::banner(address(&gateway.base_url), address(&gateway.admin_url));
    assert!(
        banner.contains(&format!("{}/metrics", gateway.admin_url)),
        "{banner}"
    );
    assert!(gateway.metrics().await.contains("label_gateway_"));
    // The demo is run from the binary as often as from a checkout: its commands name the binary.
    assert!(!banner.contains("cargo "), "{banner}");
    let job_line = format!("label-gateway job --url {}", gateway.base_url);
    assert!(banner.contains(&job_line), "{banner}");
    for tenant in demo::TENANTS {
        assert!(banner.contains(tenant.api_key), "{banner}");
        let labels = format!(
            "/v1/tenants/{}/customers/{}/labels",
            tenant.tenant, tenant.sample_customer
        );
        assert!(banner.contains(&labels), "{banner}");
        let (status, body) = json(gateway.get(&labels, tenant.api_key).send().await.unwrap()).await;
        assert_eq!(
            (status, body["provider"].as_str()),
            (200, Some(tenant.provider)),
            "{body}"
        );
        assert!(!body["labels"].as_array().unwrap().is_empty(), "{body}");
        let catalog = format!("/v1/tenants/{}/labels", tenant.tenant);
        let (status, _) = json(gateway.get(&catalog, tenant.api_key).send().await.unwrap()).await;
        assert_eq!(status, 200);
        let Some(change) = tenant.change else {
            let body = serde_json::json!({"add": [{"name": "x"}]});
            expect_problem(
                gateway
                    .patch(&labels, tenant.api_key, body)
                    .send()
                    .await
                    .unwrap(),
                405,
                "unsupported_operation",
            )
            .await;
            continue;
        };
        let body: serde_json::Value = serde_json::from_str(change).unwrap();
        let (status, answer) = json(
            gateway
                .patch(&labels, tenant.api_key, body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        for result in answer["results"].as_array().unwrap() {
            assert_eq!(result["status"], "applied", "{answer}");
        }
    }
}

#[tokio::test]
async fn the_sample_capillary_customer_shows_its_five_labels() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let gateway = TestGateway::serve(&demo::demo_config(&vendors).unwrap()).await;
    let (_, body) = json(
        gateway
            .get(
                "/v1/tenants/acme/customers/564663098/labels",
                "demo-acme-key",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    let names: Vec<&str> = body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 5);
    assert_eq!(names[0], "Premium Customer");
}

//! The demo's curl lines for the routes beyond one customer at a time work when pasted, in the
//! order printed, against a fresh demo.

use label_gateway::demo;
use label_gateway_tests::{json, TestGateway};
use reqwest::Method;

#[tokio::test]
async fn every_printed_call_gets_its_status() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let config = demo::demo_config(&vendors).expect("the demo config is valid");
    let gateway = TestGateway::serve(&config).await;
    let address = |url: &str| url.trim_start_matches("http://").parse().unwrap();
    let banner = demo::banner(address(&gateway.base_url), address(&gateway.admin_url));
    for call in demo::MORE_CALLS {
        let url = format!("'{}{}'", gateway.base_url, call.path);
        assert!(banner.contains(&url), "{url} is not printed:\n{banner}");
        let tenant = demo::TENANTS
            .iter()
            .find(|t| t.tenant == call.tenant)
            .unwrap();
        assert_eq!(tenant.api_key, call.api_key);
        let method = Method::from_bytes(call.method.as_bytes()).unwrap();
        let mut request = gateway.call(method, call.path, call.api_key);
        if let Some(body) = call.body {
            assert!(banner.contains(&format!("-d '{body}'")), "{body}");
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let (status, answer) = json(request.send().await.unwrap()).await;
        assert_eq!(
            status, call.status,
            "{} {}: {answer}",
            call.method, call.path
        );
        for result in answer["results"].as_array().into_iter().flatten() {
            let ok = ["applied", "unchanged", "created"];
            assert!(ok.contains(&result["status"].as_str().unwrap()), "{answer}");
        }
    }
}

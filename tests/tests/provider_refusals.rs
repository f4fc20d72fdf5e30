//! What a provider cannot do is 405 `unsupported_operation` before any vendor call (the
//! vendors here are not even listening): the detail names the provider and what it lacks, and
//! `Allow` lists the methods the resource does allow it, empty when none (RFC 9110).

use label_gateway_tests::{expect_problem, TestGateway};
use reqwest::Method;
use serde_json::json;

/// ActionHub reads and has a catalog, nothing more; Trybe writes one customer a call and
/// cannot list a label's customers.
async fn gateway() -> TestGateway {
    let config = "[tenants.initech]\nprovider = \"actionhub\"\nbase_url = \"http://127.0.0.1:9\"\n\
         api_key = \"k\"\nprogram_id = \"p\"\napi_keys = [\"initech-key\"]\n\n\
         [tenants.globex]\nprovider = \"trybe\"\nbase_url = \"http://127.0.0.1:9\"\n\
         token = \"t\"\napi_keys = [\"globex-key\"]\n";
    TestGateway::start(config, &[]).await
}

#[tokio::test]
async fn each_action_a_provider_lacks_is_405_with_what_the_resource_allows() {
    let gateway = gateway().await;
    let cases = [
        (
            "initech",
            Method::POST,
            "labels",
            "provider actionhub cannot create labels",
            "GET, HEAD",
        ),
        (
            "initech",
            Method::GET,
            "labels/5/customers",
            "provider actionhub cannot list a label's customers",
            "",
        ),
        (
            "initech",
            Method::PATCH,
            "labels/5/customers",
            "provider actionhub is read-only: labels cannot be changed",
            "",
        ),
        (
            "initech",
            Method::PATCH,
            "customers/u1/labels",
            "provider actionhub is read-only: labels cannot be changed",
            "GET, HEAD",
        ),
        (
            "initech",
            Method::POST,
            "jobs",
            "provider actionhub is read-only: jobs cannot change its labels",
            "GET, HEAD",
        ),
        (
            "globex",
            Method::GET,
            "labels/5/customers",
            "provider trybe cannot list a label's customers",
            "PATCH",
        ),
    ];
    for (tenant, method, rest, detail, allow) in cases {
        let path = format!("/v1/tenants/{tenant}/{rest}");
        let response = gateway
            .call(method.clone(), &path, &format!("{tenant}-key"))
            .json(&json!({"add": [{"name": "x"}]}))
            .send()
            .await
            .unwrap();
        let allowed = response.headers().get("allow").map(|v| v.to_str().unwrap());
        assert_eq!(allowed, Some(allow), "{method} {path}");
        let body = expect_problem(response, 405, "unsupported_operation").await;
        assert_eq!(body["detail"], detail, "{method} {path}");
        assert_eq!(body["tenant"], tenant, "{method} {path}");
    }
}

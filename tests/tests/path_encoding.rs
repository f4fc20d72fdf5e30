//! Path segments that are not UTF-8 once percent-decoded: the segment at fault is named, and no
//! vendor is called. A customer id like that is 400 `invalid_customer_id`, not a missing tenant.

use label_gateway_tests::{expect_problem, subjects};
use reqwest::Method;

#[tokio::test]
async fn a_customer_id_that_is_not_utf8_is_an_invalid_customer_id() {
    let s = subjects::actionhub().await;
    let path = "/v1/tenants/good/customers/%FF/labels";
    let response = s.gateway.get(path, "good-key").send().await.unwrap();
    let problem = expect_problem(response, 400, "invalid_customer_id").await;
    assert_eq!(problem["tenant"], "good");
    assert_eq!(s.vendor.calls(), 0);
}

#[tokio::test]
async fn a_change_for_a_customer_id_that_is_not_utf8_is_refused_before_any_vendor_call() {
    let s = subjects::capillary().await;
    let path = "/v1/tenants/good/customers/%C3%28/labels";
    let body = serde_json::json!({"add": [{"name": "VIP"}]});
    let response = s
        .gateway
        .patch(path, "good-key", body)
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "invalid_customer_id").await;
    assert_eq!(s.vendor.calls(), 0);
}

#[tokio::test]
async fn a_tenant_that_is_not_utf8_is_not_found() {
    let s = subjects::actionhub().await;
    for path in ["/v1/tenants/%FF", "/v1/tenants/%FF/customers/%FF/labels"] {
        let response = s
            .gateway
            .call(Method::GET, path, "good-key")
            .send()
            .await
            .unwrap();
        expect_problem(response, 404, "tenant_not_found").await;
    }
}

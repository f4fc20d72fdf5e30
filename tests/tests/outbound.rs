//! The gateway calls only a tenant's configured `base_url`: a vendor's redirect is not followed,
//! so credentials can never be sent to another host.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use label_gateway_tests::{expect_problem, TestGateway};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn vendor_redirects_are_not_followed() {
    let elsewhere_calls = Arc::new(AtomicUsize::new(0));
    let counter = elsewhere_calls.clone();
    let elsewhere = serve(Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { (StatusCode::OK, r#"{"data":[],"warnings":[],"errors":[]}"#) }
    }))
    .await;
    let target = format!("{elsewhere}/v2/customers/564663098/labels");
    let redirecting = serve(Router::new().fallback(move || {
        let target = target.clone();
        async move { (StatusCode::FOUND, [(header::LOCATION, target)]).into_response() }
    }))
    .await;
    let config = r#"
[tenants.acme]
provider = "capillary"
base_url = "${URL}"
username = "u"
password = "p"
api_keys = ["k"]
"#;
    let gateway = TestGateway::start(config, &[("URL", redirecting)]).await;
    let response = gateway
        .get("/v1/tenants/acme/customers/564663098/labels", "k")
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 502, "upstream_error").await;
    assert_eq!(problem["upstream"]["status"], 302);
    assert_eq!(elsewhere_calls.load(Ordering::SeqCst), 0);
}

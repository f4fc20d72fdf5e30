//! CORS over real HTTP: a listed origin's preflight (no key needed) is 204 with what a browser
//! needs; its answers, cache hits from the front and misses through the router and errors
//! alike, carry `Access-Control-Allow-Origin` and the exposed headers; an unlisted origin, and
//! a gateway without `cors_allowed_origins`, give no CORS header at all.

use label_gateway_tests::TestGateway;
use label_sim::capillary::{self, CapillarySim};
use reqwest::{Method, Response};

const ORIGIN: &str = "https://app.example.com";
const ELSEWHERE: &str = "https://evil.example.com";

async fn gateway(cors: &str) -> (CapillarySim, TestGateway) {
    let sim = CapillarySim::start("till", "pw").await.unwrap();
    let config = format!(
        "[server]\n{cors}\n[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{}\"\n\
         username = \"till\"\npassword = \"pw\"\napi_keys = [\"acme-key\"]\n\
         passthrough = [{{ methods = [\"GET\"], path = \"/v2/customers/*/labels\" }}]\n",
        sim.server.base_url()
    );
    (sim, TestGateway::start(&config, &[]).await)
}

async fn listed() -> (CapillarySim, TestGateway) {
    gateway(&format!(
        "cors_allowed_origins = [\"{ORIGIN}\", \"http://127.0.0.1:1\"]"
    ))
    .await
}

fn labels() -> String {
    format!(
        "/v1/tenants/acme/customers/{}/labels",
        capillary::SAMPLE_CUSTOMER
    )
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn cors_headers(response: &Response) -> Vec<String> {
    response
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

fn assert_allowed(response: &Response, what: &str) {
    assert_eq!(
        header(response, "access-control-allow-origin"),
        Some(ORIGIN),
        "{what}"
    );
    let vary = header(response, "vary")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(vary.contains("origin"), "{what}: vary {vary}");
    let exposed = header(response, "access-control-expose-headers").unwrap_or_default();
    for name in [
        "etag",
        "cache-status",
        "retry-after",
        "ratelimit",
        "ratelimit-policy",
        "x-request-id",
        "location",
    ] {
        assert!(
            exposed.split(',').any(|e| e.trim() == name),
            "{what}: {name} not in {exposed}"
        );
    }
}

async fn preflight(gateway: &TestGateway, origin: &str, method: &str) -> Response {
    gateway
        .client
        .request(Method::OPTIONS, gateway.url(&labels()))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "authorization, content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_listed_origins_preflight_is_204_without_a_key() {
    let (sim, gateway) = listed().await;
    let response = preflight(&gateway, ORIGIN, "PATCH").await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(ORIGIN)
    );
    let methods = header(&response, "access-control-allow-methods").unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = header(&response, "access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "authorization",
        "content-type",
        "idempotency-key",
        "if-none-match",
        "x-request-id",
    ] {
        assert!(allowed.contains(name), "{name} not in {allowed}");
    }
    assert_eq!(header(&response, "access-control-max-age"), Some("7200"));
    assert!(
        sim.server.requests().is_empty(),
        "a preflight calls no vendor"
    );
}

#[tokio::test]
async fn a_listed_origins_hits_misses_and_errors_carry_the_headers() {
    let (_sim, gateway) = listed().await;
    let get = |path: String, key: &str| gateway.get(&path, key).header("origin", ORIGIN).send();
    let miss = get(labels(), "acme-key").await.unwrap();
    assert_eq!(
        header(&miss, "cache-status"),
        Some("label-gateway; fwd=miss")
    );
    assert_allowed(&miss, "a miss");
    let hit = get(labels(), "acme-key").await.unwrap();
    assert_eq!(header(&hit, "cache-status"), Some("label-gateway; hit"));
    assert_allowed(&hit, "a hit (the front)");
    let wrong_key = get(labels(), "nope").await.unwrap();
    assert_eq!(wrong_key.status(), 401);
    assert_allowed(&wrong_key, "a 401 from the front");
    let bad_id = get("/v1/tenants/acme/customers/x/labels".into(), "acme-key")
        .await
        .unwrap();
    assert_eq!(bad_id.status(), 400);
    assert_allowed(&bad_id, "a 400");
    let tenant = get("/v1/tenants/acme".into(), "nope").await.unwrap();
    assert_eq!(tenant.status(), 401);
    assert_allowed(&tenant, "a 401 from the router");
    let unknown = get("/v1/nothing".into(), "acme-key").await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_allowed(&unknown, "an unknown route");
    let pass = get(
        format!(
            "/v1/tenants/acme/passthrough/v2/customers/{}/labels",
            capillary::SAMPLE_CUSTOMER
        ),
        "acme-key",
    )
    .await
    .unwrap();
    assert_eq!(pass.status(), 200);
    assert_allowed(&pass, "a passthrough answer");
    let change = gateway
        .call(Method::PATCH, &labels(), "acme-key")
        .header("origin", ORIGIN)
        .json(&serde_json::json!({"add": [{"name": "VIP"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 200);
    assert_allowed(&change, "a change");
}

#[tokio::test]
async fn an_unlisted_origin_or_none_gets_no_cors_header() {
    let (_sim, gateway) = listed().await;
    let refused = preflight(&gateway, ELSEWHERE, "PATCH").await;
    assert!(cors_headers(&refused).is_empty(), "{:?}", refused.headers());
    for origin in [Some(ELSEWHERE), None] {
        for _ in 0..2 {
            let mut request = gateway.get(&labels(), "acme-key");
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert!(
                cors_headers(&response).is_empty(),
                "{origin:?}: {:?}",
                response.headers()
            );
        }
        let mut request = gateway.get("/v1/tenants/acme", "nope");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(
            cors_headers(&response).is_empty(),
            "{origin:?}: {:?}",
            response.headers()
        );
    }
}

#[tokio::test]
async fn without_origins_configured_nothing_changes() {
    let (_sim, gateway) = gateway("").await;
    let response = preflight(&gateway, ORIGIN, "PATCH").await;
    assert_eq!(response.status(), 405);
    assert!(cors_headers(&response).is_empty());
    for _ in 0..2 {
        let response = gateway
            .get(&labels(), "acme-key")
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert!(cors_headers(&response).is_empty());
        assert_eq!(header(&response, "vary"), None);
    }
}

//! `/docs` is a page that calls nothing outside the gateway: its assets come from the gateway,
//! it reads `/openapi.json`, and Swagger UI's online validator badge is off.

use label_gateway::demo;
use label_gateway_tests::TestGateway;

async fn text(gateway: &TestGateway, path: &str) -> String {
    let response = gateway.client.get(gateway.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_reference_page_loads_everything_from_the_gateway() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let gateway = TestGateway::serve(&demo::demo_config(&vendors).unwrap()).await;
    let page = text(&gateway, "/docs/").await;
    let mut assets = 0;
    for attribute in ["src=\"", "href=\""] {
        for reference in page.split(attribute).skip(1) {
            let reference = &reference[..reference.find('"').unwrap()];
            assert!(
                !reference.contains("//") && !reference.starts_with('/'),
                "{reference}: the page loads it from elsewhere than /docs/"
            );
            let asset = reference.trim_start_matches("./");
            text(&gateway, &format!("/docs/{asset}")).await;
            assets += 1;
        }
    }
    assert!(assets >= 4, "{page}");
    let initializer = text(&gateway, "/docs/swagger-initializer.js").await;
    assert!(
        initializer.contains(r#""url": "/openapi.json""#),
        "{initializer}"
    );
    // Without it Swagger UI sends the document's address to validator.swagger.io.
    assert!(
        initializer.contains(r#""validatorUrl": "none""#),
        "{initializer}"
    );
    assert!(!initializer.contains("http"), "{initializer}");
}

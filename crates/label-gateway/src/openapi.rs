//! The OpenAPI 3.1 document, derived from the handlers and the types they serialize.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "label-gateway",
        description = "One API for customer labels across Capillary, Trybe and ActionHub.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        routes::tenant::get_tenant,
        routes::customer_labels::get_customer_labels,
        routes::change_labels::change_customer_labels,
        routes::catalog::list_catalog,
        routes::health::healthz,
        routes::health::readyz,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "tenants", description = "Who the caller is and what its provider can do"),
        (name = "labels", description = "Customer labels and the label catalog"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The tenant's api key"))
                    .build(),
            ),
        );
    }
}

/// The document as committed in `openapi/label-gateway.json`.
pub fn document_json() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the derived document always serializes");
    text.push('\n');
    text
}

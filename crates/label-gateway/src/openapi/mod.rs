//! The OpenAPI 3.1 document, derived from the handlers and the types they serialize.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;
use decorate::Decorations;

mod decorate;
mod examples;
mod examples_bulk;
mod finish;
pub mod problems;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "label-gateway",
        description = "One API for customer labels across Capillary, Trybe and ActionHub.\n\n\
            Every `/v1` request carries `Authorization: Bearer <api key>` of the tenant in its \
            path. Every error is an RFC 9457 `application/problem+json` body whose `code` says \
            what happened; every response carries `X-Request-Id`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        routes::tenant::get_tenant,
        routes::customer_labels::get_customer_labels,
        routes::change_labels::change_customer_labels,
        routes::catalog::list_catalog,
        routes::create_label::create_label,
        routes::label_customers::list_label_customers,
        routes::label_customers::change_label_customers,
        routes::batch_get::batch_get_customer_labels,
        routes::health::healthz,
        routes::health::readyz,
        crate::telemetry::render,
        routes::docs::openapi_json,
    ),
    // Referenced only from hand-built schemas, responses and parameters, which utoipa does not
    // walk.
    components(schemas(
        crate::problem::Problem,
        crate::api::LabelRefBody,
        routes::customer_labels::Include
    )),
    modifiers(&BearerAuth, &Decorations),
    tags(
        (name = "tenants", description = "Who the caller is and what its provider can do"),
        (name = "labels", description = "Customer labels and the label catalog"),
        (name = "operations", description = "Liveness, readiness and this document"),
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

/// The document as committed in `openapi/label-gateway.json` (keys in sorted order: it goes
/// through `serde_json::Value`, whose map is sorted without the `preserve_order` feature).
pub fn document_json() -> String {
    let mut document = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    finish::finish(&mut document);
    let mut text = serde_json::to_string_pretty(&document).expect("a value serializes");
    text.push('\n');
    text
}

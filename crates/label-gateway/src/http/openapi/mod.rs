//! The OpenAPI 3.1 document, derived from the handlers and the types they serialize: its
//! paths come from the routes ([`routes::api`]), its head (info, servers, tags, the
//! bearer scheme) from [`ApiDoc`], and what utoipa cannot say from the decorations and edits
//! of this folder.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::http::routes;
use decorate::Decorations;

pub mod cached_reads;
mod decorate;
mod examples;
mod examples_bulk;
mod examples_events;
mod examples_jobs;
mod examples_requests;
mod finish;
mod links;
pub mod problems;
mod rate_limits;
mod samples;
pub mod walk;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "label-gateway",
        description = "One API for customer labels across Capillary, Trybe and ActionHub.\n\n\
            Every `/v1` request carries `Authorization: Bearer <api key>` of the tenant in its \
            path. Every error is an RFC 9457 `application/problem+json` body whose `code` says \
            what happened; every response carries `X-Request-Id`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
        // An internal gateway: whoever deploys it answers for it, so no address is made up here.
        contact(name = "The team that operates this gateway"),
    ),
    // Relative: "Try it out" on /docs calls the gateway that served the page, wherever it runs.
    servers((url = "/", description = "The gateway serving this document")),
    // Referenced only from hand-built schemas, responses and parameters, which utoipa does not
    // walk.
    components(schemas(
        crate::http::problem::Problem,
        crate::http::api::LabelRefBody,
        routes::customer_labels::Include
    )),
    // Every operation takes the tenant's key unless it says otherwise: the public ones
    // (health, readiness, this document) say `security()`, which writes `security: []`.
    security(("bearer" = [])),
    modifiers(&BearerAuth),
    tags(
        (name = "tenants", description = "Who the caller is and what its provider can do"),
        (name = "labels", description = "Customer labels and the label catalog"),
        (name = "jobs", description = "Changes to many customers, and copies between tenants, run in the background"),
        (name = "passthrough", description = "Vendor calls past the normalized model, where the tenant's allow-list says so"),
        (name = "events", description = "Every change the gateway made at a vendor: a feed to read, webhooks that are told"),
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
    let mut api = ApiDoc::openapi().merge_from(routes::api().into_openapi());
    // After the routes: it decorates their operations.
    Decorations.modify(&mut api);
    rate_limits::add(&mut api);
    let mut document = serde_json::to_value(api).expect("the document serializes");
    finish::finish(&mut document);
    let mut text = serde_json::to_string_pretty(&document).expect("a value serializes");
    text.push('\n');
    text
}

/// The interactive reference at `/docs`: Swagger UI, its assets built into the binary, reading
/// `/openapi.json`. Its validator badge is off: left on, every page view outside localhost would
/// send the document's address to an outside validator (and show a broken badge offline). So
/// the page calls nothing but the gateway.
pub fn docs_page() -> SwaggerUi {
    SwaggerUi::new("/docs").config(SwaggerConfig::from("/openapi.json").validator_url("none"))
}

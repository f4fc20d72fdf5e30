//! The bodies of the v1 API; the handlers serialize these and utoipa documents them.

use label_core::{Capabilities, ChangeResult, Label, LabelRef};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TenantResponse<'a> {
    #[schema(example = "initech")]
    pub tenant: &'a str,
    #[schema(example = "actionhub")]
    pub provider: &'a str,
    pub capabilities: Capabilities,
}

/// A customer's labels, normalized, in the provider's order (ActionHub: by weight).
#[derive(Serialize, ToSchema)]
pub struct CustomerLabelsResponse<'a> {
    #[schema(example = "acme")]
    pub tenant: &'a str,
    #[schema(example = "564663098")]
    pub customer_id: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    pub labels: &'a [Label],
}

/// Every label of the tenant's vendor account.
#[derive(Serialize, ToSchema)]
pub struct CatalogResponse<'a> {
    #[schema(example = "acme")]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    pub labels: &'a [Label],
}

/// Labels to attach and detach; at least one reference in all, at most 100.
#[derive(ToSchema)]
#[schema(example = json!({"add": [{"name": "VIP"}, {"id": "20949"}], "remove": [{"name": "Old1 Customer1"}]}))]
#[allow(dead_code)] // documents the body that `ChangeRequest::parse` reads
pub struct ChangeLabelsRequest {
    pub add: Option<Vec<LabelRef>>,
    pub remove: Option<Vec<LabelRef>>,
}

/// One result per reference, in request order.
#[derive(Serialize, ToSchema)]
pub struct ChangeLabelsResponse<'a> {
    #[schema(example = "acme")]
    pub tenant: &'a str,
    #[schema(example = "564663098")]
    pub customer_id: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    pub results: &'a [ChangeResult],
}

//! Bearer keys per tenant: 401 without a known key, 403 for another tenant's key, 404 for an
//! unknown tenant with a valid key. The key is checked first, so nobody without a key learns
//! which tenants exist.

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use label_core::ErrorKind;
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use crate::request_id::RequestId;
use crate::state::{AppState, Gateway, TenantRuntime};

/// A request whose key opens the tenant named in its path.
pub struct TenantAccess {
    pub tenant: Arc<TenantRuntime>,
    pub request_id: String,
}

impl TenantAccess {
    /// An error for this tenant, with its id and provider in the problem body.
    pub fn error(&self, error: label_core::Error) -> ApiError {
        ApiError::new(error, &self.request_id)
            .for_tenant(&self.tenant.id, self.tenant.provider.name())
    }
}

impl FromRequestParts<AppState> for TenantAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let RequestId(request_id) = RequestId::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let reject = |kind, detail: &str| ApiError::kind(kind, detail, &request_id);
        let owner = key_owner(state, parts.headers.get(AUTHORIZATION))
            .map_err(|detail| reject(ErrorKind::Unauthorized, detail))?;
        let named = tenant_in_path(parts, state)
            .await
            .ok_or_else(|| reject(ErrorKind::TenantNotFound, "no tenant in the path"))?;
        if owner.id == named {
            return Ok(Self {
                tenant: owner,
                request_id,
            });
        }
        match state.tenant(&named) {
            Some(_) => Err(reject(
                ErrorKind::Forbidden,
                "the api key does not open this tenant",
            )),
            None => Err(reject(ErrorKind::TenantNotFound, "no such tenant")),
        }
    }
}

/// The tenant whose key the `Authorization` header presents, or why there is none (401).
pub fn key_owner(
    state: &Gateway,
    authorization: Option<&HeaderValue>,
) -> Result<Arc<TenantRuntime>, &'static str> {
    state
        .tenant_for_key(&presented_key(authorization)?)
        .ok_or("the api key is not valid")
}

/// The SHA-256 of the bearer key the `Authorization` header presents: what keys are compared by.
pub fn presented_key(authorization: Option<&HeaderValue>) -> Result<[u8; 32], &'static str> {
    let key = authorization
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .ok_or("an `Authorization: Bearer <api key>` header is required")?;
    Ok(Sha256::digest(key.as_bytes()).into())
}

/// The path's `{tenant}`. axum refuses every path parameter when any one of them is not UTF-8
/// once decoded, so then the tenant's segment is decoded alone: a customer id like that is the
/// handler's to refuse (400 `invalid_customer_id`), not a reason to call the tenant missing.
async fn tenant_in_path(parts: &mut Parts, state: &AppState) -> Option<String> {
    if let Ok(params) = RawPathParams::from_request_parts(parts, state).await {
        let tenant = params.iter().find(|(name, _)| *name == "tenant");
        return Some(
            tenant
                .map(|(_, value)| value.to_owned())
                .unwrap_or_default(),
        );
    }
    let template = MatchedPath::from_request_parts(parts, state).await.ok()?;
    let index = template.as_str().split('/').position(|s| s == "{tenant}")?;
    let raw = parts.uri.path().split('/').nth(index)?;
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// `Bearer <token>`, the scheme matched case-insensitively as RFC 9110 says.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

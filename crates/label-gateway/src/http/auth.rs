//! Bearer keys per tenant, in two steps every request takes once: [`authenticate`] finds the
//! tenant whose key the request presents (the caller), [`admit`] lets the caller into the
//! tenant its path names. No or an unknown key: 401; another tenant's key: 403; an unknown
//! tenant with a valid key: 404. The key is checked first, so nobody without a key learns
//! which tenants exist.

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::contract::{Code, Error};
use crate::http::problem::ApiError;
use crate::http::request_id::RequestId;
use crate::http::state::{AppState, Gateway, TenantRuntime, Tenants};

/// Who a request's key says is calling.
#[derive(Clone)]
pub enum Caller {
    Tenant(Arc<TenantRuntime>),
    /// No key, an unknown one, or an `Authorization` header that cannot be read: why, for the
    /// 401.
    Unknown(&'static str),
}

/// The metrics' and traces' name for a caller whose key was not accepted: never the tenant
/// its path named, so that nobody learns from them which tenants exist.
pub const UNAUTHENTICATED: &str = "unauthenticated";

impl Caller {
    /// The tenant label of the caller's requests.
    pub fn label(&self) -> &str {
        match self {
            Caller::Tenant(tenant) => &tenant.id,
            Caller::Unknown(_) => UNAUTHENTICATED,
        }
    }

    pub fn provider(&self) -> Option<&'static str> {
        match self {
            Caller::Tenant(tenant) => Some(tenant.provider.name()),
            Caller::Unknown(_) => None,
        }
    }
}

/// Why a request may not use the tenant its path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoKey(&'static str),
    OtherTenant,
    NoSuchTenant,
}

impl Refusal {
    pub fn error(self, request_id: &str) -> ApiError {
        let (kind, detail) = match self {
            Refusal::NoKey(why) => (Code::Unauthorized, why),
            Refusal::OtherTenant => (Code::Forbidden, "the api key does not open this tenant"),
            Refusal::NoSuchTenant => (Code::TenantNotFound, "no such tenant"),
        };
        ApiError::kind(kind, detail, request_id)
    }
}

/// The caller, from the request's one `Authorization: Bearer <key>` header.
pub fn authenticate(state: &Gateway, headers: &HeaderMap) -> Caller {
    match presented_key(headers) {
        Ok(key) => state.with_tenants(|tenants| match tenants.key_owner(&key) {
            Some(owner) => Caller::Tenant(owner.clone()),
            None => Caller::Unknown(UNKNOWN_KEY),
        }),
        Err(why) => Caller::Unknown(why),
    }
}

const UNKNOWN_KEY: &str = "the api key is not valid";

/// Lets the tenant a key opens into the tenant named `named`: only itself.
pub fn admit(tenants: &Tenants, owner: &TenantRuntime, named: &str) -> Result<(), Refusal> {
    if owner.id == named {
        Ok(())
    } else if tenants.get(named).is_some() {
        Err(Refusal::OtherTenant)
    } else {
        Err(Refusal::NoSuchTenant)
    }
}

/// The tenant the presented key opens, with every step's refusal: for a caller that has not
/// been authenticated yet.
pub fn owner<'t>(
    tenants: &'t Tenants,
    headers: &HeaderMap,
) -> Result<&'t Arc<TenantRuntime>, &'static str> {
    let key = presented_key(headers)?;
    tenants.key_owner(&key).ok_or(UNKNOWN_KEY)
}

/// The SHA-256 of the bearer key: what keys are compared by. Two `Authorization` headers are
/// refused rather than one of them chosen: a proxy and a client disagreeing about which
/// counts is how a request gets through with the wrong one.
pub fn presented_key(headers: &HeaderMap) -> Result<[u8; 32], &'static str> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(if headers.contains_key(AUTHORIZATION) {
            "exactly one `Authorization` header is allowed"
        } else {
            MISSING
        });
    };
    let key = value.to_str().ok().and_then(bearer_token).ok_or(MISSING)?;
    Ok(Sha256::digest(key.as_bytes()).into())
}

const MISSING: &str = "an `Authorization: Bearer <api key>` header is required";

/// `Bearer <token>`, the scheme matched case-insensitively as RFC 9110 says.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A request whose key opens the tenant named in its path.
pub struct TenantAccess {
    pub tenant: Arc<TenantRuntime>,
    pub request_id: String,
}

impl TenantAccess {
    /// An error for this tenant, with its id and provider in the problem body.
    pub fn error(&self, error: impl Into<Error>) -> ApiError {
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
        // Authenticated once per request, by the middleware that counts it.
        let caller = match parts.extensions.get::<Caller>() {
            Some(caller) => caller.clone(),
            None => authenticate(state, &parts.headers),
        };
        let tenant = match caller {
            Caller::Tenant(tenant) => tenant,
            Caller::Unknown(why) => return Err(Refusal::NoKey(why).error(&request_id)),
        };
        let named = tenant_in_path(parts, state).await.unwrap_or_default();
        state
            .with_tenants(|tenants| admit(tenants, &tenant, &named))
            .map_err(|refusal| refusal.error(&request_id))?;
        Ok(Self { tenant, request_id })
    }
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

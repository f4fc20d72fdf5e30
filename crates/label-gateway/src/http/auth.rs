//! Bearer keys per tenant, in two steps every request takes once: [`authenticate`] finds the
//! tenant whose key the request presents (the caller: [`identify`] in the router, before the
//! handler), [`admit`] lets the caller into the tenant its path names ([`TenantAccess`], or the
//! front). A caller's body is read only while its key has connections to spare
//! ([`admit_body`]). No or an unknown key: 401; another tenant's key: 403; an unknown
//! tenant with a valid key: 404. The key is checked first, so nobody without a key learns
//! which tenants exist.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use label_core::CallContext;

use crate::contract::{Code, Error};
use crate::engine::limits::ClientLimit;
use sha2::{Digest, Sha256};

use crate::http::listener::BodyReader;
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
    /// The tenant the key opens; none for a key that opens none.
    pub fn tenant(&self) -> Option<&TenantRuntime> {
        match self {
            Caller::Tenant(tenant) => Some(tenant),
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
    authenticate_limited(state, headers).0
}

/// The caller and its key's limit, if the key has one. A request without an accepted key
/// is limited by no key: it is answered 401 anyway.
fn authenticate_limited(
    state: &Gateway,
    headers: &HeaderMap,
) -> (Caller, Option<Arc<ClientLimit>>) {
    match presented_key(headers) {
        Ok(key) => state.with_tenants(|tenants| match tenants.key_holder(&key) {
            Some((owner, limit)) => (Caller::Tenant(owner.clone()), limit.cloned()),
            None => (Caller::Unknown(UNKNOWN_KEY), None),
        }),
        Err(why) => (Caller::Unknown(why), None),
    }
}

const UNKNOWN_KEY: &str = "the api key is not valid";

/// The caller of a request on a `/v1` route (the routes that take a key), authenticated once
/// and left in the request for its handler ([`TenantAccess`]), with its key's limit; none on
/// the others.
pub fn identify(
    state: &Gateway,
    route: &str,
    request: &mut Request,
) -> Option<(Caller, Option<Arc<ClientLimit>>)> {
    if !route.starts_with("/v1/") {
        return None;
    }
    let (caller, limit) = authenticate_limited(state, request.headers());
    request.extensions_mut().insert(caller.clone());
    Some((caller, limit))
}

/// Whether a caller's request may have its body read: a key may have only so many
/// connections sending one at a time, so that its slow bodies cannot take the connections
/// other tenants need. Else `too_many_connections`.
pub fn admit_body(state: &Gateway, caller: &Caller, request: &Request) -> Result<(), Error> {
    let (Caller::Tenant(_), Some(reader)) = (caller, request.extensions().get::<Arc<BodyReader>>())
    else {
        return Ok(());
    };
    let Ok(key) = presented_key(request.headers()) else {
        return Ok(());
    };
    if reader.claim(key, state.connection_limits.max_connections_per_key) {
        return Ok(());
    }
    let error = Error::new(
        Code::TooManyConnections,
        "this api key already has max_connections_per_key connections sending a request body",
    );
    Err(error.with_retry_after(Some(Duration::from_secs(1))))
}

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

/// The tenant the presented key opens, and the key's limit if it has one, with every step's
/// refusal: for a caller that has not been authenticated yet.
#[allow(clippy::type_complexity)]
pub fn owner<'t>(
    tenants: &'t Tenants,
    headers: &HeaderMap,
) -> Result<(&'t Arc<TenantRuntime>, Option<&'t Arc<ClientLimit>>), &'static str> {
    let key = presented_key(headers)?;
    tenants.key_holder(&key).ok_or(UNKNOWN_KEY)
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
            .for_tenant(&self.tenant.id, self.tenant.provider_name)
    }

    /// The vendor calls' context: the request's id, kept answers allowed, no raw records.
    pub fn context(&self) -> CallContext {
        CallContext {
            request_id: self.request_id.clone(),
            fresh: false,
            include_raw: false,
            job_id: None,
        }
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

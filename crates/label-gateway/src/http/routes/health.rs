use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The fleet's shared state (`[state]`): `connected`, `degraded` (unreachable: the gateway
    /// still serves, from the vendor and within `max_staleness_seconds` from its cache, but
    /// refuses what needs shared state) or `local` (none configured). On `/readyz` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "connected")]
    pub state: Option<&'static str>,
    /// With `[state]`, whether its Redis keeps jobs and idempotency records across a restart,
    /// as it said at connect: `aof`, `rdb` (snapshots: the latest changes are lost), `none`
    /// (everything is lost) or `unknown` (Redis refuses `CONFIG`). On `/readyz` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "aof")]
    pub persistence: Option<&'static str>,
}

/// Liveness: the process answers.
///
/// Always 200 while the process runs; it calls no vendor and needs no key. For a liveness probe.
#[utoipa::path(get, path = "/healthz", operation_id = "getHealth",
    responses((status = 200, description = "The gateway is alive", body = Health)),
    security())]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        state: None,
        persistence: None,
    })
}

/// Readiness: a config is loaded and at least one tenant is served.
///
/// 200 `ready` once the gateway serves at least one tenant, else 503 `not ready`. It calls no
/// vendor (a failing vendor is that tenant's problem, not the gateway's) and needs no key. For
/// a readiness probe.
#[utoipa::path(get, path = "/readyz", operation_id = "getReadiness",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Not ready", body = Health),
    ),
    security())]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let shared = Some(state.fleet.status().as_str());
    let persistence = state.fleet.persistence();
    // Ready while Redis is unreachable too: this replica still serves what needs no shared
    // state, and taking every replica out at once would serve nothing.
    if state.tenant_count() > 0 {
        let health = Health {
            status: "ready",
            state: shared,
            persistence,
        };
        (StatusCode::OK, Json(health))
    } else {
        let health = Health {
            status: "not ready",
            state: shared,
            persistence,
        };
        (StatusCode::SERVICE_UNAVAILABLE, Json(health))
    }
}

//! The demo's calls of the routes beyond one customer at a time, printed as curl lines that
//! work against a fresh demo (`tests/tests/demo_more.rs` pastes them).

/// A call of the routes beyond one customer at a time, printed as a curl line, and the status
/// it gets from a fresh demo when the calls are made in this order.
pub struct DemoCall {
    pub tenant: &'static str,
    pub api_key: &'static str,
    pub method: &'static str,
    /// The path and query, after the gateway's address.
    pub path: &'static str,
    pub body: Option<&'static str>,
    pub status: u16,
}

const fn call(
    (tenant, api_key): (&'static str, &'static str),
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    status: u16,
) -> DemoCall {
    DemoCall {
        tenant,
        api_key,
        method,
        path,
        body,
        status,
    }
}

const ACME: (&str, &str) = ("acme", "demo-acme-key");
const GLOBEX: (&str, &str) = ("globex", "demo-globex-key");
const INITECH: (&str, &str) = ("initech", "demo-initech-key");

pub const MORE_CALLS: &[DemoCall] = &[
    call(
        ACME,
        "POST",
        "/v1/tenants/acme/labels",
        Some(r#"{"name":"Summer 2025","description":"Summer campaign","colour":"ff6634"}"#),
        201,
    ),
    call(
        GLOBEX,
        "POST",
        "/v1/tenants/globex/labels",
        Some(r#"{"name":"Summer 2025","colour":"ff6634"}"#),
        201,
    ),
    call(
        ACME,
        "GET",
        "/v1/tenants/acme/labels/20942/customers?limit=10",
        None,
        200,
    ),
    call(
        ACME,
        "PATCH",
        "/v1/tenants/acme/labels/20960/customers",
        Some(r#"{"add":["564663098","565345934"],"remove":["564663099"]}"#),
        200,
    ),
    call(
        GLOBEX,
        "PATCH",
        "/v1/tenants/globex/labels/8c3f0d2e-6a1b-4c5d-9e7f-000000000001/customers",
        Some(r#"{"add":["3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"]}"#),
        200,
    ),
    call(
        ACME,
        "POST",
        "/v1/tenants/acme/customers/labels:batchGet",
        Some(r#"{"customer_ids":["564663098","565345934","564663099"]}"#),
        200,
    ),
    call(
        GLOBEX,
        "POST",
        "/v1/tenants/globex/customers/labels:batchGet",
        Some(
            r#"{"customer_ids":["9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b","3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"]}"#,
        ),
        200,
    ),
    call(
        ACME,
        "PATCH",
        "/v1/tenants/acme/customers/565345934/labels",
        Some(r#"{"add":[{"name":"Spring 2026"}],"create_missing":true}"#),
        200,
    ),
    call(
        ACME,
        "GET",
        "/v1/tenants/acme/labels?q=customer&include=raw",
        None,
        200,
    ),
    call(
        INITECH,
        "GET",
        "/v1/tenants/initech/labels?q=fan",
        None,
        200,
    ),
    call(
        ACME,
        "POST",
        "/v1/tenants/acme/jobs",
        Some(
            r#"{"kind":"change","customers":["564663099","565345934"],"add":[{"name":"VIP"}],"remove":[{"name":"Old1 Customer1"}]}"#,
        ),
        202,
    ),
    call(
        GLOBEX,
        "POST",
        "/v1/tenants/globex/jobs",
        Some(
            r#"{"kind":"copy","from_tenant":"acme","customers":[{"from":"564663098","to":"9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b"}],"labels":{"Premium Customer":"VIP"},"unmapped":"skip","mode":"add","dry_run":true}"#,
        ),
        202,
    ),
    call(ACME, "GET", "/v1/tenants/acme/jobs", None, 200),
    // Past the normalized model: Capillary's own answer, where acme's allow-list lets it through.
    call(
        ACME,
        "GET",
        "/v1/tenants/acme/passthrough/v2/customers/564663098/labels",
        None,
        200,
    ),
    call(
        ACME,
        "DELETE",
        "/v1/tenants/acme/passthrough/v2/customers/564663098/labels",
        None,
        403,
    ),
];

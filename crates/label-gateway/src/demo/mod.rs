//! `label-gateway demo`: one tenant per provider, each on an in-process simulator of its vendor
//! on loopback, ready to curl. The simulators are the `demo` feature's (on by default); the
//! tenants and their sample data are known without them, for the OpenAPI document's examples.

mod calls;
#[cfg(feature = "demo")]
mod receiver;
#[cfg(feature = "demo")]
mod vendors;

pub use calls::{DemoCall, MORE_CALLS};

#[cfg(feature = "demo")]
pub use receiver::{DemoReceiver, DEMO_WEBHOOK_SECRET};
#[cfg(feature = "demo")]
pub use vendors::{banner, demo_config, start_vendors, DemoVendors};

/// The vendors' sample customers, as the simulators serve them (`tests/tests/demo.rs` holds
/// the two to each other).
pub const CAPILLARY_SAMPLE_CUSTOMER: &str = "564663098";
pub const TRYBE_SAMPLE_CUSTOMER: &str = "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b";
pub const ACTIONHUB_SAMPLE_USER: &str = "user-1001";

/// One line per demo tenant: what to call and with which key.
pub struct DemoTenant {
    pub tenant: &'static str,
    pub provider: &'static str,
    pub api_key: &'static str,
    pub sample_customer: &'static str,
    /// A change worth pasting, for providers that can write.
    pub change: Option<&'static str>,
}

pub const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        tenant: "acme",
        provider: "capillary",
        api_key: "demo-acme-key",
        sample_customer: CAPILLARY_SAMPLE_CUSTOMER,
        change: Some(r#"{"add":[{"name":"VIP"}],"remove":[{"name":"Old1 Customer1"}]}"#),
    },
    DemoTenant {
        tenant: "globex",
        provider: "trybe",
        api_key: "demo-globex-key",
        sample_customer: TRYBE_SAMPLE_CUSTOMER,
        change: Some(r#"{"add":[{"name":"Gym Member"}],"remove":[{"name":"VIP"}]}"#),
    },
    DemoTenant {
        tenant: "initech",
        provider: "actionhub",
        api_key: "demo-initech-key",
        sample_customer: ACTIONHUB_SAMPLE_USER,
        change: None,
    },
];

//! What a change makes stale, between the two parts that care: the cache, which keeps answers
//! and must drop them, and the fleet, whose link hears the other replicas' changes (and knows
//! when it may have missed some). Neither knows the other's types: the link drops entries
//! through [`Invalidate`], which the cache's store implements.

use std::time::Duration;

/// Something that keeps what vendors answered, told what no longer holds.
pub trait Invalidate: Send + Sync {
    /// Every entry of `customer` of `tenant`: another replica changed the customer.
    fn forget_customer(&self, tenant: &str, customer: &str);
    /// The tenant's catalog: another replica created a label.
    fn forget_catalog(&self, tenant: &str);
    /// Every entry of `tenant`: a passthrough write may have changed anything of it.
    fn forget_tenant(&self, tenant: &str);
    /// Everything: changes may have been missed meanwhile.
    fn clear(&self);
    /// Serve nothing older than `limit` from now on (`None`: anything within its lifetime), for
    /// while changes elsewhere cannot be heard.
    fn limit_age(&self, limit: Option<Duration>);
}

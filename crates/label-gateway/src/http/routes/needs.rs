//! What each action some providers cannot take needs of the tenant's provider, and what a
//! provider without it is told: one table, so that a route says only which action it is.

use label_core::Capabilities;

/// An action that some providers cannot take.
#[derive(Debug, Clone, Copy)]
pub enum Needs {
    /// `GET .../labels`
    Catalog,
    /// `POST .../labels`
    CreateLabel,
    /// `GET .../labels/{label_id}/customers`
    ListMembers,
    /// `PATCH .../labels/{label_id}/customers`
    ChangeMembers,
    /// `PATCH .../customers/{customer_id}/labels`
    ChangeLabels,
    /// `POST .../jobs`
    SubmitJob,
}

/// Why a provider cannot (after "provider <name> "), and the methods the resource does allow it:
/// empty when it allows none (RFC 9110).
pub struct Cannot {
    pub why: &'static str,
    pub allow: &'static str,
}

impl Needs {
    pub fn check(self, can: &Capabilities) -> Result<(), Cannot> {
        let only = |yes: bool, allow: &'static str| if yes { allow } else { "" };
        let read_only = "is read-only: labels cannot be changed";
        // The resources exist for every tenant: what this one's provider allows of each.
        let (able, why, allow) = match self {
            Needs::Catalog => (
                can.catalog,
                "has no label catalog",
                only(can.create_labels, "POST"),
            ),
            Needs::CreateLabel => (
                can.create_labels,
                "cannot create labels",
                only(can.catalog, "GET, HEAD"),
            ),
            Needs::ListMembers => (
                can.members,
                "cannot list a label's customers",
                only(can.batch > 0, "PATCH"),
            ),
            Needs::ChangeMembers => (can.batch > 0, read_only, only(can.members, "GET, HEAD")),
            Needs::ChangeLabels => (can.can_write(), read_only, "GET, HEAD"),
            Needs::SubmitJob => (
                can.can_write(),
                "is read-only: jobs cannot change its labels",
                "GET, HEAD",
            ),
        };
        match able {
            true => Ok(()),
            false => Err(Cannot { why, allow }),
        }
    }
}

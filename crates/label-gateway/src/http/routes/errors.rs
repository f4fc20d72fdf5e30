//! The error answers each operation documents, all `application/problem+json`: the list of kinds
//! a handler can return, from which `openapi::problems` builds one response per status.

use std::collections::BTreeMap;

use crate::contract::Code::{self, *};
use utoipa::openapi::{RefOr, Response};
use utoipa::IntoResponses;

use crate::http::openapi::problems;

/// What every call to a vendor can end in: the contract's `upstream_*` codes, in its order.
fn upstream() -> impl Iterator<Item = Code> {
    Code::ALL
        .iter()
        .copied()
        .filter(|kind| kind.code().starts_with("upstream_"))
}

/// What every `/v1` operation can end in before its handler runs: the key, then the tenant
/// (CONTRACT §3).
const ADMITTED: [Code; 3] = [Unauthorized, Forbidden, TenantNotFound];

/// What reading a JSON body can end in: too large, not JSON, too slow, too many senders on one
/// key, or a body that breaks a rule.
const JSON_BODY: [Code; 5] = [
    PayloadTooLarge,
    UnsupportedMediaType,
    RequestTimeout,
    TooManyConnections,
    InvalidRequest,
];

/// What every operation that takes an api key can end in: its key's limit (CONTRACT §12).
const KEYED: [Code; 1] = [RateLimited];

/// An operation's error answers: [`ADMITTED`], its own kinds (lists and the groups above, in
/// the order the document describes them within a status), and [`KEYED`].
macro_rules! documented_errors {
    ($(#[$doc:meta])* $name:ident $(: $($group:expr),+ $(,)?)?) => {
        $(#[$doc])*
        pub struct $name;

        impl $name {
            pub fn kinds() -> Vec<Code> {
                #[allow(unused_mut)]
                let mut kinds = ADMITTED.to_vec();
                $($(kinds.extend($group);)+)?
                kinds.extend(KEYED);
                kinds
            }
        }

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                problems::responses(&Self::kinds())
            }
        }
    };
}

documented_errors!(
    /// `GET /v1/tenants/{tenant}`: only the key is checked.
    TenantErrors
);

documented_errors!(
    /// `GET .../customers/{customer_id}/labels`. No 405: every provider can read.
    ReadErrors: [InvalidCustomerId, CustomerNotFound, InvalidRequest], upstream()
);

documented_errors!(
    /// `GET .../labels`: a provider without a catalog answers 405; `q` or `include` that break
    /// their rules are 422.
    CatalogErrors: [UnsupportedOperation, InvalidRequest], upstream()
);

documented_errors!(
    /// `POST .../labels`: a provider that cannot create labels answers 405; a name the vendor
    /// would refuse is 422 before any call; the vendor's catalog decides 409.
    CreateLabelErrors: [UnsupportedOperation], JSON_BODY, [LabelExists, LabelLimitReached], upstream()
);

documented_errors!(
    /// `GET .../labels/{label_id}/customers`: 405 for a provider that cannot list them.
    LabelCustomersErrors: [LabelNotFound, UnsupportedOperation, InvalidRequest], upstream()
);

documented_errors!(
    /// `PATCH .../labels/{label_id}/customers`: what fails for one customer is in its result;
    /// what is left is the request's own (and the catalog read that resolves the label).
    ChangeLabelCustomersErrors: [LabelNotFound, UnsupportedOperation], JSON_BODY, upstream()
);

documented_errors!(
    /// `POST .../customers/labels:batchGet`: every customer's failure is in its own place.
    BatchGetErrors: JSON_BODY
);

documented_errors!(
    /// `PATCH .../customers/{customer_id}/labels`: a read-only provider answers 405; a failure
    /// part-way carries `results` with what was already applied.
    ChangeErrors: [
        InvalidCustomerId, CustomerNotFound, UnsupportedOperation, IdempotencyInProgress,
    ],
    JSON_BODY,
    [IdempotencyKeyReused, StateUnavailable, LabelExists, LabelLimitReached],
    upstream()
);

documented_errors!(
    /// `POST .../jobs`: calls no vendor; a read-only provider answers 405; a copy from a tenant
    /// `copy_from` does not name answers 403.
    SubmitJobErrors: [UnsupportedOperation, IdempotencyInProgress],
    JSON_BODY,
    [IdempotencyKeyReused, StateUnavailable, TooManyJobs, JobsFull]
);

documented_errors!(
    /// `GET` and `DELETE .../jobs/{job_id}`.
    JobErrors: [JobNotFound, JobLost, StateUnavailable]
);

documented_errors!(
    /// `GET .../events`: a cursor, limit or type that does not read is 422; a cursor older than
    /// what is kept is 410.
    FeedErrors: [InvalidRequest, CursorExpired, StateUnavailable]
);

documented_errors!(
    /// `GET .../webhooks/deliveries`: a status or limit that does not read is 422.
    DeliveriesErrors: [InvalidRequest, StateUnavailable]
);

documented_errors!(
    /// `POST .../events/{event_id}/redeliver`.
    RedeliverErrors: [EventNotFound, StateUnavailable]
);

documented_errors!(
    /// `GET .../jobs`: a cursor or limit that does not read is 422.
    ListJobsErrors: [InvalidRequest, StateUnavailable]
);

documented_errors!(
    /// `GET .../jobs/{job_id}/results`.
    JobResultsErrors: [JobNotFound, JobLost, InvalidRequest, StateUnavailable]
);

documented_errors!(
    /// `.../passthrough/{path}`: the path is checked, then the allow-list, then the body; the
    /// vendor's own answers (4xx, 5xx, 429) come back as they are, not as problems.
    PassthroughErrors: [
        InvalidPath, PassthroughNotAllowed, PayloadTooLarge, RequestTimeout, TooManyConnections,
    ],
    upstream()
);

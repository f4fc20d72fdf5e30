//! Where events are kept: [`EventLog`], in the process ([`super::local::LocalLog`]) or in the
//! fleet's Redis, chosen once at start like the job and idempotency stores. A reader's place in
//! a tenant's log is a position, opaque outside the log that gave it out.

use async_trait::async_trait;

use super::event::Recorded;
use crate::contract::{Code, Error, TypeFilter};

/// A page of a tenant's events, oldest first.
#[derive(Debug, Default)]
pub struct Page {
    pub items: Vec<Recorded>,
    /// Where the next read starts: after the last event read (or looked at and filtered out),
    /// else where the reader already was. Never absent: a reader keeps it and asks again.
    pub next: String,
}

/// What a reader asks of a tenant's log: up to `limit` events after `after` (from the oldest
/// kept without one) that `types` admits.
#[derive(Debug, Clone, Copy)]
pub struct Read<'a> {
    pub after: Option<&'a str>,
    pub types: &'a TypeFilter,
    pub limit: usize,
}

#[async_trait]
pub trait EventLog: Send + Sync {
    /// Adds a tenant's events, in order, dropping what is past the retention.
    async fn append(&self, tenant: &str, events: Vec<Recorded>) -> Result<(), Error>;

    /// The events `read` asks for. `cursor_expired` when events after `read.after` are no
    /// longer kept; `invalid_request` for a position this log never gave out.
    async fn read(&self, tenant: &str, read: Read<'_>) -> Result<Page, Error>;

    /// The position after the tenant's newest event: a reader starting there gets only what
    /// comes next (a webhook configured now is not sent the past).
    async fn end(&self, tenant: &str) -> Result<String, Error>;

    /// One kept event of the tenant, by its id.
    async fn find(&self, tenant: &str, id: &str) -> Result<Option<Recorded>, Error>;

    /// `true` when the events outlive this process (Redis).
    fn durable(&self) -> bool;
}

pub fn expired() -> Error {
    Error::new(
        Code::CursorExpired,
        "the cursor points before the oldest event kept: events after it were dropped \
         (retention or the per-tenant limit). Start again without `after`.",
    )
}

/// A position that decodes but that this log never gave out (another log's, or made up).
pub fn not_a_position() -> Error {
    let detail = "query: after is not a cursor this feed gave out";
    let mut error = Error::new(Code::InvalidRequest, detail);
    error.problems = vec![label_core::FieldProblem::at("", detail)];
    error
}

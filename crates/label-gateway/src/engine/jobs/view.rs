//! A job and its results as the API shows them; utoipa documents these types.

use label_core::LabelIdentity;
use serde::Serialize;
use utoipa::ToSchema;

use super::clock::rfc3339;
use super::model::{Kind, Meta, State};
use super::record::{Outcome, RefResult};
use crate::contract::forms::TenantId;
use crate::contract::ItemProblem;

/// A job: what it is, where it stands, and how far it got.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    /// The job's id: a UUID, later ones sorting after earlier ones.
    #[schema(
        example = "01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d",
        min_length = 36,
        max_length = 36
    )]
    pub id: String,
    #[schema(schema_with = TenantId::field)]
    pub tenant: String,
    #[schema(value_type = JobKind)]
    pub kind: Kind,
    #[schema(value_type = JobState)]
    pub state: State,
    /// For a copy: the tenant its labels are read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "acme", nullable = false)]
    pub from_tenant: Option<String>,
    /// `true` when the job lives in the shared state (`[state]`): any replica resumes it if its
    /// replica dies. `false`: it lives in this replica's process and ends with it.
    pub durable: bool,
    /// Reads everything, writes nothing: results say `would_apply` instead of `applied`.
    pub dry_run: bool,
    /// RFC 3339.
    #[schema(example = "2026-11-29T12:04:05.123Z", format = DateTime)]
    pub created_at: String,
    /// RFC 3339; null until the job starts.
    #[schema(format = DateTime, required = true)]
    pub started_at: Option<String>,
    /// RFC 3339; null until the job ends.
    #[schema(format = DateTime, required = true)]
    pub finished_at: Option<String>,
    pub counts: JobCounts,
    /// Vendor calls the job has made, both tenants' for a copy.
    #[schema(example = 12)]
    pub vendor_calls: u64,
    /// Seconds until the job ends at its recent rate; null when not running or not yet known.
    #[schema(required = true, example = 42)]
    pub eta_seconds: Option<u64>,
    /// A cancel was asked for: no new customer is started, and the job ends `cancelled`.
    pub cancel_requested: bool,
    /// Why a `failed` job could not go on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub problem: Option<ItemProblem>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documents `Kind`
pub enum JobKind {
    Change,
    Copy,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documents `State`
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// `succeeded + failed = done <= total`.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobCounts {
    #[schema(example = 300)]
    pub total: u64,
    #[schema(example = 120)]
    pub done: u64,
    #[schema(example = 119)]
    pub succeeded: u64,
    #[schema(example = 1)]
    pub failed: u64,
}

impl Job {
    pub fn of(meta: &Meta) -> Self {
        Self {
            id: meta.id.clone(),
            tenant: meta.tenant.clone(),
            kind: meta.spec.kind,
            state: meta.state,
            from_tenant: meta.spec.from_tenant.clone(),
            durable: meta.durable,
            dry_run: meta.spec.dry_run,
            created_at: rfc3339(meta.created_at),
            started_at: meta.started_at.map(rfc3339),
            finished_at: meta.finished_at.map(rfc3339),
            counts: JobCounts {
                total: meta.counts.total,
                done: meta.counts.done,
                succeeded: meta.counts.succeeded,
                failed: meta.counts.failed,
            },
            vendor_calls: meta.vendor_calls,
            eta_seconds: meta.eta_seconds.filter(|_| meta.state == State::Running),
            cancel_requested: meta.cancel_requested,
            problem: meta
                .problem
                .as_ref()
                .map(|p| ItemProblem::recorded(&p.code, &p.detail)),
        }
    }
}

/// One customer's outcome: `results` when it succeeded, `problem` when it failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobItem {
    /// The customer changed (for a copy, the target customer), in its canonical spelling.
    #[schema(example = "564663098", min_length = 1, max_length = 256)]
    pub customer_id: String,
    /// For a copy: the source customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, min_length = 1, max_length = 256)]
    pub from: Option<String>,
    #[schema(value_type = ItemStatus)]
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub results: Option<Vec<ItemResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub problem: Option<ItemProblem>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documents `JobItem::status`
pub enum ItemStatus {
    Succeeded,
    Failed,
}

/// What one label reference did to the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResult {
    #[schema(value_type = crate::contract::model::Op)]
    pub op: &'static str,
    #[schema(value_type = crate::contract::model::LabelIdentity)]
    pub label: LabelIdentity,
    #[schema(value_type = ItemResultStatus)]
    pub status: &'static str,
}

/// `applied`, `unchanged`, `not_found`; `created` (the job made the label, `create_missing`);
/// in a dry run `would_apply` instead of `applied` or `created`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // documents `ItemResult::status`
pub enum ItemResultStatus {
    Applied,
    Unchanged,
    NotFound,
    Created,
    WouldApply,
}

impl JobItem {
    /// `None` for a customer not done.
    pub fn of(entry: &str, outcome: Outcome, meta: &Meta) -> Option<Self> {
        let (from, customer) = match entry.split_once('\t') {
            Some((from, to)) => (Some(from.to_owned()), to.to_owned()),
            None => (None, entry.to_owned()),
        };
        let (status, results, problem) = match outcome {
            Outcome::NotDone => return None,
            Outcome::Succeeded(results) => {
                let results = results.iter().map(|r| result(r, meta)).collect();
                ("succeeded", Some(results), None)
            }
            Outcome::Failed { code, detail } => {
                ("failed", None, Some(ItemProblem::recorded(&code, &detail)))
            }
        };
        Some(Self {
            customer_id: customer,
            from,
            status,
            results,
            problem,
        })
    }
}

fn result(result: &RefResult, meta: &Meta) -> ItemResult {
    let entry = meta.labels.get(result.label as usize);
    ItemResult {
        op: super::model::op_name(result.op),
        label: entry.map_or(
            LabelIdentity {
                id: None,
                name: None,
            },
            |e| e.identity(),
        ),
        status: result.status.as_str(entry.is_some_and(|e| e.created)),
    }
}

/// A page of a tenant's jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    #[schema(max_items = 100)]
    pub jobs: Vec<Job>,
    /// Pass as `cursor` for the next page; null after the last.
    #[schema(required = true, max_length = 512)]
    pub next_cursor: Option<String>,
}

/// A page of a job's results, in submission order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsPage {
    #[schema(max_items = 1000)]
    pub items: Vec<JobItem>,
    /// Pass as `cursor` for the next page; null when no more results are ready.
    #[schema(required = true, max_length = 512)]
    pub next_cursor: Option<String>,
}

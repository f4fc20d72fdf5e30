//! What a job is, as the stores keep it: its spec (what to do), its progress, and the table of
//! the labels its results name.

use label_core::{LabelIdentity, LabelRef, Op};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Change,
    Copy,
}

/// What a copy does with a source label the `labels` map does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Unmapped {
    #[default]
    Skip,
    SameName,
}

/// `add`: attach the mapped labels; `mirror`: also detach the mapped-to labels the source
/// customer lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Add,
    Mirror,
}

/// A label reference as stored: `LabelRef` itself only serializes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoredRef {
    Name(String),
    Id(String),
}

impl From<&LabelRef> for StoredRef {
    fn from(reference: &LabelRef) -> Self {
        match reference {
            LabelRef::Name(name) => StoredRef::Name(name.clone()),
            LabelRef::Id(id) => StoredRef::Id(id.clone()),
        }
    }
}

impl StoredRef {
    pub fn to_ref(&self) -> LabelRef {
        match self {
            StoredRef::Name(name) => LabelRef::Name(name.clone()),
            StoredRef::Id(id) => LabelRef::Id(id.clone()),
        }
    }
}

/// What a job does, all but its customers: small, kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub kind: Kind,
    pub dry_run: bool,
    #[serde(default)]
    pub add: Vec<StoredRef>,
    #[serde(default)]
    pub remove: Vec<StoredRef>,
    #[serde(default)]
    pub create_missing: bool,
    #[serde(default)]
    pub from_tenant: Option<String>,
    /// Source name to target name, in the order given.
    #[serde(default)]
    pub labels: Vec<(String, String)>,
    #[serde(default)]
    pub unmapped: Unmapped,
    #[serde(default)]
    pub mode: Mode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl State {
    pub fn is_final(self) -> bool {
        matches!(self, State::Succeeded | State::Failed | State::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => State::Queued,
            "running" => State::Running,
            "succeeded" => State::Succeeded,
            "failed" => State::Failed,
            "cancelled" => State::Cancelled,
            _ => return None,
        })
    }
}

/// A label a job's results name, once: results refer to it by its place in the job's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelEntry {
    pub id: Option<String>,
    pub name: Option<String>,
    /// The job created it (`create_missing`): where it was attached, the result is `created`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub created: bool,
}

impl LabelEntry {
    pub fn of(identity: &LabelIdentity) -> Self {
        Self {
            id: identity.id.clone(),
            name: identity.name.clone(),
            created: false,
        }
    }

    pub fn identity(&self) -> LabelIdentity {
        LabelIdentity {
            id: self.id.clone(),
            name: self.name.clone(),
        }
    }
}

/// Why a job could not go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobProblem {
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: u64,
    pub done: u64,
    pub succeeded: u64,
    pub failed: u64,
}

/// Everything about a job but its customers and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub tenant: String,
    pub spec: Spec,
    pub durable: bool,
    /// Customers a chunk holds: the unit of progress, fixed when the job is made.
    pub chunk_size: u32,
    pub state: State,
    /// Unix milliseconds.
    pub created_at: u64,
    pub started_at: Option<u64>,
    pub finished_at: Option<u64>,
    pub counts: Counts,
    pub vendor_calls: u64,
    /// Chunks finished, from the first: where a replica taking the job over starts.
    pub next_chunk: u64,
    pub eta_seconds: Option<u64>,
    pub problem: Option<JobProblem>,
    pub cancel_requested: bool,
    pub labels: Vec<LabelEntry>,
}

/// What one finished chunk adds to its job.
#[derive(Debug, Clone, Default)]
pub struct ChunkDone {
    pub chunk: u64,
    /// The chunk's records, one per customer, as `record::encode` wrote them, deflated
    /// (`compact::pack_records`).
    pub records: Vec<u8>,
    /// Places (in the whole job) of the chunk's failed customers.
    pub failed_at: Vec<u64>,
    pub succeeded: u64,
    pub failed: u64,
    pub vendor_calls: u64,
    /// The job's label table after the chunk (it only grows).
    pub labels: Vec<LabelEntry>,
    pub eta_seconds: Option<u64>,
}

pub fn op_name(op: Op) -> &'static str {
    match op {
        Op::Add => "add",
        Op::Remove => "remove",
    }
}

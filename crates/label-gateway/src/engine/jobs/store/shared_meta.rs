//! A job's meta as the shared store keeps it: a hash with a field per thing that changes, and
//! `head` (JSON) for what never does.

use std::collections::HashMap;

use crate::engine::jobs::model::{Counts, Meta, Spec, State};

/// What never changes after a job is made, kept as one JSON field.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Head {
    pub id: String,
    pub tenant: String,
    pub spec: Spec,
    pub chunk_size: u32,
    pub created_at: u64,
}

pub fn read_meta(fields: &HashMap<String, String>) -> Option<Meta> {
    let head: Head = serde_json::from_str(fields.get("head")?).ok()?;
    let number = |name: &str| fields.get(name).and_then(|v| v.parse::<u64>().ok());
    let text = |name: &str| fields.get(name).filter(|v| !v.is_empty());
    Some(Meta {
        id: head.id,
        tenant: head.tenant,
        spec: head.spec,
        durable: true,
        chunk_size: head.chunk_size,
        state: State::parse(text("state")?)?,
        created_at: head.created_at,
        started_at: number("started_at"),
        finished_at: number("finished_at"),
        counts: Counts {
            total: number("total").unwrap_or(0),
            done: number("done").unwrap_or(0),
            succeeded: number("succeeded").unwrap_or(0),
            failed: number("failed").unwrap_or(0),
        },
        vendor_calls: number("vendor_calls").unwrap_or(0),
        next_chunk: number("next_chunk").unwrap_or(0),
        eta_seconds: number("eta"),
        problem: text("problem").and_then(|p| serde_json::from_str(p).ok()),
        cancel_requested: fields.get("cancel").is_some_and(|c| c == "1"),
        labels: text("labels")
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or_default(),
    })
}

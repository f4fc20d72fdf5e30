//! The labels a change job names, checked against the tenant's catalog before the job is
//! submitted. The gateway would accept the job and record each customer's reference as
//! `not_found`, a job that "succeeds" without doing anything; a person who mistyped a name
//! wants to hear it before a million customers are read.

use serde::Deserialize;
use serde_json::Value;

use super::api::{Client, Failure};
use super::Gateway;
use label_core::suggest::closest;

/// What of a job body this check reads; the customers are skipped, not kept.
#[derive(Deserialize)]
struct Refs {
    kind: Option<String>,
    #[serde(default)]
    add: Vec<Reference>,
    #[serde(default)]
    remove: Vec<Reference>,
    #[serde(default)]
    create_missing: bool,
}

#[derive(Deserialize)]
struct Reference {
    name: Option<String>,
    id: Option<String>,
}

/// `Ok` when every label the job names is in the tenant's catalog (or when this cannot be
/// told here: a body the gateway will refuse on its own, a copy, a tenant without a catalog).
pub async fn check(
    client: &Client,
    gateway: &Gateway,
    tenant: &str,
    body: &[u8],
) -> Result<(), String> {
    let Ok(refs) = serde_json::from_slice::<Refs>(body) else {
        return Ok(());
    };
    if refs.kind.as_deref() != Some("change") {
        return Ok(());
    }
    // With create_missing an added name the catalog lacks is created; an id never is.
    let adds = refs
        .add
        .iter()
        .filter(|r| !(refs.create_missing && r.name.is_some()));
    let wanted: Vec<&Reference> = adds.chain(&refs.remove).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let base = gateway.url.trim_end_matches('/');
    let url = format!("{base}/v1/tenants/{tenant}/labels");
    let catalog = match client.get(&url).await {
        Ok(catalog) => catalog,
        // No catalog to check against: the job's results will tell.
        Err(Failure::Refused { status: 405, .. }) => return Ok(()),
        Err(failure) => return Err(failure.into()),
    };
    let labels: Vec<&Value> = catalog["labels"].as_array().into_iter().flatten().collect();
    let names: Vec<&str> = labels.iter().filter_map(|l| l["name"].as_str()).collect();
    let ids: Vec<String> = labels
        .iter()
        .filter_map(|l| l["id"].as_str())
        .map(id_key)
        .collect();
    let mut missing = Vec::new();
    for reference in wanted {
        match (&reference.name, &reference.id) {
            (Some(name), _) if !names.contains(&name.as_str()) => {
                let hint = closest(name, names.iter().copied())
                    .map(|near| format!(" (did you mean {near:?}?)"))
                    .unwrap_or_default();
                missing.push(format!("no label named {name:?}{hint}"));
            }
            (None, Some(id)) if !ids.contains(&id_key(id)) => {
                missing.push(format!("no label with id {id:?}"));
            }
            _ => {}
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let fix = if refs.create_missing {
        "fix the references"
    } else {
        "fix the names, or add --create-missing to create the added ones"
    };
    Err(format!(
        "no job was made: tenant {tenant}'s catalog has {}; {fix}",
        missing.join(", ")
    ))
}

/// Ids compared the way the vendors spell them: UUIDs in any case, numbers with or without
/// leading zeros.
fn id_key(id: &str) -> String {
    let id = id.to_ascii_lowercase();
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let significant = id.trim_start_matches('0');
        return if significant.is_empty() {
            "0"
        } else {
            significant
        }
        .to_owned();
    }
    id
}

//! A job's body from a file: a `.json` file is the body as it is; a CSV file gives the
//! customers and the flags the rest. The body is written as text entry by entry, so that a
//! million customers never become a million JSON values here either.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{Mode, Submit, Unmapped};

/// Header cells a first CSV line may have instead of ids.
const HEADERS: &[&str] = &["customer", "customer_id", "id", "from"];

pub fn body(file: &Path, args: &Submit) -> Result<Vec<u8>, String> {
    let is_json = file
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    if is_json {
        if has_job_flags(args) {
            return Err(
                "a JSON file is the whole job: leave out --add, --remove, --copy-from and the like"
                    .to_owned(),
            );
        }
        return std::fs::read(file).map_err(|err| format!("cannot read {}: {err}", file.display()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(file)
        .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
    let copy = args.copy_from.is_some();
    let mut customers = Vec::with_capacity(64 * 1024);
    let mut count = 0usize;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|err| format!("{}: {err}", file.display()))?;
        let first = record.get(0).unwrap_or_default();
        if line == 0 && HEADERS.contains(&first.to_ascii_lowercase().as_str()) {
            continue;
        }
        if first.is_empty() {
            continue;
        }
        customers.push(if count == 0 { b'[' } else { b',' });
        if copy {
            let to = record.get(1).filter(|to| !to.is_empty()).ok_or_else(|| {
                format!(
                    "{} line {}: a copy needs `from,to` on every line",
                    file.display(),
                    line + 1
                )
            })?;
            write(&mut customers, &json!({"from": first, "to": to}))?;
        } else {
            write(&mut customers, &Value::from(first))?;
        }
        count += 1;
    }
    if count == 0 {
        return Err(format!("{} names no customer", file.display()));
    }
    customers.push(b']');
    let mut fields = job_fields(args)?;
    fields.insert("customers".to_owned(), Value::Null);
    // The customers are spliced in as text where the placeholder is.
    let text = serde_json::to_string(&Value::Object(fields)).map_err(|e| e.to_string())?;
    let (before, after) = text
        .split_once("\"customers\":null")
        .ok_or("the job body could not be made")?;
    let mut body = Vec::with_capacity(customers.len() + text.len());
    body.extend_from_slice(before.as_bytes());
    body.extend_from_slice(b"\"customers\":");
    body.extend_from_slice(&customers);
    body.extend_from_slice(after.as_bytes());
    Ok(body)
}

fn job_fields(args: &Submit) -> Result<Map<String, Value>, String> {
    let mut fields = Map::new();
    let refs = |names: &[String]| {
        Value::from(names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>())
    };
    match &args.copy_from {
        None => {
            if !args.map.is_empty() || args.unmapped.is_some() || args.mode.is_some() {
                return Err("--map, --unmapped and --mode are for a copy (--copy-from)".to_owned());
            }
            fields.insert("kind".into(), "change".into());
            if !args.add.is_empty() {
                fields.insert("add".into(), refs(&args.add));
            }
            if !args.remove.is_empty() {
                fields.insert("remove".into(), refs(&args.remove));
            }
            if args.create_missing {
                fields.insert("create_missing".into(), true.into());
            }
        }
        Some(from) => {
            if !args.add.is_empty() || !args.remove.is_empty() || args.create_missing {
                return Err(
                    "--add, --remove and --create-missing are for a change, not a copy".to_owned(),
                );
            }
            fields.insert("kind".into(), "copy".into());
            fields.insert("from_tenant".into(), from.clone().into());
            let mut labels = Map::new();
            for pair in &args.map {
                let (source, target) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--map {pair:?}: write it Source=Target"))?;
                labels.insert(source.to_owned(), target.into());
            }
            if !labels.is_empty() {
                fields.insert("labels".into(), Value::Object(labels));
            }
            if let Some(unmapped) = args.unmapped {
                let name = match unmapped {
                    Unmapped::Skip => "skip",
                    Unmapped::SameName => "same_name",
                };
                fields.insert("unmapped".into(), name.into());
            }
            if let Some(mode) = args.mode {
                let name = match mode {
                    Mode::Add => "add",
                    Mode::Mirror => "mirror",
                };
                fields.insert("mode".into(), name.into());
            }
        }
    }
    if args.dry_run {
        fields.insert("dry_run".into(), true.into());
    }
    Ok(fields)
}

fn has_job_flags(args: &Submit) -> bool {
    !args.add.is_empty()
        || !args.remove.is_empty()
        || args.create_missing
        || args.dry_run
        || args.copy_from.is_some()
        || !args.map.is_empty()
        || args.unmapped.is_some()
        || args.mode.is_some()
}

fn write(out: &mut Vec<u8>, value: &Value) -> Result<(), String> {
    serde_json::to_writer(&mut *out, value).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

/// The same tenant and body give the same key: submitting one file twice follows one job.
pub fn key_for(tenant: &str, body: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(tenant.as_bytes())
        .chain_update([0])
        .chain_update(body)
        .finalize();
    format!("cli-{}", hex::encode(&digest[..16]))
}

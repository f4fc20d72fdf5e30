//! A job's body from a file: a `.json` file is the body as it is; a CSV file gives the
//! customers and the flags the rest. The body is written as text entry by entry, so that a
//! million customers never become a million JSON values here either.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::api::Failure;
use super::{Mode, Submit, Unmapped};

/// Header cells a first CSV line may have instead of ids.
const HEADERS: &[&str] = &["customer", "customer_id", "id", "from"];

/// A job's body, and where each of its customers came from in the file.
pub struct Input {
    pub body: Vec<u8>,
    file: PathBuf,
    /// The CSV line of each customer, by its place in `customers`; `None` for a JSON file,
    /// whose pointers already name places in the file.
    lines: Option<Vec<u64>>,
}

impl Input {
    /// The gateway's refusal, its `/customers/N` pointers told as the file's line numbers.
    pub fn explain(&self, failure: Failure) -> String {
        failure.text(&|pointer| self.place(pointer))
    }

    fn place(&self, pointer: &str) -> Option<String> {
        let lines = self.lines.as_ref()?;
        let rest = pointer.strip_prefix("/customers/")?;
        let (index, inner) = rest.split_once('/').unwrap_or((rest, ""));
        let line = lines.get(index.parse::<usize>().ok()?)?;
        let column = match inner {
            "from" => " (from)",
            "to" => " (to)",
            _ => "",
        };
        Some(format!("{} line {line}{column}", self.file.display()))
    }
}

pub fn body(file: &Path, args: &Submit) -> Result<Input, String> {
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
        let body =
            std::fs::read(file).map_err(|err| format!("cannot read {}: {err}", file.display()))?;
        return Ok(Input {
            body,
            file: file.to_owned(),
            lines: None,
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
    let copy = args.copy_from.is_some();
    let mut customers = Vec::with_capacity(64 * 1024);
    let mut lines = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|err| format!("{}: {err}", file.display()))?;
        // The line the record starts on, counting comments and blank lines as an editor does.
        let line = record.position().map_or(index as u64 + 1, |at| at.line());
        let first = record.get(0).unwrap_or_default();
        if index == 0 && HEADERS.contains(&first.to_ascii_lowercase().as_str()) {
            continue;
        }
        // Comments are skipped here rather than by the csv reader, whose line numbers leave
        // them out.
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        customers.push(if lines.is_empty() { b'[' } else { b',' });
        if copy {
            let to = record.get(1).filter(|to| !to.is_empty()).ok_or_else(|| {
                format!(
                    "{} line {line}: a copy needs `from,to` on every line",
                    file.display()
                )
            })?;
            write(&mut customers, &json!({"from": first, "to": to}))?;
        } else {
            write(&mut customers, &Value::from(first))?;
        }
        lines.push(line);
    }
    if lines.is_empty() {
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
    Ok(Input {
        body,
        file: file.to_owned(),
        lines: Some(lines),
    })
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

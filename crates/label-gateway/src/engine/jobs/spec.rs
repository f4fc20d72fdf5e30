//! A job submission, checked whole before a job is made: every problem is listed (at most 100,
//! each at its JSON Pointer), and a copy from a tenant that `copy_from` does not name is
//! refused (403) whatever else is wrong with it.

use label_core::check_label_text;

use crate::contract::{parse_change_request, Code, Error};
use serde_json::{Map, Value};

use super::body::{self, pointer, Shape};
use super::compact::CompactList;
use super::model::{Kind, Mode, Spec, StoredRef, Unmapped};
use super::problems::Problems;
use super::stream::Split;
use crate::engine::tenants::{TenantRegistry, TenantRuntime};

/// Most entries of a copy's `labels` map.
pub const MAX_MAPPINGS: usize = 1000;
const COMMON: &[&str] = &["kind", "customers", "dry_run"];
const CHANGE: &[&str] = &["add", "remove", "create_missing"];
const COPY: &[&str] = &["from_tenant", "labels", "unmapped", "mode"];

/// Reads a submission to `target`; `Err` is `invalid_request`, `forbidden` or
/// `tenant_not_found`, ready to answer.
pub fn read(
    body: Split,
    tenants: &TenantRegistry,
    target: &TenantRuntime,
    max_customers: usize,
    chunk_size: usize,
) -> Result<(Spec, CompactList), Error> {
    let mut problems = Problems::default();
    if body.broken {
        problems.add("", "body is not valid JSON");
        return Err(problems.into_error());
    }
    let Some(top) = body::top(&body.skeleton, &mut problems) else {
        return Err(problems.into_error());
    };
    let fields = &top.fields;
    let kind = match fields.get("kind") {
        Some(Value::String(kind)) if kind == "change" => Some(Kind::Change),
        Some(Value::String(kind)) if kind == "copy" => Some(Kind::Copy),
        None => {
            problems.add("/kind", "is required: \"change\" or \"copy\"");
            None
        }
        Some(_) => {
            problems.add("/kind", "must be \"change\" or \"copy\"");
            None
        }
    };
    let known: Vec<&str> = match kind {
        Some(Kind::Change) => [COMMON, CHANGE].concat(),
        Some(Kind::Copy) => [COMMON, COPY].concat(),
        None => [COMMON, CHANGE, COPY].concat(),
    };
    for key in fields.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.add(pointer(&[key]), "unknown field");
    }
    let dry_run = flag(fields, "dry_run", &mut problems);
    let target_ids = target.provider.capabilities().customer_id_format;
    let mut spec = Spec {
        kind: kind.unwrap_or(Kind::Change),
        dry_run,
        add: Vec::new(),
        remove: Vec::new(),
        create_missing: false,
        from_tenant: None,
        labels: Vec::new(),
        unmapped: Unmapped::Skip,
        mode: Mode::Add,
    };
    let shape = match kind {
        Some(Kind::Change) => {
            change(fields, target, &mut spec, &mut problems);
            Some(Shape::Change(target_ids))
        }
        Some(Kind::Copy) => {
            copy(fields, tenants, target, &mut spec, &mut problems)?.map(|from| Shape::Copy {
                from,
                to: target_ids,
            })
        }
        None => None,
    };
    let customers = match (top.customers, shape) {
        (Some(raw), Some(shape)) => {
            let (max, size) = (max_customers, chunk_size);
            body::customers(raw, &body.entries, shape, max, size, &mut problems)
        }
        (None, _) => {
            problems.add("/customers", "is required");
            CompactList::default()
        }
        (Some(_), None) => CompactList::default(),
    };
    if problems.is_empty() {
        Ok((spec, customers))
    } else {
        Err(problems.into_error())
    }
}

fn change(
    fields: &Map<String, Value>,
    target: &TenantRuntime,
    spec: &mut Spec,
    problems: &mut Problems,
) {
    // The references are a customer's change request's, at the same pointers.
    let refs: Map<String, Value> = ["add", "remove"]
        .iter()
        .filter_map(|key| fields.get(*key).map(|v| ((*key).to_owned(), v.clone())))
        .collect();
    let text = Value::Object(refs).to_string();
    match parse_change_request(text.as_bytes()) {
        Ok(request) => {
            spec.add = request.add.iter().map(StoredRef::from).collect();
            spec.remove = request.remove.iter().map(StoredRef::from).collect();
        }
        Err(found) => problems.extend(found),
    }
    spec.create_missing = flag(fields, "create_missing", problems);
    if spec.create_missing {
        let max = max_name_chars(target);
        for (index, reference) in spec.add.iter().enumerate() {
            if let StoredRef::Name(name) = reference {
                if name.chars().count() > max {
                    let detail =
                        format!("is longer than this tenant's vendor allows ({max} characters)");
                    problems.add(format!("/add/{index}/name"), detail);
                }
            }
        }
    }
}

/// Reads a copy's members; `Ok(Some(format))` is the source's customer-id format.
fn copy(
    fields: &Map<String, Value>,
    tenants: &TenantRegistry,
    target: &TenantRuntime,
    spec: &mut Spec,
    problems: &mut Problems,
) -> Result<Option<label_core::CustomerIdFormat>, Error> {
    let source = match fields.get("from_tenant") {
        Some(Value::String(from)) => Some(from.clone()),
        Some(_) => {
            problems.add("/from_tenant", "must be a tenant id (a string)");
            None
        }
        None => {
            problems.add("/from_tenant", "is required");
            None
        }
    };
    let mut format = None;
    if let Some(from) = &source {
        if !target.copy_from.iter().any(|allowed| allowed == from) {
            return Err(Error::new(
                Code::Forbidden,
                format!(
                    "tenant {} may not copy from `{from}`: its copy_from does not name it",
                    target.id
                ),
            ));
        }
        let Some(tenant) = tenants.get(from) else {
            return Err(Error::new(
                Code::TenantNotFound,
                format!("no tenant `{from}`"),
            ));
        };
        format = Some(tenant.provider.capabilities().customer_id_format);
    }
    spec.from_tenant = source;
    spec.labels = mappings(fields.get("labels"), max_name_chars(target), problems);
    spec.unmapped = choice(
        fields,
        "unmapped",
        &[("skip", Unmapped::Skip), ("same_name", Unmapped::SameName)],
        problems,
    );
    spec.mode = choice(
        fields,
        "mode",
        &[("add", Mode::Add), ("mirror", Mode::Mirror)],
        problems,
    );
    Ok(format)
}

fn mappings(value: Option<&Value>, max: usize, problems: &mut Problems) -> Vec<(String, String)> {
    let object = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Object(object)) => object,
        Some(_) => {
            problems.add(
                "/labels",
                r#"must be an object of names: {"Source name": "Target name"}"#,
            );
            return Vec::new();
        }
    };
    if object.len() > MAX_MAPPINGS {
        problems.add(
            "/labels",
            format!("at most {MAX_MAPPINGS} names, got {}", object.len()),
        );
    }
    let mut pairs = Vec::with_capacity(object.len());
    for (from, to) in object {
        let at = pointer(&["labels", from]);
        if let Err(why) = check_label_text(from) {
            problems.add(at.clone(), format!("the source name {why}"));
        }
        match to {
            Value::String(to) => match check_label_text(to) {
                Err(why) => problems.add(at, why),
                Ok(()) if to.chars().count() > max => problems.add(
                    at,
                    format!("is longer than the target tenant's vendor allows ({max} characters)"),
                ),
                Ok(()) => pairs.push((from.clone(), to.clone())),
            },
            _ => problems.add(at, "must be the target label's name (a string)"),
        }
    }
    pairs
}

fn flag(fields: &Map<String, Value>, key: &str, problems: &mut Problems) -> bool {
    match fields.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(value)) => *value,
        Some(_) => {
            problems.add(pointer(&[key]), "must be true or false");
            false
        }
    }
}

fn choice<T: Copy + Default>(
    fields: &Map<String, Value>,
    key: &str,
    options: &[(&str, T)],
    problems: &mut Problems,
) -> T {
    let value = match fields.get(key) {
        None | Some(Value::Null) => return T::default(),
        Some(value) => value,
    };
    let found = options
        .iter()
        .find(|(name, _)| value.as_str() == Some(name))
        .map(|(_, option)| *option);
    found.unwrap_or_else(|| {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        problems.add(
            pointer(&[key]),
            format!("must be one of {}", names.join(", ")),
        );
        T::default()
    })
}

/// The longest label name the tenant's vendor takes.
pub fn max_name_chars(tenant: &TenantRuntime) -> usize {
    tenant.provider.capabilities().max_label_name_chars
}

//! The lists people read cannot go stale: every operation id of the committed OpenAPI document
//! is named in docs/README.md and in README.md (the methods of a generated client), and every
//! error code it documents is a row of the error tables of docs/errors.md and README.md, with
//! the status the gateway answers it with.

use std::collections::BTreeSet;
use std::path::Path;

use label_gateway::contract::Code;
use serde_json::Value;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn document() -> Value {
    serde_json::from_str(&read("openapi/label-gateway.json")).unwrap()
}

fn operation_ids(document: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation["operationId"].as_str() {
                ids.insert(id.to_owned());
            }
        }
    }
    ids
}

/// The codes the document's `ErrorKind` schema lists.
fn codes(document: &Value) -> Vec<String> {
    let schema = &document["components"]["schemas"]["ErrorKind"];
    let values = schema["enum"].as_array().expect("ErrorKind is an enum");
    values
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// The status in the row `| `code` | status | …` of a Markdown table in `text`, if any.
fn table_status(text: &str, code: &str) -> Option<u16> {
    let start = format!("| `{code}` |");
    let row = text.lines().find(|line| line.starts_with(&start))?;
    row[start.len()..].split('|').next()?.trim().parse().ok()
}

#[test]
fn every_operation_id_is_in_both_readmes() {
    let ids = operation_ids(&document());
    assert_eq!(ids.len(), 24, "{ids:?}");
    for file in ["docs/README.md", "README.md"] {
        let text = read(file);
        let missing: Vec<&String> = ids
            .iter()
            .filter(|id| !text.contains(&format!("`{id}`")))
            .collect();
        assert!(missing.is_empty(), "{file} does not name {missing:?}");
    }
}

#[test]
fn every_error_code_is_a_row_of_both_error_tables_with_its_status() {
    let codes = codes(&document());
    assert_eq!(codes.len(), Code::ALL.len());
    let mut wrong = Vec::new();
    for file in ["docs/errors.md", "README.md"] {
        let text = read(file);
        for code in &codes {
            let kind = Code::ALL.iter().find(|k| k.code() == code).unwrap();
            let found = table_status(&text, code);
            if found != Some(kind.status()) {
                wrong.push(format!(
                    "{file}: `{code}` {found:?}, answered {}",
                    kind.status()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

//! The cursor of a label's customers: the place of the next page, opaque to clients. It names
//! the tenant and the label it was made for, so that it is taken for that listing only; it is
//! not signed, since all it can name is a place in a listing its holder may read anyway. One
//! that does not read back is `invalid_request`, never a 500.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use label_core::{Error, ErrorKind, FieldProblem};
use serde_json::{json, Value};

/// Cursors longer than this were not made here.
pub const MAX_CURSOR_CHARS: usize = 512;
const VERSION: &str = "m1";

pub fn encode(tenant: &str, label_id: &str, offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(json!([VERSION, tenant, label_id, offset]).to_string())
}

/// The offset a cursor names, if it was made for this tenant's label.
pub fn decode(cursor: &str, tenant: &str, label_id: &str) -> Result<u64, Error> {
    let read = (cursor.len() <= MAX_CURSOR_CHARS)
        .then(|| URL_SAFE_NO_PAD.decode(cursor).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    let Some(Value::Array(parts)) = read else {
        return Err(invalid("is not a cursor this listing gave out"));
    };
    match parts.as_slice() {
        [Value::String(version), Value::String(t), Value::String(l), Value::Number(offset)]
            if version == VERSION =>
        {
            if t != tenant || l != label_id {
                return Err(invalid("belongs to another listing"));
            }
            offset
                .as_u64()
                .ok_or_else(|| invalid("is not a cursor this listing gave out"))
        }
        _ => Err(invalid("is not a cursor this listing gave out")),
    }
}

fn invalid(why: &str) -> Error {
    let detail = format!("query: cursor {why}");
    let mut error = Error::new(ErrorKind::InvalidRequest, detail.clone());
    error.problems = vec![FieldProblem::at("", detail)];
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_for_its_own_listing() {
        let cursor = encode("acme", "20942", 50);
        assert_eq!(decode(&cursor, "acme", "20942").unwrap(), 50);
        assert!(decode(&cursor, "acme", "20943").is_err());
        assert!(decode(&cursor, "globex", "20942").is_err());
        let forged = [
            "",
            "!!!",
            "bm90IGpzb24",
            &URL_SAFE_NO_PAD.encode(r#"["m1","acme","20942",-1]"#),
            &URL_SAFE_NO_PAD.encode(r#"["m1","acme","20942",1.5]"#),
            &URL_SAFE_NO_PAD.encode(r#"["m0","acme","20942",1]"#),
            &URL_SAFE_NO_PAD.encode(r#"{"offset":1}"#),
            &"A".repeat(MAX_CURSOR_CHARS + 4),
        ];
        for cursor in forged {
            let error = decode(cursor, "acme", "20942").unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidRequest, "{cursor}");
        }
    }
}

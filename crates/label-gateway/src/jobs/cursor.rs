//! Cursors of the job listings: opaque to clients (hex of a small JSON array), naming the
//! listing they were made for, so one is taken for that listing only. One that does not read
//! back is `invalid_request`, never a 500.

use label_core::{Error, ErrorKind, FieldProblem};
use serde_json::{json, Value};

pub const MAX_CURSOR_CHARS: usize = 512;

/// A cursor for the listing named by `scope` (e.g. the tenant, or the job and its filter),
/// at `place`.
pub fn encode(scope: &str, place: &Value) -> String {
    hex::encode(json!(["j1", scope, place]).to_string())
}

pub fn decode(cursor: &str, scope: &str) -> Result<Value, Error> {
    let read = (cursor.len() <= MAX_CURSOR_CHARS)
        .then(|| hex::decode(cursor).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    match read {
        Some(Value::Array(mut parts)) if parts.len() == 3 && parts[0] == "j1" => {
            if parts[1] != scope {
                return Err(invalid("belongs to another listing"));
            }
            Ok(parts.swap_remove(2))
        }
        _ => Err(invalid("is not a cursor this listing gave out")),
    }
}

pub fn invalid(why: &str) -> Error {
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
        let cursor = encode("acme", &json!(120));
        assert_eq!(decode(&cursor, "acme").unwrap(), json!(120));
        assert!(decode(&cursor, "globex").is_err());
        for forged in ["", "zz", "7b7d", &"a".repeat(600)] {
            assert_eq!(
                decode(forged, "acme").unwrap_err().kind,
                ErrorKind::InvalidRequest
            );
        }
    }
}

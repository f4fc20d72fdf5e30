//! The cursors of the paged listings (a label's customers, a tenant's jobs, a job's results):
//! the place of the next page, opaque to clients. A cursor names the listing it was made for
//! (its scope), so that it is taken for that listing only; it is not signed, since all it can
//! name is a place in a listing its holder may read anyway. One that does not read back is
//! `invalid_request`, never a 500.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use label_core::{Error, ErrorKind, FieldProblem};
use serde_json::{json, Value};

/// Cursors longer than this were not made here.
pub const MAX_CURSOR_CHARS: usize = 512;
const VERSION: &str = "c1";

/// A cursor for the listing named by `scope`, at `place`.
pub fn encode(scope: &str, place: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json!([VERSION, scope, place]).to_string())
}

/// The place a cursor names, if it was made for the listing named by `scope`.
pub fn decode(cursor: &str, scope: &str) -> Result<Value, Error> {
    let read = (cursor.len() <= MAX_CURSOR_CHARS)
        .then(|| URL_SAFE_NO_PAD.decode(cursor).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    match read {
        Some(Value::Array(mut parts)) if parts.len() == 3 && parts[0] == VERSION => {
            if parts[1] != scope {
                return Err(invalid("belongs to another listing"));
            }
            Ok(parts.swap_remove(2))
        }
        _ => Err(not_given_out()),
    }
}

/// The offset a listing counted by position starts at: 0 without a cursor.
pub fn offset(cursor: Option<&str>, scope: &str) -> Result<u64, Error> {
    match cursor.map(|cursor| decode(cursor, scope)).transpose()? {
        None => Ok(0),
        Some(place) => place.as_u64().ok_or_else(not_given_out),
    }
}

/// The key a listing ordered by keys (jobs, events) goes on after: none without a cursor.
pub fn key(cursor: Option<&str>, scope: &str) -> Result<Option<String>, Error> {
    match cursor.map(|cursor| decode(cursor, scope)).transpose()? {
        None => Ok(None),
        Some(Value::String(key)) => Ok(Some(key)),
        Some(_) => Err(not_given_out()),
    }
}

/// A cursor that decodes but names no place of its listing.
pub fn not_given_out() -> Error {
    invalid("is not a cursor this listing gave out")
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
        let cursor = encode("members/acme/20942", &json!(50));
        assert_eq!(offset(Some(&cursor), "members/acme/20942").unwrap(), 50);
        assert_eq!(offset(None, "members/acme/20942").unwrap(), 0);
        assert!(decode(&cursor, "members/acme/20943").is_err());
        assert!(decode(&cursor, "members/globex/20942").is_err());
        let forged = [
            "",
            "!!!",
            "zz",
            "bm90IGpzb24",
            &URL_SAFE_NO_PAD.encode(r#"["c1","members/acme/20942",-1]"#),
            &URL_SAFE_NO_PAD.encode(r#"["c1","members/acme/20942",1.5]"#),
            &URL_SAFE_NO_PAD.encode(r#"["c0","members/acme/20942",1]"#),
            &URL_SAFE_NO_PAD.encode(r#"{"offset":1}"#),
            &"A".repeat(MAX_CURSOR_CHARS + 4),
        ];
        for cursor in forged {
            let error = offset(Some(cursor), "members/acme/20942").unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidRequest, "{cursor}");
        }
    }
}

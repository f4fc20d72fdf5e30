//! FastAPI's ways of answering: `{"detail": "..."}` for errors it raises, and a 422 listing
//! every parameter that fails validation, each with its `loc`, in the order FastAPI checks
//! them (path, query, header).

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

/// FastAPI's 422: every problem of the request at once, each with where it is.
pub fn validation_error(problems: Vec<Value>) -> Response {
    let body = json!({ "detail": problems });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// A required header parameter; a problem when absent.
pub fn program_id(headers: &HeaderMap, problems: &mut Vec<Value>) -> Option<String> {
    let program = headers.get("program-id").and_then(|v| v.to_str().ok());
    if program.is_none() {
        problems.push(json!({"type": "missing", "loc": ["header", "program-id"],
                             "msg": "Field required", "input": null}));
    }
    program.map(str::to_owned)
}

pub fn too_long(user: &str, max_chars: usize) -> Value {
    json!({"type": "string_too_long", "loc": ["path", "user_id"],
           "msg": format!("String should have at most {max_chars} characters"),
           "input": user, "ctx": {"max_length": max_chars}})
}

/// A query integer of at least 1, or `default` when absent; problems in FastAPI's words.
pub fn positive(
    query: &HashMap<String, String>,
    name: &str,
    default: usize,
    problems: &mut Vec<Value>,
) -> usize {
    let Some(given) = query.get(name) else {
        return default;
    };
    match given.parse::<usize>() {
        Ok(value) if value >= 1 => value,
        Ok(_) => {
            problems.push(json!({"type": "greater_than_equal", "loc": ["query", name],
                "msg": "Input should be greater than or equal to 1",
                "input": given, "ctx": {"ge": 1}}));
            default
        }
        Err(_) => {
            problems.push(json!({"type": "int_parsing", "loc": ["query", name],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": given}));
            default
        }
    }
}

//! The gateway's job API as the command line calls it; every refusal becomes a message that
//! says what to fix (the problem's detail, and each of its `errors`).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Client {
    http: reqwest::Client,
    key: String,
}

/// Why a call to the gateway gave no answer to use.
#[derive(Debug)]
pub enum Failure {
    /// No HTTP answer at all: what went wrong, in words a person reads (`cannot reach the
    /// gateway at http://127.0.0.1:9: connection refused`).
    Unreachable(String),
    /// The gateway answered with an error: its status and problem document.
    Refused { status: u16, problem: Value },
}

impl Client {
    pub fn new(key: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_default();
        Self {
            http,
            key: key.to_owned(),
        }
    }

    pub async fn submit(
        &self,
        url: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Value, Failure> {
        let request = self
            .http
            .post(url)
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .header("idempotency-key", idempotency_key)
            .body(body.to_vec());
        answer(request.send().await, url).await
    }

    pub async fn get(&self, url: &str) -> Result<Value, Failure> {
        answer(self.http.get(url).bearer_auth(&self.key).send().await, url).await
    }
}

async fn answer(sent: reqwest::Result<reqwest::Response>, url: &str) -> Result<Value, Failure> {
    let response = sent.map_err(|err| Failure::Unreachable(unreachable(url, &err)))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    Err(Failure::Refused {
        status: status.as_u16(),
        problem: body,
    })
}

/// reqwest's own text ("error sending request for url (...)") names its layer, not the
/// cause: say which gateway, and the innermost reason (`connection refused`).
fn unreachable(url: &str, err: &reqwest::Error) -> String {
    let gateway = url::Url::parse(url)
        .map(|parsed| parsed.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_owned());
    if err.is_builder() {
        return format!(
            "`{url}` is not a URL the gateway can be reached at (--url http://HOST:PORT)"
        );
    }
    if err.is_timeout() {
        return format!(
            "the gateway at {gateway} did not answer within {} s",
            TIMEOUT.as_secs()
        );
    }
    format!("cannot reach the gateway at {gateway}: {}", root_cause(err))
}

/// The last error of the chain, as a phrase: `Connection refused (os error 111)` becomes
/// `connection refused`.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    let text = match text.find(" (os error ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_owned(),
    }
}

impl Failure {
    /// The message, with each problem's JSON Pointer told as `place` says (a CSV line).
    pub fn text(&self, place: &dyn Fn(&str) -> Option<String>) -> String {
        match self {
            Failure::Unreachable(text) => text.clone(),
            Failure::Refused { status, problem } => problem_text(*status, problem, place),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(&|_| None))
    }
}

impl From<Failure> for String {
    fn from(failure: Failure) -> Self {
        failure.to_string()
    }
}

/// `422 invalid_request: 3 problems in the job` and one line per problem.
fn problem_text(status: u16, problem: &Value, place: &dyn Fn(&str) -> Option<String>) -> String {
    let code = problem["code"].as_str().unwrap_or("error");
    let detail = problem["detail"]
        .as_str()
        .unwrap_or("the gateway refused the request");
    // A detail may begin with the first problem's pointer: told as `place` tells it, too.
    let detail = match detail.split_once(": ") {
        Some((pointer, rest)) => match place(pointer) {
            Some(place) => format!("{place}: {rest}"),
            None => detail.to_owned(),
        },
        None => detail.to_owned(),
    };
    let mut text = format!("the gateway answered {status} {code}: {detail}");
    for error in problem["errors"].as_array().into_iter().flatten() {
        let pointer = error["pointer"].as_str();
        let place = pointer
            .and_then(place)
            .or_else(|| pointer.or(error["header"].as_str()).map(str::to_owned))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "(body)".to_owned());
        let why = error["detail"].as_str().unwrap_or_default();
        text.push_str(&format!("\n  {place}: {why}"));
    }
    if problem["errors_truncated"] == true {
        text.push_str("\n  (more problems not listed)");
    }
    text
}

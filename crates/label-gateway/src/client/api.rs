//! The gateway's job API as the command line calls it; every refusal becomes a message that
//! says what to fix (the problem's detail, and each of its `errors`).

use std::time::Duration;

use serde_json::Value;

pub struct Client {
    http: reqwest::Client,
    key: String,
}

impl Client {
    pub fn new(key: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
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
    ) -> Result<Value, String> {
        let request = self
            .http
            .post(url)
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .header("idempotency-key", idempotency_key)
            .body(body.to_vec());
        answer(request.send().await, url).await
    }

    pub async fn get(&self, url: &str) -> Result<Value, String> {
        answer(self.http.get(url).bearer_auth(&self.key).send().await, url).await
    }
}

async fn answer(sent: reqwest::Result<reqwest::Response>, url: &str) -> Result<Value, String> {
    let response = sent.map_err(|err| format!("cannot reach {url}: {err}"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    Err(problem_text(status.as_u16(), &body))
}

/// `422 invalid_request: 3 problems in the job` and one line per problem.
pub fn problem_text(status: u16, problem: &Value) -> String {
    let code = problem["code"].as_str().unwrap_or("error");
    let detail = problem["detail"]
        .as_str()
        .unwrap_or("the gateway refused the request");
    let mut text = format!("the gateway answered {status} {code}: {detail}");
    for error in problem["errors"].as_array().into_iter().flatten() {
        let place = error["pointer"]
            .as_str()
            .or(error["header"].as_str())
            .filter(|p| !p.is_empty())
            .unwrap_or("(body)");
        let why = error["detail"].as_str().unwrap_or_default();
        text.push_str(&format!("\n  {place}: {why}"));
    }
    if problem["errors_truncated"] == true {
        text.push_str("\n  (more problems not listed)");
    }
    text
}

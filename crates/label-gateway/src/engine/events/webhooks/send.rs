//! One attempt at one delivery: the event POSTed alone, signed as Standard Webhooks says, and
//! what the receiver answered. A receiver costs bounded memory however it answers: at most
//! [`MAX_ANSWER_BYTES`] of its body are read (then the connection is dropped), the whole
//! attempt is cut at the delivery timeout, and redirects are never followed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretSlice};

use crate::engine::events::event::Recorded;

/// Read of a receiver's answer body, at most: enough to reuse the connection after a short
/// answer, nothing a hostile receiver can grow.
const MAX_ANSWER_BYTES: usize = 4096;

/// What a receiver's answer means for the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx in time.
    Delivered(u16),
    /// 410 Gone: the receiver wants no more; its webhook is disabled until a reload.
    Gone,
    /// Anything else: another status, no answer in time, no connection. Retried.
    Failed { status: Option<u16>, error: String },
}

/// Posts events; one pooled client for every webhook of the process.
pub struct Sender {
    client: reqwest::Client,
}

/// Where an event goes and how it is signed.
pub struct Target {
    pub url: url::Url,
    pub signer: standardwebhooks::Webhook,
}

impl Target {
    pub fn new(url: url::Url, secret: &SecretSlice<u8>) -> Self {
        let signer = standardwebhooks::Webhook::from_bytes(secret.expose_secret().to_vec())
            .expect("any bytes are a key");
        Self { url, signer }
    }
}

impl Sender {
    pub fn new(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent("label-gateway-webhooks")
            .build()
            .expect("a client with these settings builds");
        Self { client }
    }

    pub async fn send(&self, target: &Target, event: &Recorded) -> Answer {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let signature = target
            .signer
            .sign(&event.id, timestamp, event.json.as_bytes())
            .expect("an event is UTF-8");
        let request = self
            .client
            .post(target.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", event.id.as_ref())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(event.json.to_string());
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                return Answer::Failed {
                    status: None,
                    error: describe(&error),
                }
            }
        };
        let status = response.status().as_u16();
        // The status decides; the body is read only so far as is cheap.
        let mut read = 0;
        while read <= MAX_ANSWER_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                _ => break,
            }
        }
        match status {
            200..=299 => Answer::Delivered(status),
            410 => Answer::Gone,
            _ => Answer::Failed {
                status: Some(status),
                error: format!("the receiver answered {status}"),
            },
        }
    }
}

/// What went wrong, without the URL (reqwest's `Display` names it).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "no answer within the delivery timeout"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "the exchange failed"
    };
    what.to_owned()
}

#![allow(dead_code)] // each test file that includes it uses a part of it
//! A vendor on 127.0.0.1:0 that records every request it gets, whole (method, target as sent,
//! headers, body), and answers each with what `answer` makes of it: what the passthrough tests
//! look at to say what was sent, and that nothing was.

use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query as sent, percent-encoding untouched.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What the vendor answers: a status, headers and a body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

type AnswerFn = dyn Fn(&Received) -> Reply + Send + Sync;

pub struct FakeVendor {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Drop for FakeVendor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeVendor {
    pub async fn start(answer: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answer: Arc<AnswerFn> = Arc::new(answer);
        let log = received.clone();
        let service = axum::Router::new().fallback(move |request: Request| {
            let (log, answer) = (log.clone(), answer.clone());
            async move { record_and_answer(request, &log, &*answer).await }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        Self {
            base_url,
            received,
            task,
        }
    }

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn record_and_answer(
    request: Request,
    log: &Mutex<Vec<Received>>,
    answer: &AnswerFn,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 << 20).await.unwrap_or_default().to_vec();
    let received = Received {
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let reply = answer(&received);
    log.lock().unwrap().push(received);
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    for (name, value) in reply.headers {
        response.headers_mut().append(
            HeaderName::try_from(name).unwrap(),
            HeaderValue::try_from(value).unwrap(),
        );
    }
    response
}

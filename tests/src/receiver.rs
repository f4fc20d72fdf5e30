//! A webhook receiver on 127.0.0.1:0 for the events tests: it keeps every request it gets
//! (headers and body) and answers each with the status its `answer` function picks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("an event is JSON")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

type Answer = Box<dyn FnMut(&Received) -> u16 + Send>;

#[derive(Clone)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    answer: Arc<Mutex<Answer>>,
}

pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// A receiver answering every request with `answer(request)`.
    pub async fn start(answer: impl FnMut(&Received) -> u16 + Send + 'static) -> Self {
        let shared = Shared {
            got: Arc::default(),
            answer: Arc::new(Mutex::new(Box::new(answer))),
        };
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the receiver serves");
        });
        Self { url, shared, task }
    }

    /// Every request so far, in the order they came.
    pub fn got(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// Answers from now on with `answer`.
    pub fn answer_with(&self, answer: impl FnMut(&Received) -> u16 + Send + 'static) {
        *self.shared.answer.lock().unwrap() = Box::new(answer);
    }

    /// Waits (up to `within`) until `done` holds for what the receiver got; the requests then.
    pub async fn until(
        &self,
        within: Duration,
        mut done: impl FnMut(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.got();
            if done(&got) {
                return got;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("the receiver did not get what was awaited; it got {got:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let received = Received {
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let status = (shared.answer.lock().unwrap())(&received);
    shared.got.lock().unwrap().push(received);
    StatusCode::from_u16(status).expect("a status")
}

/// The `[[tenants.<tenant>.webhooks]]` table of a receiver (after the tenant's block).
pub fn webhook_table(tenant: &str, url: &str, secret: &str, extra: &str) -> String {
    format!("\n[[tenants.{tenant}.webhooks]]\nurl = \"{url}\"\nsecret = \"{secret}\"\n{extra}\n")
}

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request as the simulator received it, before any routing or decoding.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target exactly as sent: path and query, percent-encoding untouched.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A misbehaviour for the next request: answer this instead of the real thing.
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub delay: Duration,
    /// `None` lets the real handler answer (after `delay`).
    pub status: Option<u16>,
    pub body: String,
    pub retry_after: Option<String>,
}

#[derive(Default)]
pub struct Shared {
    log: Mutex<Vec<Recorded>>,
    calls: AtomicUsize,
    faults: Mutex<VecDeque<Fault>>,
}

/// A running simulator; it stops when dropped.
pub struct SimServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl SimServer {
    /// Serves `router` on 127.0.0.1 at a free port.
    pub async fn start(router: Router) -> std::io::Result<Self> {
        Self::start_on(router, "127.0.0.1:0".parse().expect("a valid address")).await
    }

    pub async fn start_on(router: Router, addr: SocketAddr) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let app = router.layer(middleware::from_fn_with_state(shared.clone(), record));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            // A failed accept loop only ends the simulator; the tests then see refused connections.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, shared, task })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests reached the simulator.
    pub fn calls(&self) -> usize {
        self.shared.calls.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().expect("log lock").clone()
    }

    /// Queues a fault: each request takes the next one, then the simulator behaves again.
    pub fn push_fault(&self, fault: Fault) {
        self.shared
            .faults
            .lock()
            .expect("faults lock")
            .push_back(fault);
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let recorded = Recorded {
        method: request.method().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_default(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    shared.calls.fetch_add(1, Ordering::SeqCst);
    shared.log.lock().expect("log lock").push(recorded);
    let fault = shared.faults.lock().expect("faults lock").pop_front();
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    let Some(status) = fault.status else {
        return next.run(request).await;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Body::from(fault.body)).into_response();
    if let Some(value) = fault
        .retry_after
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        response.headers_mut().insert("retry-after", value);
    }
    response
}

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::conn::{ConnHandle, FaultListener};
pub use crate::fault::Fault;

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

/// How many of the most recent requests a simulator keeps by default: enough for any test,
/// small enough that a demo left running for days does not grow without bound.
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

pub struct Shared {
    /// The most recent requests, at most `record_limit` of them, oldest first.
    log: Mutex<VecDeque<Recorded>>,
    record_limit: AtomicUsize,
    calls: AtomicUsize,
    faults: Mutex<VecDeque<Fault>>,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            log: Mutex::default(),
            record_limit: AtomicUsize::new(DEFAULT_RECORD_LIMIT),
            calls: AtomicUsize::new(0),
            faults: Mutex::default(),
        }
    }
}

impl Shared {
    fn record(&self, recorded: Recorded) {
        let limit = self.record_limit.load(Ordering::SeqCst);
        let mut log = self.log.lock().expect("log lock");
        log.push_back(recorded);
        while log.len() > limit {
            log.pop_front();
        }
    }
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
        let service = app.into_make_service_with_connect_info::<ConnHandle>();
        let task = tokio::spawn(async move {
            // A failed accept loop only ends the simulator; the tests then see refused connections.
            let _ = axum::serve(FaultListener(listener), service).await;
        });
        Ok(Self { addr, shared, task })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests reached the simulator, all of them, however many the record keeps.
    pub fn calls(&self) -> usize {
        self.shared.calls.load(Ordering::SeqCst)
    }

    /// The most recent requests (at most [`Self::record_limit`]), oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        let log = self.shared.log.lock().expect("log lock");
        log.iter().cloned().collect()
    }

    pub fn record_limit(&self) -> usize {
        self.shared.record_limit.load(Ordering::SeqCst)
    }

    /// Keeps only the `limit` most recent requests from now on, forgetting older ones at once.
    pub fn set_record_limit(&self, limit: usize) {
        self.shared.record_limit.store(limit, Ordering::SeqCst);
        let mut log = self.shared.log.lock().expect("log lock");
        let excess = log.len().saturating_sub(limit);
        log.drain(..excess);
    }

    /// Queues a fault: each request takes the next one that applies to it, then the simulator
    /// behaves again.
    pub fn push_fault(&self, fault: Fault) {
        self.shared
            .faults
            .lock()
            .expect("faults lock")
            .push_back(fault);
    }

    /// Queues the same fault for the next `count` requests.
    pub fn push_faults(&self, count: usize, fault: Fault) {
        let mut faults = self.shared.faults.lock().expect("faults lock");
        faults.extend(std::iter::repeat_n(fault, count));
    }

    /// Forgets the faults no request has taken yet.
    pub fn clear_faults(&self) {
        self.shared.faults.lock().expect("faults lock").clear();
    }
}

/// A base URL where nothing listens: a port bound and at once released, so that a connection
/// to it is refused (unless another process happens to take the port in between).
pub fn closed_base_url() -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{addr}"))
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
    let fault = {
        let mut faults = shared.faults.lock().expect("faults lock");
        let next = faults.iter().position(|f| f.applies_to(&recorded.method));
        next.and_then(|i| faults.remove(i))
    };
    shared.record(recorded);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|ConnectInfo(handle)| handle.clone());
    match fault.answer(conn.as_ref()) {
        Some(response) => response,
        None => next.run(request).await,
    }
}

//! A real `redis-server` for tests (Debian package `redis-server`; `.ci/run` installs it): one
//! per [`RedisServer`], on a free loopback port, with no persistence and its own directory,
//! killed when dropped. [`RedisServer::kill_9`] and [`RedisServer::restart`] play a Redis crash.

use std::io;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tempfile::TempDir;

/// How long a starting server may take to answer PING; a loaded CI machine is slow, not broken.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Another process may take the free port between our probe and the server's bind.
const PORT_ATTEMPTS: usize = 5;

/// A `redis-server` of this test process. Safe to share (`Arc`, a `static`): every method
/// takes `&self`.
pub struct RedisServer {
    port: u16,
    dir: TempDir,
    child: Mutex<Option<Child>>,
}

impl RedisServer {
    /// Starts a server and waits until it answers PING. Panics, saying why, when it cannot.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("label-gateway-redis-")
            .tempdir()
            .expect("a temporary directory for redis-server");
        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            match launch(port, &dir) {
                Ok(child) => {
                    return Self {
                        port,
                        dir,
                        child: Mutex::new(Some(child)),
                    }
                }
                Err(err) => last_error = err,
            }
        }
        panic!("redis-server did not start: {last_error}");
    }

    /// `redis://127.0.0.1:PORT`, the same across [`RedisServer::restart`].
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The running server's process id; `None` after [`RedisServer::kill_9`].
    pub fn pid(&self) -> Option<u32> {
        self.child().as_ref().map(Child::id)
    }

    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).expect("a valid redis URL")
    }

    /// A reconnecting async connection, as the gateway would hold one, with timeouts short
    /// enough that a test against a dead server fails fast instead of hanging.
    pub async fn manager(&self) -> ConnectionManager {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(2);
        ConnectionManager::new_with_config(self.client(), config)
            .await
            .expect("a connection to the test redis-server")
    }

    /// Empties every database: a clean slate between the parts of one test.
    pub fn flushall(&self) {
        let mut connection = self
            .client()
            .get_connection_with_timeout(Duration::from_secs(2))
            .expect("a connection to the test redis-server");
        redis::cmd("FLUSHALL")
            .exec(&mut connection)
            .expect("FLUSHALL");
    }

    /// SIGKILL, as a crash: no shutdown, connections cut. Returns once the process is gone.
    pub fn kill_9(&self) {
        let mut child = self
            .child()
            .take()
            .expect("kill_9: redis-server is not running");
        kill(&mut child);
    }

    /// Starts the server again on the same port (killing it first if it still runs) and waits
    /// for PING. Its data is gone, as after a crash of a Redis without persistence.
    pub fn restart(&self) {
        let mut slot = self.child();
        if let Some(mut child) = slot.take() {
            kill(&mut child);
        }
        let child = launch(self.port, &self.dir)
            .unwrap_or_else(|err| panic!("redis-server did not restart: {err}"));
        *slot = Some(child);
    }

    /// A panicking test poisons nothing that matters here: the slot is only a process handle.
    fn child(&self) -> MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child().take() {
            kill(&mut child);
        }
    }
}

fn kill(child: &mut Child) {
    // An error means it has already exited; wait() reaps it either way.
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> u16 {
    let probe = TcpListener::bind("127.0.0.1:0").expect("bind a probe socket on loopback");
    probe.local_addr().expect("probe address").port()
}

/// Starts `redis-server` on `port` and waits until it answers, or says why it did not.
fn launch(port: u16, dir: &TempDir) -> Result<Child, String> {
    let log = dir.path().join(format!("redis-{port}.log"));
    let mut command = Command::new("redis-server");
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        // DEBUG SLEEP plays a stalled Redis; only local clients may send it.
        .args(["--enable-debug-command", "local"])
        .arg("--dir")
        .arg(dir.path())
        .arg("--logfile")
        .arg(&log)
        .args(["--daemonize", "no", "--loglevel", "warning"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = spawn_tied_to_this_process(command).map_err(|err| {
        format!("cannot run redis-server ({err}); install the Debian package redis-server")
    })?;
    let url = format!("redis://127.0.0.1:{port}");
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("it exited ({status}): {}", said.trim()));
        }
        if answers_ping(&url) {
            return Ok(child);
        }
        if Instant::now() > deadline {
            kill(&mut child);
            return Err(format!("no answer to PING within {START_TIMEOUT:?}"));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn answers_ping(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    client
        .get_connection_with_timeout(Duration::from_millis(500))
        .and_then(|mut connection| redis::cmd("PING").query::<String>(&mut connection))
        .is_ok_and(|pong| pong == "PONG")
}

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// Spawns `command` so that the kernel kills it when this process ends, however it ends
/// (abort, SIGKILL, a `static` server whose `Drop` never runs). PR_SET_PDEATHSIG fires when the
/// *thread* that forked the child exits, and test threads end with their test, so every child
/// is forked by one thread that lives as long as the process.
fn spawn_tied_to_this_process(command: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (requests, incoming) = mpsc::channel::<SpawnRequest>();
        thread::Builder::new()
            .name("redis-spawner".into())
            .spawn(move || {
                for (mut command, reply) in incoming {
                    let _ = reply.send(spawn_with_death_signal(&mut command));
                }
            })
            .expect("the redis-spawner thread");
        Mutex::new(requests)
    });
    let (reply, answer) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send((command, reply))
        .expect("the redis-spawner thread runs for the whole process");
    answer.recv().expect("the redis-spawner thread answers")
}

fn spawn_with_death_signal(command: &mut Command) -> io::Result<Child> {
    let parent = std::process::id();
    // SAFETY: between fork and exec the closure makes only async-signal-safe system calls
    // (prctl, getppid) and allocates nothing: a malloc lock held by another thread at the fork
    // would never be released in the child.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect: then nobody would kill us.
            if libc::getppid() as u32 != parent {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    command.spawn()
}

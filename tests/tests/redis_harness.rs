//! The test Redis (`label_gateway_tests::redis`) does what the fleet tests rely on: a real
//! server per test, a crash and a restart on the same address, and no process left behind.

use std::net::TcpStream;
use std::panic;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use label_gateway_tests::redis::RedisServer;
use redis::AsyncCommands;

const CHILD_VAR: &str = "REDIS_HARNESS_CHILD";

/// Gone, or a zombie that nobody reaped: either way no longer a Redis.
fn process_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

fn refuses_connections(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_err()
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done().await {
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn each_server_is_its_own_and_keeps_what_is_set() {
    let one = RedisServer::start();
    let two = RedisServer::start();
    assert_eq!(one.url(), format!("redis://127.0.0.1:{}", one.port()));
    assert_ne!(one.port(), two.port());

    let mut a = one.manager().await;
    let mut b = two.manager().await;
    let () = a.set("customer:1", "VIP").await.unwrap();
    assert_eq!(
        a.get::<_, Option<String>>("customer:1").await.unwrap(),
        Some("VIP".into())
    );
    assert_eq!(
        b.get::<_, Option<String>>("customer:1").await.unwrap(),
        None
    );

    one.flushall();
    assert_eq!(
        a.get::<_, Option<String>>("customer:1").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn kill_9_cuts_commands_off_and_restart_brings_them_back() {
    let server = RedisServer::start();
    let mut manager = server.manager().await;
    let () = manager.set("k", "before").await.unwrap();
    let url = server.url();
    let pid = server.pid().unwrap();

    server.kill_9();
    assert!(process_gone(pid) && server.pid().is_none());
    assert!(refuses_connections(server.port()));
    assert!(manager.get::<_, Option<String>>("k").await.is_err());
    assert!(server.client().get_connection().is_err());

    server.restart();
    assert_eq!(server.url(), url, "the same address after a restart");
    assert_ne!(server.pid(), Some(pid));
    // A fresh connection works at once; the old manager reconnects by itself.
    let mut fresh = server
        .client()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let after: Option<String> = fresh.get("k").await.unwrap();
    assert_eq!(after, None, "no persistence: a crash loses everything");
    wait_until(
        "the manager reconnects",
        Duration::from_secs(10),
        async || manager.set::<_, _, ()>("k", "after").await.is_ok(),
    )
    .await;
    assert_eq!(fresh.get::<_, String>("k").await.unwrap(), "after");

    // restart() of a running server replaces it.
    let pid = server.pid().unwrap();
    server.restart();
    assert!(process_gone(pid));
    assert!(server.client().get_connection().is_ok());
}

#[test]
fn dropping_the_server_stops_it() {
    let server = RedisServer::start();
    let (pid, port) = (server.pid().unwrap(), server.port());
    assert!(!process_gone(pid) && !refuses_connections(port));
    drop(server);
    assert!(
        process_gone(pid),
        "redis-server {pid} outlived its RedisServer"
    );
    assert!(refuses_connections(port));
}

#[test]
fn a_panicking_test_leaves_no_server() {
    let (sender, started) = std::sync::mpsc::channel();
    let outcome = panic::catch_unwind(move || {
        let server = RedisServer::start();
        sender.send(server.pid().unwrap()).unwrap();
        panic!("a failing test");
    });
    assert!(outcome.is_err());
    let pid = started.recv().unwrap();
    assert!(process_gone(pid), "redis-server {pid} outlived a panic");
}

/// A test process that ends without dropping its server (`std::process::exit`, an abort, a
/// `static` server) still takes the server with it.
#[tokio::test]
async fn a_test_process_that_exits_takes_its_server_along() {
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args([
            "child_exits_without_dropping",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_VAR, "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let pid: u32 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("redis-pid="))
        .unwrap_or_else(|| panic!("the child printed no pid: {stdout}"))
        .parse()
        .unwrap();
    wait_until(
        "the orphaned redis-server dies",
        Duration::from_secs(10),
        async || process_gone(pid),
    )
    .await;
}

#[test]
#[ignore = "run in a child process by a_test_process_that_exits_takes_its_server_along"]
fn child_exits_without_dropping() {
    if std::env::var_os(CHILD_VAR).is_none() {
        return;
    }
    let server = RedisServer::start();
    println!("redis-pid={}", server.pid().unwrap());
    std::process::exit(0);
}

//! A gateway in a process of its own, for measuring its memory: the test binary runs itself
//! again with one test selected (the entry, which calls [`serve_if_child`]) and a config in
//! the environment, and that process serves the config on loopback as `label-gateway serve`
//! does (a multi-threaded runtime, `serve::serve`). The measuring test's own clients, vendors
//! and buffers are then in another process, and `/proc/<pid>/status` counts the gateway alone.
//!
//! The test binary is used rather than the `label-gateway` binary because cargo tells only
//! label-gateway's own tests where that binary is; a test file that wants the binary's
//! allocator declares it too (`#[global_allocator]`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use label_gateway::serve::Listeners;

/// The config a child serves, as TOML.
const CONFIG_ENV: &str = "LABEL_GATEWAY_TEST_CHILD_CONFIG";
const LISTENING: &str = "child gateway listening on ";

/// In a child: serves the config of the environment until killed. Anywhere else: returns.
pub fn serve_if_child() {
    let Ok(toml) = std::env::var(CONFIG_ENV) else {
        return;
    };
    // The parent holds the other end of stdin: once it is gone, however it ended, so is this.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let mut config = crate::parse_config(&toml, &[]).expect("the child's config is valid");
    // Children run side by side: the admin listener takes a free port too.
    config.server.admin_listen = ([127, 0, 0, 1], 0).into();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let free = ([127, 0, 0, 1], 0).into();
        let listeners = Listeners::bind(free, config.server.admin_listen)
            .await
            .expect("bind");
        println!(
            "{LISTENING}{}",
            listeners.public.local_addr().expect("addr")
        );
        // SIGTERM stops it as it stops `label-gateway serve`: gracefully, jobs handed off.
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        let shutdown = async move {
            terminate.recv().await;
        };
        let served = label_gateway::serve::serve(&config, listeners, shutdown).await;
        served.expect("the child gateway serves");
    });
}

/// A gateway process; killed when dropped.
pub struct ChildGateway {
    child: Child,
    pub addr: String,
}

impl ChildGateway {
    /// Runs `entry`, a test of the calling test binary that calls [`serve_if_child`] (and is
    /// `#[ignore]`d, so that it runs only when asked for by name), serving `toml`.
    pub fn start(entry: &str, toml: &str) -> Self {
        Self::start_with_env(entry, toml, &[])
    }

    /// Like [`ChildGateway::start`], with more environment for the child (allocator options).
    pub fn start_with_env(entry: &str, toml: &str, env: &[(&str, &str)]) -> Self {
        let exe = std::env::current_exe().expect("the test binary");
        let mut child = Command::new(exe)
            .args([entry, "--exact", "--ignored", "--nocapture"])
            .env(CONFIG_ENV, toml)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the child starts");
        let stdout = child.stdout.take().expect("stdout");
        let (found, addr) = mpsc::channel();
        // Reads on to the end, so that the child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix(LISTENING) {
                    let _ = found.send(addr.to_owned());
                }
            }
        });
        // Made before waiting, so that a child that never listens is killed on the panic.
        let mut running = Self {
            child,
            addr: String::new(),
        };
        running.addr = addr
            .recv_timeout(Duration::from_secs(30))
            .expect("the child gateway listens");
        running
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGTERM, as an orchestrator stopping the replica (see [`ChildGateway::exited`]).
    pub fn sigterm(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: a plain kill(2) of our own child, which has not been reaped yet.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM was sent");
    }

    /// Whether the process has exited, and if so whether with status 0; never blocks (the
    /// vendors it calls may be served by the caller's own runtime).
    pub fn exited(&mut self) -> Option<bool> {
        self.child
            .try_wait()
            .expect("the child's status")
            .map(|status| status.success())
    }

    /// SIGKILL, as a crash; returns once the process is gone.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn port(&self) -> u16 {
        self.addr.rsplit(':').next().unwrap().parse().unwrap()
    }
}

impl Drop for ChildGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

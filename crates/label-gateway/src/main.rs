use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use label_cli as client;
#[cfg(feature = "demo")]
use label_gateway::demo;
use label_gateway::http::openapi;
use label_gateway::http::state::{AppState, Gateway};
use label_gateway::serve::Listeners;
use label_gateway::{config, serve};
use sha2::{Digest, Sha256};

/// Cheaper small allocations than glibc's under two busy threads, and no per-allocation header:
/// see BENCHMARKS.md (cache hits and memory per cached customer).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Parser)]
#[command(
    name = "label-gateway",
    version,
    about = "One REST API for customer labels across vendors"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway with a config file.
    Serve {
        /// The config file (TOML); `label-gateway check-config FILE` checks one.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// Overrides `[server] listen`; default 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Run the gateway with one demo tenant per provider, each on an in-process simulator.
    Demo {
        /// Where the demo gateway listens (port 0: any free port).
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// A browser origin allowed to call the demo (CORS), as `Origin` sends it, like
        /// http://127.0.0.1:8081; repeat it for more.
        #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = cors_origin,
            env = "LABEL_GATEWAY_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
    },
    /// Validate a config: exit 0, or print every problem (file:line:column) and exit 1.
    CheckConfig {
        /// The config file (TOML).
        file: PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Read an api key (without echo at a terminal, else from stdin) and print its `sha256:`
    /// form for `api_keys`.
    HashKey,
    /// Submit a job (from a CSV or JSON file) to a running gateway and follow it to its end;
    /// `job watch URL` follows one already running. The key comes from LABEL_GATEWAY_KEY.
    Job(Box<client::JobCommand>),
    /// Print a tenant's change events, oldest first; `--follow` keeps printing new ones as
    /// they are recorded (like `kubectl get -w`). The key comes from LABEL_GATEWAY_KEY.
    Events(Box<client::events::EventsCommand>),
    /// Print a shell completion script: `label-gateway completions bash >
    /// /etc/bash_completion.d/label-gateway`, or zsh into a directory of `$fpath` as
    /// `_label-gateway`, or fish into `~/.config/fish/completions/label-gateway.fish`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Command::Openapi => {
            print!("{}", openapi::document_json());
            ExitCode::SUCCESS
        }
        Command::HashKey => hash_key(),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "label-gateway", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Job(job) => client::run(*job),
        Command::Events(events) => client::events::run(*events),
        Command::CheckConfig { file } => match config::load(&file) {
            Ok(config) => {
                println!("{}: ok, {} tenant(s)", file.display(), config.tenants.len());
                ExitCode::SUCCESS
            }
            Err(problems) => {
                for problem in problems {
                    println!("{problem}");
                }
                ExitCode::FAILURE
            }
        },
        Command::Serve { config, listen } => runtime().block_on(run_serve(config, listen)),
        Command::Demo {
            listen,
            cors_origins,
        } => demo_command(listen, cors_origins),
    }
}

/// Text lines by default; `LOG_FORMAT=json` gives one JSON object per line for collectors, each
/// carrying its spans' fields (request id, tenant, route, vendor call) so every line of a
/// request can be found by its id.
fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json")) {
        builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .init();
    } else {
        // Colour codes only for a person at a terminal, never in files and collectors.
        builder.with_ansi(std::io::stderr().is_terminal()).init();
    }
}

/// A line from the terminal on stdin with its echo off, `prompt` shown only once it is off: a
/// key typed the moment the prompt shows is never echoed (rpassword showed its prompt first,
/// and a key typed in that instant was echoed).
fn read_hidden(prompt: &str) -> std::io::Result<String> {
    use std::os::fd::AsRawFd;
    let fd = std::io::stdin().as_raw_fd();
    // SAFETY: `termios` is plain data, and tcgetattr fills it in or fails.
    let mut terminal: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is stdin's, open for the process's life; `terminal` is a valid termios.
    if unsafe { libc::tcgetattr(fd, &mut terminal) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let saved = terminal;
    terminal.c_lflag &= !libc::ECHO;
    terminal.c_lflag |= libc::ECHONL;
    // SAFETY: as above.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &terminal) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    eprint!("{prompt}");
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    // SAFETY: as above; the terminal is left as it was found, read or not.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    read.map(|_| line)
}

/// The key comes from stdin, not an argument, so it never lands in shell history or `ps`; at
/// a terminal it is read without echo, as ssh and sudo read a password.
fn hash_key() -> ExitCode {
    let read = if std::io::stdin().is_terminal() {
        read_hidden("api key (not shown): ")
    } else {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input).map(|_| input)
    };
    let input = match read {
        Ok(input) => input,
        Err(err) => {
            eprintln!("cannot read the key: {err}");
            return ExitCode::FAILURE;
        }
    };
    let key = input.trim_end_matches(['\r', '\n']);
    match config::ApiKey::parse(key) {
        Ok(config::ApiKey::Plain(_)) => {
            println!("sha256:{}", hex::encode(Sha256::digest(key.as_bytes())));
            ExitCode::SUCCESS
        }
        Ok(config::ApiKey::Sha256(_)) => {
            eprintln!("that is already a sha256: key");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("not a usable api key: {err}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

async fn run_serve(path: PathBuf, listen: Option<SocketAddr>) -> ExitCode {
    let config = match config::load(&path) {
        Ok(config) => config,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}");
            }
            return ExitCode::FAILURE;
        }
    };
    let addr = listen
        .or(config.server.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("a valid default address"));
    let admin = config.server.admin_listen;
    let listeners = match Listeners::bind(addr, admin).await {
        Ok(listeners) => listeners,
        Err(err) => {
            eprintln!("cannot listen on {addr} and {admin} (admin): {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listeners.public.local_addr().unwrap_or(addr);
    let admin = listeners.admin.local_addr().unwrap_or(admin);
    tracing::info!(%addr, %admin, tenants = config.tenants.len(), "label-gateway listening");
    let gateway: AppState = std::sync::Arc::new(Gateway::new(&config));
    // Both signals are hooked before the first request can arrive: a SIGTERM or SIGHUP that
    // found no handler would kill the process.
    let shutdown = shutdown_signal();
    reload_on_hangup(path, gateway.clone());
    let served = serve::serve_gateway(gateway, listeners, shutdown, serve::SHUTDOWN_GRACE).await;
    finish(served)
}

/// SIGHUP: read the config file again; a config that fails validation is logged and ignored.
#[cfg(unix)]
fn reload_on_hangup(path: PathBuf, gateway: AppState) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(err) => {
            tracing::warn!(%err, "cannot listen for SIGHUP: config reload is off");
            return;
        }
    };
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            match config::load(&path) {
                Ok(config) => {
                    gateway.reload(&config);
                    tracing::info!(tenants = config.tenants.len(), "config reloaded");
                }
                Err(problems) => {
                    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    tracing::error!(
                        problems = %problems.join("; "),
                        "config reload rejected: the running config stays"
                    );
                }
            }
        }
    });
}

#[cfg(not(unix))]
fn reload_on_hangup(_path: PathBuf, _gateway: AppState) {}

/// `--cors-origin`, checked as `[server] cors_allowed_origins` checks it.
fn cors_origin(text: &str) -> Result<String, String> {
    label_gateway::config::cors_origin(text)
}

#[cfg(feature = "demo")]
fn demo_command(listen: SocketAddr, cors_origins: Vec<String>) -> ExitCode {
    runtime().block_on(run_demo(listen, cors_origins))
}

#[cfg(not(feature = "demo"))]
fn demo_command(_: SocketAddr, _: Vec<String>) -> ExitCode {
    eprintln!("this label-gateway was built without the `demo` feature (its vendor simulators)");
    ExitCode::FAILURE
}

#[cfg(feature = "demo")]
async fn run_demo(listen: SocketAddr, cors_origins: Vec<String>) -> ExitCode {
    let vendors = match demo::start_vendors().await {
        Ok(vendors) => vendors,
        Err(err) => {
            eprintln!("cannot start the vendor simulators: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = match demo::demo_config(&vendors) {
        Ok(config) => config,
        Err(problems) => {
            for problem in problems {
                eprintln!("demo config: {problem}");
            }
            return ExitCode::FAILURE;
        }
    };
    config.server.cors_allowed_origins = cors_origins;
    // A free port for the demo's metrics: two demos side by side must not collide on it.
    config.server.admin_listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let listeners = match Listeners::bind(listen, config.server.admin_listen).await {
        Ok(listeners) => listeners,
        Err(err) => {
            eprintln!("cannot listen on {listen}: {err} (try --listen 127.0.0.1:0)");
            return ExitCode::FAILURE;
        }
    };
    let addr = listeners.public.local_addr().unwrap_or(listen);
    let admin = listeners
        .admin
        .local_addr()
        .unwrap_or(config.server.admin_listen);
    println!("{}", demo::banner(addr, admin));
    println!(
        "webhook receiver (acme's events): POST {}\n",
        vendors.receiver.url
    );
    finish(serve::serve(&config, listeners, shutdown_signal()).await)
}

fn finish(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("label-gateway stopped: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish. The SIGTERM handler is
/// installed on the call, not when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        let interrupt = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = interrupt => {},
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

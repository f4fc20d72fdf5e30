//! `label-gateway job`: the command-line client of jobs. It submits a job from a CSV or JSON
//! file to a running gateway, follows it with a progress bar until it ends, prints the counts,
//! writes the failed customers to a CSV file, and exits 0 only if no customer failed (1 if
//! some did, or the job did not finish; 2 if the gateway refused the job or could not be
//! reached). `label-gateway job watch URL` follows a job already running. `label-gateway
//! events` prints a tenant's change events, and follows them with `--follow` ([`events`]).

pub mod api;
pub mod events;
mod input;
mod labels;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

/// Exit statuses a script can tell apart.
pub const CUSTOMERS_FAILED: u8 = 1;
pub const REFUSED: u8 = 2;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct JobCommand {
    #[command(subcommand)]
    pub watch: Option<JobSub>,
    #[command(flatten)]
    pub submit: Submit,
}

#[derive(Subcommand)]
pub enum JobSub {
    /// Follow a running job until it ends.
    Watch {
        /// The job's id (with --tenant), or its whole URL as the submission printed it.
        job: String,
        #[command(flatten)]
        gateway: Gateway,
        #[command(flatten)]
        output: Output,
    },
}

/// Where the gateway is and which tenant a job belongs to: the same flags and variables for
/// submitting and for watching, as kubectl's context and namespace are.
#[derive(Args)]
pub struct Gateway {
    /// The gateway's address.
    #[arg(
        long,
        env = "LABEL_GATEWAY_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub url: String,
    /// The tenant the job runs in (the key, from LABEL_GATEWAY_KEY, must be one of its).
    #[arg(long, env = "LABEL_GATEWAY_TENANT")]
    pub tenant: Option<String>,
}

#[derive(Args)]
pub struct Output {
    /// Where to write the failed customers (CSV: customer, problem code, detail); default
    /// `<job id>.failures.csv`, written only when some failed.
    #[arg(long)]
    pub failures: Option<PathBuf>,
}

#[derive(Args)]
pub struct Submit {
    /// The customers: a CSV file (a change: one customer id a line; a copy: `from,to` a line; a
    /// header line is skipped) or a `.json` file holding the whole job body.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub gateway: Gateway,
    /// A label name to attach to every customer (repeat for more).
    #[arg(long = "add", value_name = "NAME")]
    pub add: Vec<String>,
    /// A label name to detach from every customer (repeat for more).
    #[arg(long = "remove", value_name = "NAME")]
    pub remove: Vec<String>,
    /// Create an added label the catalog lacks, once, first.
    #[arg(long)]
    pub create_missing: bool,
    /// Read everything, write nothing: the results say what would change.
    #[arg(long)]
    pub dry_run: bool,
    /// Copy labels from this tenant (the target tenant's copy_from must name it).
    #[arg(long, value_name = "TENANT")]
    pub copy_from: Option<String>,
    /// A copy's name mapping, `Source=Target` (repeat for more).
    #[arg(long = "map", value_name = "SOURCE=TARGET")]
    pub map: Vec<String>,
    /// A copy's labels that --map does not name: skip them, or copy them under the same name.
    #[arg(long, value_enum)]
    pub unmapped: Option<Unmapped>,
    /// A copy's mode: add, or mirror (also detach mapped-to labels the source lacks).
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Sent as Idempotency-Key; default: one made from the job's body, so that submitting the
    /// same file again within 24 h follows the first job instead of making a second.
    #[arg(long)]
    pub idempotency_key: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Unmapped {
    /// Leave the labels --map does not name.
    Skip,
    /// Copy them under their own name.
    #[value(alias = "same_name")]
    SameName,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Mode {
    /// Attach what the source customer has; detach nothing.
    Add,
    /// Also detach the mapped-to labels the source customer lacks.
    Mirror,
}

pub fn run(command: JobCommand) -> ExitCode {
    let (runtime, key) = match runtime_and_key() {
        Ok(both) => both,
        Err(refusal) => return refusal,
    };
    let outcome = runtime.block_on(async {
        match command.watch {
            Some(JobSub::Watch {
                job,
                gateway,
                output,
            }) => {
                let url = job_url(&gateway, &job)?;
                watch::follow(&api::Client::new(&key), &url, &output).await
            }
            None => submit(&key, command.submit).await,
        }
    });
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => refused(&message),
    }
}

/// What every command needs first: a runtime, and the tenant's api key from the environment.
pub(crate) fn runtime_and_key() -> Result<(tokio::runtime::Runtime, String), ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| refused(&format!("cannot start: {err}")))?;
    match std::env::var("LABEL_GATEWAY_KEY") {
        Ok(key) if !key.is_empty() => Ok((runtime, key)),
        _ => Err(refused("set LABEL_GATEWAY_KEY to the tenant's api key")),
    }
}

/// A job's URL from its id and the tenant, or the URL itself when one was given.
fn job_url(gateway: &Gateway, job: &str) -> Result<String, String> {
    if job.starts_with("http://") || job.starts_with("https://") {
        return Ok(job.to_owned());
    }
    let Some(tenant) = &gateway.tenant else {
        return Err(format!(
            "job {job}: say whose it is with --tenant (or LABEL_GATEWAY_TENANT), or give its URL"
        ));
    };
    Ok(format!("{}/{job}", jobs_url(gateway, tenant)))
}

fn jobs_url(gateway: &Gateway, tenant: &str) -> String {
    let base = gateway.url.trim_end_matches('/');
    format!("{base}/v1/tenants/{tenant}/jobs")
}

async fn submit(key: &str, args: Submit) -> Result<u8, String> {
    let Some(tenant) = args.gateway.tenant.clone() else {
        return Err("--tenant (or LABEL_GATEWAY_TENANT) is required to submit a job".to_owned());
    };
    let Some(file) = args.file.clone() else {
        return Err("name the file of customers (CSV) or the job (JSON)".to_owned());
    };
    let input = input::body(&file, &args)?;
    let url = jobs_url(&args.gateway, &tenant);
    let client = api::Client::new(key);
    // An unknown label would make every customer's result `not_found` in a job that
    // "succeeds": refuse it here, before any job is made.
    labels::check(&client, &args.gateway, &tenant, &input.body).await?;
    let idempotency_key = args
        .idempotency_key
        .clone()
        .unwrap_or_else(|| input::key_for(&tenant, &input.body));
    let job = client
        .submit(&url, &input.body, &idempotency_key)
        .await
        .map_err(|problem| input.explain(problem))?;
    let id = job["id"].as_str().unwrap_or_default().to_owned();
    let job_url = format!("{url}/{id}");
    eprintln!("job {id} accepted: {job_url}");
    eprintln!("  follow it again with: label-gateway job watch --tenant {tenant} {id}");
    watch::follow(&client, &job_url, &args.output).await
}

/// A client of the gateway's API with this key (for callers of [`events::print_events`]).
pub fn api_client(key: &str) -> api::Client {
    api::Client::new(key)
}

pub(crate) fn refused(message: &str) -> ExitCode {
    eprintln!("label-gateway job: {message}");
    ExitCode::from(REFUSED)
}

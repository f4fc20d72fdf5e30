//! `label-gateway events`: a tenant's change events from a running gateway, a line each, oldest
//! first; with `--follow` it keeps asking for what comes next, as `kubectl get -w` or
//! `stripe listen` do, until stopped. The feed's cursor is kept between asks, so nothing is
//! printed twice or skipped.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::Value;

use crate::api::{Client, Failure};
use crate::{refused, runtime_and_key, Gateway};

#[derive(Args)]
pub struct EventsCommand {
    #[command(flatten)]
    pub gateway: Gateway,
    /// Keep going: print new events as they are recorded, until stopped (Ctrl-C).
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Start after this cursor (a feed's `next_cursor`); default: the oldest event kept.
    #[arg(long)]
    pub after: Option<String>,
    /// Only events of these types, comma-separated (customer.labels.changed, label.created,
    /// job.ended).
    #[arg(long = "type", value_name = "TYPES")]
    pub types: Option<String>,
    /// Print each event's whole JSON, one a line, instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// While following, how long to wait before asking again when nothing was new.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub interval_ms: u64,
}

pub fn run(command: EventsCommand) -> ExitCode {
    let (runtime, key) = match runtime_and_key() {
        Ok(both) => both,
        Err(refusal) => return refusal,
    };
    let client = Client::new(&key);
    let mut out = std::io::stdout();
    match runtime.block_on(print_events(&client, &command, &mut out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => refused(&message),
    }
}

/// Prints the tenant's events to `out` (to its end, or on and on with `--follow`).
pub async fn print_events(
    client: &Client,
    command: &EventsCommand,
    out: &mut (dyn Write + Send),
) -> Result<(), String> {
    let Some(tenant) = &command.gateway.tenant else {
        return Err("--tenant (or LABEL_GATEWAY_TENANT) is required".to_owned());
    };
    let base = command.gateway.url.trim_end_matches('/');
    let feed = format!("{base}/v1/tenants/{tenant}/events");
    let mut after = command.after.clone();
    loop {
        let mut url = url::Url::parse(&feed).map_err(|_| format!("`{base}` is not a URL"))?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("limit", "1000");
            if let Some(after) = &after {
                query.append_pair("after", after);
            }
            if let Some(types) = &command.types {
                query.append_pair("type", types);
            }
        }
        let page = match client.get(url.as_str()).await {
            Ok(page) => page,
            Err(Failure::Refused { status: 410, .. }) if command.follow => {
                eprintln!("events were dropped before they were read (cursor expired); going on from the oldest kept");
                after = None;
                continue;
            }
            Err(failure) => return Err(failure.to_string()),
        };
        let items = page["items"].as_array().cloned().unwrap_or_default();
        for event in &items {
            let line = if command.json {
                event.to_string()
            } else {
                summary(event)
            };
            writeln!(out, "{line}").map_err(|err| format!("cannot print: {err}"))?;
        }
        out.flush().ok();
        after = page["next_cursor"].as_str().map(str::to_owned).or(after);
        if items.is_empty() {
            if !command.follow {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(command.interval_ms)).await;
        }
    }
}

/// One line a person reads: when, what, and to whom.
pub fn summary(event: &Value) -> String {
    let data = &event["data"];
    let text = |value: &Value| value.as_str().unwrap_or("?").to_owned();
    let what = match event["type"].as_str().unwrap_or_default() {
        "customer.labels.changed" => {
            let names = |list: &Value, sign: char| {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .map(|label| {
                        let name = label["name"].as_str().or(label["id"].as_str());
                        format!("{sign}{}", name.unwrap_or("?"))
                    })
                    .collect::<Vec<_>>()
            };
            let mut changes = names(&data["added"], '+');
            changes.extend(names(&data["removed"], '-'));
            let by = match data["job_id"].as_str() {
                Some(job) => format!("job {job}"),
                None => format!("request {}", text(&data["request_id"])),
            };
            format!(
                "customer {} {} ({by})",
                text(&data["customer_id"]),
                changes.join(" ")
            )
        }
        "label.created" => format!(
            "label {} (id {})",
            text(&data["label"]["name"]),
            text(&data["label"]["id"])
        ),
        "job.ended" => {
            let job = &data["job"];
            format!(
                "job {} {} ({}/{} succeeded)",
                text(&job["id"]),
                text(&job["state"]),
                job["counts"]["succeeded"],
                job["counts"]["total"]
            )
        }
        _ => String::new(),
    };
    format!(
        "{}  {:<24} {what}  {}",
        text(&event["timestamp"]),
        text(&event["type"]),
        text(&event["id"])
    )
}

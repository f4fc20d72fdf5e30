//! `label-gateway job` end to end: the binary submits a CSV to a running gateway (in front of
//! the Capillary simulator), follows the job, and tells the truth in its exit status and its
//! failures file.

use std::path::PathBuf;
use std::process::Output;

use label_sim::capillary::CapillarySim;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_label-gateway");

struct Running {
    url: String,
    sim: CapillarySim,
    _gateway: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn gateway() -> Running {
    let sim = CapillarySim::start("till", "pw").await.unwrap();
    {
        let mut data = sim.data.lock().unwrap();
        for id in 7000..7020 {
            data.customers.insert(id, Vec::new());
        }
    }
    let toml = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{}\"\nusername = \"till\"\n\
         password = \"pw\"\napi_keys = [\"acme-key\"]\n",
        sim.server.base_url()
    );
    let mut config = label_gateway::config::parse(&toml, &|_| None).expect("a valid config");
    config.server.admin_listen = ([127, 0, 0, 1], 0).into();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let spawned = label_gateway::serve::spawn(&config, listener)
        .await
        .unwrap();
    Running {
        url,
        sim,
        _gateway: spawned.task,
    }
}

/// A file in a directory of the test's own, removed with it.
fn temp(dir: &TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

async fn job(url: &str, key: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("job")
        .args(["--url", url, "--tenant", "acme"])
        .args(args)
        .env("LABEL_GATEWAY_KEY", key)
        .env_remove("LABEL_GATEWAY_URL")
        .output()
        .await
        .expect("the binary runs")
}

#[tokio::test]
async fn a_job_with_a_failure_exits_1_and_writes_it_down() {
    let running = gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = temp(&dir, "some-fail.csv");
    let mut lines = String::from("customer_id\n");
    for id in 7000..7010 {
        lines.push_str(&format!("{id}\n"));
    }
    lines.push_str("999999999\n");
    std::fs::write(&csv, lines).unwrap();
    let failures = temp(&dir, "some-fail.failures.csv");
    let out = job(
        &running.url,
        "acme-key",
        &[
            "--add",
            "VIP",
            "--failures",
            failures.to_str().unwrap(),
            csv.to_str().unwrap(),
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("11 customers, 11 done, 10 succeeded, 1 failed"),
        "{stdout}"
    );
    let written = std::fs::read_to_string(&failures).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows[0], "customer,problem_code,detail,from");
    assert_eq!(rows.len(), 2, "{written}");
    assert!(
        rows[1].starts_with("999999999,customer_not_found,"),
        "{written}"
    );
    assert_eq!(running.sim.attached_names("7009"), ["VIP"]);
}

#[tokio::test]
async fn a_clean_job_exits_0_and_a_refused_one_2() {
    let running = gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = temp(&dir, "clean.csv");
    std::fs::write(&csv, "7010\n7011\n").unwrap();
    let failures = temp(&dir, "clean.failures.csv");
    let args = [
        "--add",
        "Newsletter",
        "--failures",
        failures.to_str().unwrap(),
        csv.to_str().unwrap(),
    ];
    let out = job(&running.url, "acme-key", &args).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!failures.exists(), "no failures, no file");
    assert_eq!(running.sim.attached_names("7011"), ["Newsletter"]);

    // `job watch` follows the job at the URL the submission printed.
    let url = stderr
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("the job's URL is printed");
    let watched = Command::new(BIN)
        .args(["job", "watch", url])
        .env("LABEL_GATEWAY_KEY", "acme-key")
        .output()
        .await
        .unwrap();
    assert_eq!(watched.status.code(), Some(0));
    let summary = String::from_utf8_lossy(&watched.stdout);
    assert!(
        summary.contains("succeeded: 2 customers, 2 done"),
        "{summary}"
    );

    let out = job(&running.url, "wrong-key", &args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("401 unauthorized"));

    let bad = temp(&dir, "bad.csv");
    std::fs::write(&bad, "7010\nnot-a-number\n").unwrap();
    let out = job(
        &running.url,
        "acme-key",
        &["--add", "VIP", bad.to_str().unwrap()],
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("422 invalid_request") && stderr.contains("/customers/1"),
        "{stderr}"
    );
}

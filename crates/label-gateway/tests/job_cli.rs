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

    // `job watch` follows the job at the URL the submission printed, or by its id with the
    // gateway and tenant from the same flags and variables as a submission.
    let url = stderr
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("the job's URL is printed");
    let id = url.rsplit('/').next().unwrap();
    let by_url = ["job", "watch", url].map(String::from);
    let by_id = [
        "job",
        "watch",
        "--url",
        &running.url,
        "--tenant",
        "acme",
        id,
    ]
    .map(String::from);
    for args in [&by_url[..], &by_id[..]] {
        let watched = Command::new(BIN)
            .args(args)
            .env("LABEL_GATEWAY_KEY", "acme-key")
            .output()
            .await
            .unwrap();
        assert_eq!(watched.status.code(), Some(0), "{args:?}");
        let summary = String::from_utf8_lossy(&watched.stdout);
        assert!(
            summary.contains("succeeded: 2 customers, 2 done"),
            "{summary}"
        );
    }
    let watched = Command::new(BIN)
        .args(["job", "watch", id])
        .env("LABEL_GATEWAY_KEY", "acme-key")
        .env("LABEL_GATEWAY_URL", &running.url)
        .env("LABEL_GATEWAY_TENANT", "acme")
        .output()
        .await
        .unwrap();
    assert_eq!(watched.status.code(), Some(0));

    let out = job(&running.url, "wrong-key", &args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("401 unauthorized"));

    // A bad id is told by its line in the file, as an editor counts it (comments included).
    let bad = temp(&dir, "bad.csv");
    std::fs::write(&bad, "customer_id\n7010\n# next: a typo\nnot-a-number\n").unwrap();
    let out = job(
        &running.url,
        "acme-key",
        &["--add", "VIP", bad.to_str().unwrap()],
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let at = format!("{} line 4: ", bad.display());
    assert!(
        stderr.contains("422 invalid_request") && stderr.contains(&at),
        "{stderr}"
    );
    assert!(!stderr.contains("/customers/"), "{stderr}");
}

/// The jobs the tenant has, as the API lists them.
async fn jobs_made(url: &str) -> usize {
    let listed: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/v1/tenants/acme/jobs"))
        .bearer_auth("acme-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["jobs"].as_array().expect("a page of jobs").len()
}

#[tokio::test]
async fn an_unknown_label_is_refused_before_any_job_is_made() {
    let running = gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = temp(&dir, "one.csv");
    std::fs::write(&csv, "7012\n").unwrap();
    let csv = csv.to_str().unwrap();
    let out = job(&running.url, "acme-key", &["--add", "VIPP", csv]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(r#"no label named "VIPP" (did you mean "VIP"?)"#),
        "{stderr}"
    );
    let out = job(&running.url, "acme-key", &["--remove", "Nope at all", csv]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(jobs_made(&running.url).await, 0, "no job was made");
    assert!(running.sim.attached_names("7012").is_empty());

    // A JSON job is checked the same way; a known label goes through, and one customer is
    // one customer.
    let json = temp(&dir, "job.json");
    std::fs::write(
        &json,
        r#"{"kind":"change","customers":["7012"],"add":[{"name":"VIP"},{"id":"99999"}]}"#,
    )
    .unwrap();
    let out = job(&running.url, "acme-key", &[json.to_str().unwrap()]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(r#"no label with id "99999""#), "{stderr}");
    let out = job(&running.url, "acme-key", &["--add", "VIP", csv]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(": 1 customer, 1 done, 1 succeeded, 0 failed"),
        "{stdout}"
    );
    assert_eq!(running.sim.attached_names("7012"), ["VIP"]);
}

#[tokio::test]
async fn an_unreachable_gateway_is_said_plainly() {
    // A port nothing listens on: bound, then closed.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let csv = temp(&dir, "one.csv");
    std::fs::write(&csv, "7012\n").unwrap();
    let out = job(&url, "acme-key", &["--add", "VIP", csv.to_str().unwrap()]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot reach the gateway at {url}: connection refused"
        )),
        "{stderr}"
    );
    let watched = Command::new(BIN)
        .args(["job", "watch", "--url", &url, "--tenant", "acme", "some-id"])
        .env("LABEL_GATEWAY_KEY", "acme-key")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&watched.stderr);
    assert_eq!(watched.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("connection refused"), "{stderr}");
    assert!(!stderr.contains("error sending request"), "{stderr}");
}

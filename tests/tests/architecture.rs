//! The import directions README's Architecture section draws, held against the source: a
//! module that reaches up (the engine into the HTTP side, the core into HTTP or a vendor) fails
//! here with the file and line, before a reader meets it.

use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// Each line under `dir` (comments left out) that holds one of `forbidden`, as `file:line: text`.
fn offending_lines(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = workspace();
    let files = sources(&root.join(dir));
    assert!(
        !files.is_empty(),
        "{dir} holds no source: the rule would pass vacuously"
    );
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if forbidden.iter().any(|word| code.contains(word)) {
                let shown = file.strip_prefix(&root).unwrap_or(&file).display();
                found.push(format!("{shown}:{}: {code}", n + 1));
            }
        }
    }
    found
}

#[test]
fn nothing_below_the_http_side_imports_it() {
    for below in ["engine", "contract", "config", "telemetry"] {
        let dir = format!("crates/label-gateway/src/{below}");
        let reaching_up = offending_lines(&dir, &["crate::http"]);
        assert!(
            reaching_up.is_empty(),
            "{below}/ imports the HTTP side:\n{}",
            reaching_up.join("\n")
        );
    }
}

#[test]
fn label_core_knows_no_http_and_no_vendor() {
    let forbidden = [
        "axum",
        "hyper",
        "reqwest",
        "utoipa",
        "StatusCode",
        "capillary",
        "trybe",
        "actionhub",
    ];
    let found = offending_lines("crates/label-core/src", &forbidden);
    assert!(found.is_empty(), "label-core:\n{}", found.join("\n"));
    let manifest = fs::read_to_string(workspace().join("crates/label-core/Cargo.toml"))
        .expect("label-core's manifest");
    for crate_name in ["axum", "hyper", "reqwest", "utoipa", "http"] {
        assert!(
            !manifest
                .lines()
                .any(|line| line.starts_with(&format!("{crate_name}."))
                    || line.starts_with(&format!("{crate_name} "))),
            "label-core depends on {crate_name}"
        );
    }
}

#[test]
fn the_job_client_speaks_to_the_gateway_only_over_http() {
    let manifest = fs::read_to_string(workspace().join("crates/label-cli/Cargo.toml"))
        .expect("label-cli's manifest");
    let depends = manifest
        .lines()
        .any(|line| line.starts_with("label-gateway.") || line.starts_with("label-gateway ="));
    assert!(!depends, "label-cli depends on the gateway's library");
}

//! The command line as an operator uses it: exit codes and what is printed.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_label-gateway");

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("label-gateway-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn hash_key_prints_the_sha256_form_of_stdin() {
    let out = run(&["hash-key"], "test\n");
    assert!(out.status.success());
    // sha256("test"), the trailing newline of `echo` not included.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
    );
    assert!(!run(&["hash-key"], "").status.success());
    assert!(!run(&["hash-key"], "two words\n").status.success());
}

#[test]
fn check_config_accepts_the_example_and_lists_every_problem_of_a_bad_one() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/example.toml");
    let text = std::fs::read_to_string(example).unwrap();
    // The example reads its secrets from the environment.
    let mut command = Command::new(BIN);
    command.args(["check-config", example]);
    for name in text
        .split("${")
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
    {
        command.env(name, format!("value-of-{name}"));
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let bad = temp_file(
        "bad.toml",
        "[tenants.Acme]\nprovider = \"nope\"\nbase_url = \"ftp://x\"\napi_keys = []\ncolour = 1\n",
    );
    let out = run(&["check-config", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8(out.stdout).unwrap();
    for path in [
        "tenants.Acme:",
        "tenants.Acme.provider:",
        "tenants.Acme.base_url:",
        "tenants.Acme.api_keys",
    ] {
        assert!(printed.contains(path), "{path} missing from:\n{printed}");
    }
}

#[test]
fn openapi_prints_the_committed_document() {
    let out = run(&["openapi"], "");
    assert!(out.status.success());
    let committed = include_str!("../../../openapi/label-gateway.json");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), committed);
}

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
fn check_config_and_serve_name_the_file_line_and_column_of_every_problem() {
    let bad = temp_file(
        "located.toml",
        "[cache]\nttl_secnds = 5\n\n[tenants.acme]\nprovider = \"capillary\"\n\
         base_url = \"https://eu.api.capillarytech.com\"\nusername = \"u\"\npasswrd = \"p\"\n\
         api_keys = [\"k\", 3]\nmax_retries = -1\n",
    );
    let file = bad.to_str().unwrap();
    let out = run(&["check-config", file], "");
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8(out.stdout).unwrap();
    let expected = [
        format!("{file}:2:1: cache.ttl_secnds: unknown key (did you mean `ttl_seconds`?); "),
        format!("{file}:4:1: tenants.acme: "),
        format!("{file}:8:1: tenants.acme.passwrd: unknown key (did you mean `password`?); "),
        format!("{file}:9:18: tenants.acme.api_keys[1]: must be a string"),
        format!("{file}:10:15: tenants.acme.max_retries: must be an integer"),
    ];
    let lines: Vec<&str> = printed.lines().collect();
    for line in &lines {
        assert!(
            expected.iter().any(|e| line.starts_with(e.as_str())),
            "unexpected line {line:?} in:\n{printed}"
        );
    }
    for wanted in &expected[2..] {
        assert!(
            printed.contains(wanted.as_str()),
            "{wanted} missing from:\n{printed}"
        );
    }
    assert!(printed.contains(&expected[0]), "{printed}");

    // `serve` refuses the same file with the same lines, on stderr.
    let out = run(&["serve", "--config", file], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), printed);

    // A syntax error is at its place too, without quoting the line.
    let broken = temp_file("broken.toml", "[tenants.acme]\npassword = hunter2\n");
    let out = run(&["check-config", broken.to_str().unwrap()], "");
    let printed = String::from_utf8(out.stdout).unwrap();
    let at = format!("{}:2:12: not valid TOML: ", broken.display());
    assert!(printed.starts_with(&at), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
}

/// Every command's help, as `-h` prints it: each argument, option and subcommand has a line
/// of text after its name.
#[test]
fn every_argument_has_help_text() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["demo"],
        &["check-config"],
        &["openapi"],
        &["hash-key"],
        &["job"],
        &["job", "watch"],
        &["completions"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("-h");
        let out = run(&args, "");
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = help.lines().collect();
        let mut items = 0;
        for (i, line) in lines.iter().enumerate() {
            // Items are indented by two; their text follows after two spaces more, or (when
            // clap puts help on the next line) on the next line, indented deeper.
            let Some(item) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) else {
                continue;
            };
            items += 1;
            let beside = item
                .split_once("  ")
                .is_some_and(|(_, t)| !t.trim().is_empty());
            let below = lines
                .get(i + 1)
                .is_some_and(|next| next.starts_with("      ") && !next.trim().is_empty());
            assert!(
                beside || below,
                "`label-gateway {}`: {item:?} has no help text:\n{help}",
                command.join(" ")
            );
        }
        assert!(items > 0, "{help}");
    }
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    let bash = run(&["completions", "bash"], "");
    assert!(bash.status.success());
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("check-config") && script.contains("--copy-from"));
    // The script is valid bash.
    let path = temp_file("completion.bash", &script);
    let parsed = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );

    let zsh = String::from_utf8(run(&["completions", "zsh"], "").stdout).unwrap();
    assert!(zsh.starts_with("#compdef label-gateway"), "{zsh}");
    let fish = String::from_utf8(run(&["completions", "fish"], "").stdout).unwrap();
    assert!(fish.contains("complete -c label-gateway"), "{fish}");
    assert!(!run(&["completions", "tcsh"], "").status.success());
}

/// At a terminal (`script` gives the command one) the key is read with echo off: what the
/// terminal shows is the prompt and the hash, never the key.
#[test]
fn hash_key_does_not_echo_the_key_at_a_terminal() {
    use std::io::Read;
    let mut child = Command::new("script")
        .args(["-qec", &format!("{BIN} hash-key"), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdout = child.stdout.take().unwrap();
    // Wait for the prompt: by then echo is off, and the key can be typed.
    let mut shown = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&shown).contains("(not shown): ") {
        assert_eq!(stdout.read(&mut byte).unwrap(), 1, "no prompt: {shown:?}");
        shown.push(byte[0]);
    }
    child.stdin.take().unwrap().write_all(b"test\n").unwrap();
    stdout.read_to_end(&mut shown).unwrap();
    assert!(child.wait().unwrap().success());
    let shown = String::from_utf8_lossy(&shown);
    assert!(
        shown.contains("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        "{shown:?}"
    );
    assert!(!shown.contains("test"), "the key was echoed: {shown:?}");
}

#[test]
fn openapi_prints_the_committed_document() {
    let out = run(&["openapi"], "");
    assert!(out.status.success());
    let committed = include_str!("../../../openapi/label-gateway.json");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), committed);
}

#[test]
fn check_config_names_a_bad_client_limit_by_its_key_path_and_line() {
    let bad = temp_file(
        "rates.toml",
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"https://eu.api.capillarytech.com\"\n\
         username = \"u\"\npassword = \"p\"\napi_keys = [\n  \"good-key\",\n  \
         { key = \"secret-k2\", requests_per_second = 0, burst = 1 },\n]\n\
         client_rate_limit = { requests_per_second = 5, burst = 0 }\n",
    );
    let out = run(&["check-config", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8(out.stdout).unwrap();
    for line in [
        ":8:46: tenants.acme.api_keys[1].requests_per_second: must be a number",
        ":10:56: tenants.acme.client_rate_limit.burst: must be an integer from 1",
    ] {
        assert!(printed.contains(line), "{line} missing from:\n{printed}");
    }
    assert!(!printed.contains("secret-k2"), "{printed}");
}

//! `deploy/` holds together: every YAML parses, probes and ports are the gateway's, the configs
//! the containers mount pass the gateway's own check, and every `${NAME}` they read is given to
//! them. Running it is `deploy/smoke.sh`'s job (podman, podman-compose); Kubernetes is checked
//! against its schemas by ci/deploy-checks.sh.

mod compose;
mod k8s;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use label_gateway::config::{self, Config};
use yaml_rust2::{Yaml, YamlLoader};

/// Where the image's CMD, the k8s args and the compose mount put the config.
const CONFIG_PATH: &str = "/etc/label-gateway/config.toml";
/// After SIGTERM the gateway drains requests for up to this long (docs/resilience.md).
const DRAIN_SECONDS: i64 = 30;

fn deploy_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../deploy")
        .join(relative)
}

fn read(relative: &str) -> String {
    let path = deploy_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn yaml(relative: &str) -> Yaml {
    let mut documents = YamlLoader::load_from_str(&read(relative))
        .unwrap_or_else(|err| panic!("deploy/{relative} is not YAML: {err}"));
    assert_eq!(documents.len(), 1, "deploy/{relative}: one document");
    documents.remove(0)
}

fn text<'a>(value: &'a Yaml, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what}: not a string"))
}

/// Every `${NAME}` in the config's values (comments do not count: they are not substituted).
fn variables(toml_text: &str) -> BTreeSet<String> {
    fn walk(value: &toml::Value, found: &mut BTreeSet<String>) {
        match value {
            toml::Value::String(s) => {
                for (at, _) in s.match_indices("${") {
                    if !s[..at].ends_with('$') {
                        found.extend(s[at + 2..].split_once('}').map(|(n, _)| n.to_owned()));
                    }
                }
            }
            toml::Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
            toml::Value::Table(table) => table.values().for_each(|item| walk(item, found)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    walk(
        &toml_text.parse().expect("deploy/config.toml is TOML"),
        &mut found,
    );
    assert!(found.len() >= 5, "{found:?}");
    found
}

fn checked_config(values: &HashMap<String, String>) -> Config {
    checked("config.toml", values)
}

/// The config in deploy/`file`, as the gateway reads it with these environment variables.
fn checked(file: &str, values: &HashMap<String, String>) -> Config {
    config::parse(&read(file), &|name: &str| values.get(name).cloned())
        .unwrap_or_else(|problems| panic!("deploy/{file} fails check-config: {problems:#?}"))
}

/// A stand-in for each variable the config reads: any value will do but for the Redis URL.
fn dummies() -> HashMap<String, String> {
    let dummy = |name: &str| match name {
        "LABEL_GATEWAY_REDIS_URL" => "redis://redis.invalid:6379".to_owned(),
        _ => format!("dummy-{name}"),
    };
    let names = variables(&read("config.toml"));
    names.into_iter().map(|n| (n.clone(), dummy(&n))).collect()
}

/// The public and admin ports of the mounted config, the only ports the gateway serves.
fn ports() -> (i64, i64) {
    let config = checked_config(&dummies());
    let listen = config
        .server
        .listen
        .expect("deploy/config.toml sets listen");
    assert!(config.state.is_some(), "a fleet shares state: [state]");
    (
        listen.port().into(),
        config.server.admin_listen.port().into(),
    )
}

#[test]
fn every_yaml_file_parses() {
    let mut files = Vec::new();
    let mut dirs = vec![deploy_path("")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 7, "{files:?}");
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let documents = YamlLoader::load_from_str(&source)
            .unwrap_or_else(|err| panic!("{} is not YAML: {err}", path.display()));
        assert!(!documents.is_empty(), "{} is empty", path.display());
    }
}

#[test]
fn the_image_builds_in_stages_and_runs_the_config_as_a_user() {
    let dockerfile = read("Dockerfile");
    let lines: Vec<&str> = dockerfile.lines().map(str::trim).collect();
    let stages = lines.iter().filter(|l| l.starts_with("FROM ")).count();
    assert!(stages >= 2, "a build stage and a slim run stage");
    let last_stage = lines.iter().rposition(|l| l.starts_with("FROM ")).unwrap();
    let user = lines[last_stage..]
        .iter()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the run stage sets USER");
    assert!(
        !matches!(user.split(':').next(), Some("root" | "0")),
        "{user}"
    );
    let cmd = format!("CMD [\"serve\", \"--config\", \"{CONFIG_PATH}\"]");
    assert!(lines.contains(&cmd.as_str()), "{cmd}");
    let (listen, admin) = ports();
    assert!(lines.contains(&format!("EXPOSE {listen} {admin}").as_str()));
    // The production binary (issue 28): the dist profile, without the simulators.
    let build = lines
        .iter()
        .find(|l| l.contains("cargo build"))
        .expect("the build stage runs cargo build");
    assert!(
        build.contains("--profile dist") && build.contains("--no-default-features"),
        "{build}"
    );
    assert!(dockerfile.contains("target/dist/label-gateway"));
}

/// The lines that make a run stage what it is: user, environment, ports, entry point, command.
fn run_stage(containerfile: &str) -> Vec<&str> {
    let lines: Vec<&str> = containerfile.lines().map(str::trim).collect();
    let last_stage = lines.iter().rposition(|l| l.starts_with("FROM ")).unwrap();
    let kinds = ["USER ", "ENV ", "EXPOSE ", "ENTRYPOINT ", "CMD "];
    lines[last_stage..]
        .iter()
        .copied()
        .filter(|l| kinds.iter().any(|k| l.starts_with(k)))
        .collect()
}

/// deploy/smoke.sh runs the image of deploy/images/gateway.Containerfile (FROM scratch, a binary
/// built on the host): it must be the Dockerfile's run stage, so what the smoke proves holds for
/// the image a registry build makes.
#[test]
fn the_scratch_image_is_the_dockerfiles_run_stage() {
    let dockerfile = read("Dockerfile");
    let scratch = read("images/gateway.Containerfile");
    assert_eq!(run_stage(&scratch), run_stage(&dockerfile));
    for file in [&dockerfile, &scratch] {
        let from = file.lines().rfind(|l| l.starts_with("FROM ")).unwrap();
        assert_eq!(from, "FROM scratch");
    }
    // Both stage the file system with the same script, for the same user.
    let build = read("images/build.sh");
    let staged = "rootfs.sh /rootfs.tar 10001:10001 label-gateway";
    assert!(dockerfile.contains(staged), "{staged}");
    assert!(build.contains("stage gateway 10001:10001 label-gateway"));
}

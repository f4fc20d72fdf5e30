//! deploy/compose.yaml and deploy/haproxy.cfg: two gateway replicas and Redis behind HAProxy.

use std::collections::HashMap;

use yaml_rust2::Yaml;

use super::{checked_config, ports, read, text, variables, yaml};
use super::{CONFIG_PATH, DRAIN_SECONDS};

/// Seconds of a compose duration such as `40s` or `1m30s`.
fn seconds(duration: &str) -> i64 {
    let (mut total, mut number) = (0, String::new());
    for c in duration.chars() {
        let unit = match c {
            '0'..='9' => {
                number.push(c);
                continue;
            }
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => panic!("not a duration: {duration}"),
        };
        total += number.parse::<i64>().expect("a number before each unit") * unit;
        number.clear();
    }
    assert!(number.is_empty(), "no unit at the end of {duration}");
    total
}

/// The variable a compose value takes from the environment (`${NAME:?message}`), if any.
fn interpolated(value: &str) -> Option<&str> {
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    inner.split([':', '-', '?']).next()
}

fn strings(list: &Yaml, what: &str) -> Vec<String> {
    let items = list
        .as_vec()
        .unwrap_or_else(|| panic!("{what}: not a list"));
    items.iter().map(|i| text(i, what).to_owned()).collect()
}

#[test]
fn two_gateway_replicas_share_a_redis() {
    let compose = yaml("compose.yaml");
    let services = &compose["services"];
    let gateway = &services["gateway"];
    let dockerfile = text(&gateway["build"]["dockerfile"], "build.dockerfile");
    assert_eq!(dockerfile, "deploy/Dockerfile");
    assert!(gateway["deploy"]["replicas"].as_i64().unwrap() >= 2);
    let image = text(&services["redis"]["image"], "the redis image");
    assert!(
        image.starts_with("redis:7") || image.starts_with("valkey/valkey:"),
        "{image}"
    );

    let volumes = strings(&gateway["volumes"], "gateway volumes");
    assert!(volumes.contains(&format!("./config.toml:{CONFIG_PATH}:ro")));
    let grace = seconds(text(&gateway["stop_grace_period"], "stop_grace_period"));
    assert!(grace >= DRAIN_SECONDS, "stop_grace_period {grace}s");
    let (listen, _) = ports();
    assert!(strings(&gateway["expose"], "expose").contains(&listen.to_string()));
}

#[test]
fn the_gateways_get_every_variable_of_their_config() {
    let compose = yaml("compose.yaml");
    let environment = compose["services"]["gateway"]["environment"]
        .as_hash()
        .expect("the gateway's environment as a map");
    let env_file = read(".env.example");
    let example: HashMap<&str, &str> = env_file
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .collect();
    let mut values = HashMap::new();
    for variable in variables(&read("config.toml")) {
        let value = environment
            .get(&Yaml::String(variable.clone()))
            .unwrap_or_else(|| panic!("compose does not give the gateway {variable}"));
        let value = text(value, &variable);
        let resolved = match interpolated(value) {
            Some(name) => *example
                .get(name)
                .unwrap_or_else(|| panic!(".env.example lacks {name}")),
            None => value,
        };
        values.insert(variable, resolved.to_owned());
    }
    let config = checked_config(&values);
    assert!(config.state.is_some());
    // The Redis the replicas share is the compose service of that name.
    let url = &values["LABEL_GATEWAY_REDIS_URL"];
    let host = url
        .strip_prefix("redis://")
        .and_then(|rest| rest.split([':', '/']).next());
    let host = host.unwrap_or_else(|| panic!("not a redis:// URL: {url}"));
    assert!(!compose["services"][host]["image"].is_badvalue(), "{host}");
}

#[test]
fn the_load_balancer_sends_to_ready_replicas() {
    let compose = yaml("compose.yaml");
    let lb = &compose["services"]["lb"];
    let volumes = strings(&lb["volumes"], "lb volumes");
    assert!(volumes.contains(&"./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro".to_owned()));
    assert!(!strings(&lb["ports"], "lb ports").is_empty());
    assert!(strings(&lb["depends_on"], "lb depends_on").contains(&"gateway".to_owned()));

    let haproxy = read("haproxy.cfg");
    let (listen, _) = ports();
    let target = format!(" gateway:{listen} ");
    assert!(
        haproxy
            .lines()
            .map(str::trim)
            .any(|line| line.starts_with("server")
                && line.contains(&target)
                && line.contains(" check")),
        "haproxy.cfg has no checked server line for{target}"
    );
    assert!(haproxy.contains("option httpchk GET /readyz"));
}

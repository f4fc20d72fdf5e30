//! deploy/compose.yaml, deploy/compose.toml and deploy/haproxy.cfg: two gateway replicas and
//! Redis behind HAProxy on the host's network, as deploy/smoke.sh runs them.

use std::collections::{BTreeSet, HashMap};

use yaml_rust2::Yaml;

use super::{checked, read, text, variables, yaml};
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

/// `value` with every `${NAME}` or `${NAME:?message}` replaced by `lookup(NAME)`, and the names.
fn interpolate(value: &str, lookup: &dyn Fn(&str) -> String) -> (String, Vec<String>) {
    let (mut out, mut names, mut rest) = (String::new(), Vec::new(), value);
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let (inner, after) = rest[at + 2..].split_once('}').expect("a closing }");
        let name = inner.split([':', '-', '?']).next().unwrap().to_owned();
        out.push_str(&lookup(&name));
        names.push(name);
        rest = after;
    }
    out.push_str(rest);
    (out, names)
}

/// The `NAME=value` lines of an env file.
fn env_file(source: &str) -> HashMap<String, String> {
    source
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn strings(list: &Yaml, what: &str) -> Vec<String> {
    let items = list
        .as_vec()
        .unwrap_or_else(|| panic!("{what}: not a list"));
    items.iter().map(|i| text(i, what).to_owned()).collect()
}

/// The gateway replicas: the services named `gateway-N`.
fn gateways(compose: &Yaml) -> Vec<(String, &Yaml)> {
    let services = compose["services"].as_hash().expect("services");
    services
        .iter()
        .map(|(name, service)| (text(name, "a service name").to_owned(), service))
        .filter(|(name, _)| name.starts_with("gateway-"))
        .collect()
}

/// A replica's environment with deploy/.env.example's values, as the container gets it.
fn environment(service: &Yaml) -> HashMap<String, String> {
    let example = env_file(&read(".env.example"));
    let lookup = |name: &str| -> String {
        example
            .get(name)
            .unwrap_or_else(|| panic!(".env.example lacks {name}"))
            .clone()
    };
    let environment = service["environment"]
        .as_hash()
        .expect("an environment map");
    environment
        .iter()
        .map(|(name, value)| {
            let value = interpolate(text(value, "an environment value"), &lookup).0;
            (text(name, "a variable").to_owned(), value)
        })
        .collect()
}

#[test]
fn two_gateway_replicas_share_a_redis() {
    let compose = yaml("compose.yaml");
    let gateways = gateways(&compose);
    assert!(gateways.len() >= 2, "two replicas at least");
    let redis = &compose["services"]["redis"];
    let command = strings(&redis["command"], "redis command");
    let port_at = command.iter().position(|a| a == "--port").unwrap() + 1;
    let redis_port = &command[port_at];
    let mut listens = BTreeSet::new();
    for (name, gateway) in &gateways {
        assert_eq!(
            gateway["image"], gateways[0].1["image"],
            "{name}: one image"
        );
        assert_eq!(gateway["network_mode"].as_str(), Some("host"), "{name}");
        let volumes = strings(&gateway["volumes"], "gateway volumes");
        assert!(volumes.contains(&format!("./compose.toml:{CONFIG_PATH}:ro")));
        let grace = seconds(text(&gateway["stop_grace_period"], "stop_grace_period"));
        assert!(grace >= DRAIN_SECONDS, "{name}: stop_grace_period {grace}s");
        assert!(strings(&gateway["depends_on"], "depends_on").contains(&"redis".to_owned()));
        let redis_url = text(
            &gateway["environment"]["LABEL_GATEWAY_REDIS_URL"],
            "redis url",
        );
        assert!(
            redis_url.contains(&format!(":{redis_port}/")),
            "{name}: {redis_url}"
        );
        let env = environment(gateway);
        // The containers share the host's network: every replica on ports of its own.
        assert!(
            listens.insert(env["LABEL_GATEWAY_LISTEN"].clone()),
            "{name}"
        );
        assert!(
            listens.insert(env["LABEL_GATEWAY_ADMIN_LISTEN"].clone()),
            "{name}"
        );
    }
}

#[test]
fn the_gateways_get_every_variable_of_their_config() {
    let compose = yaml("compose.yaml");
    for (name, gateway) in gateways(&compose) {
        let env = environment(gateway);
        let mut values = HashMap::new();
        for variable in variables(&read("compose.toml")) {
            let value = env
                .get(&variable)
                .unwrap_or_else(|| panic!("compose does not give {name} {variable}"));
            values.insert(variable, value.clone());
        }
        let config = checked("compose.toml", &values);
        assert!(config.state.is_some(), "a fleet shares state: [state]");
        assert_eq!(config.tenants.len(), 3, "one tenant per provider");
    }
}

#[test]
fn every_variable_of_compose_is_in_the_example_and_the_smoke() {
    // Comments are not interpolated.
    let compose = read("compose.yaml");
    let compose: Vec<&str> = compose
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    let example = env_file(&read(".env.example"));
    let smoke = read("smoke.sh");
    let (_, names) = interpolate(&compose.join("\n"), &|_| String::new());
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        assert!(example.contains_key(&name), ".env.example lacks {name}");
        assert!(
            smoke
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{name}="))),
            "deploy/smoke.sh does not set {name}"
        );
    }
}

#[test]
fn the_load_balancer_sends_to_ready_replicas() {
    let compose = yaml("compose.yaml");
    let lb = &compose["services"]["lb"];
    let volumes = strings(&lb["volumes"], "lb volumes");
    assert!(volumes.contains(&"./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro".to_owned()));
    let depends_on = strings(&lb["depends_on"], "lb depends_on");
    let haproxy = read("haproxy.cfg");
    let servers: Vec<&str> = haproxy
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("server ") && line.contains(" check"))
        .collect();
    let gateways = gateways(&compose);
    assert_eq!(servers.len(), gateways.len(), "{servers:?}");
    for (name, gateway) in gateways {
        assert!(depends_on.contains(&name), "lb does not depend on {name}");
        // The replica listens on 127.0.0.1:${PORT_VARIABLE}; haproxy must send to that variable,
        // which compose gives the load balancer as it gives it the replica.
        let listen = text(&gateway["environment"]["LABEL_GATEWAY_LISTEN"], "listen");
        let (_, port) = interpolate(listen, &|_| String::new());
        let target = format!("\"127.0.0.1:${{{}}}\"", port[0]);
        assert!(
            servers.iter().any(|s| s.contains(&target)),
            "haproxy.cfg has no checked server at {target}"
        );
        let given = text(&lb["environment"][&*port[0]], "lb environment");
        assert_eq!(interpolate(given, &|_| String::new()).1, port);
    }
    assert!(haproxy.contains("option httpchk GET /readyz"));
}

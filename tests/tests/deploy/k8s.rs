//! deploy/k8s: the Deployment's probes, ports, grace period, config and secrets.

use std::collections::HashMap;

use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::TestGateway;
use yaml_rust2::Yaml;

use super::{checked_config, dummies, ports, read, text, variables, yaml};
use super::{CONFIG_PATH, DRAIN_SECONDS};

fn deployment() -> Yaml {
    yaml("k8s/deployment.yaml")
}

fn container(deployment: &Yaml) -> &Yaml {
    let containers = deployment["spec"]["template"]["spec"]["containers"]
        .as_vec()
        .expect("containers");
    assert_eq!(containers.len(), 1);
    &containers[0]
}

/// A probe's port, by number or by the name of a container port.
fn container_port(container: &Yaml, port: &Yaml) -> i64 {
    if let Some(number) = port.as_i64() {
        return number;
    }
    let name = text(port, "a probe port");
    let ports = container["ports"].as_vec().expect("container ports");
    ports
        .iter()
        .find(|p| p["name"].as_str() == Some(name))
        .and_then(|p| p["containerPort"].as_i64())
        .unwrap_or_else(|| panic!("no container port named {name}"))
}

#[test]
fn kubernetes_probes_ports_and_grace_fit_the_gateway() {
    let deployment = deployment();
    let spec = &deployment["spec"];
    assert!(spec["replicas"].as_i64().unwrap() >= 2);
    let pod = &spec["template"]["spec"];
    let container = container(&deployment);
    let (listen, admin) = ports();
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"].as_str(), Some(path), "{probe}");
        assert_eq!(container_port(container, &get["port"]), listen, "{probe}");
    }
    let annotations = &spec["template"]["metadata"]["annotations"];
    assert_eq!(
        annotations["prometheus.io/port"].as_str(),
        Some(&*admin.to_string())
    );
    assert_eq!(
        container_port(container, &Yaml::String("admin".into())),
        admin
    );

    // SIGTERM comes after preStop; the drain must fit in what is left.
    let pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
        .as_vec()
        .map(|c| c.iter().map(|a| text(a, "preStop")).collect::<Vec<_>>());
    let pre_stop_seconds = match pre_stop.as_deref() {
        Some(["sleep", seconds]) => seconds.parse::<i64>().unwrap(),
        None => 0,
        other => panic!("unexpected preStop {other:?}"),
    };
    let grace = pod["terminationGracePeriodSeconds"].as_i64().unwrap();
    assert!(grace >= DRAIN_SECONDS + pre_stop_seconds, "grace {grace}");

    let args: Vec<&str> = container["args"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|a| text(a, "args"))
        .collect();
    assert_eq!(args, ["serve", "--config", CONFIG_PATH]);
    let mount = &container["volumeMounts"][0];
    let mounted = format!("{}/config.toml", text(&mount["mountPath"], "mountPath"));
    assert_eq!(mounted, CONFIG_PATH);
    let volume = &pod["volumes"][0];
    assert_eq!(volume["name"], mount["name"]);
    let configmap = yaml("k8s/configmap.yaml");
    assert_eq!(volume["configMap"]["name"], configmap["metadata"]["name"]);
    assert_eq!(
        configmap["data"]["config.toml"].as_str(),
        Some(&*read("config.toml")),
        "k8s/configmap.yaml must carry deploy/config.toml as it is"
    );

    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            let value = &container["resources"][kind][resource];
            assert!(value.as_str().is_some(), "resources.{kind}.{resource}");
        }
    }
}

#[test]
fn every_variable_of_the_config_comes_from_the_secret() {
    let deployment = deployment();
    let secret = yaml("k8s/secret.example.yaml");
    let secret_name = text(&secret["metadata"]["name"], "the Secret's name");
    let stored = secret["stringData"].as_hash().expect("stringData");
    let mut values = HashMap::new();
    for variable in variables(&read("config.toml")) {
        let env = container(&deployment)["env"].as_vec().unwrap();
        let entry = env
            .iter()
            .find(|e| e["name"].as_str() == Some(&variable))
            .unwrap_or_else(|| panic!("the Deployment does not set {variable}"));
        let reference = &entry["valueFrom"]["secretKeyRef"];
        assert_eq!(reference["name"].as_str(), Some(secret_name), "{variable}");
        let key = Yaml::String(text(&reference["key"], "a secret key").to_owned());
        let value = stored
            .get(&key)
            .unwrap_or_else(|| panic!("the Secret lacks {key:?}"));
        values.insert(variable, text(value, "a secret value").to_owned());
    }
    let config = checked_config(&values);
    assert!(config.state.is_some() && config.tenants.len() >= 2);
}

#[test]
fn the_service_and_kustomization_fit_the_deployment() {
    let deployment = deployment();
    let pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        .as_hash()
        .unwrap();
    let service = yaml("k8s/service.yaml");
    for (key, value) in service["spec"]["selector"].as_hash().unwrap() {
        assert_eq!(pod_labels.get(key), Some(value), "selector {key:?}");
    }
    let (listen, _) = ports();
    let target = &service["spec"]["ports"][0]["targetPort"];
    assert_eq!(container_port(container(&deployment), target), listen);

    let kustomization = yaml("k8s/kustomization.yaml");
    let resources: Vec<&str> = kustomization["resources"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|r| text(r, "a resource"))
        .collect();
    for resource in &resources {
        yaml(&format!("k8s/{resource}"));
    }
    for needed in ["deployment.yaml", "service.yaml", "configmap.yaml"] {
        assert!(resources.contains(&needed), "{needed} not in kustomization");
    }
    // Applying the kustomization must never overwrite real credentials with the example's.
    assert!(!resources.contains(&"secret.example.yaml"));
}

#[tokio::test]
async fn the_probed_paths_answer_with_the_deployed_config() {
    let redis = RedisServer::start();
    let mut values = dummies();
    values.insert("LABEL_GATEWAY_REDIS_URL".into(), redis.url());
    let vars: Vec<(&str, String)> = values.iter().map(|(n, v)| (&**n, v.clone())).collect();
    let gateway = TestGateway::start(&read("config.toml"), &vars).await;
    let deployment = deployment();
    for probe in ["livenessProbe", "readinessProbe"] {
        let path = text(&container(&deployment)[probe]["httpGet"]["path"], probe);
        let status = gateway.client.get(gateway.url(path)).send().await.unwrap();
        assert_eq!(status.status(), 200, "{probe} {path}");
    }
}

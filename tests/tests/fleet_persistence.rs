//! Persistence said out loud: at connect a replica asks its Redis whether it keeps its data,
//! and `/readyz` says `"persistence"`: `none` (a restart loses jobs and idempotency records),
//! `aof`, or `unknown` where `CONFIG` is refused.

use label_gateway_tests::fleet::{replica_config, AT_MOST};
use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::world::capillary_sim;
use label_gateway_tests::TestGateway;

/// `/readyz`'s `persistence` once the replica has connected.
async fn persistence(replica: &TestGateway) -> String {
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let body = replica.readyz().await;
        if body["state"] == "connected" {
            return body["persistence"].as_str().unwrap().to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "never connected");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

async fn replica(redis_url: &str) -> TestGateway {
    let sim = capillary_sim().await;
    let config = replica_config(redis_url, &sim.server.base_url(), "", "");
    TestGateway::start(&config, &[]).await
}

async fn config_set(redis: &RedisServer, parameter: &str, value: &str) {
    let mut commands = redis.manager().await;
    redis::cmd("CONFIG")
        .arg("SET")
        .arg(parameter)
        .arg(value)
        .exec_async(&mut commands)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_redis_that_keeps_nothing_is_said_to_keep_nothing() {
    let redis = RedisServer::start();
    assert_eq!(persistence(&replica(&redis.url()).await).await, "none");
}

#[tokio::test]
async fn a_redis_with_an_append_only_file_or_snapshots_is_said_to_persist() {
    let redis = RedisServer::start();
    config_set(&redis, "save", "3600 1").await;
    assert_eq!(persistence(&replica(&redis.url()).await).await, "rdb");
    config_set(&redis, "appendonly", "yes").await;
    assert_eq!(persistence(&replica(&redis.url()).await).await, "aof");
}

#[tokio::test]
async fn a_redis_that_refuses_config_is_unknown() {
    let redis = RedisServer::start();
    let mut commands = redis.manager().await;
    redis::cmd("ACL")
        .arg("SETUSER")
        .arg("gateway")
        .arg("on")
        .arg(">gateway-pass")
        .arg("~*")
        .arg("&*")
        .arg("+@all")
        .arg("-config")
        .exec_async(&mut commands)
        .await
        .unwrap();
    let url = format!("redis://gateway:gateway-pass@127.0.0.1:{}", redis.port());
    assert_eq!(persistence(&replica(&url).await).await, "unknown");
}

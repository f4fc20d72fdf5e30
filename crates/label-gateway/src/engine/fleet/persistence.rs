//! Whether the fleet's Redis keeps what it is given across its own restart. Jobs and idempotency
//! records live only there: a Redis without AOF or snapshots loses them silently, so the gateway
//! asks at every connect (`CONFIG GET`) and says so in a warning and on `/readyz`.

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::RedisResult;

/// Whether what the fleet keeps in Redis (jobs, idempotency records) survives a Redis restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// Not asked yet: never connected.
    NotAsked = 0,
    None = 1,
    /// Snapshots only: what changed since the last one is lost.
    Rdb = 2,
    Aof = 3,
    /// `CONFIG` is refused (a managed Redis, an ACL): nobody here can tell.
    Unknown = 4,
}

impl Persistence {
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Persistence::NotAsked => None,
            Persistence::None => Some("none"),
            Persistence::Rdb => Some("rdb"),
            Persistence::Aof => Some("aof"),
            Persistence::Unknown => Some("unknown"),
        }
    }

    pub(super) fn from_u8(value: u8) -> Self {
        match value {
            1 => Persistence::None,
            2 => Persistence::Rdb,
            3 => Persistence::Aof,
            4 => Persistence::Unknown,
            _ => Persistence::NotAsked,
        }
    }
}

/// What Redis says of `appendonly` and `save`; `Unknown` where `CONFIG` is refused.
pub(super) async fn ask(commands: &mut ConnectionManager, limit: Duration) -> Persistence {
    let aof = config_get(commands, "appendonly", limit).await;
    let save = config_get(commands, "save", limit).await;
    match (aof, save) {
        (Ok(aof), _) if aof == "yes" => Persistence::Aof,
        (Ok(_), Ok(save)) if !save.trim().is_empty() => Persistence::Rdb,
        (Ok(_), Ok(_)) => Persistence::None,
        _ => Persistence::Unknown,
    }
}

/// Says out loud what a Redis restart would cost.
pub(super) fn say(persistence: Persistence) {
    match persistence {
        Persistence::None => tracing::warn!(
            persistence = "none",
            "the shared state's Redis keeps nothing on disk: jobs and idempotency records are \
             lost if it restarts (docs/fleet.md: appendonly yes, appendfsync everysec)"
        ),
        Persistence::Rdb => tracing::warn!(
            persistence = "rdb",
            "the shared state's Redis keeps snapshots only: what changed since the last one is \
             lost if it restarts (docs/fleet.md)"
        ),
        Persistence::Unknown => tracing::info!(
            persistence = "unknown",
            "the shared state's Redis refuses CONFIG: whether it persists cannot be told"
        ),
        Persistence::Aof | Persistence::NotAsked => {}
    }
}

async fn config_get(
    commands: &mut ConnectionManager,
    parameter: &str,
    limit: Duration,
) -> RedisResult<String> {
    let mut get = redis::cmd("CONFIG");
    get.arg("GET").arg(parameter);
    let pair = tokio::time::timeout(limit, get.query_async::<Vec<String>>(commands))
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::IoError, "timed out")))??;
    Ok(pair.get(1).cloned().unwrap_or_default())
}

//! The vendor simulators as a process of their own, for the benchmarks in `bench/` and the
//! simulators' container of `deploy/compose.yaml`: load generator, gateway and vendor then run as
//! separate processes, as in production.
//!
//! `bench-vendors [CATALOG]` seeds the Capillary org catalog with CATALOG labels in all (at
//! least the sample's), prints `capillary <url>`, `trybe <url>` and `actionhub <url>`, and serves
//! until killed. Credentials are the demo ones (`label_sim::capillary::DEMO_*`,
//! `trybe::DEMO_TOKEN`, `actionhub::DEMO_API_KEY` with program `actionhub::DEMO_PROGRAM_ID`).

use label_sim::actionhub::{self, ActionHubSim};
use label_sim::capillary::{self, CapillarySim, OrgLabel};
use label_sim::trybe::{self, TrybeSim};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let catalog: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().expect("CATALOG is a number of labels"),
        None => 0,
    };
    let cap = CapillarySim::start(capillary::DEMO_USERNAME, capillary::DEMO_PASSWORD).await?;
    {
        let mut data = cap.data.lock().expect("data lock");
        // Ids far above the sample's, so that none collides with a sample label.
        let first = 1_000_000;
        for n in data.labels.len()..catalog {
            data.labels.push(OrgLabel {
                id: first + n as u64,
                name: format!("Bench label {n}"),
                active: true,
            });
        }
        // Room for as many labels again as the org's default allows, however big the catalog.
        data.max_labels = data
            .max_labels
            .max(data.labels.len() + capillary::DEFAULT_MAX_LABELS);
    }
    let trybe = TrybeSim::start(trybe::DEMO_TOKEN).await?;
    println!("capillary {}", cap.server.base_url());
    let actionhub = ActionHubSim::start(actionhub::DEMO_API_KEY).await?;
    println!("trybe {}", trybe.server.base_url());
    println!("actionhub {}", actionhub.server.base_url());
    std::future::pending::<()>().await;
    Ok(())
}

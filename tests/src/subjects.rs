//! One conformance subject per provider: its simulator, a gateway with a tenant that works and
//! one whose vendor credentials are wrong, and what the sample data says the answers must be.

use label_sim::actionhub::{self, ActionHubSim};
use label_sim::capillary::{self, CapillarySim};
use label_sim::trybe::{self, TrybeSim};

use crate::conformance::{Subject, WriteCase};
use crate::TestGateway;

/// Keeps a simulator alive for as long as the subject is used.
pub enum Vendor {
    Capillary(CapillarySim),
    Trybe(TrybeSim),
    ActionHub(ActionHubSim),
}

impl Vendor {
    pub fn calls(&self) -> usize {
        match self {
            Vendor::Capillary(sim) => sim.server.calls(),
            Vendor::Trybe(sim) => sim.server.calls(),
            Vendor::ActionHub(sim) => sim.server.calls(),
        }
    }
}

pub async fn capillary() -> Subject {
    let sim = CapillarySim::start("till", "pw").await.expect("simulator");
    let config = r#"
[tenants.good]
provider = "capillary"
base_url = "${URL}"
username = "till"
password = "pw"
api_keys = ["good-key"]

[tenants.bad]
provider = "capillary"
base_url = "${URL}"
username = "till"
password = "not-pw"
api_keys = ["bad-key"]
"#;
    let gateway = TestGateway::start(config, &[("URL", sim.server.base_url())]).await;
    let catalog_size = sim
        .data
        .lock()
        .unwrap()
        .labels
        .iter()
        .filter(|l| l.active)
        .count();
    Subject {
        provider: "capillary",
        gateway,
        known_customer: capillary::SAMPLE_CUSTOMER.to_owned(),
        known_label_ids: ["20942", "20948", "20949", "20952", "20957"]
            .map(str::to_owned)
            .to_vec(),
        empty_customer: capillary::UNLABELLED_CUSTOMER.to_owned(),
        unknown_customer: "777".to_owned(),
        invalid_customer: "abc".to_owned(),
        catalog_size,
        weighted: false,
        writes: Some(WriteCase {
            attachable: "Newsletter",
            attached: "Premium Customer",
        }),
        max_label_name: Some(100),
        members: true,
        batch: 100,
        vendor: Vendor::Capillary(sim),
    }
}

pub async fn trybe() -> Subject {
    let sim = TrybeSim::start("good-token").await.expect("simulator");
    let config = r#"
[tenants.good]
provider = "trybe"
base_url = "${URL}"
token = "good-token"
api_keys = ["good-key"]

[tenants.bad]
provider = "trybe"
base_url = "${URL}"
token = "bad-token"
api_keys = ["bad-key"]
"#;
    let gateway = TestGateway::start(config, &[("URL", sim.server.base_url())]).await;
    let catalog_size = sim.data.lock().unwrap().live_labels();
    Subject {
        provider: "trybe",
        gateway,
        known_customer: trybe::SAMPLE_CUSTOMER.to_owned(),
        known_label_ids: (1..=3).map(trybe::label_id).collect(),
        empty_customer: trybe::UNLABELLED_CUSTOMER.to_owned(),
        unknown_customer: trybe::UNKNOWN_CUSTOMER.to_owned(),
        invalid_customer: "not-a-uuid".to_owned(),
        catalog_size,
        weighted: false,
        writes: Some(WriteCase {
            attachable: "Gym Member",
            attached: "VIP",
        }),
        max_label_name: Some(20),
        members: false,
        batch: 1,
        vendor: Vendor::Trybe(sim),
    }
}

pub async fn actionhub() -> Subject {
    let sim = ActionHubSim::start("good-api-key")
        .await
        .expect("simulator");
    let config = r#"
[tenants.good]
provider = "actionhub"
base_url = "${URL}"
api_key = "good-api-key"
program_id = "prog-42"
api_keys = ["good-key"]

[tenants.bad]
provider = "actionhub"
base_url = "${URL}"
api_key = "bad-api-key"
program_id = "prog-42"
api_keys = ["bad-key"]
"#;
    let gateway = TestGateway::start(config, &[("URL", sim.server.base_url())]).await;
    let catalog_size = sim.data.lock().unwrap().programs[actionhub::DEMO_PROGRAM_ID]
        .catalog
        .len();
    Subject {
        provider: "actionhub",
        gateway,
        known_customer: actionhub::SAMPLE_USER.to_owned(),
        // By weight, highest first.
        known_label_ids: [
            "Sports Fan",
            "Weekend Shopper",
            "Coffee Lover",
            "Early Adopter",
            "Newsletter Reader",
        ]
        .map(str::to_owned)
        .to_vec(),
        empty_customer: actionhub::UNLABELLED_USER.to_owned(),
        unknown_customer: "nobody-here".to_owned(),
        invalid_customer: "x".repeat(257),
        catalog_size,
        writes: None,
        weighted: true,
        max_label_name: None,
        members: false,
        batch: 0,
        vendor: Vendor::ActionHub(sim),
    }
}

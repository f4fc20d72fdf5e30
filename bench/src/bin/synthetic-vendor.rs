//! The Capillary simulator with made-up customers: any numeric id has five labels. Prints its
//! base URL on the first line of stdout and serves until killed.

use std::process::ExitCode;

use label_sim::capillary::{CapillarySim, DEMO_PASSWORD, DEMO_USERNAME};

#[tokio::main]
async fn main() -> ExitCode {
    let sim = match CapillarySim::start(DEMO_USERNAME, DEMO_PASSWORD).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("cannot start the simulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    match sim.data.lock() {
        Ok(mut data) => data.synthetic = true,
        Err(_) => return ExitCode::FAILURE,
    }
    println!("{}", sim.server.base_url());
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

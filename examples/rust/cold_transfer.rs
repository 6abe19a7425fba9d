//! A cold transfer with `plivo_phlo::Client`: the agent +14152223333 hands the call on node
//! b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d of PHLO 3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b over to
//! +14152225555 (role agent) and leaves.
//!
//! With `PLIVO_PHLO_BASE_URL` set, it calls that runner with `PLIVO_AUTH_ID` and
//! `PLIVO_AUTH_TOKEN`; otherwise it starts the PHLO simulator in this process (a missing base URL
//! never falls through to the production service).
//!
//! ```sh
//! cargo run -q -p phlo-examples --bin cold_transfer
//! ```

use plivo_phlo::{Client, Config};

const PHLO_ID: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
const NODE_ID: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";

fn main() -> Result<(), plivo_phlo::Error> {
    // The simulator lives until the end of main.
    let (client, _sim) = if std::env::var_os("PLIVO_PHLO_BASE_URL").is_some() {
        (Client::from_env()?, None)
    } else {
        let sim = phlo_sim::Simulator::start().expect("the simulator starts");
        let config = Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .build()?;
        println!("simulator at {}", sim.base_url());
        (Client::new(config)?, Some(sim))
    };
    let r = client.mpc_cold_transfer(
        PHLO_ID,
        NODE_ID,
        "+14152223333", // trigger_source: the agent handing the call off
        "+14152225555", // to: the new party
        None,           // role: agent
    )?;
    println!("transferred: api_id {} error {:?}", r.api_id, r.error);
    Ok(())
}

//! A cold transfer with `plivo_phlo::AsyncClient` on tokio: the agent +14152223333 hands the call
//! on node b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d of PHLO 3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b over
//! to +14152225555 (role agent) and leaves; meanwhile another task of the runtime reads the node.
//!
//! With `PLIVO_PHLO_BASE_URL` set, it calls that runner with `PLIVO_AUTH_ID` and
//! `PLIVO_AUTH_TOKEN`; otherwise it starts the PHLO simulator in this process.
//!
//! ```sh
//! cargo run -q -p phlo-examples --bin async_transfer
//! ```

use plivo_phlo::{AsyncClient, Config};

const PHLO_ID: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
const NODE_ID: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";

#[tokio::main]
async fn main() -> Result<(), plivo_phlo::Error> {
    let (client, _sim) = if std::env::var_os("PLIVO_PHLO_BASE_URL").is_some() {
        (AsyncClient::from_env()?, None)
    } else {
        let sim = phlo_sim::Simulator::start().expect("the simulator starts");
        let config = Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .build()?;
        println!("simulator at {}", sim.base_url());
        (AsyncClient::new(config)?, Some(sim))
    };
    // Two calls at once on one client: each is an ordinary future (dropping one cancels it).
    let (node, transfer) = tokio::join!(
        client.get_multi_party_call(PHLO_ID, NODE_ID),
        client.mpc_cold_transfer(PHLO_ID, NODE_ID, "+14152223333", "+14152225555", None),
    );
    println!("node: {}", node?.name);
    let r = transfer?;
    println!("transferred: api_id {} error {:?}", r.api_id, r.error);
    Ok(())
}

//! Shared set-up for the integration tests: a simulator and a client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use phlo_sim::{Simulator, DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN};
use plivo_phlo::{Client, Config, RetryPolicy};
use serde_json::Value;

pub const P: &str = phlo_sim::DEMO_PHLO_ID;
pub const N: &str = phlo_sim::DEMO_MPC_NODE_ID;
pub const C: &str = phlo_sim::DEMO_BRIDGE_NODE_ID;
pub const AGENT: &str = "+14152223333";
pub const CUSTOMER: &str = "+14153336666";
pub const NEW_AGENT: &str = "+14152225555";

/// Retries with tiny delays, so retry tests run fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

pub fn client_for(sim: &Simulator) -> Client {
    Client::new(
        Config::builder()
            .auth_id(DEFAULT_AUTH_ID)
            .auth_token(DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .retry(fast_retry())
            .build()
            .unwrap(),
    )
    .unwrap()
}

pub fn setup() -> (Simulator, Client) {
    let sim = Simulator::start().expect("simulator starts");
    let client = client_for(&sim);
    (sim, client)
}

/// The requests the simulator received, oldest first.
pub fn requests(sim: &Simulator) -> Vec<Value> {
    sim.requests()["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn total(sim: &Simulator) -> u64 {
    sim.requests()["total"].as_u64().unwrap()
}

pub fn last_request(sim: &Simulator) -> Value {
    requests(sim).pop().expect("at least one request")
}

/// A member's state in a node of the demo PHLO.
pub fn member_state(sim: &Simulator, node: &str, addr: &str) -> Option<String> {
    sim.state()["phlos"][P]["nodes"][node]["members"][addr]["state"]
        .as_str()
        .map(str::to_owned)
}

pub fn member_role(sim: &Simulator, node: &str, addr: &str) -> Option<String> {
    sim.state()["phlos"][P]["nodes"][node]["members"][addr]["role"]
        .as_str()
        .map(str::to_owned)
}

/// A port on which nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit() && !c.is_ascii_uppercase()
            }
        })
}

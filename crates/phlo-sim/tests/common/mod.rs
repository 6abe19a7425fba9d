//! Helpers shared by the integration tests: a simulator plus a blocking HTTP client.
#![allow(dead_code, unused_imports)]

use phlo_sim::{SimConfig, Simulator, DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::Method;
use serde_json::Value;

pub use phlo_sim::{DEMO_BRIDGE_NODE_ID as C, DEMO_MPC_NODE_ID as N, DEMO_PHLO_ID as P};

/// The seed cold transfer of the API reference, byte for byte.
pub const SEED: &str = r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#;

/// A response: status, headers and body text (parsed as JSON when it is JSON).
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `error` field of a JSON error body.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

pub struct Ctx {
    pub sim: Simulator,
    pub http: Client,
}

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx::with(SimConfig::default())
    }

    pub fn with(config: SimConfig) -> Ctx {
        Ctx {
            sim: Simulator::start_with(config).expect("simulator starts"),
            http: client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url(), path)
    }

    /// A request with the default credentials.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .basic_auth(DEFAULT_AUTH_ID, Some(DEFAULT_AUTH_TOKEN))
    }

    pub fn send(&self, rb: RequestBuilder) -> Resp {
        let r = rb.send().expect("request succeeds");
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            text: r.text().expect("body is read"),
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send(self.req(Method::GET, path))
    }

    /// POST with a JSON body (sent as is).
    pub fn post(&self, path: &str, body: &str) -> Resp {
        self.send(
            self.req(Method::POST, path)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
    }

    /// A control request (no auth).
    pub fn control(&self, method: Method, path: &str, body: Option<&str>) -> Resp {
        let mut rb = self.http.request(method, self.url(path));
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_owned());
        }
        self.send(rb)
    }

    pub fn fault(&self, fault: &str) {
        let r = self.control(Method::POST, "/_sim/faults", Some(fault));
        assert_eq!(r.status, 200, "{}", r.text);
    }

    /// A member's state in a node, from `GET /_sim/nodes/{N}`.
    pub fn member_state(&self, node: &str, address: &str) -> String {
        let r = self.control(Method::GET, &format!("/_sim/nodes/{node}"), None);
        r.json()["members"][address]["state"]
            .as_str()
            .unwrap_or("absent")
            .to_owned()
    }

    pub fn node(&self, node: &str) -> Value {
        self.control(Method::GET, &format!("/_sim/nodes/{node}"), None)
            .json()
    }

    pub fn mpc_path(&self) -> String {
        format!("/v1/phlo/{P}/multi_party_call/{N}")
    }

    pub fn member_path(&self, member: &str) -> String {
        format!("/v1/phlo/{P}/multi_party_call/{N}/members/{member}")
    }
}

/// Lower-case canonical UUID version 4.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

//! A stateful simulator of Plivo's PHLO runner API: a real HTTP/1.1 server (keep-alive,
//! `TCP_NODELAY`) on loopback that every test in the project, in every language, talks to.
//!
//! It implements the six endpoints of the runner API (sections 2 and 4 of the API reference) with
//! Basic authentication, the documented status codes and error shapes, and the call state machine
//! of section 8: runs open calls, multi-party-call actions move members between `connected`,
//! `on_hold`, `muted`, `consulting` and `left`, warm transfers stay pending until resumed or
//! aborted. Beside the API, a control API under `/_sim/` (no auth) reads the state and the request
//! log, seeds PHLOs, switches success codes to 200, resets, and queues faults (latency, error
//! statuses, 429, connection resets before or after the request, raw, huge or truncated bodies,
//! redirects). See the crate's README for the control API and [`fixture`] for the fixture format.
//!
//! ```no_run
//! let sim = phlo_sim::Simulator::start()?;
//! println!("runner API at {}", sim.base_url()); // e.g. http://127.0.0.1:40123
//! sim.push_fault(serde_json::json!({"kind": "status", "status": 503})).unwrap();
//! // ... point a client at sim.base_url() with DEFAULT_AUTH_ID / DEFAULT_AUTH_TOKEN ...
//! assert_eq!(sim.requests()["total"], 0);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The server runs on its own thread with a two-worker tokio runtime; all state sits behind one
//! mutex and each request does a constant, small amount of work under it, so the simulator also
//! serves as the benchmark server.
#![warn(missing_docs)]

mod api;
mod faults;
pub mod fixture;
mod model;
mod server;
mod state;
mod util;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::state::Shared;

/// The auth id the simulator accepts when no accounts are configured (20 characters).
pub const DEFAULT_AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
/// The auth token paired with [`DEFAULT_AUTH_ID`].
pub const DEFAULT_AUTH_TOKEN: &str = "token123";
/// The demo PHLO ("support line"): accepts API runs; its first node is [`DEMO_MPC_NODE_ID`].
pub const DEMO_PHLO_ID: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
/// The demo multi-party-call node ("Multi-Party Call_1"): a live call with agent `+14152223333`
/// and customer `+14153336666`, both connected.
pub const DEMO_MPC_NODE_ID: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";
/// The demo conference-bridge node ("Conference Bridge_1"): `+14155550123` and `+14155550124`
/// connected.
pub const DEMO_BRIDGE_NODE_ID: &str = "c7e8f9a0-1b2c-4d3e-9f4a-5b6c7d8e9f0a";
/// A demo PHLO ("no api runs") that does not accept API runs: a run on it answers 404 `{}`.
pub const DEMO_NO_RUNS_PHLO_ID: &str = "0e1d2c3b-4a59-4687-9766-5a4b3c2d1e0f";

/// How to start a [`Simulator`]. `SimConfig::default()` is the demo fixture on an ephemeral
/// loopback port with the default account.
#[derive(Clone, Debug, Default)]
pub struct SimConfig {
    /// Address to bind; `None` means `127.0.0.1`. A host name is resolved and its first usable
    /// address bound.
    pub host: Option<String>,
    /// Port to bind; 0 picks a free one (read it back with [`Simulator::port`]).
    pub port: u16,
    /// `(auth_id, auth_token)` pairs accepted by Basic auth; empty means
    /// ([`DEFAULT_AUTH_ID`], [`DEFAULT_AUTH_TOKEN`]).
    pub accounts: Vec<(String, String)>,
    /// PHLOs to start with, in the [`fixture`] format; `None` means [`fixture::demo`].
    pub fixture: Option<Value>,
    /// Answer 200 instead of 201 to successful POSTs (also switchable at run time with
    /// `POST /_sim/config`).
    pub status_200: bool,
}

/// A running simulator: an HTTP server on its own background thread and tokio runtime.
///
/// Dropping it (or calling [`Simulator::shutdown`]) stops the server and joins the thread. The
/// handle can be shared between threads by reference; every method is cheap and takes the state
/// lock only briefly.
pub struct Simulator {
    base_url: String,
    port: u16,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with the default config: the demo fixture on an ephemeral port of
    /// 127.0.0.1, accepting [`DEFAULT_AUTH_ID`] / [`DEFAULT_AUTH_TOKEN`].
    ///
    /// Fails only if the socket cannot be bound or the runtime thread cannot be started.
    pub fn start() -> io::Result<Simulator> {
        Simulator::start_with(SimConfig::default())
    }

    /// Starts a simulator with `config`. The port is bound before this returns, so the server
    /// accepts connections as soon as it does.
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] if the fixture is malformed (the message names
    /// the field), or with the bind error.
    pub fn start_with(config: SimConfig) -> io::Result<Simulator> {
        let phlos = match &config.fixture {
            Some(v) => fixture::parse_map(v),
            None => fixture::parse_map(&fixture::demo()),
        }
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("fixture: {e}")))?;
        let accounts = if config.accounts.is_empty() {
            vec![(DEFAULT_AUTH_ID.to_owned(), DEFAULT_AUTH_TOKEN.to_owned())]
        } else {
            config.accounts.clone()
        };
        let host = config.host.as_deref().unwrap_or("127.0.0.1");
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let listener = std::net::TcpListener::bind((host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let base_url = base_url_for(addr);

        let shared = Arc::new(Shared::new(accounts, phlos, config.status_200));
        let (stop, stopped) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
        let server_shared = shared.clone();
        // The runtime is built, used and dropped on its own thread, so starting or stopping a
        // simulator from inside another tokio runtime is fine.
        let thread = std::thread::Builder::new()
            .name("phlo-sim".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("phlo-sim-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => {
                            let _ = ready_tx.send(Ok(()));
                            server::run(l, server_shared, stopped).await
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        let ready = ready_rx.recv().unwrap_or_else(|_| {
            Err(io::Error::other(
                "the simulator thread stopped while starting",
            ))
        });
        if let Err(e) = ready {
            let _ = thread.join();
            return Err(e);
        }
        Ok(Simulator {
            base_url,
            port: addr.port(),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The base URL clients use: `http://127.0.0.1:PORT` (no trailing slash, no `/v1`). A
    /// wildcard bind address (`0.0.0.0`, `::`) is reported as the loopback address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The simulated state, as `GET /_sim/state` returns it: PHLOs with their nodes and members,
    /// stored runs, and the config.
    pub fn state(&self) -> Value {
        self.shared.lock().state_json()
    }

    /// The request log, as `GET /_sim/requests` returns it: `total`, `resets_before`, and the
    /// last 10,000 API requests oldest first.
    pub fn requests(&self) -> Value {
        self.shared.lock().requests_json()
    }

    /// Queues one fault object or an array of them, as `POST /_sim/faults` does.
    ///
    /// Fails (queuing nothing) with a message naming the problem: an unknown `kind`, a field of
    /// the wrong type, `count` 0.
    pub fn push_fault(&self, fault: Value) -> Result<(), String> {
        server::push_faults(&self.shared, &fault).map(|_| ())
    }

    /// Restores the fixture the server started with and the start config; clears runs, faults,
    /// the request log and its counters. Same as `POST /_sim/reset`.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops the server and waits for its thread (same as dropping the handle).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn base_url_for(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            format!("http://{}:{}", Ipv4Addr::LOCALHOST, addr.port())
        }
        IpAddr::V4(ip) => format!("http://{ip}:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("http://[{}]:{}", Ipv6Addr::LOCALHOST, addr.port())
        }
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", addr.port()),
    }
}

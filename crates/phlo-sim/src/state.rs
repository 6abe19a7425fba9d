//! Everything the server keeps between requests, behind one mutex.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use crate::faults::Fault;
use crate::fixture::Phlos;

/// How many request-log entries are kept (the oldest are dropped first).
pub(crate) const LOG_CAPACITY: usize = 10_000;
/// How many bytes of each request body the log keeps (the length is kept whole): bodies are
/// accepted up to 16 MiB, and keeping them whole let a few large requests grow the process by
/// hundreds of MB.
pub(crate) const LOG_BODY_PREFIX: usize = 4096;
/// How many bytes of each header value the log keeps.
pub(crate) const LOG_HEADER_PREFIX: usize = 1024;
/// The most bytes the log holds in all (bodies, headers, paths); the oldest entries are dropped
/// first, so a flood of large requests cannot grow it past this.
pub(crate) const LOG_BYTES: usize = 32 << 20;
/// How many runs are kept for `GET /v1/phlo/{P}/runs/{R}` (the oldest are dropped first).
pub(crate) const RUN_CAPACITY: usize = 10_000;

/// A stored run.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub(crate) phlo_id: String,
    pub(crate) payload: Value,
    pub(crate) call_uuids: Vec<String>,
}

/// One API request in the log.
#[derive(Clone, Debug)]
pub(crate) struct LogEntry {
    /// The number of the connection the request came on (numbered from 1 per process).
    pub(crate) connection: u64,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    /// The first [`LOG_BODY_PREFIX`] bytes of the body (lossy UTF-8).
    pub(crate) body: String,
    /// The body's whole length in bytes.
    pub(crate) body_bytes: usize,
    /// The status sent; `None` when the connection was reset instead.
    pub(crate) status: Option<u16>,
    pub(crate) fault: Option<&'static str>,
}

impl LogEntry {
    /// The bytes this entry holds, as counted against [`LOG_BYTES`].
    fn size(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
        self.method.len() + self.path.len() + self.query.len() + headers + self.body.len()
    }
}

/// The first `max` bytes of `bytes` as text (lossy UTF-8; a character cut in two becomes U+FFFD).
pub(crate) fn prefix_text(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned()
}

/// The mutable state.
pub(crate) struct Inner {
    pub(crate) phlos: Phlos,
    pub(crate) runs: HashMap<String, Run>,
    run_order: VecDeque<String>,
    pub(crate) faults: VecDeque<Fault>,
    log: VecDeque<(u64, LogEntry)>,
    /// The sum of [`LogEntry::size`] over `log`.
    log_bytes: usize,
    /// API requests logged since the last reset (also the last `seq` handed out).
    total: u64,
    /// Requests dropped by `reset_before` since the last reset.
    pub(crate) resets_before: u64,
    pub(crate) status_200: bool,
    /// Bumped by every reset: a request that began before one must not touch the new state.
    generation: u64,
    /// Bumped by every reset and log clear: a request that began before one is not logged.
    log_generation: u64,
}

/// When a request began, in terms of resets and log clears (see [`Inner::since`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Since {
    generation: u64,
    log_generation: u64,
}

/// State shared by the server and the [`Simulator`](crate::Simulator) handle.
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    /// `(auth_id, auth_token)` pairs.
    pub(crate) accounts: Vec<(String, String)>,
    start_phlos: Phlos,
    start_status_200: bool,
}

impl Shared {
    pub(crate) fn new(accounts: Vec<(String, String)>, phlos: Phlos, status_200: bool) -> Shared {
        Shared {
            inner: Mutex::new(Inner::new(phlos.clone(), status_200)),
            accounts,
            start_phlos: phlos,
            start_status_200: status_200,
        }
    }

    /// Locks the state. A panic while locked cannot leave it half-updated in a way that matters
    /// more than refusing every later request would, so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Restores the start fixture and config; clears runs, faults, the log and its counters.
    pub(crate) fn reset(&self) {
        let mut g = self.lock();
        let (generation, log_generation) = (g.generation + 1, g.log_generation + 1);
        *g = Inner::new(self.start_phlos.clone(), self.start_status_200);
        g.generation = generation;
        g.log_generation = log_generation;
    }

    /// Takes one use of the first pending fault that matches the request.
    pub(crate) fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut g = self.lock();
        let i = g.faults.iter().position(|f| f.matches(method, path))?;
        let f = &mut g.faults[i];
        f.remaining -= 1;
        if f.remaining == 0 {
            g.faults.remove(i)
        } else {
            Some(f.clone())
        }
    }
}

impl Inner {
    fn new(phlos: Phlos, status_200: bool) -> Inner {
        Inner {
            phlos,
            runs: HashMap::new(),
            run_order: VecDeque::new(),
            faults: VecDeque::new(),
            log: VecDeque::new(),
            log_bytes: 0,
            total: 0,
            resets_before: 0,
            status_200,
            generation: 0,
            log_generation: 0,
        }
    }

    /// Marks the start of a request, so a reset or log clear while it is in flight (a latency
    /// fault, a slow client) keeps it out of the state and log that follow.
    pub(crate) fn since(&self) -> Since {
        Since {
            generation: self.generation,
            log_generation: self.log_generation,
        }
    }

    /// Whether the state is still the one the request started with (no reset since).
    pub(crate) fn same_state(&self, since: Since) -> bool {
        self.generation == since.generation
    }

    /// Logs `entry` unless the log was reset or cleared since the request began.
    pub(crate) fn log_since(&mut self, since: Since, entry: LogEntry) {
        if self.log_generation == since.log_generation {
            self.log(entry);
        }
    }

    /// Stores a run, dropping the oldest beyond [`RUN_CAPACITY`].
    pub(crate) fn add_run(&mut self, id: String, run: Run) {
        if self.run_order.len() >= RUN_CAPACITY {
            if let Some(old) = self.run_order.pop_front() {
                self.runs.remove(&old);
            }
        }
        self.run_order.push_back(id.clone());
        self.runs.insert(id, run);
    }

    /// Appends to the request log, dropping the oldest beyond [`LOG_CAPACITY`] entries or
    /// [`LOG_BYTES`] bytes.
    pub(crate) fn log(&mut self, entry: LogEntry) {
        self.total += 1;
        self.log_bytes += entry.size();
        self.log.push_back((self.total, entry));
        while self.log.len() > LOG_CAPACITY || (self.log_bytes > LOG_BYTES && self.log.len() > 1) {
            if let Some((_, old)) = self.log.pop_front() {
                self.log_bytes -= old.size();
            }
        }
    }

    /// Clears the request log and its counters.
    pub(crate) fn clear_log(&mut self) {
        self.log_generation += 1;
        self.log.clear();
        self.log_bytes = 0;
        self.total = 0;
        self.resets_before = 0;
    }

    /// The JSON of `GET /_sim/state`.
    pub(crate) fn state_json(&self) -> Value {
        let mut phlos = Map::new();
        for (id, p) in &self.phlos {
            phlos.insert(id.clone(), p.to_json());
        }
        let mut runs = Map::new();
        for id in &self.run_order {
            if let Some(r) = self.runs.get(id) {
                runs.insert(
                    id.clone(),
                    json!({"phlo_id": r.phlo_id, "payload": r.payload, "call_uuids": r.call_uuids}),
                );
            }
        }
        json!({
            "phlos": phlos,
            "runs": runs,
            "config": {"status_200": self.status_200},
        })
    }

    /// The JSON of `GET /_sim/nodes/{N}`: the first node with that id, in PHLO id order.
    pub(crate) fn node_json(&self, node_id: &str) -> Option<Value> {
        self.phlos
            .values()
            .flat_map(|p| p.nodes.iter())
            .find(|n| n.id == node_id)
            .map(|n| n.to_json())
    }

    /// The JSON of `GET /_sim/requests`.
    pub(crate) fn requests_json(&self) -> Value {
        let requests: Vec<Value> = self
            .log
            .iter()
            .map(|(seq, e)| {
                let mut headers = Map::new();
                for (k, v) in &e.headers {
                    match headers.get_mut(k) {
                        Some(Value::String(prev)) => {
                            prev.push_str(", ");
                            prev.push_str(v);
                        }
                        _ => {
                            headers.insert(k.clone(), Value::String(v.clone()));
                        }
                    }
                }
                json!({
                    "seq": seq,
                    "method": e.method,
                    "path": e.path,
                    "query": e.query,
                    "headers": headers,
                    "body": e.body,
                    "body_bytes": e.body_bytes,
                    "status": e.status,
                    "fault": e.fault,
                    "connection": e.connection,
                })
            })
            .collect();
        json!({
            "total": self.total,
            "resets_before": self.resets_before,
            "requests": requests,
        })
    }

    /// The JSON of `GET /_sim/faults`.
    pub(crate) fn faults_json(&self) -> Value {
        json!({
            "pending": self.faults.len(),
            "faults": self.faults.iter().map(Fault::to_json).collect::<Vec<_>>(),
        })
    }
}

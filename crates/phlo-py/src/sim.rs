//! The `Simulator` class: the Rust PHLO simulator (`phlo-sim`) started in this process on an
//! ephemeral loopback port, for tests of code that uses the client or the drop-in `RestClient`.

use std::sync::Mutex;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString, PyTuple};
use serde_json::Value;

use crate::async_client::AsyncClient;
use crate::bridge::Call;
use crate::client::Client;
use crate::models;

/// A running simulator. Use it as a context manager (or call `close()`); it also stops when
/// garbage-collected.
#[pyclass(name = "Simulator", module = "plivo_phlo", frozen)]
pub(crate) struct Simulator {
    /// `None` once closed.
    sim: Mutex<Option<phlo_sim::Simulator>>,
    base_url: String,
    port: u16,
    auth_id: String,
    auth_token: String,
}

impl Simulator {
    /// Runs `f` on the running simulator with the GIL released (it waits on the simulator's
    /// state lock, which the server threads hold while they answer).
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&phlo_sim::Simulator) -> T + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            let guard = self.sim.lock().unwrap_or_else(|e| e.into_inner());
            guard.as_ref().map(f)
        })
        .ok_or_else(|| PyRuntimeError::new_err("the simulator is closed"))
    }
}

#[pymethods]
impl Simulator {
    /// Starts a simulator on `127.0.0.1` and an ephemeral port.
    ///
    /// `fixture` replaces the demo PHLOs (same format as `phlo-sim --fixture`); `accounts` is a
    /// list of `(auth_id, auth_token)` pairs (default: `DEFAULT_AUTH_ID`/`DEFAULT_AUTH_TOKEN`);
    /// `status_200` answers 200 instead of 201 to successful POSTs.
    #[new]
    #[pyo3(signature = (fixture=None, *, accounts=None, status_200=false))]
    fn new(
        py: Python<'_>,
        fixture: Option<Bound<'_, PyAny>>,
        accounts: Option<Vec<(String, String)>>,
        status_200: bool,
    ) -> PyResult<Simulator> {
        let fixture = match fixture {
            Some(f) if !f.is_none() => Some(models::from_py("fixture", &f)?),
            _ => None,
        };
        let accounts = accounts.unwrap_or_default();
        let (auth_id, auth_token) = accounts.first().cloned().unwrap_or_else(|| {
            (
                phlo_sim::DEFAULT_AUTH_ID.to_owned(),
                phlo_sim::DEFAULT_AUTH_TOKEN.to_owned(),
            )
        });
        let config = phlo_sim::SimConfig {
            accounts,
            fixture,
            status_200,
            ..Default::default()
        };
        let sim = py
            .detach(move || phlo_sim::Simulator::start_with(config))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput => PyValueError::new_err(e.to_string()),
                _ => PyOSError::new_err(format!("cannot start the simulator: {e}")),
            })?;
        Ok(Simulator {
            base_url: sim.base_url().to_owned(),
            port: sim.port(),
            sim: Mutex::new(Some(sim)),
            auth_id,
            auth_token,
        })
    }

    /// The auth id the demo simulator accepts.
    #[classattr]
    const DEFAULT_AUTH_ID: &'static str = phlo_sim::DEFAULT_AUTH_ID;
    /// The auth token the demo simulator accepts.
    #[classattr]
    const DEFAULT_AUTH_TOKEN: &'static str = phlo_sim::DEFAULT_AUTH_TOKEN;
    /// The demo PHLO (accepts runs; holds the two demo nodes).
    #[classattr]
    const DEMO_PHLO_ID: &'static str = phlo_sim::DEMO_PHLO_ID;
    /// The demo multi-party call: agent `+14152223333` and customer `+14153336666` connected.
    #[classattr]
    const DEMO_MPC_NODE_ID: &'static str = phlo_sim::DEMO_MPC_NODE_ID;
    /// The demo conference bridge: `+14155550123` and `+14155550124` connected.
    #[classattr]
    const DEMO_BRIDGE_NODE_ID: &'static str = phlo_sim::DEMO_BRIDGE_NODE_ID;
    /// A demo PHLO that does not accept API runs.
    #[classattr]
    const DEMO_NO_RUNS_PHLO_ID: &'static str = phlo_sim::DEMO_NO_RUNS_PHLO_ID;

    /// The base URL for clients, e.g. `http://127.0.0.1:40123` (no `/v1`).
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }
    /// The bound port.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }
    /// The auth id the simulator accepts (the first account).
    #[getter]
    fn auth_id(&self) -> &str {
        &self.auth_id
    }
    /// The auth token paired with `auth_id` (a test credential).
    #[getter]
    fn auth_token(&self) -> &str {
        &self.auth_token
    }
    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.sim.lock().unwrap_or_else(|e| e.into_inner()).is_none()
    }

    /// The simulated state as a dict: `phlos` (with nodes and members), `runs`, `config`.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.with(py, |s| s.state())?;
        models::to_py(py, &v)
    }

    /// One node of `state()` by id, or `None`: `node_type`, `name`, `call_active`, `members`
    /// (address -> `{"role", "state"}`), `pending_transfer`.
    fn node<'py>(&self, py: Python<'py>, node_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let v = self.with(py, |s| s.state())?;
        // `state()["phlos"][P]["nodes"]` is keyed by node id.
        let node = v["phlos"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
            .find_map(|p| p["nodes"].get(node_id))
            .cloned()
            .unwrap_or(Value::Null);
        models::to_py(py, &node)
    }

    /// The request log since the last reset, oldest first: dicts with `method`, `path`,
    /// `query`, `headers`, `body` (text), `status` (None when the connection was reset) and
    /// `fault` (the fault that caught it, or None).
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut v = self.with(py, |s| s.requests())?;
        models::to_py(py, &v["requests"].take())
    }

    /// Queues a fault for the next matching API request(s), e.g. `fault("status", status=503)`,
    /// `fault("latency", ms=500, count=4)`, `fault("rate_limit", retry_after="1")`,
    /// `fault("reset_before", method="POST")`. Kinds: latency, status, rate_limit, reset_before,
    /// reset_after, raw_body, huge_body, short_body, redirect. `ValueError` names a bad field.
    #[pyo3(signature = (kind, /, **params))]
    fn fault(
        &self,
        py: Python<'_>,
        kind: String,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let mut obj = match params {
            Some(d) => match models::from_py("fault", d.as_any())? {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            },
            None => serde_json::Map::new(),
        };
        obj.insert("kind".into(), Value::String(kind));
        self.with(py, |s| s.push_fault(Value::Object(obj)))?
            .map_err(PyValueError::new_err)
    }

    /// Restores the starting PHLOs and calls; clears runs, faults and the request log.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| s.reset())
    }

    /// A `plivo_phlo.Client` for this simulator, with its credentials and base URL; the keyword
    /// arguments are client options, as for `Client`.
    #[pyo3(signature = (**options))]
    fn client(&self, py: Python<'_>, options: Option<Bound<'_, PyDict>>) -> PyResult<Client> {
        let mut given = Vec::new();
        for (k, v) in options.iter().flat_map(|d| d.iter()) {
            given.push((k.cast::<PyString>()?.to_cow()?.into_owned(), v));
        }
        // The simulator's base URL first: an explicit `base_url` option replaces it.
        let base_url = PyString::new(py, &self.base_url).into_any();
        given.insert(0, ("base_url".to_owned(), base_url));
        Client::build(
            py,
            Some(self.auth_id.clone()),
            Some(self.auth_token.clone()),
            given,
        )
    }

    /// A `plivo_phlo.AsyncClient` for this simulator, with its credentials and base URL; the
    /// keyword arguments are client options, as for `AsyncClient`.
    #[pyo3(signature = (**options))]
    fn async_client(
        &self,
        py: Python<'_>,
        options: Option<Bound<'_, PyDict>>,
    ) -> PyResult<AsyncClient> {
        let face = self.client(py, options)?;
        AsyncClient::from_client(py, face)
    }

    /// Stops the server and waits for its thread. Idempotent.
    fn close(&self, py: Python<'_>) {
        let sim = self.sim.lock().unwrap_or_else(|e| e.into_inner()).take();
        py.detach(move || drop(sim));
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __aenter__(slf: Py<Self>) -> Call {
        Call::ready("__aenter__", slf.into_any())
    }

    /// Stops the server (a millisecond or so: it waits for the server's thread).
    #[pyo3(signature = (*_args))]
    fn __aexit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> Call {
        self.close(py);
        Call::ready(
            "__aexit__",
            PyBool::new(py, false).to_owned().into_any().unbind(),
        )
    }

    fn __repr__(&self) -> String {
        format!("Simulator(base_url={:?})", self.base_url)
    }
}

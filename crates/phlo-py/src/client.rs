//! The `Client` class: one method per named operation of the core.
//!
//! The typed methods hand their `str` arguments to the core as name/value pairs
//! ([`plivo_phlo::Operation::from_strings`]: the same table, defaults and checks as every other
//! binding) and run the operation with the GIL released through
//! [`plivo_phlo::Client::execute_as`], which parses the body once, straight into the core's model
//! that the result class wraps. The methods whose arguments are JSON values (`run_phlo`'s payload,
//! `raw`'s body, `call`'s keyword parameters) build a JSON object and go through
//! [`plivo_phlo::Operation::from_params`]. Either way the core validates, applies defaults,
//! sends, retries and maps errors.

use std::sync::Mutex;
use std::time::Duration;

use plivo_phlo::{Answer, Config, RawResponse, RetryPolicy, Validation};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyString, PyTuple};

use crate::errors;
use crate::logbridge;
use crate::models::{self, ActionResponse, Node, Phlo, PhloRun, PhloRunStarted, Response, Text};
use crate::params::{self, params, Params};

/// An optional `str` argument of the constructor as Rust text (see [`Text`]).
pub(crate) fn opt_text(
    py: Python<'_>,
    field: &str,
    v: Option<Text<'_>>,
) -> PyResult<Option<String>> {
    v.map(|t| t.get(py, field)).transpose()
}

/// `max_retries` as a count: any `int` from 0 to 2**32 - 1; others are `InvalidArgumentError`
/// (a non-`int` is a `TypeError`, from the argument's type).
pub(crate) fn retries(py: Python<'_>, v: Option<Bound<'_, PyInt>>) -> PyResult<Option<u32>> {
    v.map(|n| {
        n.extract::<u32>().map_err(|_| {
            errors::invalid(py, "max_retries", "must be an integer from 0 to 4294967295")
        })
    })
    .transpose()
}

/// A PHLO runner client.
///
/// One client holds one pool of keep-alive connections and is safe to share between threads;
/// every method releases the GIL while it waits on the network.
#[pyclass(name = "Client", module = "plivo_phlo", frozen)]
pub(crate) struct Client {
    /// `None` once closed.
    inner: Mutex<Option<plivo_phlo::Client>>,
    auth_id: String,
    base_url: String,
    timeout: f64,
    connect_timeout: f64,
    max_retries: u32,
}

/// How often a call waiting on the network takes the GIL to check for signals: Ctrl-C raises
/// `KeyboardInterrupt` within about this long, and the request is abandoned (never retried).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Runs `call` with the GIL released, checking for signals every [`SIGNAL_CHECK`]; the
/// exception a signal handler raised (`KeyboardInterrupt` for Ctrl-C) ends the call.
fn interruptible<R: Send>(
    py: Python<'_>,
    call: impl FnOnce(&mut (dyn FnMut() -> bool + Send)) -> Option<plivo_phlo::Result<R>> + Send,
) -> PyResult<R> {
    let mut raised: Option<PyErr> = None;
    let out = {
        let raised = &mut raised;
        py.detach(move || {
            let mut stop = move || {
                Python::attach(|py| match py.check_signals() {
                    Ok(()) => false,
                    Err(e) => {
                        *raised = Some(e);
                        true
                    }
                })
            };
            call(&mut stop)
        })
    };
    match out {
        Some(r) => r.map_err(|e| errors::to_py(py, &e)),
        None => {
            Err(raised
                .unwrap_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted")))
        }
    }
}

/// Seconds as a `Duration`; negative, NaN or huge values are `InvalidArgumentError`.
fn seconds(py: Python<'_>, field: &str, v: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| errors::invalid(py, field, "must be a number of seconds greater than zero"))
}

impl Client {
    /// Builds a client from the core config; used by `Client(...)` and `Simulator.client()`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn build(
        py: Python<'_>,
        auth_id: Option<String>,
        auth_token: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        proxy: Option<String>,
        ca_cert_pem: Option<&Bound<'_, PyAny>>,
        validation: Option<Validation>,
        max_in_flight: Option<usize>,
    ) -> PyResult<Client> {
        let v = py.version_info();
        let mut b = Config::builder()
            .user_agent_suffix(format!("Python: {}.{}.{}", v.major, v.minor, v.patch));
        if let Some(s) = auth_id {
            b = b.auth_id(s);
        }
        if let Some(s) = auth_token {
            b = b.auth_token(s);
        }
        if let Some(s) = base_url {
            b = b.base_url(s);
        }
        if let Some(t) = timeout {
            b = b.timeout(seconds(py, "timeout", t)?);
        }
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(seconds(py, "connect_timeout", t)?);
        }
        if let Some(n) = max_retries {
            b = b.retry(RetryPolicy {
                max_attempts: n.saturating_add(1),
                ..RetryPolicy::default()
            });
        }
        if let Some(p) = proxy {
            b = b.proxy(p);
        }
        if let Some(v) = validation {
            b = b.validation(v);
        }
        if let Some(n) = max_in_flight {
            b = b.max_in_flight(n);
        }
        if let Some(pem) = ca_cert_pem {
            let bytes: Vec<u8> = if let Ok(s) = pem.cast::<PyString>() {
                s.to_cow()
                    .map_err(|_| errors::invalid(py, "ca_cert_pem", models::NOT_UNICODE))?
                    .as_bytes()
                    .to_vec()
            } else if let Ok(bs) = pem.cast::<PyBytes>() {
                bs.as_bytes().to_vec()
            } else {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "ca_cert_pem must be str or bytes",
                ));
            };
            b = b.add_ca_cert_pem(bytes);
        }
        // Reads the environment and may set up TLS roots: no GIL needed.
        let client = py
            .detach(move || b.build().and_then(plivo_phlo::Client::new))
            .map_err(|e| errors::to_py(py, &e))?;
        let c = client.config();
        Ok(Client {
            auth_id: c.auth_id().to_owned(),
            base_url: c.base_url().to_owned(),
            timeout: c.timeout().as_secs_f64(),
            connect_timeout: c.connect_timeout().as_secs_f64(),
            max_retries: c.retry().max_attempts.saturating_sub(1),
            inner: Mutex::new(Some(client)),
        })
    }

    /// The core client for one call, or `InvalidArgumentError` once closed. Every method starts
    /// here, with the GIL held, which is where the logging bridge reads the Python level.
    pub(crate) fn client(&self, py: Python<'_>) -> PyResult<plivo_phlo::Client> {
        logbridge::sync(py);
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .clone()
            .ok_or_else(|| errors::invalid(py, "client", "is closed"))
    }

    /// Runs the named operation with the GIL released.
    fn exec(&self, py: Python<'_>, name: &str, params: Params) -> PyResult<RawResponse> {
        let client = self.client(py)?;
        let op = params::from_params(py, name, params)?;
        interruptible(py, move |stop| {
            client.execute_interruptible(&op, SIGNAL_CHECK, stop)
        })
    }

    /// Runs the named operation from its `str` arguments (`None`s left out) with the GIL
    /// released, the body parsed once into the model `T`. The first argument that holds a lone
    /// surrogate is `InvalidArgumentError` naming it, as the core names any other bad argument.
    fn typed<T, const N: usize>(
        &self,
        py: Python<'_>,
        name: &str,
        args: [(&'static str, Option<&Text<'_>>); N],
    ) -> PyResult<Answer<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        let client = self.client(py)?;
        let op = params::from_texts(py, name, args)?;
        interruptible(py, move |stop| {
            client.execute_as_interruptible::<T>(&op, SIGNAL_CHECK, stop)
        })
    }

    fn member(
        &self,
        py: Python<'_>,
        name: &str,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("member_id", Some(&member_id)),
        ];
        self.typed(py, name, args).map(ActionResponse::from_answer)
    }
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (auth_id=None, auth_token=None, base_url=None, timeout=None, max_retries=None, *, connect_timeout=None, proxy=None, ca_cert_pem=None, validation=None))]
    #[pyo3(
        text_signature = "(auth_id=None, auth_token=None, base_url=None, timeout=None, max_retries=None, *, connect_timeout=None, proxy=None, ca_cert_pem=None, validation=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        auth_id: Option<Text<'_>>,
        auth_token: Option<Text<'_>>,
        base_url: Option<Text<'_>>,
        timeout: Option<f64>,
        max_retries: Option<Bound<'_, PyInt>>,
        connect_timeout: Option<f64>,
        proxy: Option<Text<'_>>,
        ca_cert_pem: Option<Bound<'_, PyAny>>,
        validation: Option<Text<'_>>,
    ) -> PyResult<Client> {
        let validation = opt_text(py, "validation", validation)?
            .map(|v| Validation::parse(&v))
            .transpose()
            .map_err(|e| errors::to_py(py, &e))?;
        Client::build(
            py,
            opt_text(py, "auth_id", auth_id)?,
            opt_text(py, "auth_token", auth_token)?,
            opt_text(py, "base_url", base_url)?,
            timeout,
            connect_timeout,
            retries(py, max_retries)?,
            opt_text(py, "proxy", proxy)?,
            ca_cert_pem.as_ref(),
            validation,
            None,
        )
    }

    /// The auth id in use.
    #[getter]
    pub(crate) fn auth_id(&self) -> &str {
        &self.auth_id
    }
    /// The runner base URL in use, without a trailing slash.
    #[getter]
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Seconds allowed for one request.
    #[getter]
    pub(crate) fn timeout(&self) -> f64 {
        self.timeout
    }
    /// Seconds allowed to open a connection.
    #[getter]
    pub(crate) fn connect_timeout(&self) -> f64 {
        self.connect_timeout
    }
    /// Retries after the first attempt, at most (the core decides which failures are retried).
    #[getter]
    pub(crate) fn max_retries(&self) -> u32 {
        self.max_retries
    }
    /// Whether `close()` was called.
    #[getter]
    pub(crate) fn closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// Closes the connection pool. Later calls raise `InvalidArgumentError`. Idempotent.
    pub(crate) fn close(&self, py: Python<'_>) {
        let client = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take();
        // Dropping the last handle closes its connections.
        py.detach(move || drop(client));
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        format!(
            "Client(auth_id={:?}, base_url={:?})",
            self.auth_id, self.base_url
        )
    }

    /// `GET /v1/phlo/{phlo_id}`: a PHLO's metadata.
    fn get_phlo(&self, py: Python<'_>, phlo_id: Text<'_>) -> PyResult<Phlo> {
        self.typed(py, "get_phlo", [("phlo_id", Some(&phlo_id))])
            .map(Phlo::from_answer)
    }

    /// `POST /v1/account/{auth_id}/phlo/{phlo_id}`: starts a run with optional start variables
    /// (entries whose value is `None` are dropped; no payload sends `{}`).
    #[pyo3(signature = (phlo_id, payload=None))]
    fn run_phlo(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        payload: Option<Bound<'_, PyAny>>,
    ) -> PyResult<PhloRunStarted> {
        let payload = models::mapping_arg("payload", payload.as_ref())?;
        let p = params! {"phlo_id" => phlo_id, "payload" => payload};
        // The payload is a JSON value, so this one goes through a JSON object; the body is still
        // parsed once.
        let client = self.client(py)?;
        let op = params::from_params(py, "run_phlo", p)?;
        interruptible(py, move |stop| {
            client.execute_as_interruptible(&op, SIGNAL_CHECK, stop)
        })
        .map(PhloRunStarted::from_answer)
    }

    /// `GET /v1/phlo/{phlo_id}/runs/{run_id}` (legacy endpoint).
    fn get_phlo_run(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        run_id: Text<'_>,
    ) -> PyResult<PhloRun> {
        let args = [("phlo_id", Some(&phlo_id)), ("run_id", Some(&run_id))];
        self.typed(py, "get_phlo_run", args)
            .map(PhloRun::from_answer)
    }

    /// `GET /v1/phlo/{phlo_id}/{node_type}/{node_id}`; `node_type` is `multi_party_call` or
    /// `conference_bridge`.
    fn get_node(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_type: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Node> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_type", Some(&node_type)),
            ("node_id", Some(&node_id)),
        ];
        self.typed(py, "get_node", args).map(Node::from_answer)
    }

    /// Reads a multi-party-call node.
    fn get_multi_party_call(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Node> {
        let args = [("phlo_id", Some(&phlo_id)), ("node_id", Some(&node_id))];
        self.typed(py, "get_multi_party_call", args)
            .map(Node::from_answer)
    }

    /// Reads a conference-bridge node.
    fn get_conference_bridge(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Node> {
        let args = [("phlo_id", Some(&phlo_id)), ("node_id", Some(&node_id))];
        self.typed(py, "get_conference_bridge", args)
            .map(Node::from_answer)
    }

    /// Dials `to` into the multi-party call with `role`, on behalf of `trigger_source`.
    fn mpc_call(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        trigger_source: Text<'_>,
        to: Text<'_>,
        role: Text<'_>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("trigger_source", Some(&trigger_source)),
            ("to", Some(&to)),
            ("role", Some(&role)),
        ];
        self.typed(py, "mpc_call", args)
            .map(ActionResponse::from_answer)
    }

    /// Warm (consultative) transfer to `to`; `role` defaults to `agent`.
    #[pyo3(signature = (phlo_id, node_id, trigger_source, to, role=None))]
    fn mpc_warm_transfer(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        trigger_source: Text<'_>,
        to: Text<'_>,
        role: Option<Text<'_>>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("trigger_source", Some(&trigger_source)),
            ("to", Some(&to)),
            ("role", role.as_ref()),
        ];
        self.typed(py, "mpc_warm_transfer", args)
            .map(ActionResponse::from_answer)
    }

    /// Cold (blind) transfer to `to`, the initiator leaves; `role` defaults to `agent`.
    #[pyo3(signature = (phlo_id, node_id, trigger_source, to, role=None))]
    fn mpc_cold_transfer(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        trigger_source: Text<'_>,
        to: Text<'_>,
        role: Option<Text<'_>>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("trigger_source", Some(&trigger_source)),
            ("to", Some(&to)),
            ("role", role.as_ref()),
        ];
        self.typed(py, "mpc_cold_transfer", args)
            .map(ActionResponse::from_answer)
    }

    /// Cancels the transfer this member started.
    fn mpc_member_abort_transfer(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_abort_transfer", phlo_id, node_id, member_id)
    }
    /// Completes a warm transfer: the member goes back into the call.
    fn mpc_member_resume_call(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_resume_call", phlo_id, node_id, member_id)
    }
    /// Leaves the node's voicemail on the member's line and drops them.
    fn mpc_member_voicemail_drop(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_voicemail_drop", phlo_id, node_id, member_id)
    }
    /// Disconnects a multi-party-call member.
    fn mpc_member_hangup(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_hangup", phlo_id, node_id, member_id)
    }
    /// Puts a multi-party-call member on hold.
    fn mpc_member_hold(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_hold", phlo_id, node_id, member_id)
    }
    /// Takes a multi-party-call member off hold.
    fn mpc_member_unhold(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_unhold", phlo_id, node_id, member_id)
    }
    /// Mutes a multi-party-call member.
    fn mpc_member_mute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_mute", phlo_id, node_id, member_id)
    }
    /// Unmutes a multi-party-call member.
    fn mpc_member_unmute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "mpc_member_unmute", phlo_id, node_id, member_id)
    }
    /// Mutes a conference-bridge member.
    fn bridge_member_mute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "bridge_member_mute", phlo_id, node_id, member_id)
    }
    /// Unmutes a conference-bridge member.
    fn bridge_member_unmute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "bridge_member_unmute", phlo_id, node_id, member_id)
    }
    /// Disconnects a conference-bridge member.
    fn bridge_member_hangup(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<ActionResponse> {
        self.member(py, "bridge_member_hangup", phlo_id, node_id, member_id)
    }

    /// Any multi-party-call action; `role` is left out of the body when `None`.
    #[pyo3(signature = (phlo_id, node_id, action, trigger_source, to, role=None))]
    #[allow(clippy::too_many_arguments)]
    fn node_action(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        action: Text<'_>,
        trigger_source: Text<'_>,
        to: Text<'_>,
        role: Option<Text<'_>>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("action", Some(&action)),
            ("trigger_source", Some(&trigger_source)),
            ("to", Some(&to)),
            ("role", role.as_ref()),
        ];
        self.typed(py, "node_action", args)
            .map(ActionResponse::from_answer)
    }

    /// Any member action on either node type.
    fn member_action(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_type: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
        action: Text<'_>,
    ) -> PyResult<ActionResponse> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_type", Some(&node_type)),
            ("node_id", Some(&node_id)),
            ("member_id", Some(&member_id)),
            ("action", Some(&action)),
        ];
        self.typed(py, "member_action", args)
            .map(ActionResponse::from_answer)
    }

    /// A request the typed methods lack: `method` (GET, POST, PUT, DELETE), a path from `/v1/`,
    /// an optional JSON body (a dict; a POST without one sends `{}`).
    #[pyo3(signature = (method, path, body=None))]
    fn raw(
        &self,
        py: Python<'_>,
        method: Text<'_>,
        path: Text<'_>,
        body: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Response> {
        let body = models::mapping_arg("body", body.as_ref())?;
        let p = params! {"method" => method, "path" => path, "body" => body};
        self.exec(py, "raw", p).map(Response::from_raw)
    }

    /// Runs any named operation (see `plivo_phlo.operations()`) with keyword parameters, e.g.
    /// `call("mpc_cold_transfer", phlo_id=..., node_id=..., trigger_source=..., to=...)`.
    #[pyo3(signature = (name, /, **params))]
    fn call(
        &self,
        py: Python<'_>,
        name: Text<'_>,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<Response> {
        let name = name.get(py, "operation")?;
        let map = params::kwargs(py, params.as_ref())?;
        self.exec(py, &name, Ok(map)).map(Response::from_raw)
    }
}

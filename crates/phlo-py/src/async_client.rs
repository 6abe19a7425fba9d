//! The `AsyncClient` class: `Client`'s methods for asyncio, each returning an awaitable.
//!
//! Every method checks its arguments and builds the core operation when it is called (the same
//! helpers as `Client`, [`crate::params`]), then hands the core's async call
//! ([`plivo_phlo::AsyncClient`]) to [`crate::bridge`], which runs it on the background runtime
//! when the returned coroutine is first awaited and completes it on the event loop. The methods
//! are one line each over [`AsyncClient::typed`] and [`AsyncClient::json`], in `Client`'s order.

use plivo_phlo::{Answer, Operation, Prepared};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyTuple};

use crate::bridge::{self, Call};
use crate::client::{opt_text, retries, Client};
use crate::errors;
use crate::models::{self, ActionResponse, Node, Phlo, PhloRun, PhloRunStarted, Response, Text};
use crate::params::{self, params, Params};

/// A PHLO runner client for asyncio: `Client`'s methods, each a coroutine.
#[pyclass(name = "AsyncClient", module = "plivo_phlo", frozen)]
pub(crate) struct AsyncClient {
    /// The same settings and core client as a blocking `Client`; each call takes its async face.
    face: Client,
    max_in_flight: usize,
}

/// `max_in_flight` as a count from 1 up; others are `InvalidArgumentError` (a non-`int` is a
/// `TypeError`).
pub(crate) fn in_flight(py: Python<'_>, v: Option<Bound<'_, PyInt>>) -> PyResult<Option<usize>> {
    v.map(|n| {
        n.extract::<usize>()
            .map_err(|_| errors::invalid(py, "max_in_flight", "must be greater than zero"))
    })
    .transpose()
}

/// `op` checked and built into its request now, so that a bad argument raises at the call.
fn prepare(py: Python<'_>, client: &plivo_phlo::AsyncClient, op: Operation) -> PyResult<Prepared> {
    client.prepare(op).map_err(|e| errors::to_py(py, &e))
}

/// The coroutine sending `op` when awaited, its answer parsed once into the model `T` and
/// wrapped by `wrap` into the result class.
fn parsed<T, R>(
    py: Python<'_>,
    client: plivo_phlo::AsyncClient,
    name: &'static str,
    op: Operation,
    wrap: fn(Answer<T>) -> R,
) -> PyResult<Call>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    R: for<'py> IntoPyObject<'py> + 'static,
{
    let op = prepare(py, &client, op)?;
    let run = async move { client.execute_prepared_as::<T>(&op).await };
    Ok(Call::new(name, bridge::start(run, wrap)))
}

impl AsyncClient {
    /// Wraps a blocking client's settings and core client; used by `AsyncClient(...)` and
    /// `Simulator.async_client()`.
    pub(crate) fn from_client(py: Python<'_>, face: Client) -> PyResult<AsyncClient> {
        let max_in_flight = face.client(py)?.config().max_in_flight();
        Ok(AsyncClient {
            face,
            max_in_flight,
        })
    }

    /// A typed method: its `str` arguments (`None`s left out) as the named operation, its answer
    /// parsed once into the model `T` and wrapped by `wrap` into the result class.
    fn typed<T, R, const N: usize>(
        &self,
        py: Python<'_>,
        name: &'static str,
        args: [(&'static str, Option<&Text<'_>>); N],
        wrap: fn(Answer<T>) -> R,
    ) -> PyResult<Call>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
        R: for<'py> IntoPyObject<'py> + 'static,
    {
        let client = self.face.client(py)?.to_async();
        let op = params::from_texts(py, name, args)?;
        parsed(py, client, name, op, wrap)
    }

    /// A method whose arguments include JSON values: the named operation from a JSON object,
    /// its answer parsed once into `T`.
    fn json<T, R>(
        &self,
        py: Python<'_>,
        name: &'static str,
        p: Params,
        wrap: fn(Answer<T>) -> R,
    ) -> PyResult<Call>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
        R: for<'py> IntoPyObject<'py> + 'static,
    {
        let client = self.face.client(py)?.to_async();
        let op = params::from_params(py, name, p)?;
        parsed(py, client, name, op, wrap)
    }

    /// Any named operation, answered with the generic `Response`.
    fn generic(&self, py: Python<'_>, name: &str, p: Params) -> PyResult<Call> {
        let client = self.face.client(py)?.to_async();
        let op = prepare(py, &client, params::from_params(py, name, p)?)?;
        let run = async move { client.execute_prepared(&op).await };
        Ok(Call::new("call", bridge::start(run, Response::from_raw)))
    }

    fn member(
        &self,
        py: Python<'_>,
        name: &'static str,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        let args = [
            ("phlo_id", Some(&phlo_id)),
            ("node_id", Some(&node_id)),
            ("member_id", Some(&member_id)),
        ];
        self.typed(py, name, args, ActionResponse::from_answer)
    }
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (auth_id=None, auth_token=None, base_url=None, timeout=None, max_retries=None, *, connect_timeout=None, proxy=None, ca_cert_pem=None, max_in_flight=None))]
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
        max_in_flight: Option<Bound<'_, PyInt>>,
    ) -> PyResult<AsyncClient> {
        let face = Client::build(
            py,
            opt_text(py, "auth_id", auth_id)?,
            opt_text(py, "auth_token", auth_token)?,
            opt_text(py, "base_url", base_url)?,
            timeout,
            connect_timeout,
            retries(py, max_retries)?,
            opt_text(py, "proxy", proxy)?,
            ca_cert_pem.as_ref(),
            None,
            in_flight(py, max_in_flight)?,
        )?;
        AsyncClient::from_client(py, face)
    }

    /// The auth id in use.
    #[getter]
    fn auth_id(&self) -> &str {
        self.face.auth_id()
    }
    /// The runner base URL in use, without a trailing slash.
    #[getter]
    fn base_url(&self) -> &str {
        self.face.base_url()
    }
    /// Seconds allowed for one request (the wait for a free slot included).
    #[getter]
    fn timeout(&self) -> f64 {
        self.face.timeout()
    }
    /// Seconds allowed to open a connection.
    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.face.connect_timeout()
    }
    /// Retries after the first attempt, at most (the core decides which failures are retried).
    #[getter]
    fn max_retries(&self) -> u32 {
        self.face.max_retries()
    }
    /// Most requests in flight at once; further calls wait for a slot.
    #[getter]
    fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }
    /// Whether `aclose()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.face.closed()
    }

    /// Closes the client: later calls raise `InvalidArgumentError`; calls under way finish.
    /// Idempotent. Returns an awaitable (done at once).
    fn aclose(&self, py: Python<'_>) -> Call {
        self.face.close(py);
        Call::ready("aclose", py.None())
    }

    fn __aenter__(slf: Py<Self>) -> Call {
        Call::ready("__aenter__", slf.into_any())
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> Call {
        self.face.close(py);
        Call::ready(
            "__aexit__",
            PyBool::new(py, false).to_owned().into_any().unbind(),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "AsyncClient(auth_id={:?}, base_url={:?})",
            self.face.auth_id(),
            self.face.base_url()
        )
    }

    /// `GET /v1/phlo/{phlo_id}`: a PHLO's metadata.
    fn get_phlo(&self, py: Python<'_>, phlo_id: Text<'_>) -> PyResult<Call> {
        self.typed(
            py,
            "get_phlo",
            [("phlo_id", Some(&phlo_id))],
            Phlo::from_answer,
        )
    }

    /// `POST /v1/account/{auth_id}/phlo/{phlo_id}`: starts a run with optional start variables
    /// (entries whose value is `None` are dropped; no payload sends `{}`).
    #[pyo3(signature = (phlo_id, payload=None))]
    fn run_phlo(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        payload: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Call> {
        let payload = models::mapping_arg("payload", payload.as_ref())?;
        self.json(
            py,
            "run_phlo",
            params! {"phlo_id" => phlo_id, "payload" => payload},
            PhloRunStarted::from_answer,
        )
    }

    /// `GET /v1/phlo/{phlo_id}/runs/{run_id}` (legacy endpoint).
    fn get_phlo_run(&self, py: Python<'_>, phlo_id: Text<'_>, run_id: Text<'_>) -> PyResult<Call> {
        self.typed(
            py,
            "get_phlo_run",
            [("phlo_id", Some(&phlo_id)), ("run_id", Some(&run_id))],
            PhloRun::from_answer,
        )
    }

    /// `GET /v1/phlo/{phlo_id}/{node_type}/{node_id}`; `node_type` is `multi_party_call` or
    /// `conference_bridge`.
    fn get_node(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_type: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Call> {
        self.typed(
            py,
            "get_node",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_type", Some(&node_type)),
                ("node_id", Some(&node_id)),
            ],
            Node::from_answer,
        )
    }

    /// Reads a multi-party-call node.
    fn get_multi_party_call(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Call> {
        self.typed(
            py,
            "get_multi_party_call",
            [("phlo_id", Some(&phlo_id)), ("node_id", Some(&node_id))],
            Node::from_answer,
        )
    }

    /// Reads a conference-bridge node.
    fn get_conference_bridge(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
    ) -> PyResult<Call> {
        self.typed(
            py,
            "get_conference_bridge",
            [("phlo_id", Some(&phlo_id)), ("node_id", Some(&node_id))],
            Node::from_answer,
        )
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
    ) -> PyResult<Call> {
        self.typed(
            py,
            "mpc_call",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_id", Some(&node_id)),
                ("trigger_source", Some(&trigger_source)),
                ("to", Some(&to)),
                ("role", Some(&role)),
            ],
            ActionResponse::from_answer,
        )
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
    ) -> PyResult<Call> {
        self.typed(
            py,
            "mpc_warm_transfer",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_id", Some(&node_id)),
                ("trigger_source", Some(&trigger_source)),
                ("to", Some(&to)),
                ("role", role.as_ref()),
            ],
            ActionResponse::from_answer,
        )
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
    ) -> PyResult<Call> {
        self.typed(
            py,
            "mpc_cold_transfer",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_id", Some(&node_id)),
                ("trigger_source", Some(&trigger_source)),
                ("to", Some(&to)),
                ("role", role.as_ref()),
            ],
            ActionResponse::from_answer,
        )
    }

    /// Cancels the transfer this member started.
    fn mpc_member_abort_transfer(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_abort_transfer", phlo_id, node_id, member_id)
    }
    /// Completes a warm transfer: the member goes back into the call.
    fn mpc_member_resume_call(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_resume_call", phlo_id, node_id, member_id)
    }
    /// Leaves the node's voicemail on the member's line and drops them.
    fn mpc_member_voicemail_drop(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_voicemail_drop", phlo_id, node_id, member_id)
    }
    /// Disconnects a multi-party-call member.
    fn mpc_member_hangup(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_hangup", phlo_id, node_id, member_id)
    }
    /// Puts a multi-party-call member on hold.
    fn mpc_member_hold(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_hold", phlo_id, node_id, member_id)
    }
    /// Takes a multi-party-call member off hold.
    fn mpc_member_unhold(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_unhold", phlo_id, node_id, member_id)
    }
    /// Mutes a multi-party-call member.
    fn mpc_member_mute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_mute", phlo_id, node_id, member_id)
    }
    /// Unmutes a multi-party-call member.
    fn mpc_member_unmute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "mpc_member_unmute", phlo_id, node_id, member_id)
    }
    /// Mutes a conference-bridge member.
    fn bridge_member_mute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "bridge_member_mute", phlo_id, node_id, member_id)
    }
    /// Unmutes a conference-bridge member.
    fn bridge_member_unmute(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
        self.member(py, "bridge_member_unmute", phlo_id, node_id, member_id)
    }
    /// Disconnects a conference-bridge member.
    fn bridge_member_hangup(
        &self,
        py: Python<'_>,
        phlo_id: Text<'_>,
        node_id: Text<'_>,
        member_id: Text<'_>,
    ) -> PyResult<Call> {
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
    ) -> PyResult<Call> {
        self.typed(
            py,
            "node_action",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_id", Some(&node_id)),
                ("action", Some(&action)),
                ("trigger_source", Some(&trigger_source)),
                ("to", Some(&to)),
                ("role", role.as_ref()),
            ],
            ActionResponse::from_answer,
        )
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
    ) -> PyResult<Call> {
        self.typed(
            py,
            "member_action",
            [
                ("phlo_id", Some(&phlo_id)),
                ("node_type", Some(&node_type)),
                ("node_id", Some(&node_id)),
                ("member_id", Some(&member_id)),
                ("action", Some(&action)),
            ],
            ActionResponse::from_answer,
        )
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
    ) -> PyResult<Call> {
        let body = models::mapping_arg("body", body.as_ref())?;
        self.generic(
            py,
            "raw",
            params! {"method" => method, "path" => path, "body" => body},
        )
    }

    /// Runs any named operation (see `plivo_phlo.operations()`) with keyword parameters.
    #[pyo3(signature = (name, /, **params))]
    fn call(
        &self,
        py: Python<'_>,
        name: Text<'_>,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<Call> {
        let name = name.get(py, "operation")?;
        self.generic(py, &name, Ok(params::kwargs(py, params.as_ref())?))
    }
}

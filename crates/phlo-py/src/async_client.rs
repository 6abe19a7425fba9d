//! The `AsyncClient` class: `Client`'s methods for asyncio, each returning an awaitable.
//!
//! The constructor and the method of each operation are generated from the core's tables into
//! `async_methods.rs` (`cargo xtask gen`), as `Client`'s are into `methods.rs`. Every method
//! checks its arguments and builds the core operation when it is called (the builders of
//! `client.rs`, shared with `Client`), then hands the core's async call
//! ([`plivo_phlo::AsyncClient`]) to [`crate::bridge`], which runs it on the background runtime
//! when the returned coroutine is first awaited and completes it on the event loop.

use plivo_phlo::{Answer, Operation, Prepared};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyTuple};

use crate::bridge::{self, Call};
use crate::client::{op_from_json, op_from_kwargs, op_from_texts, Client, Param};
use crate::errors;
use crate::models::{Response, Text};

/// A PHLO runner client for asyncio: `Client`'s methods, each a coroutine.
#[pyclass(name = "AsyncClient", module = "plivo_phlo", frozen)]
pub(crate) struct AsyncClient {
    /// The same settings and core client as a blocking `Client`; each call takes its async face.
    face: Client,
    max_in_flight: usize,
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

    /// [`AsyncClient::from_client`] from the generated constructor's arguments (the same as
    /// `Client`'s).
    pub(crate) fn from_args<'py, const N: usize>(
        py: Python<'py>,
        auth_id: Option<Text<'py>>,
        auth_token: Option<Text<'py>>,
        options: [(&str, Option<Bound<'py, PyAny>>); N],
    ) -> PyResult<AsyncClient> {
        let face = Client::from_args(py, auth_id, auth_token, options)?;
        AsyncClient::from_client(py, face)
    }

    /// A typed method whose arguments are all `str`: the named operation from name/value
    /// pairs, its answer parsed once into the model `T` and wrapped by `wrap`.
    pub(crate) fn typed_async<T, R, const N: usize>(
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
        let client = self.face.client(py)?;
        let op = op_from_texts(py, &client, name, args)?;
        parsed(py, client.to_async(), name, op, wrap)
    }

    /// A typed method whose arguments include a JSON value: the named operation from a JSON
    /// object, its answer parsed once into `T` and wrapped by `wrap`.
    pub(crate) fn typed_json_async<T, R>(
        &self,
        py: Python<'_>,
        name: &'static str,
        params: &[(&'static str, Param<'_, '_>)],
        wrap: fn(Answer<T>) -> R,
    ) -> PyResult<Call>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
        R: for<'py> IntoPyObject<'py> + 'static,
    {
        let client = self.face.client(py)?;
        let op = op_from_json(py, &client, name, params)?;
        parsed(py, client.to_async(), name, op, wrap)
    }

    /// An operation answered with the generic `Response` (`raw`).
    pub(crate) fn generic_async(
        &self,
        py: Python<'_>,
        name: &'static str,
        params: &[(&'static str, Param<'_, '_>)],
    ) -> PyResult<Call> {
        let client = self.face.client(py)?;
        let op = op_from_json(py, &client, name, params)?;
        self.send(py, name, client, op)
    }

    /// The coroutine sending `op`, answered with the generic `Response`.
    fn send(
        &self,
        py: Python<'_>,
        name: &'static str,
        client: plivo_phlo::Client,
        op: Operation,
    ) -> PyResult<Call> {
        let client = client.to_async();
        let op = prepare(py, &client, op)?;
        let run = async move { client.execute_prepared(&op).await };
        Ok(Call::new(name, bridge::start(run, Response::from_raw)))
    }
}

#[pymethods]
impl AsyncClient {
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

    /// Runs any named operation (see `plivo_phlo.operations()`) with keyword parameters.
    #[pyo3(signature = (name, /, **params))]
    fn call(
        &self,
        py: Python<'_>,
        name: Text<'_>,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<Call> {
        let client = self.face.client(py)?;
        let op = op_from_kwargs(py, &client, name, params)?;
        self.send(py, "call", client, op)
    }
}

//! The `Client` class: its state, the helpers its methods use, and the methods that are not
//! operations (getters, `close`, the context manager, `call`).
//!
//! The constructor and the method of each operation are generated from the core's tables into
//! `methods.rs` (`cargo xtask gen`); each hands its arguments to one of the helpers here:
//! [`Client::typed`] (all `str` arguments: name/value pairs for
//! [`plivo_phlo::Operation::from_strings`], no JSON), [`Client::typed_json`] and
//! [`Client::generic`] (a JSON value among them: a JSON object for
//! [`plivo_phlo::Operation::from_params`]). Each runs the operation with the GIL released; the
//! core validates, applies defaults, sends, retries and maps errors. A call waiting on the
//! network checks for signals every 50 ms ([`interruptible`]), so Ctrl-C ends it. The builders
//! of operations ([`op_from_texts`], [`op_from_json`], [`op_from_kwargs`]) are shared with
//! `AsyncClient`. The constructor's keyword
//! arguments are the core's options ([`plivo_phlo::OPTIONS`]), turned into
//! [`plivo_phlo::OptionValue`]s by [`Client::build`].

use std::sync::Mutex;
use std::time::Duration;

use plivo_phlo::{
    Answer, Config, ConfigBuilder, Operation, OptionKind, OptionSpec, OptionValue, RawResponse,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::errors;
use crate::logbridge;
use crate::models::{self, Response, Text};

/// One argument of an operation whose parameters include a JSON value.
pub(crate) enum Param<'a, 'py> {
    /// A `str` parameter (`None`: not given).
    Text(Option<&'a Text<'py>>),
    /// A JSON-valued parameter: a mapping or `None` (see [`models::mapping_arg`]).
    Mapping(Option<&'a Bound<'py, PyAny>>),
}

/// The JSON object of an operation's parameters, leaving out those not given.
fn json_params(
    py: Python<'_>,
    params: &[(&'static str, Param<'_, '_>)],
) -> PyResult<Map<String, Value>> {
    let mut m = Map::new();
    for (name, p) in params {
        let v = match p {
            Param::Text(None) => continue,
            Param::Text(Some(t)) => Value::String(t.get(py, name)?),
            Param::Mapping(obj) => models::mapping_arg(name, *obj)?,
        };
        if !v.is_null() {
            m.insert((*name).to_owned(), v);
        }
    }
    Ok(m)
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

/// The named operation from its `str` arguments (`None`s left out), checked by the core. The
/// first argument that holds a lone surrogate is `InvalidArgumentError` naming it, as the core
/// names any other bad argument. Shared by `Client` and `AsyncClient`.
pub(crate) fn op_from_texts<const N: usize>(
    py: Python<'_>,
    client: &plivo_phlo::Client,
    name: &str,
    args: [(&'static str, Option<&Text<'_>>); N],
) -> PyResult<Operation> {
    let texts = args.map(|(k, v)| (k, v.map(Text::utf8)));
    let mut pairs = [("", ""); N];
    let mut n = 0;
    for (k, v) in &texts {
        match v {
            None => continue,
            Some(Ok(s)) => pairs[n] = (*k, s.as_ref()),
            Some(Err(())) => return Err(errors::invalid(py, k, models::NOT_UNICODE)),
        }
        n += 1;
    }
    // Built with the GIL held: the pairs borrow the Python strings; the operation owns copies.
    client
        .operation_from_strings(name, &pairs[..n])
        .map_err(|e| errors::to_py(py, &e))
}

/// The named operation from arguments that include a JSON value, checked by the core. Shared by
/// `Client` and `AsyncClient`.
pub(crate) fn op_from_json(
    py: Python<'_>,
    client: &plivo_phlo::Client,
    name: &str,
    params: &[(&'static str, Param<'_, '_>)],
) -> PyResult<Operation> {
    let params = json_params(py, params)?;
    client
        .operation(name, &params)
        .map_err(|e| errors::to_py(py, &e))
}

/// The named operation from `call`'s keyword parameters, each converted on its own so that an
/// error names it. Shared by `Client.call` and `AsyncClient.call`.
pub(crate) fn op_from_kwargs(
    py: Python<'_>,
    client: &plivo_phlo::Client,
    name: Text<'_>,
    params: Option<Bound<'_, PyDict>>,
) -> PyResult<Operation> {
    let name = name.get(py, "operation")?;
    let mut map = Map::new();
    for item in params.iter().flat_map(|d| d.items()) {
        let (k, v) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
        let key = k
            .cast::<PyString>()?
            .to_cow()
            .map_err(|_| errors::invalid(py, "params", models::NOT_UNICODE))?
            .into_owned();
        map.insert(key.clone(), models::from_py(&key, &v)?);
    }
    client
        .operation(&name, &map)
        .map_err(|e| errors::to_py(py, &e))
}

/// Sets the option `name` from a Python value, translated by the option's kind in the core's
/// table. A value of the wrong Python type is a `TypeError`; the core checks the rest and names
/// the option in its `InvalidArgumentError`, as it does for a name that is not an option.
fn set_option(
    py: Python<'_>,
    b: ConfigBuilder,
    name: &str,
    v: &Bound<'_, PyAny>,
) -> PyResult<ConfigBuilder> {
    let core =
        |b: ConfigBuilder, v: OptionValue<'_>| b.option(name, v).map_err(|e| errors::to_py(py, &e));
    let Some(spec) = OptionSpec::find(name) else {
        return core(b, OptionValue::Bool(false));
    };
    let wrong = |want: &str| -> PyResult<ConfigBuilder> {
        Err(PyTypeError::new_err(format!(
            "{name} must be {want}, not {}",
            v.get_type().name()?
        )))
    };
    let is_bool = v.is_instance_of::<PyBool>();
    let int = |i: &Bound<'_, PyInt>| {
        // Out of range either way: the core's message names the range.
        i.extract::<i64>()
            .map(i128::from)
            .or_else(|_| i.extract::<u64>().map(i128::from))
            .unwrap_or(i128::MAX)
    };
    match spec.kind {
        OptionKind::Seconds if !is_bool => {
            if let Ok(i) = v.cast::<PyInt>() {
                core(b, OptionValue::Int(int(i)))
            } else if let Ok(f) = v.cast::<PyFloat>() {
                core(b, OptionValue::Float(f.value()))
            } else {
                wrong("a number of seconds (int or float)")
            }
        }
        OptionKind::Count if !is_bool => match v.cast::<PyInt>() {
            Ok(i) => core(b, OptionValue::Int(int(i))),
            Err(_) => wrong("an int"),
        },
        OptionKind::Bool if is_bool => core(b, OptionValue::Bool(v.is_truthy()?)),
        OptionKind::Text | OptionKind::Choice(_) | OptionKind::Pem => {
            if let Ok(s) = v.cast::<PyString>() {
                let text = s
                    .to_cow()
                    .map_err(|_| errors::invalid(py, name, models::NOT_UNICODE))?;
                core(b, OptionValue::Text(&text))
            } else if let (OptionKind::Pem, Ok(bytes)) = (spec.kind, v.cast::<PyBytes>()) {
                core(b, OptionValue::Bytes(bytes.as_bytes()))
            } else if spec.kind == OptionKind::Pem {
                wrong("str or bytes")
            } else {
                wrong("a str")
            }
        }
        OptionKind::Seconds => wrong("a number of seconds (int or float)"),
        OptionKind::Count => wrong("an int"),
        OptionKind::Bool => wrong("a bool"),
    }
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

impl Client {
    /// Builds a client from the credentials (`None`: from the environment) and the options
    /// given as keyword arguments (`None` values left out); used by the generated constructor
    /// and by `Simulator.client()`.
    pub(crate) fn build<'py>(
        py: Python<'py>,
        auth_id: Option<String>,
        auth_token: Option<String>,
        options: impl IntoIterator<Item = (String, Bound<'py, PyAny>)>,
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
        for (name, value) in options {
            if !value.is_none() {
                b = set_option(py, b, &name, &value)?;
            }
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
            max_retries: c.retry().max_retries,
            inner: Mutex::new(Some(client)),
        })
    }

    /// [`Client::build`] from the generated constructor's arguments.
    pub(crate) fn from_args<'py, const N: usize>(
        py: Python<'py>,
        auth_id: Option<Text<'py>>,
        auth_token: Option<Text<'py>>,
        options: [(&str, Option<Bound<'py, PyAny>>); N],
    ) -> PyResult<Client> {
        let auth_id = auth_id.map(|t| t.get(py, "auth_id")).transpose()?;
        let auth_token = auth_token.map(|t| t.get(py, "auth_token")).transpose()?;
        let given = options
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)));
        Client::build(py, auth_id, auth_token, given)
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

    /// Runs the named operation from its `str` arguments (`None`s left out), the body parsed
    /// once into the model `T`, with the GIL released and Ctrl-C honoured.
    pub(crate) fn typed<T, const N: usize>(
        &self,
        py: Python<'_>,
        name: &str,
        args: [(&'static str, Option<&Text<'_>>); N],
    ) -> PyResult<Answer<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        let client = self.client(py)?;
        let op = op_from_texts(py, &client, name, args)?;
        interruptible(py, move |stop| {
            client.execute_as_interruptible::<T>(&op, SIGNAL_CHECK, stop)
        })
    }

    /// Runs the named operation whose arguments include a JSON value (a run's payload), the body
    /// parsed once into the model `T`, with the GIL released and Ctrl-C honoured.
    pub(crate) fn typed_json<T>(
        &self,
        py: Python<'_>,
        name: &str,
        params: &[(&'static str, Param<'_, '_>)],
    ) -> PyResult<Answer<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        let client = self.client(py)?;
        let op = op_from_json(py, &client, name, params)?;
        interruptible(py, move |stop| {
            client.execute_as_interruptible::<T>(&op, SIGNAL_CHECK, stop)
        })
    }

    /// Runs the named operation from a JSON object of parameters; the answer is the generic
    /// `Response`.
    pub(crate) fn generic(
        &self,
        py: Python<'_>,
        name: &str,
        params: &[(&'static str, Param<'_, '_>)],
    ) -> PyResult<Response> {
        let client = self.client(py)?;
        let op = op_from_json(py, &client, name, params)?;
        self.exec(py, client, op).map(Response::from_raw)
    }

    /// Runs `op` on `client` with the GIL released and Ctrl-C honoured.
    fn exec(
        &self,
        py: Python<'_>,
        client: plivo_phlo::Client,
        op: Operation,
    ) -> PyResult<RawResponse> {
        interruptible(py, move |stop| {
            client.execute_interruptible(&op, SIGNAL_CHECK, stop)
        })
    }
}

#[pymethods]
impl Client {
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

    /// Runs any named operation (see `plivo_phlo.operations()`) with keyword parameters, e.g.
    /// `call("mpc_cold_transfer", phlo_id=..., node_id=..., trigger_source=..., to=...)`.
    #[pyo3(signature = (name, /, **params))]
    fn call(
        &self,
        py: Python<'_>,
        name: Text<'_>,
        params: Option<Bound<'_, PyDict>>,
    ) -> PyResult<Response> {
        let client = self.client(py)?;
        let op = op_from_kwargs(py, &client, name, params)?;
        self.exec(py, client, op).map(Response::from_raw)
    }
}

//! Typed results and the JSON <-> Python conversions.
//!
//! Each result class wraps the core's model (which keeps unknown fields in `extra`) together with
//! the HTTP status and the body text as received, so Python code gets typed attributes and, when
//! it needs them, `.status`, `.text` and `.json()` (a fresh dict on each call), named as in
//! `requests`. The generic `Response` wraps no model: its body, already checked by the core, is
//! parsed only when read.
//!
//! `.raw`, the dict under its old name, stays for one release and warns (`DeprecationWarning`).
//! The old `.json` attribute (the body text) cannot stay beside the `json()` method of the same
//! name: `requests`' spelling wins, so code that read `.json` as text now gets a method, and
//! fails at once rather than on some later line.

use std::borrow::Cow;

use plivo_phlo::{Answer, RawResponse};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// A JSON value as the Python object `json.loads` would give (dict, list, str, int, float,
/// bool, None). Object key order is kept.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => dict(py, map)?.into_any(),
    })
}

/// A JSON object as a Python dict.
pub(crate) fn dict<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in map {
        d.set_item(k, to_py(py, v)?)?;
    }
    Ok(d)
}

/// How deeply containers may nest in a value turned into JSON (the run payload, a raw body, the
/// generic call's parameters, a simulator fixture). Deeper (or cyclic) data is refused rather than
/// walked: the conversion recurses, and so do serialising and dropping the JSON value.
pub(crate) const MAX_DEPTH: usize = 100;

/// Why a Python `str` cannot be sent: it holds a lone surrogate (`"\ud800"`), which is not
/// Unicode text and has no UTF-8 (or JSON) encoding.
pub(crate) const NOT_UNICODE: &str = "is not valid Unicode text (it holds a lone surrogate)";

/// A `str` argument of a client method, kept as the Python object until the method reads it. A
/// `str` holding a lone surrogate has no UTF-8 form: [`Text::utf8`] is then `Err`, so that the
/// method raises `InvalidArgumentError` naming the argument (instead of Python's
/// `UnicodeEncodeError`); anything but a `str` is a `TypeError`, as for any `str` argument.
pub(crate) struct Text<'py>(Bound<'py, PyString>);

impl<'a, 'py> FromPyObject<'a, 'py> for Text<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Text(obj.cast::<PyString>()?.to_owned()))
    }
}

impl Text<'_> {
    /// The text as UTF-8: borrowed from the `str` itself where the limited API allows it (Python
    /// 3.10 and later), else a copy; `Err` for a lone surrogate.
    pub(crate) fn utf8(&self) -> Result<Cow<'_, str>, ()> {
        self.0.to_cow().map_err(|_| ())
    }

    /// The text as an owned `String`, or `InvalidArgumentError` naming `field`.
    pub(crate) fn get(&self, py: Python<'_>, field: &str) -> PyResult<String> {
        self.utf8()
            .map(Cow::into_owned)
            .map_err(|()| crate::errors::invalid(py, field, NOT_UNICODE))
    }
}

/// A `str` as Rust text, or `InvalidArgumentError` naming `field` if it holds a lone surrogate.
fn text(field: &str, s: &Bound<'_, PyString>) -> PyResult<String> {
    match s.to_cow() {
        Ok(t) => Ok(t.into_owned()),
        Err(_) => Err(crate::errors::invalid(s.py(), field, NOT_UNICODE)),
    }
}

/// A Python value as JSON: `None`, `bool`, `int` (64-bit), finite `float`, `str`, lists and
/// tuples, and dicts with `str` keys, nested at most [`MAX_DEPTH`] deep. Anything else
/// (including a `str` with a lone surrogate) is an `InvalidArgumentError` naming `field`.
pub(crate) fn from_py(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    from_py_at(field, obj, 0)
}

fn from_py_at(field: &str, obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    let bad = |why: String| Err(crate::errors::invalid(py, field, &why));
    let nested = |depth: usize| {
        if depth >= MAX_DEPTH {
            Err(crate::errors::invalid(
                py,
                field,
                &format!("nested deeper than {MAX_DEPTH} levels (or holds itself)"),
            ))
        } else {
            Ok(depth + 1)
        }
    };
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            Ok(Value::from(i))
        } else if let Ok(u) = obj.extract::<u64>() {
            Ok(Value::from(u))
        } else {
            bad("an integer does not fit in 64 bits".into())
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        match Number::from_f64(f.value()) {
            Some(n) => Ok(Value::Number(n)),
            None => bad("NaN and infinity are not JSON".into()),
        }
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(text(field, s)?))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let depth = nested(depth)?;
        let mut map = Map::new();
        // A snapshot of the items: converting a value may run Python code (a list subclass's
        // `__iter__`) that changes this dict, which a live iterator would refuse with a panic.
        for item in d.items().iter() {
            let (k, v) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            let Ok(key) = k.cast::<PyString>() else {
                return bad(format!(
                    "dict keys must be str, not {}",
                    k.get_type().name()?
                ));
            };
            map.insert(text(field, key)?, from_py_at(field, &v, depth)?);
        }
        Ok(Value::Object(map))
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let depth = nested(depth)?;
        let mut items = Vec::new();
        for item in obj.try_iter()? {
            items.push(from_py_at(field, &item?, depth)?);
        }
        Ok(Value::Array(items))
    } else {
        bad(format!(
            "a {} is not JSON (use str, int, float, bool, None, list or dict)",
            obj.get_type().name()?
        ))
    }
}

/// A mapping argument (run payload, raw body) as a JSON value: a dict or any other
/// `collections.abc.Mapping` (copied into a dict first); `None` is JSON null. Anything else is a
/// `TypeError`.
pub(crate) fn mapping_arg(field: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match obj {
        None => Ok(Value::Null),
        Some(o) if o.is_none() => Ok(Value::Null),
        Some(o) if o.is_instance_of::<PyDict>() => from_py(field, o),
        Some(o) => match o.cast::<PyMapping>() {
            Ok(m) => {
                let d = PyDict::new(o.py());
                d.update(m)?;
                from_py(field, d.as_any())
            }
            Err(_) => Err(PyTypeError::new_err(format!(
                "{field} must be a mapping (e.g. a dict) or None, not {}",
                o.get_type().name()?
            ))),
        },
    }
}

/// A result class: the wrapped model with the status and body, the shared members (`status`,
/// `text`, `json()`, `extra`, the deprecated `raw`), string getters for the named fields, and
/// any further methods.
macro_rules! result_class {
    (
        $py_name:literal, $rust:ident, $model:ty, $doc:literal,
        fields { $($field:ident: $fdoc:literal),* $(,)? }
        $($more:tt)*
    ) => {
        #[doc = $doc]
        #[pyclass(name = $py_name, module = "plivo_phlo", frozen)]
        pub(crate) struct $rust {
            pub(crate) inner: $model,
            pub(crate) status: u16,
            pub(crate) body: String,
        }

        impl $rust {
            /// The result of a typed call: the body was parsed once, by the core, into the model.
            /// (`Response` is built by [`Response::from_raw`] instead.)
            #[allow(dead_code)]
            pub(crate) fn from_answer(a: Answer<$model>) -> Self {
                $rust {
                    inner: a.value,
                    status: a.status,
                    body: a.body,
                }
            }
        }

        #[pymethods]
        impl $rust {
            /// The HTTP status of the answer (any 2xx).
            #[getter]
            fn status(&self) -> u16 {
                self.status
            }
            /// The response body exactly as received: a JSON object, or `""` when the service
            /// answered 2xx with no body (a success whose fields are all empty).
            #[getter]
            fn text(&self) -> &str {
                &self.body
            }
            /// The response body parsed into a new dict (`{}` when there was no body).
            fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                to_py(py, &parse_body::<Value>(py, &self.body)?)
            }
            /// Deprecated: use `json()`. The response body parsed into a new dict.
            #[getter]
            fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                deprecated(py, c"`.raw` is deprecated: use `.json()`, the body parsed into a dict")?;
                self.json(py)
            }
            /// The fields of the answer this version does not know, as a new dict.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                Extra::extra(&self.inner, py, &self.body)
            }
            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other
                    .cast::<$rust>()
                    .is_ok_and(|o| o.get().status == self.status && o.get().body == self.body)
            }
            fn __hash__(&self) -> u64 {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                (self.status, &self.body).hash(&mut h);
                h.finish()
            }
            $(
                #[doc = $fdoc]
                #[getter]
                fn $field(&self) -> &str {
                    &self.inner.$field
                }
            )*
            $($more)*
        }
    };
}

fn repr_fields(name: &str, fields: &[(&str, &str)], status: u16) -> String {
    let mut s = format!("{name}(");
    for (k, v) in fields {
        s.push_str(&format!("{k}={v:?}, "));
    }
    s.push_str(&format!("status={status})"));
    s
}

result_class!(
    "Phlo", Phlo, plivo_phlo::Phlo,
    "A PHLO's metadata, from `Client.get_phlo`.",
    fields {
        api_id: "The request's id at Plivo.",
        phlo_id: "The PHLO id.",
        name: "The name given in the console.",
        created_on: "Creation time as sent: `YYYY-MM-DD HH:MM:SS.ffffff+00:00`.",
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        repr_fields("Phlo", &[("phlo_id", &i.phlo_id), ("name", &i.name)], self.status)
    }
);

result_class!(
    "PhloRunStarted", PhloRunStarted, plivo_phlo::PhloRunStarted,
    "The answer to `Client.run_phlo`: a run was started (a \"stopped ...\" message is still a success).",
    fields {
        api_id: "The request's id at Plivo, which is also the run id.",
        phlo_id: "The PHLO id.",
        message: "How far the flow went, as free text.",
    }
    /// `phlo_run_id` as sent, or `None` when the service left it out.
    #[getter]
    fn phlo_run_id(&self) -> Option<&str> {
        self.inner.phlo_run_id.as_deref()
    }
    /// The run id: `phlo_run_id` when present and non-empty, else `api_id`.
    #[getter]
    fn run_id(&self) -> &str {
        self.inner.run_id()
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        repr_fields("PhloRunStarted", &[("run_id", i.run_id()), ("message", &i.message)], self.status)
    }
);

result_class!(
    "PhloRun", PhloRun, plivo_phlo::PhloRun,
    "A PHLO run, from `Client.get_phlo_run` (legacy endpoint; missing fields read as empty).",
    fields {
        api_id: "The request's id at Plivo.",
        phlo_id: "The PHLO id.",
        run_id: "The run id.",
    }
    /// Ids of the calls the run made.
    #[getter]
    fn call_uuids(&self) -> Vec<String> {
        self.inner.call_uuids.clone()
    }
    /// Ids of the messages the run sent.
    #[getter]
    fn message_uuids(&self) -> Vec<String> {
        self.inner.message_uuids.clone()
    }
    /// Ids of the recordings the run made.
    #[getter]
    fn recording_ids(&self) -> Vec<String> {
        self.inner.recording_ids.clone()
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        let calls = i.call_uuids.len().to_string();
        repr_fields("PhloRun", &[("run_id", &i.run_id), ("calls", &calls)], self.status)
    }
);

result_class!(
    "Node", Node, plivo_phlo::Node,
    "A node's metadata, from `Client.get_node`, `get_multi_party_call` or `get_conference_bridge`.",
    fields {
        api_id: "The request's id at Plivo.",
        node_id: "The node id.",
        phlo_id: "The PHLO id.",
        name: "The node's name, e.g. `Multi-Party Call_1`.",
        node_type: "`multi_party_call` or `conference_bridge`.",
        created_on: "Creation time as sent.",
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        repr_fields(
            "Node",
            &[("node_id", &i.node_id), ("node_type", &i.node_type), ("name", &i.name)],
            self.status,
        )
    }
);

result_class!(
    "ActionResponse", ActionResponse, plivo_phlo::ActionResponse,
    "The answer to a node or member action.",
    fields {
        api_id: "The request's id at Plivo.",
        error: "`\"\"` on success; kept as sent, never turned into an exception.",
    }
    fn __repr__(&self) -> String {
        let i = &self.inner;
        repr_fields("ActionResponse", &[("api_id", &i.api_id), ("error", &i.error)], self.status)
    }
);

/// Warns that a name is deprecated, at the caller's line.
fn deprecated(py: Python<'_>, message: &std::ffi::CStr) -> PyResult<()> {
    let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
    PyErr::warn(py, &category, message, 1)
}

/// A result's body text parsed on demand (`.json()`, and `Response.extra`): an empty body (the
/// service answered 2xx with none) is the empty object, as the core reads it. A failure is
/// `InvalidArgumentError` naming `body`.
fn parse_body<T: serde::de::DeserializeOwned>(py: Python<'_>, body: &str) -> PyResult<T> {
    let body = if body.is_empty() { "{}" } else { body };
    serde_json::from_str(body).map_err(|e| crate::errors::invalid(py, "body", &e.to_string()))
}

/// How a result class gives `.extra`, the fields this version does not know.
pub(crate) trait Extra {
    fn extra<'py>(&self, py: Python<'py>, body: &str) -> PyResult<Bound<'py, PyDict>>;
}

/// The typed models keep the unknown fields, parsed with the rest, in their `extra` map.
macro_rules! extra_field {
    ($($model:ty),*) => {$(
        impl Extra for $model {
            fn extra<'py>(&self, py: Python<'py>, _body: &str) -> PyResult<Bound<'py, PyDict>> {
                dict(py, &self.extra)
            }
        }
    )*};
}
extra_field!(
    plivo_phlo::Phlo,
    plivo_phlo::PhloRunStarted,
    plivo_phlo::PhloRun,
    plivo_phlo::Node,
    plivo_phlo::ActionResponse
);

/// The model of `Response` (the generic `Client.call` and `Client.raw`): nothing. The core has
/// already checked the body against the operation's model (a JSON object in every case), and a
/// caller of the generic entry points reads `.text` or `.json()` (the drop-in reads `.text`), so
/// the body is not parsed again into a map that would only be thrown away; `.extra` (every
/// field) parses it when read.
pub(crate) struct Unparsed;

impl Extra for Unparsed {
    fn extra<'py>(&self, py: Python<'py>, body: &str) -> PyResult<Bound<'py, PyDict>> {
        dict(py, &parse_body::<Map<String, Value>>(py, body)?)
    }
}

result_class!(
    "Response", Response, Unparsed,
    "The answer to `Client.call` or `Client.raw`: the status and the JSON object as received.",
    fields {}
    fn __repr__(&self) -> String {
        let mut shown = self.body.clone();
        if shown.len() > 200 {
            let mut end = 200;
            while !shown.is_char_boundary(end) {
                end -= 1;
            }
            shown.truncate(end);
            shown.push_str("...");
        }
        format!("Response(status={}, text={shown:?})", self.status)
    }
);

impl Response {
    /// The answer of the generic entry point, which checked the body against the operation's
    /// model, as a `Response` (see [`Unparsed`]).
    pub(crate) fn from_raw(raw: RawResponse) -> Self {
        Response {
            inner: Unparsed,
            status: raw.status,
            body: raw.body,
        }
    }
}

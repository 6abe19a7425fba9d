//! Python arguments to a core [`Operation`]: what `Client` and `AsyncClient` share before they
//! part ways (one waits for the answer, the other awaits it).
//!
//! The typed methods hand their `str` arguments over as name/value pairs
//! ([`Operation::from_strings`]); the methods whose arguments are JSON values (`run_phlo`'s
//! payload, `raw`'s body, `call`'s keyword parameters) build a JSON object
//! ([`Operation::from_params`]). The core checks every value; what is checked here is only what
//! Python alone can get wrong (a `str` holding a lone surrogate has no UTF-8 form).

use plivo_phlo::Operation;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value};

use crate::errors;
use crate::models::{self, Text};

/// A JSON object of parameters, skipping `None`s; `Err(name)` names the first `str` argument
/// that is not valid Unicode text (a lone surrogate).
macro_rules! params {
    ($($key:literal => $val:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        let mut bad: Option<&'static str> = None;
        $(
            if $crate::params::push(&mut m, $key, $val).is_err() {
                bad.get_or_insert($key);
            }
        )*
        match bad {
            None => Ok(m),
            Some(field) => Err(field),
        }
    }};
}
pub(crate) use params;

/// An operation's parameters, or the name of the argument that could not be turned into text.
pub(crate) type Params = Result<Map<String, Value>, &'static str>;

/// A method argument as a JSON parameter: `None` when it is left out.
pub(crate) trait IntoParam {
    fn into_param(self) -> Result<Option<Value>, ()>;
}
impl IntoParam for Text<'_> {
    fn into_param(self) -> Result<Option<Value>, ()> {
        Ok(Some(Value::String(self.utf8()?.into_owned())))
    }
}
impl IntoParam for Value {
    fn into_param(self) -> Result<Option<Value>, ()> {
        Ok((!self.is_null()).then_some(self))
    }
}

/// Inserts `v` under `key` unless it is left out; `Err` for a lone surrogate.
pub(crate) fn push(m: &mut Map<String, Value>, key: &str, v: impl IntoParam) -> Result<(), ()> {
    if let Some(v) = v.into_param()? {
        m.insert(key.to_owned(), v);
    }
    Ok(())
}

/// The named operation from its `str` arguments (`None`s left out), checked by the core. The
/// first argument that holds a lone surrogate is `InvalidArgumentError` naming it, as the core
/// names any other bad argument.
pub(crate) fn from_texts<const N: usize>(
    py: Python<'_>,
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
    Operation::from_strings(name, &pairs[..n]).map_err(|e| errors::to_py(py, &e))
}

/// The named operation from a JSON object of parameters, checked by the core.
pub(crate) fn from_params(py: Python<'_>, name: &str, params: Params) -> PyResult<Operation> {
    let params = params.map_err(|field| errors::invalid(py, field, models::NOT_UNICODE))?;
    Operation::from_params(name, &params).map_err(|e| errors::to_py(py, &e))
}

/// `call`'s keyword parameters as a JSON object, each converted on its own so that an error
/// names it.
pub(crate) fn kwargs(
    py: Python<'_>,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<Map<String, Value>> {
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
    Ok(map)
}

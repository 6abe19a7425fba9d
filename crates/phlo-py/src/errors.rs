//! Core errors as Python exceptions.
//!
//! The classes live in `plivo_phlo/exceptions.py` (plain Python, so they can also derive from
//! `ValueError` and `TimeoutError`); `_BY_KIND` there maps each of the core's stable kind names
//! to its class. A kind this module does not know yet becomes the base `PhloError`.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

static BY_KIND: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The Python exception for a core error: `cls(str(error), kind=..., message=..., status=...,
/// api_id=..., field=..., retry_after=..., attempts=..., body=...)`.
///
/// Building it runs Python code, where a pending signal's handler may raise (Ctrl-C's
/// `KeyboardInterrupt`); that exception is what the caller gets, as Python would give it, never a
/// wrapper. So is a failure to import the package's exceptions module (a broken install), with
/// the core error attached as a note.
pub(crate) fn to_py(py: Python<'_>, e: &plivo_phlo::Error) -> PyErr {
    match build(py, e) {
        Ok(err) => err,
        Err(failed) => {
            if !failed.is_instance_of::<PyException>(py) {
                return failed;
            }
            let note = format!("while reporting the plivo_phlo error: {e}");
            let _ = failed.value(py).call_method1("add_note", (note,));
            failed
        }
    }
}

fn build(py: Python<'_>, e: &plivo_phlo::Error) -> PyResult<PyErr> {
    let by_kind = BY_KIND.import(py, "plivo_phlo.exceptions", "_BY_KIND")?;
    let cls = match by_kind.get_item(e.kind().as_str())? {
        Some(c) => c,
        None => BASE
            .import(py, "plivo_phlo.exceptions", "PhloError")?
            .clone()
            .into_any(),
    };
    let kw = PyDict::new(py);
    kw.set_item("kind", e.kind().as_str())?;
    kw.set_item("message", e.message())?;
    kw.set_item("status", e.status())?;
    kw.set_item("api_id", e.api_id())?;
    kw.set_item("field", e.field())?;
    kw.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    kw.set_item("attempts", e.attempts())?;
    kw.set_item("body", e.body())?;
    let exc = cls.call((e.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(exc))
}

/// Shorthand: an `invalid_argument` error from the core's constructor, as a Python exception.
pub(crate) fn invalid(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    to_py(py, &plivo_phlo::Error::invalid(field, reason))
}

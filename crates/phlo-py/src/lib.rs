//! `plivo_phlo._native`: the Python face of the `plivo-phlo` core client.
//!
//! This crate translates types and nothing else. The typed methods hand their `str` arguments to
//! the core as name/value pairs ([`plivo_phlo::Operation::from_strings`]) and get the answer
//! parsed once into the core's model ([`plivo_phlo::Client::execute_as`]); `run_phlo`, `raw` and
//! the generic `call` pass a JSON object ([`plivo_phlo::Operation::from_params`]). Validation,
//! defaults (a transfer's `agent` role), URLs, retries and error mapping all happen in the core.
//! What is here:
//!
//! - [`client`]: the `Client` class and the helpers its methods use; every call releases the GIL
//!   (`Python::detach`) for the whole HTTP exchange, retries and backoff included.
//! - [`methods`]: `Client`'s constructor (every core option as a keyword argument) and one method
//!   per named operation, generated from the core's tables by `cargo xtask gen`.
//! - [`async_client`], [`async_methods`] and [`bridge`]: `AsyncClient`, the same methods for
//!   asyncio (generated the same way), and the bridge between the core's tokio futures and the
//!   event loop.
//! - [`models`]: the typed results (`Phlo`, `PhloRunStarted`, `PhloRun`, `Node`,
//!   `ActionResponse`, `Response`), each also giving `.status`, `.text` (the body text) and
//!   `.json()` (the body as a dict), and the JSON <-> Python conversions.
//! - [`errors`]: a core error becomes an instance of the class for its kind, defined in
//!   `plivo_phlo/exceptions.py`.
//! - [`sim`]: the `Simulator` class, the Rust simulator started in-process.
//! - [`logbridge`]: the core's log records (target `plivo_phlo`: method, path, status, attempt,
//!   duration; never the token) forwarded by `pyo3-log` to Python's `logging` logger
//!   `plivo_phlo`, and nothing else (the HTTP stack's own records are dropped). The Python level
//!   is read at the start of each call, so `logging` configuration takes effect from the next
//!   call, and a record the logger would drop costs nothing; the bridge is installed at the first
//!   call made once `logging` is imported, so `import plivo_phlo` does not import it.
//!
//! The public Python API is documented in `python/plivo_phlo/_native.pyi` and `docs/python.md`.

use pyo3::prelude::*;

mod async_client;
mod async_methods;
mod bridge;
mod client;
mod errors;
mod logbridge;
mod methods;
mod models;
mod sim;

/// Every named operation of the core as a list of dicts: `name`, `params` (required),
/// `optional`, `named`, `endpoint`, `action`, `node_type`, `default_role`, `doc`. These are the
/// names `Client.call` accepts.
#[pyfunction]
fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    table(py, &plivo_phlo::operations_json())
}

/// Every client option of the core as a list of dicts: `name`, `kind`, `choices`, `unit`,
/// `default`, `doc`. These are the keyword arguments of `Client`.
#[pyfunction]
fn options(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    table(py, &plivo_phlo::options_json())
}

/// One of the core's tables, from its JSON form.
fn table<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    let table: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    models::to_py(py, &table)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", plivo_phlo::VERSION)?;
    m.add("DEFAULT_BASE_URL", plivo_phlo::config::DEFAULT_BASE_URL)?;
    m.add_class::<client::Client>()?;
    m.add_class::<async_client::AsyncClient>()?;
    m.add_class::<models::Phlo>()?;
    m.add_class::<models::PhloRunStarted>()?;
    m.add_class::<models::PhloRun>()?;
    m.add_class::<models::Node>()?;
    m.add_class::<models::ActionResponse>()?;
    m.add_class::<models::Response>()?;
    m.add_class::<sim::Simulator>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(options, m)?)?;
    Ok(())
}

//! `plivo_phlo._native`: the Python face of the `plivo-phlo` core client.
//!
//! This crate translates types and nothing else. Every operation goes through the core's one
//! generic entry point, [`plivo_phlo::Client::call`], with the Python arguments as a JSON object:
//! validation, defaults (a transfer's `agent` role), URLs, retries and error mapping all happen in
//! the core. What is here:
//!
//! - [`client`]: the `Client` class, one method per named operation; every call releases the GIL
//!   (`Python::detach`) for the whole HTTP exchange, retries and backoff included.
//! - [`models`]: the typed results (`Phlo`, `PhloRunStarted`, `PhloRun`, `Node`,
//!   `ActionResponse`, `Response`), each also giving `.status`, `.json` (the body text) and
//!   `.raw` (the body as a dict), and the JSON <-> Python conversions.
//! - [`errors`]: a core error becomes an instance of the class for its kind, defined in
//!   `plivo_phlo/exceptions.py`.
//! - [`sim`]: the `Simulator` class, the Rust simulator started in-process.
//!
//! Logging: the core logs under the target `plivo_phlo` (method, path, status, attempt,
//! duration; never the token); `pyo3-log` forwards those records to Python's `logging` logger
//! `plivo_phlo` (and nothing else: the HTTP stack's own records are dropped). Loggers are cached
//! but their levels are not, so `logging` configuration changed at any time takes effect: a record
//! costs one short GIL acquisition when it is emitted.
//!
//! The public Python API is documented in `python/plivo_phlo/_native.pyi` and `docs/python.md`.

use pyo3::prelude::*;

mod client;
mod errors;
mod models;
mod sim;

/// Forwards the core's `log` records to Python's `logging` (once per process).
fn install_logging(py: Python<'_>) -> PyResult<()> {
    // Only the core's own records: the HTTP stack's (reqwest, hyper, rustls) are not part of
    // this package's interface and stay silent.
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
        .filter(log::LevelFilter::Off)
        .filter_target("plivo_phlo".to_owned(), log::LevelFilter::Debug);
    // Fails only when a logger is already installed in this module's copy of `log`: a second
    // import of the extension (e.g. a sub-interpreter) keeps the first, which is what we want.
    let _ = logger.install();
    Ok(())
}

/// Every named operation of the core as a list of dicts: `name`, `params` (required),
/// `optional`, `doc`. These are the names `Client.call` accepts.
#[pyfunction]
fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let table: serde_json::Value = serde_json::from_str(&plivo_phlo::ops::operations_json())
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    models::to_py(py, &table)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    install_logging(m.py())?;
    m.add("__version__", plivo_phlo::VERSION)?;
    m.add("DEFAULT_BASE_URL", plivo_phlo::config::DEFAULT_BASE_URL)?;
    m.add_class::<client::Client>()?;
    m.add_class::<models::Phlo>()?;
    m.add_class::<models::PhloRunStarted>()?;
    m.add_class::<models::PhloRun>()?;
    m.add_class::<models::Node>()?;
    m.add_class::<models::ActionResponse>()?;
    m.add_class::<models::Response>()?;
    m.add_class::<sim::Simulator>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    Ok(())
}

//! The bridge from the core's `log` records to Python's `logging` logger `plivo_phlo`.
//!
//! The core logs each HTTP attempt with `log::debug!(target: "plivo_phlo", ...)` and each retry
//! with `log::info!`, from inside the section where the GIL is released. `pyo3-log` forwards a
//! record by re-acquiring the GIL and asking the Python logger; done for every request, that costs
//! more than the rest of the binding's work put together, and almost always for a record that
//! the Python logger then drops (the default level is `WARNING`).
//!
//! So the decision is taken before the GIL is released, where it is cheap: [`sync`], called at the
//! start of every `Client` method, asks the Python logger `isEnabledFor(DEBUG)` and sets the `log`
//! crate's global maximum level to `Debug` or `Info` accordingly. A debug record the Python logger
//! would drop then costs one atomic load in the core; an enabled one, and every `info` record (a
//! retry, rare and followed by a sleep), goes through `pyo3-log`, which asks the logger again
//! with the GIL and hands the record to its handlers.
//!
//! Why this and not `pyo3_log::Caching::LoggersAndLevels` (levels cached inside `pyo3-log`):
//! that would make a filtered-out record free too, but a level set after the client's first
//! request would then go unnoticed until the cache is reset, and users would have to know to
//! reset it. Reading the level at each call keeps `logging` working as Python users expect —
//! `setLevel`, `logging.disable`, `dictConfig` and pytest's `caplog` take effect from the next
//! call — for one `isEnabledFor` call (a dict lookup in Python's logger cache) per method call.
//!
//! The bridge is installed lazily, at the first call made once `logging` has been imported by
//! anyone: `import plivo_phlo` does not import `logging` (about a third of the package's import
//! time). Until then nobody can have configured a handler or a level, the `log` crate's maximum
//! level stays at its initial `Off`, and records cost nothing. (With `logging` never imported,
//! Python would drop these `DEBUG`/`INFO` records anyway: its last-resort handler shows `WARNING`
//! and above only, and the core logs nothing above `INFO`.)

use log::LevelFilter;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// Python's `logging.DEBUG`.
const PY_DEBUG: u8 = 10;

/// `logging.getLogger("plivo_phlo").isEnabledFor`, once the bridge is installed.
static IS_ENABLED_FOR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// `sys.modules`, to see whether `logging` has been imported without importing it.
static SYS_MODULES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// Brings the core's log level in line with the Python logger `plivo_phlo` (see the module
/// docs); installs the bridge on the first call after `logging` was imported. Never fails: a
/// Python error here (a broken `logging`) leaves every record to `pyo3-log`.
pub(crate) fn sync(py: Python<'_>) {
    if crate::bridge::exiting() {
        // Records stay off while the interpreter exits (see `bridge::exiting`).
        return;
    }
    let is_enabled_for = match IS_ENABLED_FOR.get(py) {
        Some(f) => f,
        None => match install(py) {
            Ok(Some(f)) => f,
            Ok(None) => return,
            Err(_) => {
                log::set_max_level(LevelFilter::Debug);
                return;
            }
        },
    };
    let debug = is_enabled_for
        .call1(py, (PY_DEBUG,))
        .and_then(|r| r.is_truthy(py))
        .unwrap_or(true);
    log::set_max_level(if debug {
        LevelFilter::Debug
    } else {
        LevelFilter::Info
    });
}

/// Installs `pyo3-log` for the target `plivo_phlo` if `logging` is imported; `None` if not.
fn install(py: Python<'_>) -> PyResult<Option<&'static Py<PyAny>>> {
    let modules = SYS_MODULES.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        Ok(py
            .import(intern!(py, "sys"))?
            .getattr(intern!(py, "modules"))?
            .cast_into::<PyDict>()?
            .unbind())
    })?;
    if !modules.bind(py).contains(intern!(py, "logging"))? {
        return Ok(None);
    }
    IS_ENABLED_FOR
        .get_or_try_init(py, || {
            // Only the core's own records: the HTTP stack's (reqwest, hyper, rustls) are not
            // part of this package's interface and stay silent. Loggers are cached, levels are
            // not (`sync` reads the level before each call; `pyo3-log` reads it again for a
            // record that passes).
            let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
                .filter(LevelFilter::Off)
                .filter_target("plivo_phlo".to_owned(), LevelFilter::Debug);
            // Fails only when a logger is already installed in this module's copy of `log`: a
            // second import of the extension (e.g. a sub-interpreter) keeps the first.
            let _ = logger.install();
            let f = py
                .import(intern!(py, "logging"))?
                .call_method1(intern!(py, "getLogger"), (intern!(py, "plivo_phlo"),))?
                .getattr(intern!(py, "isEnabledFor"))?;
            Ok(f.unbind())
        })
        .map(Some)
}

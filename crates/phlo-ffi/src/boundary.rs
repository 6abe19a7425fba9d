//! The panic boundary every export runs inside, and [`Failure`], the error of a fallible export.
//!
//! Like rustls-ffi's `ffi_panic_boundary!`: a panic must never unwind into C (that is undefined
//! behaviour), so each export runs its body in [`std::panic::catch_unwind`]. Fallible exports use
//! [`fallible`], which also clears the last error first and records the failure on the way out;
//! the others use [`infallible`], which returns a fixed value (NULL, nothing) on a panic.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use plivo_phlo::Error;

use crate::error::{self, phlo_status};

/// Why a fallible export failed: the status it returns and the error behind the last error.
#[derive(Debug)]
pub struct Failure {
    /// The status the export returns.
    pub status: phlo_status,
    /// The details, recorded as this thread's last error.
    pub error: Error,
}

impl Failure {
    /// A NULL pointer where one is required: `PHLO_NULL_POINTER`, kind `invalid_argument`.
    pub fn null(field: &str) -> Failure {
        Failure {
            status: phlo_status::PHLO_NULL_POINTER,
            error: Error::invalid(field, "must not be NULL"),
        }
    }

    /// A C string that is not UTF-8: `PHLO_INVALID_UTF8`, kind `invalid_argument`.
    pub fn utf8(field: &str) -> Failure {
        Failure {
            status: phlo_status::PHLO_INVALID_UTF8,
            error: Error::invalid(field, "is not valid UTF-8"),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            status: error::status_of(error.kind()),
            error,
        }
    }
}

/// Runs the body of a fallible export: clears this thread's last error, runs `f` inside
/// `catch_unwind`, and turns its outcome into a status (recording the last error on failure).
///
/// `f` writes its out-params last, after everything that can fail, so they are written only on
/// success.
pub fn fallible(f: impl FnOnce() -> Result<(), Failure>) -> phlo_status {
    error::clear_last_error();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => phlo_status::PHLO_OK,
        Ok(Err(failure)) => {
            error::set_last_error(&failure);
            failure.status
        }
        Err(payload) => {
            error::set_last_panic(&panic_message(payload.as_ref()));
            phlo_status::PHLO_PANIC
        }
    }
}

/// Runs the body of an export that cannot fail, returning `on_panic` if it panics anyway.
pub fn infallible<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("internal error (panic): {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("internal error (panic): {s}")
    } else {
        "internal error (panic)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::take_last_error_for_test as last;

    #[test]
    fn a_panic_becomes_a_status_and_a_last_error() {
        let s = fallible(|| panic!("boom"));
        assert_eq!(s, phlo_status::PHLO_PANIC);
        let e: serde_json::Value = serde_json::from_str(&last().unwrap()).unwrap();
        assert_eq!(e["kind"], "panic");
        assert_eq!(e["status_name"], "panic");
        assert!(e["message"].as_str().unwrap().contains("boom"));
    }

    #[test]
    fn success_clears_the_last_error() {
        fallible(|| Err(Failure::null("x")));
        assert!(last().is_some());
        assert_eq!(fallible(|| Ok(())), phlo_status::PHLO_OK);
        assert!(last().is_none());
    }

    #[test]
    fn infallible_returns_the_fallback_on_panic() {
        assert_eq!(infallible(7, || panic!("x")), 7);
        assert_eq!(infallible(7, || 3), 3);
    }
}

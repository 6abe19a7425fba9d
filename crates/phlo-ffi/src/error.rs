//! [`phlo_status`], the one mapping from the core's error kinds to it, and the thread-local last
//! error read by [`phlo_last_error_json`].

use std::cell::RefCell;
use std::ffi::c_char;

use plivo_phlo::ErrorKind;
use serde_json::{Map, Value};

use crate::boundary::{infallible, Failure};
use crate::strings::into_c_string;

/// The result of every fallible call. `PHLO_OK` (0) is success; every other value is a failure
/// whose details `phlo_last_error_json()` returns on the same thread.
///
/// The numbers are fixed: a number is never reused for another meaning, and new statuses are
/// only ever added at the end. Treat a value you do not know as a generic failure.
/// `phlo_status_name()` gives each one's stable name, which for the statuses from 1 to 9 equals
/// the `kind` of the last error.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum phlo_status {
    /// Success; the out-params were written.
    PHLO_OK = 0,
    /// An argument was rejected before anything was sent: a malformed id, address, role,
    /// option or parameter, malformed JSON, or an unknown operation. The last error's `field`
    /// names the culprit.
    PHLO_INVALID_ARGUMENT = 1,
    /// No credentials were given or found in the environment, or the service answered 401/403.
    PHLO_AUTHENTICATION = 2,
    /// The service answered 404: no such PHLO, node, run or member (or the call has ended).
    PHLO_NOT_FOUND = 3,
    /// The service answered 400, 405 or another 4xx, or an unexpected redirect.
    PHLO_BAD_REQUEST = 4,
    /// The service answered 429; the last error's `retry_after_ms` says how long to wait.
    PHLO_RATE_LIMITED = 5,
    /// The service answered 5xx.
    PHLO_SERVER = 6,
    /// No response within the timeout.
    PHLO_TIMEOUT = 7,
    /// DNS, TCP, TLS or proxy failure, or the connection dropped.
    PHLO_CONNECTION = 8,
    /// A 2xx answer whose body is not a JSON object (or is larger than `max_response_bytes`).
    PHLO_DECODE = 9,
    /// A pointer argument that must not be NULL was NULL (out-params included). The last
    /// error's `kind` is `invalid_argument` and its `field` names the parameter.
    PHLO_NULL_POINTER = 10,
    /// A string argument was not valid UTF-8. The last error's `kind` is `invalid_argument` and
    /// its `field` names the parameter.
    PHLO_INVALID_UTF8 = 11,
    /// A bug inside the library was caught at the boundary (a Rust panic). The last error's
    /// `kind` is `panic`. The handle stays usable, but please report it.
    PHLO_PANIC = 12,
}

impl phlo_status {
    /// Every status, in numeric order.
    pub(crate) const ALL: [phlo_status; 13] = [
        phlo_status::PHLO_OK,
        phlo_status::PHLO_INVALID_ARGUMENT,
        phlo_status::PHLO_AUTHENTICATION,
        phlo_status::PHLO_NOT_FOUND,
        phlo_status::PHLO_BAD_REQUEST,
        phlo_status::PHLO_RATE_LIMITED,
        phlo_status::PHLO_SERVER,
        phlo_status::PHLO_TIMEOUT,
        phlo_status::PHLO_CONNECTION,
        phlo_status::PHLO_DECODE,
        phlo_status::PHLO_NULL_POINTER,
        phlo_status::PHLO_INVALID_UTF8,
        phlo_status::PHLO_PANIC,
    ];

    /// The stable snake_case name, e.g. `"not_found"`; NUL-terminated for C.
    pub fn name_c(self) -> &'static str {
        match self {
            phlo_status::PHLO_OK => "ok\0",
            phlo_status::PHLO_INVALID_ARGUMENT => "invalid_argument\0",
            phlo_status::PHLO_AUTHENTICATION => "authentication\0",
            phlo_status::PHLO_NOT_FOUND => "not_found\0",
            phlo_status::PHLO_BAD_REQUEST => "bad_request\0",
            phlo_status::PHLO_RATE_LIMITED => "rate_limited\0",
            phlo_status::PHLO_SERVER => "server\0",
            phlo_status::PHLO_TIMEOUT => "timeout\0",
            phlo_status::PHLO_CONNECTION => "connection\0",
            phlo_status::PHLO_DECODE => "decode\0",
            phlo_status::PHLO_NULL_POINTER => "null_pointer\0",
            phlo_status::PHLO_INVALID_UTF8 => "invalid_utf8\0",
            phlo_status::PHLO_PANIC => "panic\0",
        }
    }

    /// The stable snake_case name, e.g. `"not_found"`.
    pub fn name(self) -> &'static str {
        let s = self.name_c();
        &s[..s.len() - 1]
    }

    /// The status with this number, if there is one.
    pub fn from_number(n: i64) -> Option<phlo_status> {
        phlo_status::ALL.iter().copied().find(|s| *s as i64 == n)
    }
}

/// The status a core error kind is reported with: the one place the two meet.
///
/// The core's kinds and the statuses 1 to 9 share their names (a unit test holds them together).
/// A kind the core adds later is reported as `PHLO_BAD_REQUEST` (with its own `kind` in the last
/// error) until it is given a status number of its own.
pub fn status_of(kind: ErrorKind) -> phlo_status {
    match kind {
        ErrorKind::InvalidArgument => phlo_status::PHLO_INVALID_ARGUMENT,
        ErrorKind::Authentication => phlo_status::PHLO_AUTHENTICATION,
        ErrorKind::NotFound => phlo_status::PHLO_NOT_FOUND,
        ErrorKind::BadRequest => phlo_status::PHLO_BAD_REQUEST,
        ErrorKind::RateLimited => phlo_status::PHLO_RATE_LIMITED,
        ErrorKind::Server => phlo_status::PHLO_SERVER,
        ErrorKind::Timeout => phlo_status::PHLO_TIMEOUT,
        ErrorKind::Connection => phlo_status::PHLO_CONNECTION,
        ErrorKind::Decode => phlo_status::PHLO_DECODE,
        _ => phlo_status::PHLO_BAD_REQUEST,
    }
}

thread_local! {
    /// This thread's last failure, as the JSON text `phlo_last_error_json` hands out.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Forgets this thread's last error (done at the start of every fallible call).
pub fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|e| e.borrow_mut().take());
}

fn store(json: String) {
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = Some(json));
}

/// Records `failure` as this thread's last error: the core error's JSON plus `status_name`.
pub fn set_last_error(failure: &Failure) {
    let mut obj: Map<String, Value> =
        serde_json::from_str(&failure.error.to_json()).unwrap_or_default();
    obj.insert("status_name".into(), failure.status.name().into());
    store(Value::Object(obj).to_string());
}

/// Records a caught panic as this thread's last error (kind `panic`).
pub fn set_last_panic(message: &str) {
    let json = serde_json::json!({
        "kind": "panic",
        "message": message,
        "status": null,
        "api_id": null,
        "field": null,
        "retry_after_ms": null,
        "attempts": 0,
        "body": null,
        "status_name": phlo_status::PHLO_PANIC.name(),
    });
    store(json.to_string());
}

/// Takes the last error, for the crate's own tests.
#[cfg(test)]
pub fn take_last_error_for_test() -> Option<String> {
    LAST_ERROR.with(|e| e.borrow().clone())
}

/// The details of this thread's last failure, as a JSON object, or NULL when the last fallible
/// call on this thread succeeded (or none was made).
///
/// The object has these keys (absent values are `null`):
/// - `kind`: `"invalid_argument"`, `"authentication"`, `"not_found"`, `"bad_request"`,
///   `"rate_limited"`, `"server"`, `"timeout"`, `"connection"`, `"decode"` or `"panic"`;
///   `PHLO_NULL_POINTER` and `PHLO_INVALID_UTF8` have kind `"invalid_argument"`;
/// - `status_name`: the name of the `phlo_status` the call returned (e.g. `"null_pointer"`);
/// - `message`: readable text (the service's `error` string when it sent one); never contains
///   the auth token;
/// - `status`: the HTTP status, when the service answered;
/// - `api_id`: the service's id for the request, when its body had one (support asks for it);
/// - `field`: the argument, option or parameter at fault, for `invalid_argument`;
/// - `retry_after_ms`: the wait the service asked for (429);
/// - `attempts`: HTTP attempts made (0 when nothing was sent);
/// - `body`: the service's response body (at most 2048 bytes).
///
/// Every fallible call (each one returning `phlo_status`) clears the last error when it starts,
/// so read it right after the failing call. It is per thread: a failure on one thread never
/// shows on another, even with a shared handle.
///
/// Returns a new string: free it with `phlo_string_free()`. Reading it does not clear it.
#[no_mangle]
pub extern "C" fn phlo_last_error_json() -> *mut c_char {
    infallible(std::ptr::null_mut(), || {
        LAST_ERROR
            .try_with(|e| e.borrow().clone())
            .ok()
            .flatten()
            .and_then(|json| into_c_string(json).ok())
            .unwrap_or(std::ptr::null_mut())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_one_to_nine_are_named_after_the_kinds() {
        for kind in ErrorKind::ALL {
            assert_eq!(status_of(kind).name(), kind.as_str());
        }
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            assert!(seen.insert(status_of(kind)), "{kind} shares a status");
        }
    }

    #[test]
    fn numbers_are_fixed() {
        for (i, s) in phlo_status::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(phlo_status::from_number(i as i64), Some(*s));
        }
        assert_eq!(phlo_status::from_number(13), None);
        assert_eq!(phlo_status::from_number(-1), None);
    }

    #[test]
    fn last_error_carries_status_name_and_field() {
        set_last_error(&Failure::null("out_json"));
        let e: Value = serde_json::from_str(&take_last_error_for_test().unwrap()).unwrap();
        assert_eq!(e["kind"], "invalid_argument");
        assert_eq!(e["status_name"], "null_pointer");
        assert_eq!(e["field"], "out_json");
        clear_last_error();
        assert!(take_last_error_for_test().is_none());
    }
}

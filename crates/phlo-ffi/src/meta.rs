//! The library's version, the names of the statuses, and the tables of operations and options.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use crate::boundary::infallible;
use crate::error::phlo_status;

/// The major version of the header (and of the library it was generated with).
pub const PHLO_VERSION_MAJOR: u32 = 0;
/// The minor version of the header.
pub const PHLO_VERSION_MINOR: u32 = 1;
/// The patch version of the header.
pub const PHLO_VERSION_PATCH: u32 = 0;
/// The version as a string. In the header, `PHLO_VERSION` is built from the three numbers above
/// (cbindgen cannot export a string constant; see `cbindgen.toml`).
pub const PHLO_VERSION: &str = "0.1.0";

/// The version of the loaded library, e.g. `"0.1.0"`: a static string, never freed.
#[no_mangle]
pub extern "C" fn phlo_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The stable name of a status: `"ok"`, `"invalid_argument"`, `"authentication"`,
/// `"not_found"`, `"bad_request"`, `"rate_limited"`, `"server"`, `"timeout"`, `"connection"`,
/// `"decode"`, `"null_pointer"`, `"invalid_utf8"`, `"panic"`, or `"unknown"` for a number that is
/// not a status. A static string: never freed, never NULL.
#[no_mangle]
pub extern "C" fn phlo_status_name(status: phlo_status_value) -> *const c_char {
    infallible(c"unknown".as_ptr(), || {
        phlo_status::from_number(i64::from(status.0))
            .map_or("unknown\0", phlo_status::name_c)
            .as_ptr()
            .cast()
    })
}

/// A `phlo_status` as passed in from C: any `int`, since C may pass a number that is not a
/// status (reading it straight as the Rust enum would be undefined behaviour). The header
/// shows it as `phlo_status` (see `cbindgen.toml`).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct phlo_status_value(pub std::ffi::c_int);

/// The table of operations `phlo_client_call()` accepts, as a JSON array of objects such as
/// `{"name":"mpc_cold_transfer","params":["phlo_id",...],"optional":["role"],"doc":"...",...}`:
/// `params` are required, `optional` may be left out; `named`, `kinds` (each parameter's kind:
/// `"id"`, `"address"`, `"object"`, ...), `endpoint`, `action`, `node_type` and `default_role`
/// describe the row further (`null` when absent). A static string, never freed (never NULL
/// unless the library is broken).
#[no_mangle]
pub extern "C" fn phlo_operations_json() -> *const c_char {
    static TABLE: OnceLock<CString> = OnceLock::new();
    infallible(std::ptr::null(), || {
        static_json(&TABLE, plivo_phlo::operations_json)
    })
}

/// The table of the options `phlo_client_new()` accepts in `options_json`, as a JSON array of
/// `{"name":"timeout","kind":"seconds","choices":null,"unit":null,"default":"30","doc":"..."}`.
/// A static string, never freed (never NULL unless the library is broken).
#[no_mangle]
pub extern "C" fn phlo_options_json() -> *const c_char {
    static TABLE: OnceLock<CString> = OnceLock::new();
    infallible(std::ptr::null(), || {
        static_json(&TABLE, plivo_phlo::options_json)
    })
}

/// A table made once and kept for the life of the process, as a C string.
fn static_json(cell: &'static OnceLock<CString>, make: fn() -> String) -> *const c_char {
    cell.get_or_init(|| CString::new(make()).unwrap_or_else(|_| c"[]".to_owned()))
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_macros_match_the_crate() {
        assert_eq!(PHLO_VERSION, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            PHLO_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            PHLO_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            PHLO_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        let v = unsafe { CStr::from_ptr(phlo_version()) };
        assert_eq!(v.to_str().unwrap(), PHLO_VERSION);
    }

    #[test]
    fn status_names() {
        let name = |n| {
            unsafe { CStr::from_ptr(phlo_status_name(phlo_status_value(n))) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(0), "ok");
        assert_eq!(name(3), "not_found");
        assert_eq!(name(12), "panic");
        assert_eq!(name(13), "unknown");
        assert_eq!(name(-5), "unknown");
    }

    #[test]
    fn operations_table_lists_every_operation() {
        let t = unsafe { CStr::from_ptr(phlo_operations_json()) };
        let v: serde_json::Value = serde_json::from_str(t.to_str().unwrap()).unwrap();
        assert_eq!(v.as_array().unwrap().len(), plivo_phlo::OPERATIONS.len());
        assert_eq!(v[0]["name"], "get_phlo");
        let t = unsafe { CStr::from_ptr(phlo_options_json()) };
        let v: serde_json::Value = serde_json::from_str(t.to_str().unwrap()).unwrap();
        assert_eq!(v.as_array().unwrap().len(), plivo_phlo::OPTIONS.len());
    }
}

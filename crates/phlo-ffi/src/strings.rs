//! C strings in and out, JSON text to parameter objects, and [`phlo_string_free`].

use std::ffi::{c_char, CStr, CString};

use plivo_phlo::{Error, ErrorKind};
use serde_json::{Map, Value};

use crate::boundary::{infallible, Failure};

/// A required C string argument as `&str`.
///
/// NULL is `PHLO_NULL_POINTER` and invalid UTF-8 `PHLO_INVALID_UTF8`, both naming `field`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub unsafe fn arg_str<'a>(p: *const c_char, field: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(field));
    }
    // SAFETY: non-NULL and NUL-terminated, by the caller's contract.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| Failure::utf8(field))
}

/// An optional C string argument: NULL is `None`.
///
/// # Safety
/// As [`arg_str`].
pub unsafe fn opt_str<'a>(p: *const c_char, field: &str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_str(p, field) }.map(Some)
    }
}

/// Checks that an out-param is not NULL (`PHLO_NULL_POINTER` naming `field`).
pub fn out_param<T>(p: *mut T, field: &str) -> Result<*mut T, Failure> {
    if p.is_null() {
        Err(Failure::null(field))
    } else {
        Ok(p)
    }
}

/// Hands `s` to C as a string that `phlo_string_free` releases.
///
/// A NUL byte inside cannot cross as a C string: that is a `decode` failure (a JSON text from
/// the core never has one: JSON escapes control characters).
pub fn into_c_string(s: String) -> Result<*mut c_char, Failure> {
    CString::new(s).map(CString::into_raw).map_err(|_| {
        Failure::from(Error::new(
            ErrorKind::Decode,
            "text contains a NUL byte and cannot be returned as a C string",
        ))
    })
}

/// Parses an optional JSON text that must be an object; `None` is the empty object.
///
/// Malformed JSON, or JSON that is not an object, is `PHLO_INVALID_ARGUMENT` naming `field`.
pub fn json_object(text: Option<&str>, field: &str) -> Result<Map<String, Value>, Failure> {
    match json_value(text, field)? {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(Error::invalid(field, "must be a JSON object").into()),
    }
}

/// Parses an optional JSON text of any type; malformed JSON is `PHLO_INVALID_ARGUMENT`.
pub fn json_value(text: Option<&str>, field: &str) -> Result<Option<Value>, Failure> {
    text.map(|t| {
        serde_json::from_str(t).map_err(|e| {
            Failure::from(Error::invalid(
                field,
                format_args!("is not valid JSON: {e}"),
            ))
        })
    })
    .transpose()
}

/// Frees a string the library handed out (`out_json` results, `phlo_last_error_json()`).
///
/// Every `char *` the library returns to you is released with this function and no other (not
/// `free()`: the library's allocator may differ from yours). NULL does nothing. Do not free the
/// same string twice, and do not pass strings the library did not allocate, nor the static
/// strings of `phlo_status_name()`, `phlo_version()`, `phlo_operations_json()` and
/// `phlo_options_json()`.
#[no_mangle]
pub unsafe extern "C" fn phlo_string_free(s: *mut c_char) {
    infallible((), || {
        if !s.is_null() {
            // SAFETY: `s` came from `CString::into_raw` in this library, by the contract.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::phlo_status;

    #[test]
    fn strings_are_checked() {
        let ok = c"hello";
        assert_eq!(unsafe { arg_str(ok.as_ptr(), "x") }.unwrap(), "hello");
        let e = unsafe { arg_str(std::ptr::null(), "x") }.unwrap_err();
        assert_eq!(e.status, phlo_status::PHLO_NULL_POINTER);
        let bad = [0xffu8, 0xfe, 0];
        let e = unsafe { arg_str(bad.as_ptr().cast(), "y") }.unwrap_err();
        assert_eq!(e.status, phlo_status::PHLO_INVALID_UTF8);
        assert_eq!(e.error.field(), Some("y"));
        assert_eq!(unsafe { opt_str(std::ptr::null(), "x") }.unwrap(), None);
    }

    #[test]
    fn json_objects_are_checked() {
        assert!(json_object(None, "p").unwrap().is_empty());
        assert_eq!(json_object(Some(r#"{"a":1}"#), "p").unwrap().len(), 1);
        for bad in ["{", "[1]", "3", ""] {
            let e = json_object(Some(bad), "p").unwrap_err();
            assert_eq!(e.status, phlo_status::PHLO_INVALID_ARGUMENT, "{bad}");
            assert_eq!(e.error.field(), Some("p"));
        }
    }

    #[test]
    fn c_strings_round_trip() {
        let p = into_c_string("abc".into()).unwrap();
        unsafe { phlo_string_free(p) };
        unsafe { phlo_string_free(std::ptr::null_mut()) };
        assert_eq!(
            into_c_string("a\0b".into()).unwrap_err().status,
            phlo_status::PHLO_DECODE
        );
    }
}

//! The request path every binding takes: `Operation::from_params(name, params)` then
//! `Operation::request(auth_id)`, on arbitrary operation names and JSON parameters.
//!
//! Input: the operation name, a newline, then the parameters as JSON (an object; any other JSON
//! value is passed as the value of `phlo_id`).
//!
//! Properties: nothing panics; every error is `invalid_argument` naming a field, before the
//! network; every request built has a path that the client's URL parser keeps exactly as built
//! (no `?`, `#`, dot segment, space or control character can get in from a parameter), a body
//! exactly when the method is not GET, and is marked idempotent exactly when it is a GET.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plivo_phlo::{Error, ErrorKind, Method, Operation};
use serde_json::{Map, Value};

const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";

fuzz_target!(|data: &[u8]| {
    let (name, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{}"[..]),
    };
    let Ok(name) = std::str::from_utf8(name) else {
        return;
    };
    let params = match serde_json::from_slice::<Value>(rest) {
        Ok(Value::Object(m)) => m,
        Ok(other) => Map::from_iter([("phlo_id".to_owned(), other)]),
        Err(_) => return,
    };
    let op = match Operation::from_params(name, &params) {
        Ok(op) => op,
        Err(e) => return invalid(&e, &params),
    };
    match op.request(AUTH_ID) {
        Ok(req) => {
            check_request(&op, &req);
            assert_eq!(op.request(AUTH_ID).ok(), Some(req), "deterministic");
        }
        Err(e) => invalid(&e, &params),
    }
});

/// An input error: `invalid_argument`, naming a field, saying so first, nothing sent.
fn invalid(e: &Error, params: &Map<String, Value>) {
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e:?}");
    let field = e
        .field()
        .expect("an invalid_argument error names its field");
    // The field is empty only when the caller's unknown parameter had an empty name.
    assert!(!field.is_empty() || params.contains_key(""), "{e:?}");
    assert!(e.message().starts_with(field), "{e:?}");
    assert_eq!((e.status(), e.attempts()), (None, 0), "{e:?}");
    serde_json::from_str::<Value>(&e.to_json()).expect("to_json is JSON");
}

fn check_request(op: &Operation, req: &plivo_phlo::Request) {
    let raw = matches!(op, Operation::Raw { .. });
    assert_eq!(req.idempotent, req.method == Method::Get, "{req:?}");
    match (&req.body, req.method) {
        (None, Method::Get) => {}
        (Some(_), Method::Get) => panic!("a GET with a body: {req:?}"),
        (None, _) => panic!("a {} without a body: {req:?}", req.method.as_str()),
        (Some(body), _) => {
            let v: Value = serde_json::from_str(body).expect("the body is JSON");
            if !raw {
                assert!(v.is_object(), "{req:?}");
                // Compact: what serde_json writes back is the same bytes (floats aside: serde_json
                // does not promise to read back the shortest form it wrote exactly).
                if !has_float(&v) {
                    assert_eq!(&serde_json::to_string(&v).unwrap(), body);
                }
            }
        }
    }
    let path = &req.path;
    assert!(path.starts_with('/'), "{req:?}");
    let url = url::Url::parse(&format!("http://127.0.0.1{path}"))
        .unwrap_or_else(|e| panic!("{path:?} is not a URL path: {e}"));
    if raw {
        // The escape hatch takes a path as given (a query is allowed), but no segment may be a
        // dot segment in any spelling: the URL parser would drop or fold it, sending the request
        // somewhere other than the path the caller checked.
        let route = path.split('?').next().unwrap();
        assert_eq!(
            url.path_segments().map_or(0, |s| s.count()),
            route.split('/').count() - 1,
            "{path:?} became {:?}",
            url.path()
        );
        assert!(url.fragment().is_none(), "{path:?}");
    } else {
        assert!(path.starts_with("/v1/"), "{req:?}");
        assert_eq!(url.path(), path, "the URL parser rewrote the path");
        assert!(
            url.query().is_none() && url.fragment().is_none(),
            "{path:?}"
        );
        for seg in path[1..].split('/') {
            assert!(!seg.is_empty() && seg != "." && seg != "..", "{path:?}");
        }
        assert!(
            path.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#'),
            "{path:?}"
        );
    }
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(a) => a.iter().any(has_float),
        Value::Object(m) => m.values().any(has_float),
        _ => false,
    }
}

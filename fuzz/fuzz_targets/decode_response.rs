//! Response decoding: arbitrary bytes as the body of a 2xx answer, decoded into every model the
//! typed methods return, and as the body of an error answer; the same bytes as a `Retry-After`
//! header value.
//!
//! Properties: nothing panics; a body that does not decode is a `decode` error with a bounded
//! message; a model that decodes survives a round trip through its JSON form unchanged (no field
//! lost, unknown ones kept); an error answer always yields the kind of its status, a non-empty
//! message (the body's `error` string when it has one), a bounded body, and valid `to_json`.
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use plivo_phlo::error::MAX_ERROR_BODY;
use plivo_phlo::retry::parse_retry_after;
use plivo_phlo::{
    ActionResponse, Error, ErrorKind, Node, Phlo, PhloRun, PhloRunStarted, RawResponse,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the status of an error answer; the rest is the body (or header value).
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    // The transport hands the decoder UTF-8 text; other bytes are a decode error before it.
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let raw = RawResponse {
        status: 200,
        body: body.to_owned(),
    };
    model::<Phlo>(&raw);
    model::<PhloRunStarted>(&raw);
    model::<PhloRun>(&raw);
    model::<Node>(&raw);
    model::<ActionResponse>(&raw);
    if let Ok(r) = raw.parse::<PhloRunStarted>() {
        assert!(!r.run_id().is_empty() || r.api_id.is_empty());
    }

    const STATUSES: [u16; 14] = [
        300, 302, 400, 401, 403, 404, 405, 418, 429, 500, 502, 503, 504, 599,
    ];
    error_answer(STATUSES[usize::from(pick) % STATUSES.len()], body);

    let now = SystemTime::now();
    if let Some(d) = parse_retry_after(body, now) {
        // Delta seconds are taken as given; a date is at most ten thousand years away (and one in
        // the past means "now").
        if body.trim().parse::<u64>().is_err() {
            assert!(
                d < Duration::from_secs(10_000 * 366 * 86_400),
                "{body:?} gave {d:?}"
            );
        }
    }
});

fn model<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(raw: &RawResponse) {
    match raw.parse::<T>() {
        Ok(v) => {
            let text = serde_json::to_string(&v).expect("a model serialises");
            let again: T = serde_json::from_str(&text).expect("a model reads back its own JSON");
            // Exact, floats aside: serde_json (without its float_roundtrip feature) may read
            // back the last digit of a float it wrote differently.
            if !has_float(&serde_json::to_value(&v).unwrap()) {
                assert_eq!(v, again, "round trip through {text}");
            }
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Decode, "{e:?}");
            assert!(!e.message().is_empty());
            // The body is quoted, but at most 200 bytes of it (escaped).
            assert!(e.message().len() < 2048, "{} bytes", e.message().len());
        }
    }
}

fn error_answer(status: u16, body: &str) {
    let e = Error::from_response(status, body, "/v1/phlo/p");
    assert_eq!(e.kind(), ErrorKind::from_status(status));
    assert_eq!(e.status(), Some(status));
    assert!(!e.message().is_empty());
    assert!(e
        .body()
        .is_some_and(|b| b.len() <= MAX_ERROR_BODY && body.starts_with(b)));
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_str(body).ok();
    let text = |k: &str| {
        parsed
            .as_ref()
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(msg) = text("error") {
        assert_eq!(e.message(), msg);
    } else {
        assert!(
            e.message().ends_with(&format!("({status}) at /v1/phlo/p")),
            "{e:?}"
        );
    }
    assert_eq!(e.api_id(), text("api_id"));
    let j: Value = serde_json::from_str(&e.to_json()).expect("to_json is JSON");
    assert_eq!(j["kind"], e.kind().as_str());
    assert!(!format!("{e}").is_empty());
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(a) => a.iter().any(has_float),
        Value::Object(m) => m.values().any(has_float),
        _ => false,
    }
}

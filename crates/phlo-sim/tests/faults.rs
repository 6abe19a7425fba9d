//! Fault injection over real HTTP: every kind, filters, counts, and what the log records.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn log(t: &Ctx) -> Value {
    t.control(Method::GET, "/_sim/requests", None).json()
}

fn last_entry(t: &Ctx) -> Value {
    log(t)["requests"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap()
}

#[test]
fn latency() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"latency","ms":300}"#);
    let start = Instant::now();
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(last_entry(&t)["fault"], "latency");
    // Used up: the next one is fast.
    let start = Instant::now();
    t.get(&format!("/v1/phlo/{P}"));
    assert!(start.elapsed() < Duration::from_millis(300));
}

#[test]
fn latency_outlives_a_client_that_gave_up() {
    // A client that times out during the latency does not cancel the request: like the real
    // service, the simulator still carries it out and logs it (what a test of "the client did not
    // send it twice" needs to see).
    let t = Ctx::new();
    t.fault(r#"{"kind":"latency","ms":400}"#);
    let err = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .timeout(Duration::from_millis(100))
        .send()
        .expect_err("timed out");
    assert!(err.is_timeout(), "{err}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while log(&t)["total"] != 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let e = last_entry(&t);
    assert_eq!(
        (e["fault"].clone(), e["status"].clone()),
        (json!("latency"), json!(201))
    );
    assert_eq!(e["body"], SEED);
    assert_eq!(t.member_state(N, "+14152225555"), "connected");
}

#[test]
fn a_request_in_flight_during_a_reset_leaves_no_trace_after_it() {
    // Tests share one simulator and reset it between cases: a slow request from the previous
    // case must neither change the fresh state nor show up in the fresh log.
    let t = Ctx::new();
    t.fault(r#"{"kind":"latency","ms":400}"#);
    let err = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .timeout(Duration::from_millis(100))
        .send()
        .expect_err("timed out");
    assert!(err.is_timeout(), "{err}");
    t.control(Method::POST, "/_sim/reset", None);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(log(&t)["total"], 0);
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
    // A log clear alone keeps the late request out of the log, but it still happens.
    t.fault(r#"{"kind":"latency","ms":400}"#);
    let _ = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .timeout(Duration::from_millis(100))
        .send();
    t.control(Method::DELETE, "/_sim/requests", None);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(log(&t)["total"], 0);
    assert_eq!(t.member_state(N, "+14152225555"), "connected");
}

#[test]
fn status_bodies_leave_state_untouched() {
    let t = Ctx::new();
    t.fault(
        r#"[{"kind":"status","status":503,"retry_after":"2"},
            {"kind":"status","status":502,"body":"html"},
            {"kind":"status","status":504,"body":"empty"},
            {"kind":"status","status":500,"error":"boom"}]"#,
    );
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after").as_deref(), Some("2"));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(is_uuid_v4(r.json()["api_id"].as_str().unwrap()));
    assert_eq!(r.error(), "Service Unavailable");
    let e = last_entry(&t);
    assert_eq!(
        (e["status"].clone(), e["fault"].clone()),
        (json!(503), json!("status"))
    );

    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type").as_deref(), Some("text/html"));
    assert!(r.text.contains("<html>") && r.text.contains("502 Bad Gateway"));

    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!((r.status, r.text.as_str()), (504, ""));

    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!((r.status, r.error()), (500, "boom".to_string()));

    // None of the POSTs reached the call.
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
    assert_eq!(t.post(&t.mpc_path(), SEED).status, 201);
}

#[test]
fn rate_limit() {
    let t = Ctx::new();
    t.fault(r#"[{"kind":"rate_limit","retry_after":"1"},{"kind":"rate_limit","retry_after":"Wed, 21 Oct 2015 07:28:00 GMT"},{"kind":"rate_limit"}]"#);
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 429);
    assert_eq!(r.error(), "too many requests");
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(
        r.header("retry-after").as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), None);
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
}

#[test]
fn reset_before_is_a_connection_error_and_not_applied() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"reset_before","method":"POST"}"#);
    // A GET does not match the filter.
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 200);
    let err = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .send()
        .expect_err("connection reset");
    assert!(!err.is_status(), "{err}");
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
    let l = log(&t);
    assert_eq!(l["total"], 1);
    assert_eq!(l["resets_before"], 1);
    assert_eq!(l["requests"].as_array().unwrap().len(), 1);
    // The client recovers on a new connection.
    assert_eq!(t.post(&t.mpc_path(), SEED).status, 201);
}

#[test]
fn reset_before_sends_rst() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"reset_before"}"#);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", t.sim.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /v1/phlo/{P} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = [0u8; 64];
    let err = s.read(&mut buf).expect_err("reset, not EOF");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
}

#[test]
fn reset_after_applies_then_resets() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"reset_after","path_prefix":"/v1/phlo/"}"#);
    let err = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .send()
        .expect_err("connection reset");
    assert!(!err.is_status(), "{err}");
    // Applied: the cold transfer happened.
    assert_eq!(t.member_state(N, "+14152223333"), "left");
    assert_eq!(t.member_state(N, "+14152225555"), "connected");
    let e = last_entry(&t);
    assert_eq!(e["fault"], "reset_after");
    assert_eq!(e["status"], Value::Null);
    assert_eq!(e["body"], SEED);
    assert_eq!(log(&t)["resets_before"], 0);
}

#[test]
fn raw_body() {
    let t = Ctx::new();
    t.fault(
        r#"[{"kind":"raw_body","body":"<<not json>>","content_type":"text/plain"},
            {"kind":"raw_body","body":"{\"api_id\":\"x\",\"err","status":200},
            {"kind":"raw_body","body":""}]"#,
    );
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!((r.status, r.text.as_str()), (201, "<<not json>>"));
    assert_eq!(r.header("content-type").as_deref(), Some("text/plain"));
    // Applied.
    assert_eq!(t.member_state(N, "+14152223333"), "left");
    assert_eq!(last_entry(&t)["fault"], "raw_body");
    assert_eq!(last_entry(&t)["status"], 201);

    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(
        (r.status, r.text.as_str()),
        (200, "{\"api_id\":\"x\",\"err")
    );
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
}

#[test]
fn huge_body() {
    let t = Ctx::new();
    t.fault(r#"[{"kind":"huge_body","bytes":2000000},{"kind":"huge_body","bytes":5000}]"#);
    let r = t.post(&t.member_path("+14153336666"), r#"{"action":"hold"}"#);
    assert_eq!(r.status, 201);
    assert!(
        (1_990_000..=2_010_000).contains(&r.text.len()),
        "{}",
        r.text.len()
    );
    let v = r.json();
    assert_eq!(v["error"], "");
    assert!(is_uuid_v4(v["api_id"].as_str().unwrap()));
    assert_eq!(t.member_state(N, "+14153336666"), "on_hold");
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(r.text.len(), 5000);
    assert_eq!(r.json()["phlo_id"], P);
}

#[test]
fn short_body_is_truncated_on_the_wire() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"short_body"}"#);
    let r = t
        .req(Method::POST, &t.mpc_path())
        .body(SEED)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert!(r.text().is_err(), "body must fail to read");
    // Applied.
    assert_eq!(t.member_state(N, "+14152223333"), "left");
    assert_eq!(last_entry(&t)["fault"], "short_body");

    // On the wire: fewer bytes than Content-Length, then EOF.
    t.fault(r#"{"kind":"short_body"}"#);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", t.sim.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET /v1/phlo/{P} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let text = String::from_utf8(all).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
}

#[test]
fn redirect() {
    let t = Ctx::new();
    t.fault(r#"{"kind":"redirect","location":"http://127.0.0.1:9/elsewhere"}"#);
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location").as_deref(),
        Some("http://127.0.0.1:9/elsewhere")
    );
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
    t.fault(r#"{"kind":"redirect","status":307,"location":"/v1/phlo/x"}"#);
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 307);
}

#[test]
fn fifo_filters_and_counts() {
    let t = Ctx::new();
    let r = t.control(
        Method::POST,
        "/_sim/faults",
        Some(r#"[{"kind":"status","status":500,"count":2,"method":"GET"},{"kind":"status","status":503,"path_prefix":"/v1/account/"}]"#),
    );
    assert_eq!(r.json(), json!({"ok": true, "pending": 2}));
    let listed = t.control(Method::GET, "/_sim/faults", None).json();
    assert_eq!(listed["faults"].as_array().unwrap().len(), 2);
    assert_eq!(listed["faults"][0]["count"], 2);
    assert_eq!(listed["faults"][0]["kind"], "status");

    // A POST to an action matches neither fault.
    assert_eq!(
        t.post(&t.member_path("+14153336666"), r#"{"action":"hold"}"#)
            .status,
        201
    );
    assert_eq!(
        t.post(
            &format!("/v1/account/{}/phlo/{P}", phlo_sim::DEFAULT_AUTH_ID),
            "{}"
        )
        .status,
        503
    );
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 500);
    assert_eq!(
        t.control(Method::GET, "/_sim/faults", None).json()["faults"][0]["count"],
        1
    );
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 500);
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 200);
    assert_eq!(
        t.control(Method::GET, "/_sim/faults", None).json()["pending"],
        0
    );

    // Control requests never consume faults.
    t.fault(r#"{"kind":"status","status":500}"#);
    assert_eq!(t.control(Method::GET, "/_sim/state", None).status, 200);
    assert_eq!(t.control(Method::DELETE, "/_sim/faults", None).status, 200);
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 200);
}

#[test]
fn bad_faults_are_refused() {
    let t = Ctx::new();
    for bad in [
        r#"{"kind":"teleport"}"#,
        r#"{"ms":5}"#,
        r#"{"kind":"latency","ms":"slow"}"#,
        r#"{"kind":"status","body":"xml"}"#,
        r#"{"kind":"status","status":42}"#,
        r#"{"kind":"latency","count":0}"#,
        r#"[{"kind":"latency"},{"kind":"nope"}]"#,
        "not json",
    ] {
        let r = t.control(Method::POST, "/_sim/faults", Some(bad));
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json()["ok"], false);
    }
    // Nothing was queued, not even the valid half of the array.
    assert_eq!(
        t.control(Method::GET, "/_sim/faults", None).json()["pending"],
        0
    );
    assert!(t
        .sim
        .push_fault(json!({"kind": "bogus"}))
        .unwrap_err()
        .contains("bogus"));
    t.sim.push_fault(json!([{"kind": "rate_limit"}])).unwrap();
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 429);
}

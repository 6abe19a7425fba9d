//! Every error kind produced for real (bad input, simulator answers and faults), retry
//! behaviour, and the token never appearing in any output.

mod common;
use common::*;

use std::time::{Duration, Instant};

use plivo_phlo::{ActionRetry, Client, Config, Error, ErrorKind, RetryPolicy};
use serde_json::json;

fn client_with(
    sim_url: &str,
    f: impl FnOnce(plivo_phlo::ConfigBuilder) -> plivo_phlo::ConfigBuilder,
) -> Client {
    let b = Config::builder()
        .auth_id(phlo_sim::DEFAULT_AUTH_ID)
        .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
        .base_url(sim_url)
        .retry(fast_retry());
    Client::new(f(b).build().unwrap()).unwrap()
}

#[test]
fn invalid_argument_is_caught_before_the_network() {
    let (sim, client) = setup();
    let cases: Vec<(Error, &str)> = vec![
        (client.get_phlo("").unwrap_err(), "phlo_id"),
        (client.get_phlo("../etc").unwrap_err(), "phlo_id"),
        (client.get_phlo("a?b=c").unwrap_err(), "phlo_id"),
        (
            client.get_multi_party_call(P, "n#1").unwrap_err(),
            "node_id",
        ),
        (
            client
                .mpc_cold_transfer(P, N, AGENT, "alice", None)
                .unwrap_err(),
            "to",
        ),
        (
            client
                .mpc_cold_transfer(P, N, "", NEW_AGENT, None)
                .unwrap_err(),
            "trigger_source",
        ),
        (
            client.mpc_call(P, N, AGENT, NEW_AGENT, "boss").unwrap_err(),
            "role",
        ),
        (
            client.mpc_member_hold(P, N, "sip:a/b@c").unwrap_err(),
            "member_id",
        ),
        (
            client
                .node_action(P, N, "Teleport", AGENT, NEW_AGENT, None)
                .unwrap_err(),
            "action",
        ),
    ];
    for (e, field) in cases {
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.message().starts_with(field), "{e}");
        assert_eq!((e.status(), e.attempts()), (None, 0));
    }
    assert_eq!(total(&sim), 0, "nothing was sent");
}

#[test]
fn missing_credentials_fail_at_construction() {
    // Not through the environment, which other tests share: an explicit empty value is "missing".
    let e = Config::builder()
        .auth_id("")
        .auth_token("x")
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert!(e.message().contains("auth_id"), "{e}");
    let e = Config::builder()
        .auth_id("MAXXXXXXXXXXXXXXXXXX")
        .auth_token("")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    let e = Config::builder()
        .auth_id("bogus")
        .auth_token("x")
        .build()
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidArgument, Some("auth_id"))
    );
}

#[test]
fn authentication_from_a_401() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let client = client_with(sim.base_url(), |b| b.auth_token("wrong-token-XYZZY"));
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (ErrorKind::Authentication, Some(401))
    );
    assert_eq!(e.message(), "authentication failed");
    assert!(e.api_id().is_some_and(is_uuid));
    assert_eq!(e.attempts(), 1, "a 401 is not retried");
}

#[test]
fn not_found_from_a_404_with_an_empty_object() {
    let (_sim, client) = setup();
    let e = client
        .get_phlo("00000000-0000-4000-8000-000000000000")
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.api_id()),
        (ErrorKind::NotFound, Some(404), None)
    );
    assert_eq!(
        e.message(),
        "resource not found (404) at /v1/phlo/00000000-0000-4000-8000-000000000000"
    );
    let e = client.mpc_member_hold(P, N, "+19999999999").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // A node id used with the wrong type is unknown too.
    assert_eq!(
        client.get_conference_bridge(P, N).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn bad_request_carries_the_service_message() {
    let (sim, client) = setup();
    // A trigger_source that is not in the call.
    let e = client
        .mpc_cold_transfer(P, N, "+14150000000", NEW_AGENT, None)
        .unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::BadRequest, Some(400)));
    assert_eq!(e.message(), "Invalid value provided for trigger_source.");
    assert!(e.api_id().is_some_and(is_uuid));
    // The service's own validation, reached through the raw escape hatch.
    let e = client
        .raw(
            plivo_phlo::Method::Post,
            &format!("/v1/phlo/{P}/multi_party_call/{N}"),
            Some(json!({"action": "call", "trigger_source": AGENT})),
        )
        .unwrap_err();
    assert_eq!(e.message(), "to is a mandatory param.");
    // 405 is a bad request too.
    let e = client
        .raw(
            plivo_phlo::Method::Post,
            &format!("/v1/phlo/{P}/conference_bridge/{C}"),
            Some(json!({})),
        )
        .unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::BadRequest, Some(405)));
    assert_eq!(
        member_state(&sim, N, AGENT).as_deref(),
        Some("connected"),
        "nothing changed"
    );
}

#[test]
fn rate_limited_is_retried_after_retry_after_and_the_action_runs_once() {
    let (sim, client) = setup();
    sim.push_fault(json!({"kind": "rate_limit", "retry_after": "1"}))
        .unwrap();
    let t0 = Instant::now();
    client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap();
    assert!(
        t0.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured: {:?}",
        t0.elapsed()
    );
    let reqs = requests(&sim);
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        (reqs[0]["status"].as_u64(), reqs[1]["status"].as_u64()),
        (Some(429), Some(201))
    );
    assert_eq!(
        member_state(&sim, N, NEW_AGENT).as_deref(),
        Some("connected")
    );
}

#[test]
fn rate_limited_error_when_retries_run_out() {
    let (sim, _) = setup();
    let client = client_with(sim.base_url(), |b| b.retry(RetryPolicy::none()));
    sim.push_fault(json!({"kind": "rate_limit", "retry_after": "7"}))
        .unwrap();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.attempts()),
        (ErrorKind::RateLimited, Some(429), 1)
    );
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(e.message(), "too many requests");
    // A Retry-After beyond the cap ends the retries at once instead of sleeping.
    let client = client_with(sim.base_url(), |b| {
        b.retry(RetryPolicy {
            max_retry_after: Duration::from_secs(2),
            ..fast_retry()
        })
    });
    sim.push_fault(json!({"kind": "rate_limit", "retry_after": "Wed, 21 Oct 2099 07:28:00 GMT"}))
        .unwrap();
    let t0 = Instant::now();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.retry_after().unwrap() > Duration::from_secs(86_400));
    assert!(t0.elapsed() < Duration::from_secs(2));
}

#[test]
fn server_errors_retry_reads_but_not_actions() {
    let (sim, client) = setup();
    sim.push_fault(json!({"kind": "status", "status": 503, "count": 2}))
        .unwrap();
    assert_eq!(client.get_phlo(P).unwrap().phlo_id, P);
    assert_eq!(total(&sim), 3, "two 503s then success");

    sim.reset();
    sim.push_fault(json!({"kind": "status", "status": 502, "body": "html", "count": 5}))
        .unwrap();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.attempts()),
        (ErrorKind::Server, Some(502), 3)
    );
    assert_eq!(e.message(), format!("server error (502) at /v1/phlo/{P}"));
    assert!(
        e.body().unwrap().contains('<'),
        "the HTML body is kept: {:?}",
        e.body()
    );

    sim.reset();
    sim.push_fault(json!({"kind": "status", "status": 500}))
        .unwrap();
    let e = client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.attempts()),
        (ErrorKind::Server, Some(500), 1)
    );
    assert_eq!(total(&sim), 1, "an action is never retried on 5xx");
}

#[test]
fn timeout_after_the_request_was_sent_is_not_retried_for_actions() {
    let (sim, _) = setup();
    let client = client_with(sim.base_url(), |b| b.timeout(Duration::from_millis(300)));
    sim.push_fault(json!({"kind": "latency", "ms": 1500}))
        .unwrap();
    let e = client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Timeout, 1));
    assert_eq!(e.status(), None);
    // Reads are retried after a timeout.
    sim.push_fault(json!({"kind": "latency", "ms": 1500}))
        .unwrap();
    assert_eq!(client.get_phlo(P).unwrap().phlo_id, P);
}

#[test]
fn connection_refused_is_retried_even_for_actions_then_reported() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let client = Client::new(
        Config::builder()
            .auth_id("MAXXXXXXXXXXXXXXXXXX")
            .auth_token("t")
            .base_url(&url)
            .retry(fast_retry())
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.attempts(), e.status()),
        (ErrorKind::Connection, 3, None)
    );
    assert!(e.message().starts_with("could not connect"), "{e}");
    let never = Client::new(
        Config::builder()
            .auth_id("MAXXXXXXXXXXXXXXXXXX")
            .auth_token("t")
            .base_url(&url)
            .retry(RetryPolicy {
                actions: ActionRetry::Never,
                ..fast_retry()
            })
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        never
            .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
            .unwrap_err()
            .attempts(),
        1
    );
}

#[test]
fn a_connection_dropped_after_the_server_acted_is_not_retried() {
    let (sim, client) = setup();
    sim.push_fault(json!({"kind": "reset_after"})).unwrap();
    let e = client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Connection, 1));
    assert_eq!(total(&sim), 1, "the transfer was sent once");
    assert_eq!(
        member_state(&sim, N, NEW_AGENT).as_deref(),
        Some("connected"),
        "and carried out once"
    );
    // A read survives the same fault.
    sim.push_fault(json!({"kind": "reset_before"})).unwrap();
    assert_eq!(client.get_phlo(P).unwrap().phlo_id, P);
}

#[test]
fn decode_errors_for_bodies_that_are_not_the_json_expected() {
    let (sim, _) = setup();
    let client = client_with(sim.base_url(), |b| b.max_response_bytes(64 * 1024));
    for (body, what) in [
        ("not json", "not JSON"),
        (r#"{"api_id":"x","#, "truncated"),
        ("[1,2]", "an array"),
        (r#"{"api_id":5,"error":""}"#, "wrong types"),
    ] {
        sim.push_fault(json!({"kind": "raw_body", "body": body}))
            .unwrap();
        let e = client.mpc_member_hold(P, N, CUSTOMER).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{what}: {e}");
        assert_eq!((e.attempts(), e.status()), (1, Some(201)), "{what}");
    }
    sim.push_fault(json!({"kind": "huge_body", "bytes": 200_000}))
        .unwrap();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("65536-byte limit"), "{e}");
    // The generic path (the bindings' path) checks the body against the operation's model too.
    sim.push_fault(json!({"kind": "raw_body", "body": r#"{"api_id":5,"error":""}"#}))
        .unwrap();
    let params = json!({"phlo_id": P, "node_id": N, "member_id": CUSTOMER});
    let e = client
        .call("mpc_member_hold", params.as_object().unwrap())
        .unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Decode, Some(201)));
    // A raw request only needs an object.
    sim.push_fault(json!({"kind": "raw_body", "body": "[]"}))
        .unwrap();
    assert_eq!(
        client
            .raw(plivo_phlo::Method::Get, &format!("/v1/phlo/{P}"), None)
            .unwrap_err()
            .kind(),
        ErrorKind::Decode
    );
}

#[test]
fn redirects_are_not_followed() {
    let (sim, client) = setup();
    let other = phlo_sim::Simulator::start().unwrap();
    sim.push_fault(json!({"kind": "redirect", "status": 302, "location": format!("{}/v1/phlo/{P}", other.base_url())})).unwrap();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::BadRequest, Some(302)));
    assert!(e.message().contains("redirect"), "{e}");
    assert_eq!(
        total(&other),
        0,
        "nothing, and no credentials, went to the other host"
    );
}

#[test]
fn the_token_never_shows() {
    let token = "SeCrEt-T0KEN-9f8e7d";
    let sim = phlo_sim::Simulator::start().unwrap();
    let client = client_with(sim.base_url(), |b| b.auth_token(token));
    let cfg = client.config().clone();
    let mut shown = vec![format!("{client:?}"), format!("{cfg:?}")];
    let e = client.get_phlo(P).unwrap_err(); // 401: the simulator knows another token
    shown.push(format!("{e}"));
    shown.push(format!("{e:?}"));
    shown.push(e.to_json());
    // Even a server that echoes the credentials back does not get them into an error.
    let echo = format!(r#"{{"error":"bad token {token} / TUFY"}}"#);
    let good = client_with(sim.base_url(), |b| b.auth_token(token));
    sim.push_fault(json!({"kind": "raw_body", "status": 400, "body": echo}))
        .unwrap();
    let e = good.get_phlo(P).unwrap_err();
    shown.push(format!("{e:?}"));
    shown.push(e.to_json());
    // Echoed in the api_id, and straddling the point where a decode error cuts its quote.
    let in_api_id = format!(r#"{{"api_id":"{token}","error":"x"}}"#);
    sim.push_fault(json!({"kind": "raw_body", "status": 400, "body": in_api_id}))
        .unwrap();
    let e = good.get_phlo(P).unwrap_err();
    assert_eq!(e.api_id(), Some("***"));
    let straddling = format!("{}{token} and more", "x".repeat(190));
    sim.push_fault(json!({"kind": "raw_body", "body": straddling}))
        .unwrap();
    let e = good.get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(
        !e.message().contains(&token[..8]),
        "no part of the token: {e}"
    );
    shown.push(e.to_json());
    let closed = client_with(&format!("http://127.0.0.1:{}", closed_port()), |b| {
        b.auth_token(token)
    });
    let e = closed.get_phlo(P).unwrap_err();
    shown.push(format!("{e:?} {e}"));
    for s in &shown {
        assert!(!s.contains(token), "token leaked in: {s}");
    }
    assert!(
        shown.iter().any(|s| s.contains("bad token ***")),
        "the echo was scrubbed, not dropped: {shown:?}"
    );
}

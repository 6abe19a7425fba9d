//! The runner API over real HTTP: operations, the call state machine, validation, errors.

mod common;

use common::*;
use phlo_sim::{SimConfig, DEFAULT_AUTH_ID, DEMO_NO_RUNS_PHLO_ID};
use reqwest::Method;
use serde_json::json;

#[test]
fn get_phlo_and_nodes() {
    let t = Ctx::new();
    let r = t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let v = r.json();
    assert!(is_uuid_v4(v["api_id"].as_str().unwrap()), "{v}");
    assert_eq!(v["phlo_id"], P);
    assert_eq!(v["name"], "support line");
    assert_eq!(v["created_on"], "2024-05-14 09:31:07.114209+00:00");
    assert_eq!(v.as_object().unwrap().len(), 4);
    // Compact JSON, documented key order.
    assert!(r.text.starts_with("{\"api_id\":\""), "{}", r.text);

    let v = t.get(&format!("/v1/phlo/{P}/multi_party_call/{N}")).json();
    assert_eq!(
        (
            &v["node_id"],
            &v["phlo_id"],
            &v["name"],
            &v["node_type"],
            &v["created_on"]
        ),
        (
            &json!(N),
            &json!(P),
            &json!("Multi-Party Call_1"),
            &json!("multi_party_call"),
            &json!("2024-05-14 09:31:07.180553+00:00")
        )
    );
    let r = t.get(&format!("/v1/phlo/{P}/conference_bridge/{C}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["name"], "Conference Bridge_1");
    assert_eq!(r.json()["created_on"], "2024-05-14 09:31:07.201876+00:00");

    // Fresh api_id every time.
    let a = t.get(&format!("/v1/phlo/{P}")).json()["api_id"].clone();
    let b = t.get(&format!("/v1/phlo/{P}")).json()["api_id"].clone();
    assert_ne!(a, b);
}

#[test]
fn unknown_ids_are_404_empty_object() {
    let t = Ctx::new();
    for path in [
        "/v1/phlo/00000000-0000-4000-8000-000000000000".to_string(),
        format!("/v1/phlo/{P}/multi_party_call/00000000-0000-4000-8000-000000000000"),
        // Node id used with the wrong type.
        format!("/v1/phlo/{P}/conference_bridge/{N}"),
        format!("/v1/phlo/{P}/multi_party_call/{C}"),
        format!("/v1/phlo/{P}/teleporter/{N}"),
        format!("/v1/phlo/{P}/runs/00000000-0000-4000-8000-000000000000"),
        "/v1/nothing".to_string(),
        "/".to_string(),
    ] {
        let r = t.get(&path);
        assert_eq!((r.status, r.text.as_str()), (404, "{}"), "{path}");
    }
    // Member not in the call.
    let r = t.post(&t.member_path("+19999999999"), r#"{"action":"hold"}"#);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    // Action on an unknown node.
    let r = t.post(
        &format!("/v1/phlo/{P}/multi_party_call/00000000-0000-4000-8000-000000000000"),
        SEED,
    );
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
}

#[test]
fn seed_cold_transfer() {
    let t = Ctx::new();
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert!(is_uuid_v4(v["api_id"].as_str().unwrap()));
    assert_eq!(v["error"], "");
    assert_eq!(v.as_object().unwrap().len(), 2);
    assert_eq!(t.member_state(N, "+14152223333"), "left");
    assert_eq!(t.member_state(N, "+14153336666"), "connected");
    assert_eq!(t.member_state(N, "+14152225555"), "connected");
    let node = t.node(N);
    assert_eq!(node["members"]["+14152225555"]["role"], "agent");
    assert_eq!(node["call_active"], true);
    // The initiator has left: it can no longer trigger anything, and the 400 says how to start
    // over (the service's sentence first).
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!(r.status, 400);
    let e = r.error();
    assert!(
        e.starts_with("Invalid value provided for trigger_source. (phlo-sim: "),
        "{e}"
    );
    assert!(
        e.contains("already left") && e.contains("/_sim/reset") && e.contains("--reset"),
        "{e}"
    );
}

#[test]
fn warm_transfer_then_resume() {
    let t = Ctx::new();
    let warm = r#"{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}"#;
    assert_eq!(t.post(&t.mpc_path(), warm).status, 201);
    let node = t.node(N);
    assert_eq!(
        node["pending_transfer"],
        json!({"initiator": "+14152223333", "target": "+14154447777"})
    );
    assert_eq!(t.member_state(N, "+14153336666"), "on_hold");
    assert_eq!(t.member_state(N, "+14152223333"), "consulting");
    assert_eq!(t.member_state(N, "+14154447777"), "consulting");

    // A second transfer while one is pending.
    let cold = r#"{"action":"cold_transfer","to":"+14155558888","trigger_source":"+14152223333"}"#;
    let r = t.post(&t.mpc_path(), cold);
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "Invalid value provided for action.");

    let r = t.post(
        &t.member_path("+14152223333"),
        r#"{"action":"resume_call"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(t.node(N)["pending_transfer"], json!(null));
    for m in ["+14153336666", "+14152223333", "+14154447777"] {
        assert_eq!(t.member_state(N, m), "connected", "{m}");
    }
}

#[test]
fn warm_transfer_then_abort() {
    let t = Ctx::new();
    let warm =
        r#"{"action":"warm_transfer","to":"sip:bob@example.com","trigger_source":"+14152223333"}"#;
    assert_eq!(t.post(&t.mpc_path(), warm).status, 201);
    // Transfers default to the agent role.
    assert_eq!(t.node(N)["members"]["sip:bob@example.com"]["role"], "agent");
    // Only the initiator can abort.
    let r = t.post(
        &t.member_path("+14153336666"),
        r#"{"action":"abort_transfer"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "Invalid value provided for action.");
    let r = t.post(
        &t.member_path("+14152223333"),
        r#"{"action":"abort_transfer"}"#,
    );
    assert_eq!(r.status, 201);
    assert_eq!(t.member_state(N, "sip:bob@example.com"), "left");
    assert_eq!(t.member_state(N, "+14153336666"), "connected");
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
    assert_eq!(t.node(N)["pending_transfer"], json!(null));
    // Nothing pending any more.
    let r = t.post(
        &t.member_path("+14152223333"),
        r#"{"action":"abort_transfer"}"#,
    );
    assert_eq!(r.status, 400);
}

#[test]
fn member_state_actions() {
    let t = Ctx::new();
    let m = t.member_path("+14153336666");
    for (action, state) in [
        ("hold", "on_hold"),
        ("hold", "on_hold"),
        ("unhold", "connected"),
        ("mute", "muted"),
        ("unmute", "connected"),
        ("unhold", "connected"),
    ] {
        let r = t.post(&m, &format!(r#"{{"action":"{action}"}}"#));
        assert_eq!(r.status, 201, "{action}: {}", r.text);
        assert_eq!(r.json()["error"], "");
        assert_eq!(t.member_state(N, "+14153336666"), state, "{action}");
    }
    // `call` adds a party; calling someone already present is refused.
    let call = r#"{"action":"call","to":"+14156667777","role":"supervisor","trigger_source":"+14152223333"}"#;
    assert_eq!(t.post(&t.mpc_path(), call).status, 201);
    assert_eq!(t.node(N)["members"]["+14156667777"]["role"], "supervisor");
    let r = t.post(&t.mpc_path(), call);
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "Invalid value provided for to.");
    // A trigger_source on hold is not connected.
    assert_eq!(t.post(&m, r#"{"action":"hold"}"#).status, 201);
    let r = t.post(
        &t.mpc_path(),
        r#"{"action":"call","to":"+14150001111","role":"agent","trigger_source":"+14153336666"}"#,
    );
    assert_eq!(r.error(), "Invalid value provided for trigger_source.");
    // voicemail_drop: the member leaves.
    assert_eq!(t.post(&m, r#"{"action":"voicemail_drop"}"#).status, 201);
    assert_eq!(t.member_state(N, "+14153336666"), "left");
    let r = t.post(&m, r#"{"action":"unhold"}"#);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
}

#[test]
fn hangup_ends_the_call() {
    let t = Ctx::new();
    let r = t.post(&t.member_path("+14153336666"), r#"{"action":"hangup"}"#);
    assert_eq!(r.status, 201);
    let node = t.node(N);
    assert_eq!(node["call_active"], false);
    assert_eq!(t.member_state(N, "+14152223333"), "left");
    let r = t.post(&t.member_path("+14152223333"), r#"{"action":"hold"}"#);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    let r = t.post(&t.mpc_path(), SEED);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    // A run re-opens the call on the PHLO's first node.
    let run = t.post(
        &format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{P}"),
        r#"{"from":"+14153336666","to":"+14152223333"}"#,
    );
    assert_eq!(run.status, 201);
    assert_eq!(t.post(&t.mpc_path(), SEED).status, 201);
}

#[test]
fn conference_bridge_members() {
    let t = Ctx::new();
    let m = format!("/v1/phlo/{P}/conference_bridge/{C}/members/+14155550123");
    assert_eq!(t.post(&m, r#"{"action":"mute"}"#).status, 201);
    assert_eq!(t.member_state(C, "+14155550123"), "muted");
    assert_eq!(t.post(&m, r#"{"action":"unmute"}"#).status, 201);
    assert_eq!(t.member_state(C, "+14155550123"), "connected");
    for action in ["hold", "resume_call", "voicemail_drop", "teleport"] {
        let r = t.post(&m, &format!(r#"{{"action":"{action}"}}"#));
        assert_eq!(r.status, 400, "{action}");
        assert_eq!(r.error(), "Invalid value provided for action.");
    }
    let r = t.post(&m, "{}");
    assert_eq!(r.error(), "action is a mandatory param.");
    assert_eq!(t.post(&m, r#"{"action":"hangup"}"#).status, 201);
    assert_eq!(t.member_state(C, "+14155550123"), "left");
    let r = t.post(&m, r#"{"action":"mute"}"#);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    // Node-level POST on a bridge does not exist.
    let r = t.post(&format!("/v1/phlo/{P}/conference_bridge/{C}"), SEED);
    assert_eq!(r.status, 405);
    assert_eq!(r.error(), "Method not allowed.");
    assert!(is_uuid_v4(r.json()["api_id"].as_str().unwrap()));
}

#[test]
fn validation_messages() {
    let t = Ctx::new();
    let long = "1".repeat(129);
    let cases: Vec<(String, &str)> = vec![
        ("[1,2]".into(), "Invalid value provided for body."),
        ("not json".into(), "Invalid value provided for body."),
        ("{}".into(), "action is a mandatory param."),
        (r#"{"action":"teleport","to":"x"}"#.into(), "Invalid value provided for action."),
        (r#"{"action":7}"#.into(), "Invalid value provided for action. action expects a/an string."),
        (r#"{"action":"call"}"#.into(), "to is a mandatory param."),
        (r#"{"action":"call","to":12345678}"#.into(), "Invalid value provided for to. to expects a/an string."),
        (r#"{"action":"call","to":"alice"}"#.into(), "Invalid value provided for to."),
        (format!(r#"{{"action":"call","to":"{long}"}}"#), "Invalid value provided for to. The to can be maximum 128 characters long."),
        (r#"{"action":"call","to":"+14150001111"}"#.into(), "trigger_source is a mandatory param."),
        (r#"{"action":"call","to":"+14150001111","trigger_source":"sip:x"}"#.into(), "Invalid value provided for trigger_source."),
        (r#"{"action":"call","to":"+14150001111","trigger_source":"+14152223333"}"#.into(), "role is a mandatory param."),
        (r#"{"action":"call","to":"+14150001111","trigger_source":"+14152223333","role":"boss"}"#.into(), "Invalid value provided for role."),
        (r#"{"action":"warm_transfer","to":"+14150001111","trigger_source":"+14152223333","role":true}"#.into(), "Invalid value provided for role. role expects a/an string."),
        (format!(r#"{{"action":"call","to":"+14150001111","trigger_source":"+14152223333","role":"{}"}}"#, "a".repeat(200)), "Invalid value provided for role. The role can be maximum 128 characters long."),
    ];
    for (body, message) in &cases {
        let r = t.post(&t.mpc_path(), body);
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let v = r.json();
        assert_eq!(v["error"], *message, "{body}");
        assert!(is_uuid_v4(v["api_id"].as_str().unwrap()));
    }
    // Member actions validate their body too.
    let m = t.member_path("+14153336666");
    assert_eq!(t.post(&m, "").error(), "action is a mandatory param.");
    assert_eq!(t.post(&m, "[]").error(), "Invalid value provided for body.");
    assert_eq!(
        t.post(&m, r#"{"action":"dance"}"#).error(),
        "Invalid value provided for action."
    );
    // Nothing changed.
    assert_eq!(t.member_state(N, "+14153336666"), "connected");
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
}

#[test]
fn authentication() {
    let t = Ctx::new();
    let path = format!("/v1/phlo/{P}");
    let check = |r: Resp| {
        assert_eq!(r.status, 401);
        let v = r.json();
        assert_eq!(v["error"], "authentication failed");
        assert!(is_uuid_v4(v["api_id"].as_str().unwrap()));
    };
    check(t.send(t.http.get(t.url(&path))));
    check(
        t.send(
            t.http
                .get(t.url(&path))
                .basic_auth(DEFAULT_AUTH_ID, Some("wrong")),
        ),
    );
    check(
        t.send(
            t.http
                .get(t.url(&path))
                .basic_auth("MAYYYYYYYYYYYYYYYYYY", Some("token123")),
        ),
    );
    check(
        t.send(
            t.http
                .get(t.url(&path))
                .header("authorization", "Bearer token123"),
        ),
    );
    // The run path's account must be the authenticated one.
    check(t.post(&format!("/v1/account/MAYYYYYYYYYYYYYYYYYY/phlo/{P}"), "{}"));
    // No state change on a 401.
    let r = t.send(
        t.http
            .post(t.url(&t.mpc_path()))
            .basic_auth(DEFAULT_AUTH_ID, Some("nope"))
            .body(SEED),
    );
    assert_eq!(r.status, 401);
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
}

#[test]
fn several_accounts() {
    let t = Ctx::with(SimConfig {
        accounts: vec![
            ("MA0000000000000000AA".into(), "one".into()),
            ("SA0000000000000000BB".into(), "two".into()),
        ],
        ..SimConfig::default()
    });
    let path = format!("/v1/phlo/{P}");
    let get = |id: &str, tok: &str| {
        t.send(t.http.get(t.url(&path)).basic_auth(id, Some(tok)))
            .status
    };
    assert_eq!(get("MA0000000000000000AA", "one"), 200);
    assert_eq!(get("SA0000000000000000BB", "two"), 200);
    assert_eq!(get("SA0000000000000000BB", "one"), 401);
    assert_eq!(get(DEFAULT_AUTH_ID, "token123"), 401);
    let r = t.send(
        t.http
            .post(t.url(&format!("/v1/account/SA0000000000000000BB/phlo/{P}")))
            .basic_auth("SA0000000000000000BB", Some("two")),
    );
    assert_eq!(r.status, 201);
}

#[test]
fn method_not_allowed() {
    let t = Ctx::new();
    for (method, path, allow) in [
        (Method::POST, format!("/v1/phlo/{P}"), "GET"),
        (Method::DELETE, format!("/v1/phlo/{P}"), "GET"),
        (
            Method::GET,
            format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{P}"),
            "POST",
        ),
        (Method::PUT, t.mpc_path(), "GET, POST"),
        (Method::GET, t.member_path("+14153336666"), "POST"),
        (Method::DELETE, t.member_path("+14153336666"), "POST"),
        (Method::POST, format!("/v1/phlo/{P}/runs/x"), "GET"),
        (
            Method::POST,
            format!("/v1/phlo/{P}/conference_bridge/{C}"),
            "GET",
        ),
    ] {
        let r = t.send(t.req(method.clone(), &path).body("{}"));
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.error(), "Method not allowed.");
        assert_eq!(r.header("allow").as_deref(), Some(allow));
    }
}

#[test]
fn tolerance_trailing_slash_query_content_type() {
    let t = Ctx::new();
    let r = t.get(&format!("/v1/phlo/{P}/?phlo_id={P}&x=1"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["phlo_id"], P);
    let r = t.send(
        t.req(Method::POST, &format!("{}/?node_id={N}", t.mpc_path()))
            .header("content-type", "application/json; charset=utf-8")
            .body(SEED),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let r = t.post(
        &format!("{}/", t.member_path("+14153336666")),
        r#"{"action":"hold"}"#,
    );
    assert_eq!(r.status, 201);
    // Whitespace and key order do not matter.
    let r = t.post(
        &t.member_path("+14153336666"),
        "{ \"action\" : \"unhold\", \"extra\": 1 }\n",
    );
    assert_eq!(r.status, 201);
    assert_eq!(t.member_state(N, "+14153336666"), "connected");
}

#[test]
fn percent_encoded_and_sip_members() {
    let t = Ctx::new();
    let call = r#"{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14152223333"}"#;
    assert_eq!(t.post(&t.mpc_path(), call).status, 201);
    let raw = t.member_path("sip:alice@example.com");
    let encoded = t.member_path("sip%3Aalice%40example.com");
    let lower = t.member_path("sip%3aalice%40example.com");
    assert_eq!(t.post(&raw, r#"{"action":"hold"}"#).status, 201);
    assert_eq!(t.member_state(N, "sip:alice@example.com"), "on_hold");
    assert_eq!(t.post(&encoded, r#"{"action":"unhold"}"#).status, 201);
    assert_eq!(t.member_state(N, "sip:alice@example.com"), "connected");
    assert_eq!(t.post(&lower, r#"{"action":"mute"}"#).status, 201);
    assert_eq!(t.member_state(N, "sip:alice@example.com"), "muted");
    // `+` is kept as `+`; `%2B` decodes to it.
    assert_eq!(
        t.post(&t.member_path("%2B14153336666"), r#"{"action":"hold"}"#)
            .status,
        201
    );
    assert_eq!(t.member_state(N, "+14153336666"), "on_hold");
    assert_eq!(
        t.post(&t.member_path("+14153336666"), r#"{"action":"unhold"}"#)
            .status,
        201
    );
    // A space-less number without `+` is another member.
    let r = t.post(&t.member_path("14153336666"), r#"{"action":"hold"}"#);
    assert_eq!(r.status, 404);
    // The log keeps the raw path.
    let log = t.control(Method::GET, "/_sim/requests", None).json();
    let paths: Vec<&str> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&encoded.as_str()), "{paths:?}");
    assert!(paths.contains(&raw.as_str()), "{paths:?}");
}

#[test]
fn runs() {
    let t = Ctx::new();
    let run_path = format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{P}");
    // No body at all, `{}` and a trailing slash: a "stopped" run.
    for r in [
        t.send(t.req(Method::POST, &run_path)),
        t.post(&run_path, "{}"),
        t.post(&format!("{run_path}/"), ""),
    ] {
        assert_eq!(r.status, 201, "{}", r.text);
        let v = r.json();
        let id = v["api_id"].as_str().unwrap();
        assert!(is_uuid_v4(id));
        assert_eq!(v["phlo_run_id"], id);
        assert_eq!(v["phlo_id"], P);
        assert_eq!(
            v["message"],
            format!("stopped. next node uuid not found for b'Start' - b'Start' with output state: http - phlo_run_id {id}")
        );
        let g = t.get(&format!("/v1/phlo/{P}/runs/{id}")).json();
        assert_eq!(g["run_id"], id);
        assert_eq!(g["call_uuids"], json!([]));
    }
    // Untouched call.
    assert_eq!(t.member_state(N, "+14152223333"), "connected");

    let payload = r#"{"from":"+14152225555","to":"+14153336666","ticket":1234,"vip":true}"#;
    let v = t.post(&run_path, payload).json();
    let id = v["api_id"].as_str().unwrap().to_owned();
    assert_eq!(
        v["message"],
        format!("b'Multi-Party Call' - b'Multi-Party Call_1' with phlo_run_uuid: {id} executed")
    );
    let node = t.node(N);
    assert_eq!(
        node["members"],
        json!({
            "+14152225555": {"role": "customer", "state": "connected"},
            "+14153336666": {"role": "agent", "state": "connected"},
        })
    );
    let g = t.get(&format!("/v1/phlo/{P}/runs/{id}"));
    assert_eq!(g.status, 200);
    let g = g.json();
    assert_eq!(g["phlo_id"], P);
    assert_eq!(g["run_id"], id.as_str());
    assert_eq!(g["call_uuids"].as_array().unwrap().len(), 2);
    assert_eq!(g["message_uuids"], json!([]));
    assert_eq!(g["recording_ids"], json!([]));
    let state = t.sim.state();
    assert_eq!(
        state["runs"][&id]["payload"],
        serde_json::from_str::<serde_json::Value>(payload).unwrap()
    );
    assert_eq!(state["runs"][&id]["phlo_id"], P);

    // A run under another PHLO id is not found.
    let r = t.get(&format!("/v1/phlo/{DEMO_NO_RUNS_PHLO_ID}/runs/{id}"));
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    // A PHLO that does not accept API runs, and an unknown PHLO.
    for p in [DEMO_NO_RUNS_PHLO_ID, "00000000-0000-4000-8000-000000000000"] {
        let r = t.post(&format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{p}"), "{}");
        assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    }
    // The no-runs PHLO still reads.
    assert_eq!(
        t.get(&format!("/v1/phlo/{DEMO_NO_RUNS_PHLO_ID}")).json()["name"],
        "no api runs"
    );
    // A payload that is not an object.
    let r = t.post(&run_path, "[1]");
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "Invalid value provided for body.");
}

#[test]
fn status_200_switch() {
    let t = Ctx::with(SimConfig {
        status_200: true,
        ..SimConfig::default()
    });
    assert_eq!(
        t.post(&t.member_path("+14153336666"), r#"{"action":"hold"}"#)
            .status,
        200
    );
    let r = t.control(
        Method::POST,
        "/_sim/config",
        Some(r#"{"status_200":false}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        t.post(&t.member_path("+14153336666"), r#"{"action":"unhold"}"#)
            .status,
        201
    );
    assert_eq!(t.sim.state()["config"]["status_200"], false);
    // Reset restores the start config.
    t.sim.reset();
    assert_eq!(t.sim.state()["config"]["status_200"], true);
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 200);
}

#[test]
fn keep_alive_connection_is_reused() {
    use std::io::{BufRead, BufReader, Read, Write};
    let t = Ctx::new();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", t.sim.port())).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    for i in 0..3 {
        write!(
            s,
            "GET /v1/phlo/{P} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=\r\n\r\n"
        )
        .unwrap();
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{i}: {status}");
        let mut len = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["phlo_id"],
            P
        );
    }
}

//! Every operation of the API reference, over real HTTP against the simulator: the request the
//! simulator received, the typed response, and the state change.

mod common;
use common::*;

use plivo_phlo::{Method, NodeType, OPERATIONS};
use serde_json::{json, Value};

fn check_headers(req: &Value, with_body: bool) {
    let h = &req["headers"];
    assert_eq!(
        h["authorization"], "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=",
        "{req}"
    );
    assert_eq!(h["accept"], "application/json");
    let ua = h["user-agent"].as_str().unwrap();
    assert!(
        ua.starts_with(&format!("plivo-phlo/{} (Rust: 1.", plivo_phlo::VERSION)),
        "{ua}"
    );
    if with_body {
        assert_eq!(h["content-type"], "application/json");
    } else {
        assert!(
            h.get("content-type").is_none() && h.get("content-length").is_none(),
            "GET without body headers: {h}"
        );
        assert_eq!(req["body"], "");
    }
}

#[test]
fn seed_cold_transfer_moves_the_customer_to_the_new_agent() {
    let (sim, client) = setup();
    let r = client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap();
    assert!(is_uuid(&r.api_id), "{r:?}");
    assert_eq!(r.error, "");
    let req = last_request(&sim);
    assert_eq!(req["method"], "POST");
    assert_eq!(req["path"], format!("/v1/phlo/{P}/multi_party_call/{N}"));
    assert_eq!(
        req["body"],
        r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#
    );
    assert_eq!(req["status"], 201);
    check_headers(&req, true);
    assert_eq!(member_state(&sim, N, AGENT).as_deref(), Some("left"));
    assert_eq!(
        member_state(&sim, N, NEW_AGENT).as_deref(),
        Some("connected")
    );
    assert_eq!(member_role(&sim, N, NEW_AGENT).as_deref(), Some("agent"));
    assert_eq!(
        member_state(&sim, N, CUSTOMER).as_deref(),
        Some("connected")
    );
}

#[test]
fn get_phlo_and_nodes() {
    let (sim, client) = setup();
    let p = client.get_phlo(P).unwrap();
    assert_eq!((p.phlo_id.as_str(), p.name.as_str()), (P, "support line"));
    assert_eq!(p.created_on, "2024-05-14 09:31:07.114209+00:00");
    assert!(is_uuid(&p.api_id));
    let req = last_request(&sim);
    assert_eq!(
        (req["method"].as_str(), req["path"].as_str()),
        (Some("GET"), Some(&*format!("/v1/phlo/{P}")))
    );
    assert_eq!(req["status"], 200);
    check_headers(&req, false);

    let n = client.get_multi_party_call(P, N).unwrap();
    assert_eq!(
        (n.node_id.as_str(), n.node_type.as_str(), n.name.as_str()),
        (N, "multi_party_call", "Multi-Party Call_1")
    );
    assert_eq!(
        last_request(&sim)["path"],
        format!("/v1/phlo/{P}/multi_party_call/{N}")
    );
    let b = client.get_conference_bridge(P, C).unwrap();
    assert_eq!(
        (b.node_type.as_str(), b.phlo_id.as_str()),
        ("conference_bridge", P)
    );
    assert_eq!(
        last_request(&sim)["path"],
        format!("/v1/phlo/{P}/conference_bridge/{C}")
    );
    let same = client.get_node(P, NodeType::ConferenceBridge, C).unwrap();
    assert_eq!(same.node_id, C);
}

#[test]
fn run_phlo_without_and_with_payload_then_read_the_run() {
    let (sim, client) = setup();
    let r = client.run_phlo(P, None).unwrap();
    assert!(is_uuid(r.run_id()));
    let req = last_request(&sim);
    assert_eq!(
        req["path"],
        format!("/v1/account/{}/phlo/{P}", phlo_sim::DEFAULT_AUTH_ID)
    );
    assert_eq!(req["body"], "{}");
    assert_eq!(req["status"], 201);

    let payload = json!({"from": "+14155550100", "to": "+14155550199", "ticket": 1234, "vip": true, "dropped": null});
    let r = client.run_phlo(P, payload.as_object().cloned()).unwrap();
    assert_eq!(
        last_request(&sim)["body"],
        r#"{"from":"+14155550100","to":"+14155550199","ticket":1234,"vip":true}"#
    );
    assert_eq!(r.phlo_id, P);
    // A run with from/to opens a call on the first node: customer `from`, agent `to`.
    assert_eq!(
        member_role(&sim, N, "+14155550100").as_deref(),
        Some("customer")
    );
    assert_eq!(
        member_state(&sim, N, "+14155550199").as_deref(),
        Some("connected")
    );
    assert_eq!(sim.state()["runs"][r.run_id()]["payload"]["ticket"], 1234);

    let run = client.get_phlo_run(P, r.run_id()).unwrap();
    assert_eq!((run.run_id.as_str(), run.phlo_id.as_str()), (r.run_id(), P));
    assert_eq!(
        last_request(&sim)["path"],
        format!("/v1/phlo/{P}/runs/{}", r.run_id())
    );
}

#[test]
fn call_adds_a_party_with_its_role() {
    let (sim, client) = setup();
    client
        .mpc_call(P, N, AGENT, "sip:alice@example.com", "customer")
        .unwrap();
    assert_eq!(
        last_request(&sim)["body"],
        r#"{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14152223333"}"#
    );
    assert_eq!(
        member_role(&sim, N, "sip:alice@example.com").as_deref(),
        Some("customer")
    );
    // A SIP member goes into the path as is.
    client
        .mpc_member_hangup(P, N, "sip:alice@example.com")
        .unwrap();
    let req = last_request(&sim);
    assert_eq!(
        req["path"],
        format!("/v1/phlo/{P}/multi_party_call/{N}/members/sip:alice@example.com")
    );
    assert_eq!(req["body"], r#"{"action":"hangup"}"#);
    assert_eq!(
        member_state(&sim, N, "sip:alice@example.com").as_deref(),
        Some("left")
    );
}

#[test]
fn warm_transfer_then_resume() {
    let (sim, client) = setup();
    client
        .mpc_warm_transfer(P, N, AGENT, "+14154447777", None)
        .unwrap();
    assert_eq!(
        last_request(&sim)["body"],
        r#"{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}"#
    );
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("on_hold"));
    assert_eq!(
        member_state(&sim, N, "+14154447777").as_deref(),
        Some("consulting")
    );
    client.mpc_member_resume_call(P, N, AGENT).unwrap();
    assert_eq!(last_request(&sim)["body"], r#"{"action":"resume_call"}"#);
    assert_eq!(
        member_state(&sim, N, CUSTOMER).as_deref(),
        Some("connected")
    );
    assert!(sim.state()["phlos"][P]["nodes"][N]["pending_transfer"].is_null());
}

#[test]
fn warm_transfer_then_abort() {
    let (sim, client) = setup();
    client
        .mpc_warm_transfer(P, N, AGENT, "+14154447777", Some("supervisor"))
        .unwrap();
    assert_eq!(
        member_role(&sim, N, "+14154447777").as_deref(),
        Some("supervisor")
    );
    client.mpc_member_abort_transfer(P, N, AGENT).unwrap();
    assert_eq!(last_request(&sim)["body"], r#"{"action":"abort_transfer"}"#);
    assert_eq!(
        member_state(&sim, N, "+14154447777").as_deref(),
        Some("left")
    );
    assert_eq!(
        member_state(&sim, N, CUSTOMER).as_deref(),
        Some("connected")
    );
}

#[test]
fn mpc_member_actions_change_the_member() {
    let (sim, client) = setup();
    type MemberFn =
        fn(&plivo_phlo::Client, &str, &str, &str) -> plivo_phlo::Result<plivo_phlo::ActionResponse>;
    let steps: [(MemberFn, &str, &str); 4] = [
        (plivo_phlo::Client::mpc_member_hold, "hold", "on_hold"),
        (plivo_phlo::Client::mpc_member_unhold, "unhold", "connected"),
        (plivo_phlo::Client::mpc_member_mute, "mute", "muted"),
        (plivo_phlo::Client::mpc_member_unmute, "unmute", "connected"),
    ];
    for (f, action, state) in steps {
        let r = f(&client, P, N, CUSTOMER).unwrap();
        assert_eq!(r.error, "");
        let req = last_request(&sim);
        assert_eq!(
            req["path"],
            format!("/v1/phlo/{P}/multi_party_call/{N}/members/+14153336666")
        );
        assert_eq!(req["body"], format!(r#"{{"action":"{action}"}}"#));
        assert_eq!(
            member_state(&sim, N, CUSTOMER).as_deref(),
            Some(state),
            "{action}"
        );
    }
    client.mpc_member_voicemail_drop(P, N, CUSTOMER).unwrap();
    assert_eq!(last_request(&sim)["body"], r#"{"action":"voicemail_drop"}"#);
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("left"));
}

#[test]
fn hangup_ends_a_two_party_call() {
    let (sim, client) = setup();
    client.mpc_member_hangup(P, N, CUSTOMER).unwrap();
    assert_eq!(sim.state()["phlos"][P]["nodes"][N]["call_active"], false);
    let e = client.mpc_member_hold(P, N, AGENT).unwrap_err();
    assert_eq!(e.kind(), plivo_phlo::ErrorKind::NotFound);
}

#[test]
fn bridge_member_actions() {
    let (sim, client) = setup();
    let m = "+14155550123";
    client.bridge_member_mute(P, C, m).unwrap();
    let req = last_request(&sim);
    assert_eq!(
        req["path"],
        format!("/v1/phlo/{P}/conference_bridge/{C}/members/+14155550123")
    );
    assert_eq!(req["body"], r#"{"action":"mute"}"#);
    assert_eq!(member_state(&sim, C, m).as_deref(), Some("muted"));
    client.bridge_member_unmute(P, C, m).unwrap();
    assert_eq!(member_state(&sim, C, m).as_deref(), Some("connected"));
    client.bridge_member_hangup(P, C, m).unwrap();
    assert_eq!(last_request(&sim)["body"], r#"{"action":"hangup"}"#);
    assert_eq!(member_state(&sim, C, m).as_deref(), Some("left"));
}

#[test]
fn generic_forms_and_raw() {
    let (sim, client) = setup();
    client
        .node_action(P, N, "cold_transfer", AGENT, NEW_AGENT, None)
        .unwrap();
    assert_eq!(
        last_request(&sim)["body"],
        r#"{"action":"cold_transfer","to":"+14152225555","trigger_source":"+14152223333"}"#
    );
    client
        .member_action(P, NodeType::MultiPartyCall, N, CUSTOMER, "hold")
        .unwrap();
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("on_hold"));
    let r = client
        .raw(Method::Get, &format!("/v1/phlo/{P}"), None)
        .unwrap();
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["name"], "support line");
    let phlo: plivo_phlo::Phlo = r.parse().unwrap();
    assert_eq!(phlo.phlo_id, P);
}

/// The demo node an operation acts on, and a member of it.
fn node_and_member(spec: &plivo_phlo::OpSpec) -> (&'static str, &'static str) {
    if spec.node_type == Some(NodeType::ConferenceBridge) {
        (C, "+14155550123")
    } else {
        (N, CUSTOMER)
    }
}

#[test]
fn every_named_operation_through_call() {
    let (sim, client) = setup();
    let run = client.run_phlo(P, None).unwrap();
    for spec in OPERATIONS {
        sim.reset();
        let (node, member) = node_and_member(spec);
        let mut all = json!({"phlo_id": P, "node_id": node, "run_id": run.run_id(), "node_type": "multi_party_call", "member_id": member,
            "to": NEW_AGENT, "trigger_source": AGENT, "role": "agent", "action": "hold", "method": "GET", "path": format!("/v1/phlo/{P}")});
        if spec.name == "mpc_member_abort_transfer" || spec.name == "mpc_member_resume_call" {
            client
                .mpc_warm_transfer(P, N, AGENT, "+14154447777", None)
                .unwrap();
            all["member_id"] = json!(AGENT);
        }
        if spec.name == "node_action" {
            all["action"] = json!("cold_transfer");
        }
        if spec.name == "get_phlo_run" {
            // Runs survive only until reset: make one now.
            all["run_id"] = json!(client.run_phlo(P, None).unwrap().run_id());
        }
        let params = spec
            .params
            .iter()
            .map(|k| k.trim_end_matches('?'))
            .map(|k| (k.to_owned(), all[k].clone()))
            .collect::<serde_json::Map<_, _>>();
        let before = total(&sim);
        let r = client
            .call(spec.name, &params)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert!((200..300).contains(&r.status), "{}", spec.name);
        assert_eq!(
            total(&sim),
            before + 1,
            "{} sent exactly one request",
            spec.name
        );
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            is_uuid(v["api_id"].as_str().unwrap()),
            "{}: {}",
            spec.name,
            r.body
        );
    }
}

#[test]
fn unknown_fields_are_kept() {
    let (sim, client) = setup();
    sim.push_fault(json!({"kind": "raw_body", "status": 200, "body": r#"{"api_id":"x","phlo_id":"p","name":"n","created_on":"t","brand_new":{"a":1}}"#}))
        .unwrap();
    let p = client.get_phlo(P).unwrap();
    assert_eq!(p.extra["brand_new"], json!({"a": 1}));
}

#[test]
fn one_client_serves_many_threads() {
    let (sim, client) = setup();
    std::thread::scope(|s| {
        for _ in 0..8 {
            let c = client.clone();
            s.spawn(move || {
                for _ in 0..25 {
                    assert_eq!(c.get_phlo(P).unwrap().phlo_id, P);
                }
            });
        }
    });
    assert_eq!(total(&sim), 200);
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<plivo_phlo::Client>();
}

/// The string-pair form of the named path sends exactly what the JSON-object form sends, for
/// every operation (run_phlo without a payload, raw without a body).
#[test]
fn every_named_operation_through_call_strings_sends_the_same_request() {
    let (sim, client) = setup();
    for spec in OPERATIONS {
        let (node, member) = node_and_member(spec);
        let path = format!("/v1/phlo/{P}");
        let mut sent = Vec::new();
        for form in ["json", "strings"] {
            sim.reset();
            let mut member = member;
            if spec.name == "mpc_member_abort_transfer" || spec.name == "mpc_member_resume_call" {
                client
                    .mpc_warm_transfer(P, N, AGENT, "+14154447777", None)
                    .unwrap();
                member = AGENT;
            }
            let run_id = client.run_phlo(P, None).unwrap().run_id().to_owned();
            let action = if spec.name == "node_action" {
                "cold_transfer"
            } else {
                "hold"
            };
            let all = [
                ("phlo_id", P),
                ("node_id", node),
                ("run_id", run_id.as_str()),
                ("node_type", "multi_party_call"),
                ("member_id", member),
                ("to", NEW_AGENT),
                ("trigger_source", AGENT),
                ("role", "agent"),
                ("action", action),
                ("method", "GET"),
                ("path", path.as_str()),
            ];
            let pairs: Vec<(&str, &str)> = spec
                .params
                .iter()
                .map(|k| k.trim_end_matches('?'))
                .filter_map(|k| all.iter().find(|(n, _)| *n == k).copied())
                .collect();
            let before = total(&sim);
            let r = if form == "json" {
                let object = pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), json!(v)))
                    .collect::<serde_json::Map<_, _>>();
                client.call(spec.name, &object)
            } else {
                client.call_strings(spec.name, &pairs)
            }
            .unwrap_or_else(|e| panic!("{} ({form}): {e}", spec.name));
            assert!((200..300).contains(&r.status), "{}", spec.name);
            assert_eq!(total(&sim), before + 1, "{} ({form})", spec.name);
            let req = last_request(&sim);
            // A run id is new after each reset; everything else must match byte for byte.
            let shown_path = req["path"].as_str().unwrap().replace(&run_id, "{R}");
            sent.push((req["method"].clone(), shown_path, req["body"].clone()));
        }
        assert_eq!(sent[0], sent[1], "{}", spec.name);
    }
}

#[test]
fn execute_as_parses_once_and_keeps_status_and_body() {
    let (_sim, client) = setup();
    let op = plivo_phlo::Operation::from_strings(
        "mpc_cold_transfer",
        &[
            ("phlo_id", P),
            ("node_id", N),
            ("trigger_source", AGENT),
            ("to", NEW_AGENT),
        ],
    )
    .unwrap();
    let a = client
        .execute_as::<plivo_phlo::ActionResponse>(&op)
        .unwrap();
    assert_eq!(a.status, 201);
    assert_eq!(a.value.error, "");
    assert!(is_uuid(&a.value.api_id), "{a:?}");
    let reparsed: plivo_phlo::ActionResponse = serde_json::from_str(&a.body).unwrap();
    assert_eq!(reparsed, a.value);
    // A body that does not fit the model asked for is a decode error.
    let get = plivo_phlo::Operation::from_strings("get_phlo", &[("phlo_id", P)]).unwrap();
    let e = client.execute_as::<Vec<String>>(&get).unwrap_err();
    assert_eq!(e.kind(), plivo_phlo::ErrorKind::Decode);
    assert_eq!(e.status(), Some(200));
}

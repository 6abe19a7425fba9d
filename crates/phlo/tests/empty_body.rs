//! A 2xx answer with no body (the service answers some member actions so) is a success on every
//! path: the typed methods return the model with every field empty, `execute_as` and the generic
//! `call`/`raw` keep the status and give the body as `""`, and the request is sent once.

mod common;
use common::*;

use plivo_phlo::{ActionResponse, Method, Node, NodeType, Operation, Phlo, PhloRunStarted};
use serde_json::{json, Map, Value};

/// Queues one answer of `status` with `body` (the request is still carried out).
fn answer_with(sim: &phlo_sim::Simulator, status: u16, body: &str) {
    sim.push_fault(json!({"kind": "raw_body", "status": status, "body": body}))
        .unwrap();
}

fn params(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn typed_methods_return_empty_models() {
    let (sim, client) = setup();
    answer_with(&sim, 200, "");
    assert_eq!(client.get_phlo(P).unwrap(), Phlo::default());
    answer_with(&sim, 200, "");
    assert_eq!(client.get_multi_party_call(P, N).unwrap(), Node::default());
    answer_with(&sim, 201, "");
    let run = client.run_phlo(P, None).unwrap();
    assert_eq!(run, PhloRunStarted::default());
    assert_eq!(run.run_id(), "");
    answer_with(&sim, 200, "");
    assert_eq!(client.get_phlo_run(P, P).unwrap().call_uuids.len(), 0);
    assert_eq!(total(&sim), 4, "each sent once, none retried");

    // The action was carried out, once, and reported as the success it was.
    answer_with(&sim, 200, "");
    let r = client.mpc_member_hold(P, N, CUSTOMER).unwrap();
    assert_eq!(r, ActionResponse::default());
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("on_hold"));
    answer_with(&sim, 201, " \r\n\t");
    client
        .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
        .unwrap();
    assert_eq!(
        member_state(&sim, N, NEW_AGENT).as_deref(),
        Some("connected")
    );
    assert_eq!(total(&sim), 6);
}

#[test]
fn answers_keep_the_status_and_an_empty_body() {
    let (sim, client) = setup();
    for status in [200, 201, 202, 204] {
        answer_with(&sim, status, "");
        let op = Operation::MemberAction {
            phlo_id: P.into(),
            node_type: NodeType::ConferenceBridge,
            node_id: C.into(),
            member_id: "+14155550123".into(),
            action: "mute".into(),
        };
        let a = client.execute_as::<ActionResponse>(&op).unwrap();
        assert_eq!((a.status, a.body.as_str()), (status, ""));
        assert!(a.body_is_empty());
        assert_eq!(a.value, ActionResponse::default());
    }
    // A body of only whitespace is no body: given as "".
    answer_with(&sim, 200, "\n");
    let a = client
        .execute_as::<Phlo>(&Operation::GetPhlo { phlo_id: P.into() })
        .unwrap();
    assert_eq!((a.status, a.body.as_str()), (200, ""));
    // A body is still given as received.
    let a = client
        .execute_as::<Phlo>(&Operation::GetPhlo { phlo_id: P.into() })
        .unwrap();
    assert!(!a.body_is_empty());
    assert_eq!(a.value.phlo_id, P);
    assert_eq!(total(&sim), 6);
}

#[test]
fn the_generic_path_gives_an_empty_body() {
    let (sim, client) = setup();
    answer_with(&sim, 201, "");
    let r = client
        .call(
            "mpc_member_mute",
            &params(json!({"phlo_id": P, "node_id": N, "member_id": CUSTOMER})),
        )
        .unwrap();
    assert_eq!((r.status, r.body.as_str()), (201, ""));
    assert!(r.body_is_empty());
    assert_eq!(
        r.parse::<ActionResponse>().unwrap(),
        ActionResponse::default()
    );
    assert_eq!(r.parse::<Map<String, Value>>().unwrap(), Map::new());
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("muted"));

    answer_with(&sim, 200, "  ");
    let r = client
        .raw(Method::Get, &format!("/v1/phlo/{P}"), None)
        .unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(total(&sim), 2, "each sent once, none retried");

    // Bodies that are not JSON objects stay decode errors.
    answer_with(&sim, 200, "null");
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!(e.kind(), plivo_phlo::ErrorKind::Decode, "{e}");
}

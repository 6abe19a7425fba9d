//! The control API (`/_sim/...`) and the Rust handle: state, request log, reset, seeding.

mod common;

use common::*;
use phlo_sim::{SimConfig, Simulator, DEFAULT_AUTH_ID, DEMO_NO_RUNS_PHLO_ID};
use reqwest::Method;
use serde_json::{json, Value};

#[test]
fn state_shape() {
    let t = Ctx::new();
    let r = t.control(Method::GET, "/_sim/state", None);
    assert_eq!(r.status, 200);
    let s = r.json();
    assert_eq!(s, t.sim.state());
    let p = &s["phlos"][P];
    assert_eq!(p["name"], "support line");
    assert_eq!(p["accepts_runs"], true);
    assert_eq!(s["phlos"][DEMO_NO_RUNS_PHLO_ID]["accepts_runs"], false);
    assert_eq!(s["phlos"][DEMO_NO_RUNS_PHLO_ID]["nodes"], json!({}));
    assert_eq!(
        p["nodes"][N],
        json!({
            "node_type": "multi_party_call",
            "name": "Multi-Party Call_1",
            "created_on": "2024-05-14 09:31:07.180553+00:00",
            "call_active": true,
            "members": {
                "+14152223333": {"role": "agent", "state": "connected"},
                "+14153336666": {"role": "customer", "state": "connected"},
            },
            "pending_transfer": null,
        })
    );
    assert_eq!(p["nodes"][C]["node_type"], "conference_bridge");
    assert_eq!(
        p["nodes"][C]["members"]["+14155550124"]["state"],
        "connected"
    );
    assert_eq!(s["runs"], json!({}));
    assert_eq!(s["config"], json!({"status_200": false}));
    assert_eq!(t.node(N), p["nodes"][N]);
    let r = t.control(Method::GET, "/_sim/nodes/nope", None);
    assert_eq!((r.status, r.text.as_str()), (404, "{}"));
    let r = t.control(Method::GET, "/_sim/nowhere", None);
    assert_eq!(r.status, 404);
    let r = t.control(Method::POST, "/_sim/state", None);
    assert_eq!(r.status, 405);
    assert_eq!(
        t.control(Method::GET, "/_sim/health", None).json(),
        json!({"ok": true})
    );
}

#[test]
fn request_log() {
    let t = Ctx::new();
    let r = t.send(
        t.req(Method::POST, &format!("{}?trace=1", t.mpc_path()))
            .header("content-type", "application/json; charset=utf-8")
            .header("X-Custom-Thing", "Yes")
            .body(SEED),
    );
    assert_eq!(r.status, 201);
    t.get(&format!("/v1/phlo/{P}"));
    t.send(t.http.get(t.url(&format!("/v1/phlo/{P}"))));
    // Control requests are not logged.
    t.control(Method::GET, "/_sim/state", None);

    let l = t.control(Method::GET, "/_sim/requests", None).json();
    assert_eq!(l, t.sim.requests());
    assert_eq!(l["total"], 3);
    assert_eq!(l["resets_before"], 0);
    let reqs = l["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 3);
    let first = &reqs[0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], t.mpc_path());
    assert_eq!(first["query"], "trace=1");
    assert_eq!(first["body"], SEED);
    assert_eq!(first["status"], 201);
    assert_eq!(first["fault"], Value::Null);
    let h = &first["headers"];
    assert_eq!(
        h["authorization"],
        "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM="
    );
    assert_eq!(h["content-type"], "application/json; charset=utf-8");
    assert_eq!(h["x-custom-thing"], "Yes");
    assert_eq!(h["content-length"], SEED.len().to_string());
    assert_eq!(
        (reqs[1]["seq"].clone(), reqs[1]["status"].clone()),
        (json!(2), json!(200))
    );
    assert_eq!(reqs[2]["status"], 401);
    assert_eq!(reqs[2]["headers"].get("authorization"), None);

    let r = t.control(Method::DELETE, "/_sim/requests", None);
    assert_eq!(r.json(), json!({"ok": true}));
    let l = t.sim.requests();
    assert_eq!(
        (l["total"].clone(), l["requests"].clone()),
        (json!(0), json!([]))
    );
    t.get(&format!("/v1/phlo/{P}"));
    assert_eq!(t.sim.requests()["requests"][0]["seq"], 1);
}

#[test]
fn request_log_keeps_the_last_10000() {
    let t = Ctx::new();
    let n = 10_010;
    let path = format!("/v1/phlo/{P}?i=");
    for i in 0..n {
        let r = t.req(Method::GET, &format!("{path}{i}")).send().unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let l = t.sim.requests();
    assert_eq!(l["total"], n);
    let reqs = l["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 10_000);
    assert_eq!(reqs[0]["seq"], n - 10_000 + 1);
    assert_eq!(reqs[0]["query"], format!("i={}", n - 10_000));
    assert_eq!(reqs[9_999]["seq"], n);
}

#[test]
fn reset_restores_everything() {
    let t = Ctx::new();
    assert_eq!(t.post(&t.mpc_path(), SEED).status, 201);
    t.post(&format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{P}"), "{}");
    t.control(Method::POST, "/_sim/config", Some(r#"{"status_200":true}"#));
    t.fault(r#"{"kind":"status","status":500,"path_prefix":"/v1/never"}"#);
    t.control(
        Method::POST,
        "/_sim/phlos",
        Some(r#"{"phlo_id":"11111111-1111-4111-8111-111111111111","name":"extra"}"#),
    );
    assert_ne!(t.sim.state()["runs"], json!({}));

    let r = t.control(Method::POST, "/_sim/reset", None);
    assert_eq!((r.status, r.json()), (200, json!({"ok": true})));
    let fresh = Simulator::start().unwrap();
    assert_eq!(t.sim.state(), fresh.state());
    assert_eq!(
        t.sim.requests(),
        json!({"total": 0, "resets_before": 0, "requests": []})
    );
    assert_eq!(
        t.control(Method::GET, "/_sim/faults", None).json()["pending"],
        0
    );
    assert_eq!(t.post(&t.mpc_path(), SEED).status, 201);

    // The Rust handle does the same.
    t.sim.reset();
    assert_eq!(t.member_state(N, "+14152223333"), "connected");
}

#[test]
fn seeding_phlos() {
    let t = Ctx::new();
    let extra = json!({
        "phlos": [{
            "phlo_id": "11111111-1111-4111-8111-111111111111",
            "name": "sales",
            "created_on": "2024-06-01 10:00:00.000000+00:00",
            "nodes": [
                {"node_id": "22222222-2222-4222-8222-222222222222", "node_type": "conference_bridge"},
                {"node_id": "33333333-3333-4333-8333-333333333333", "node_type": "multi_party_call",
                 "members": [
                     {"address": "sip:agent@example.com", "role": "agent"},
                     {"address": "+15550001111", "state": "on_hold"}
                 ]}
            ]
        }]
    });
    let r = t.control(Method::POST, "/_sim/phlos", Some(&extra.to_string()));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["ok"], true);
    let v = t
        .get("/v1/phlo/11111111-1111-4111-8111-111111111111")
        .json();
    assert_eq!(
        (v["name"].clone(), v["created_on"].clone()),
        (json!("sales"), json!("2024-06-01 10:00:00.000000+00:00"))
    );
    let node = t.get("/v1/phlo/11111111-1111-4111-8111-111111111111/conference_bridge/22222222-2222-4222-8222-222222222222").json();
    assert_eq!(node["name"], "Conference Bridge_1");
    let mpc = t.node("33333333-3333-4333-8333-333333333333");
    assert_eq!(mpc["call_active"], true);
    assert_eq!(
        mpc["members"]["+15550001111"],
        json!({"role": "customer", "state": "on_hold"})
    );
    // The first node is a bridge, so a run stops at Start.
    let run = t.post(
        &format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/11111111-1111-4111-8111-111111111111"),
        r#"{"from":"+15550002222","to":"+15550003333"}"#,
    );
    assert!(run.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("stopped."));

    // Replacing an existing PHLO.
    let r = t.control(
        Method::POST,
        "/_sim/phlos",
        Some(&json!({"phlo_id": P, "name": "renamed", "accepts_runs": false}).to_string()),
    );
    assert_eq!(r.status, 200);
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).json()["name"], "renamed");
    assert_eq!(
        t.get(&format!("/v1/phlo/{P}/multi_party_call/{N}")).status,
        404
    );

    // Malformed fixtures are refused with the field named.
    let r = t.control(
        Method::POST,
        "/_sim/phlos",
        Some(r#"{"phlos":[{"name":"no id"}]}"#),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"].as_str().unwrap().contains("phlo_id"),
        "{}",
        r.text
    );
    let r = t.control(Method::POST, "/_sim/phlos", Some(r#"{"phlos":[{"phlo_id":"x","nodes":[{"node_id":"n","node_type":"multi_party_call","members":[{"address":"+1555","state":"asleep"}]}]}]}"#));
    assert_eq!(r.status, 400);

    // Reset restores the start fixture, not the seeded one.
    t.sim.reset();
    assert_eq!(
        t.get("/v1/phlo/11111111-1111-4111-8111-111111111111")
            .status,
        404
    );
    assert_eq!(
        t.get(&format!("/v1/phlo/{P}")).json()["name"],
        "support line"
    );
}

#[test]
fn start_with_fixture_and_config() {
    let fixture = json!({"phlos": [{
        "phlo_id": "44444444-4444-4444-8444-444444444444",
        "name": "only",
        "nodes": [{"node_id": "55555555-5555-4555-8555-555555555555", "node_type": "multi_party_call"}]
    }]});
    let t = Ctx::with(SimConfig {
        host: Some("127.0.0.1".into()),
        fixture: Some(fixture),
        ..SimConfig::default()
    });
    assert!(t.sim.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        t.sim.base_url(),
        format!("http://127.0.0.1:{}", t.sim.port())
    );
    assert_eq!(t.get(&format!("/v1/phlo/{P}")).status, 404);
    let node = t.node("55555555-5555-4555-8555-555555555555");
    assert_eq!(node["call_active"], false);
    assert!(node["created_on"].as_str().unwrap().ends_with("+00:00"));
    // No call yet: actions are 404 until a run opens one.
    let path = "/v1/phlo/44444444-4444-4444-8444-444444444444/multi_party_call/55555555-5555-4555-8555-555555555555";
    let call =
        r#"{"action":"call","to":"+15550009999","role":"agent","trigger_source":"+15550001111"}"#;
    assert_eq!(t.post(path, call).status, 404);
    let run = t.post(
        &format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/44444444-4444-4444-8444-444444444444"),
        r#"{"from":"+15550002222","to":"+15550001111"}"#,
    );
    assert!(run.json()["message"]
        .as_str()
        .unwrap()
        .contains("b'Multi-Party Call_1'"));
    assert_eq!(t.post(path, call).status, 201);

    let err = Simulator::start_with(SimConfig {
        fixture: Some(json!({"phlos": [{"phlo_id": 5}]})),
        ..SimConfig::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("phlo_id"), "{err}");
}

#[test]
fn config_endpoint() {
    let t = Ctx::new();
    assert_eq!(
        t.control(Method::GET, "/_sim/config", None).json(),
        json!({"status_200": false})
    );
    for bad in [r#"{"status_200":"yes"}"#, r#"{"verbose":true}"#, "[]"] {
        assert_eq!(
            t.control(Method::POST, "/_sim/config", Some(bad)).status,
            400,
            "{bad}"
        );
    }
    let r = t.control(
        Method::POST,
        "/_sim/config/",
        Some(r#"{"status_200":true}"#),
    );
    assert_eq!((r.status, r.json()), (200, json!({"ok": true})));
    assert_eq!(
        t.post(&format!("/v1/account/{DEFAULT_AUTH_ID}/phlo/{P}"), "{}")
            .status,
        200
    );
}

#[test]
fn shutdown_frees_the_port() {
    let sim = Simulator::start().unwrap();
    let port = sim.port();
    let url = format!("{}/_sim/health", sim.base_url());
    assert_eq!(client().get(&url).send().unwrap().status().as_u16(), 200);
    sim.shutdown();
    assert!(client().get(&url).send().is_err());
    // The port can be bound again.
    let again = Simulator::start_with(SimConfig {
        port,
        ..SimConfig::default()
    })
    .unwrap();
    assert_eq!(again.port(), port);
}

#[test]
fn concurrent_clients() {
    let t = Ctx::new();
    let url = t.url(&format!("/v1/phlo/{P}"));
    std::thread::scope(|s| {
        for _ in 0..4 {
            let url = url.clone();
            s.spawn(move || {
                let c = client();
                for _ in 0..200 {
                    let r = c
                        .get(&url)
                        .basic_auth(DEFAULT_AUTH_ID, Some(phlo_sim::DEFAULT_AUTH_TOKEN))
                        .send()
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                }
            });
        }
    });
    assert_eq!(t.sim.requests()["total"], 800);
}

#[test]
fn handle_is_send_and_sync_and_works_inside_a_runtime() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Simulator>();
    // Starting and dropping from async code (as a tokio-based test would) is fine: the server's
    // runtime lives on its own thread.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let port = rt.block_on(async {
        let sim = Simulator::start().unwrap();
        let port = sim.port();
        drop(sim);
        port
    });
    assert_ne!(port, 0);
}

#[test]
fn works_as_a_plain_http_proxy() {
    // Absolute-form request targets (what a client sends to an HTTP proxy) are served too, so a
    // client's proxy support can be tested by pointing its proxy at the simulator.
    let t = Ctx::new();
    let via_proxy = reqwest::blocking::Client::builder()
        .proxy(reqwest::Proxy::http(t.sim.base_url()).unwrap())
        .build()
        .unwrap();
    let r = via_proxy
        .get(format!("http://phlorunner.invalid/v1/phlo/{P}"))
        .basic_auth(DEFAULT_AUTH_ID, Some(phlo_sim::DEFAULT_AUTH_TOKEN))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let e = &t.sim.requests()["requests"][0];
    assert_eq!(e["path"], format!("/v1/phlo/{P}"));
    assert_eq!(e["headers"]["host"], "phlorunner.invalid");
}

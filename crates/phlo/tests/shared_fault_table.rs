//! Runs `tests/fault_matrix.json`, the fault table every language shares, through
//! [`Client::call`]: the generic path the C, Python and Perl bindings take. Passing here proves
//! the table's expectations; the bindings' runners then prove they report the same.

mod common;
use common::*;

use std::time::Duration;

use phlo_sim::Simulator;
use plivo_phlo::{Client, Config};
use serde_json::{json, Map, Value};

fn table() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fault_matrix.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("table readable"))
        .expect("table is JSON")
}

/// Runs one case; returns what went wrong, if anything.
fn run_case(sim: &Simulator, case: &Value) -> Result<(), String> {
    let http = reqwest::blocking::Client::new();
    http.post(format!("{}/_sim/reset", sim.base_url()))
        .send()
        .map_err(|e| e.to_string())?;
    for f in case["faults"].as_array().into_iter().flatten() {
        sim.push_fault(f.clone())?;
    }
    let base_url = match case["target"].as_str() {
        Some("refused") => format!("http://127.0.0.1:{}", closed_port()),
        _ => sim.base_url().to_owned(),
    };
    let token = if case["wrong_token"] == true {
        "wrong-token-0f1e2d3c"
    } else {
        phlo_sim::DEFAULT_AUTH_TOKEN
    };
    let mut b = Config::builder()
        .auth_id(phlo_sim::DEFAULT_AUTH_ID)
        .auth_token(token)
        .base_url(base_url);
    if let Some(secs) = case["timeout"].as_f64() {
        b = b.timeout(Duration::from_secs_f64(secs));
    }
    let client = Client::new(b.build().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let (op, params) = match (case["op"].as_str(), case["side"].as_str()) {
        (Some(op), _) => (op.to_owned(), case["params"].clone()),
        (None, Some("read")) => ("get_phlo".to_owned(), json!({"phlo_id": P})),
        (None, _) => (
            "mpc_cold_transfer".to_owned(),
            json!({"phlo_id": P, "node_id": N, "trigger_source": AGENT, "to": NEW_AGENT}),
        ),
    };
    let params: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    let outcome = client.call(&op, &params);
    if let Some(ms) = case["settle_ms"].as_u64() {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let want = &case["expect"];
    let mut problems = Vec::new();
    let mut check = |what: &str, got: Value, expected: &Value| {
        if &got != expected {
            problems.push(format!("{what}: got {got}, want {expected}"));
        }
    };
    match (&outcome, want["ok"] == true) {
        (Ok(r), true) => {
            check(
                "status is 2xx",
                json!((200..300).contains(&r.status)),
                &json!(true),
            );
            if let Some(status) = want.get("status") {
                check("status", json!(r.status), status);
            }
            if let Some(body) = want.get("body") {
                check("body", json!(r.body), body);
            }
        }
        (Ok(r), false) => check(
            "outcome",
            json!(format!("success {}", r.status)),
            &json!(format!("error {}", want["kind"])),
        ),
        (Err(e), true) => check("outcome", json!(format!("error {e}")), &json!("success")),
        (Err(e), false) => {
            check("kind", json!(e.kind().as_str()), &want["kind"]);
            check("status", json!(e.status()), &want["status"]);
            check("attempts", json!(e.attempts()), &want["attempts"]);
            for key in ["message", "field", "api_id"] {
                if let Some(expected) = want.get(key) {
                    let got = match key {
                        "message" => json!(e.message()),
                        "field" => json!(e.field()),
                        _ => json!(e.api_id()),
                    };
                    check(key, got, expected);
                }
            }
            if let Some(min) = want["retry_after_ms_min"].as_u64() {
                let got = e.retry_after().map_or(0, |d| d.as_millis() as u64);
                check("retry_after_ms >= min", json!(got >= min), &json!(true));
            }
        }
    }
    check("sent", json!(total(sim)), &want["sent"]);
    if let Some(applied) = want.get("applied") {
        check(
            "applied",
            json!(member_state(sim, N, NEW_AGENT).as_deref() == Some("connected")),
            applied,
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn the_shared_fault_table_holds_through_the_generic_path() {
    let table = table();
    let cases = table["cases"].as_array().expect("cases");
    assert!(
        cases.len() >= 50,
        "the table covers the shared list: {} cases",
        cases.len()
    );
    let sim = Simulator::start().unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(&sim, c)
                .err()
                .map(|e| format!("{} ({}): {e}", c["name"], c["side"]))
        })
        .collect();
    println!(
        "shared fault table: {} cases, {} failed",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

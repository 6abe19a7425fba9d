//! Secrets, the Rust side: a recognisable token set on the client never shows
//! in an error (message, body, `Display`, `Debug`, `to_json`), in a log record at any level from
//! any crate (the client's, reqwest's), in any `Debug` output, or in any request beyond the
//! `Authorization` header sent to the configured host, across successes, retries and every kind
//! of failure, including a server that echoes the token back; through the blocking client and
//! the async one.
//!
//! One test in its own binary, because it installs the process-wide logger.

mod common;
use common::*;

use std::sync::Mutex;
use std::time::Duration;

use phlo_sim::{SimConfig, Simulator};
use plivo_phlo::{Client, Config, Error, Method, Operation};
use serde_json::json;

const TOKEN: &str = "SeCrEt-PHLO-tok-4242-zz";

/// Every log record of the process, formatted with its level and target.
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, r: &log::Record) {
        RECORDS
            .lock()
            .unwrap()
            .push(format!("{} {}: {}", r.level(), r.target(), r.args()));
    }
    fn flush(&self) {}
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                T[(n >> (18 - 6 * i)) as usize & 63] as char
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn the_token_shows_nowhere_but_the_authorization_header() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let id = phlo_sim::DEFAULT_AUTH_ID;
    let basic = base64(format!("{id}:{TOKEN}").as_bytes());
    let secrets = [TOKEN.to_owned(), basic.clone()];

    let sim = Simulator::start_with(SimConfig {
        accounts: vec![(id.to_owned(), TOKEN.to_owned())],
        ..SimConfig::default()
    })
    .unwrap();
    let other = Simulator::start().unwrap();
    let build = |base: &str| {
        Config::builder()
            .auth_id(id)
            .auth_token(TOKEN)
            .base_url(base)
            .retry(fast_retry())
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap()
    };
    let config = build(sim.base_url());
    let client = Client::new(config.clone()).unwrap();
    let builder = Config::builder().auth_id(id).auth_token(TOKEN);
    let mut shown = vec![
        format!("{config:?}"),
        format!("{client:?}"),
        format!("{builder:?}"),
        config.user_agent().to_owned(),
    ];
    let mut errors: Vec<Error> = Vec::new();

    // Successes, with retries on the way.
    client.get_phlo(P).unwrap();
    sim.push_fault(json!({"kind": "status", "status": 503}))
        .unwrap();
    client.get_multi_party_call(P, N).unwrap();
    sim.push_fault(json!({"kind": "rate_limit", "retry_after": null}))
        .unwrap();
    client.mpc_member_hold(P, N, CUSTOMER).unwrap();
    client
        .run_phlo(
            P,
            Some(
                json!({"note": "no secret here"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .unwrap();

    // Failures of every kind, several with the server echoing the token back.
    let echo = format!("token {TOKEN} / basic {basic}");
    let faults = [
        json!({"kind": "status", "status": 400, "error": echo}),
        json!({"kind": "status", "status": 500, "body": "html"}),
        json!({"kind": "raw_body", "status": 401, "body": format!("{{\"error\":\"{echo}\"}}")}),
        json!({"kind": "raw_body", "body": format!("not json {echo}")}),
        json!({"kind": "raw_body", "body": format!("{{\"api_id\":5,\"e\":\"{echo}\"}}")}),
        json!({"kind": "reset_after"}),
        json!({"kind": "short_body"}),
        json!({"kind": "latency", "ms": 1200}),
        json!({"kind": "redirect", "location": format!("{}/v1/phlo/{P}?t={TOKEN}", other.base_url())}),
        json!({"kind": "huge_body", "bytes": 2 << 20}),
    ];
    // The same through the blocking client and the async one.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = client.to_async();
    shown.push(format!("{async_client:?}"));
    let cold = Operation::from_strings(
        "mpc_cold_transfer",
        &[
            ("phlo_id", P),
            ("node_id", N),
            ("trigger_source", AGENT),
            ("to", NEW_AGENT),
        ],
    )
    .unwrap();
    let get = Operation::GetPhlo { phlo_id: P.into() };
    for asynchronous in [false, true] {
        for f in &faults {
            sim.push_fault(f.clone()).unwrap();
            errors.push(if asynchronous {
                rt.block_on(async_client.execute(&cold)).unwrap_err()
            } else {
                client
                    .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
                    .unwrap_err()
            });
            sim.push_fault(json!({"kind": "raw_body", "body": format!("<p>{echo}</p>")}))
                .unwrap();
            errors.push(if asynchronous {
                rt.block_on(async_client.execute(&get)).unwrap_err()
            } else {
                client.get_phlo(P).unwrap_err()
            });
        }
    }
    sim.push_fault(json!({"kind": "raw_body", "body": format!("[\"{echo}\"]")}))
        .unwrap();
    errors.push(
        client
            .raw(Method::Get, &format!("/v1/phlo/{P}"), None)
            .unwrap_err(),
    );
    errors.push(client.get_phlo("bad/id").unwrap_err());
    // The token given where a name belongs: the errors quote names, and are scrubbed too.
    errors.push(client.call(TOKEN, &serde_json::Map::new()).unwrap_err());
    errors.push(
        client
            .call_strings("get_phlo", &[("phlo_id", P), (TOKEN, "x")])
            .unwrap_err(),
    );
    errors.push(
        client
            .operation_from_strings(&TOKEN[..12], &[])
            .unwrap_err(),
    );
    // What is left of the token where a service echoes it cut short.
    sim.push_fault(json!({"kind": "raw_body", "status": 400,
        "body": format!("{{\"api_id\":\"x\",\"error\":\"bad token {}...\"}}", &TOKEN[..10])}))
        .unwrap();
    errors.push(client.get_phlo(P).unwrap_err());
    let refused = Client::new(build(&format!("http://127.0.0.1:{}", closed_port()))).unwrap();
    errors.push(refused.get_phlo(P).unwrap_err());
    let wrong = Client::new(
        Config::builder()
            .auth_id(id)
            .auth_token(format!("{TOKEN}-but-wrong"))
            .base_url(sim.base_url())
            .build()
            .unwrap(),
    )
    .unwrap();
    errors.push(wrong.get_phlo(P).unwrap_err());
    std::thread::sleep(Duration::from_millis(1500)); // let the slow request finish and log

    for e in &errors {
        shown.extend([
            format!("{e}"),
            format!("{e:?}"),
            e.to_json(),
            e.message().to_owned(),
            e.body().unwrap_or_default().to_owned(),
        ]);
    }
    let records = RECORDS.lock().unwrap().clone();
    assert!(
        records.iter().any(|r| r.contains("plivo_phlo")),
        "the client's own records were captured: {records:?}"
    );
    for s in shown.iter().chain(&records) {
        for secret in &secrets {
            assert!(!s.contains(secret.as_str()), "secret in: {s}");
        }
    }
    // Nor any 8 characters of the token in a row, where a text held only part of it.
    for s in &shown {
        for piece in TOKEN.as_bytes().windows(8) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!s.contains(piece), "{piece:?} of the token in: {s}");
        }
    }
    // The echoes were scrubbed, not dropped.
    assert!(
        shown.iter().any(|s| s.contains("token *** / basic ***")),
        "{shown:?}"
    );

    // On the wire: only the Authorization header, only to the configured host.
    assert_eq!(total(&other), 0, "nothing followed the redirect");
    let reqs = requests(&sim);
    assert!(reqs.len() > 20, "{}", reqs.len());
    let mut authorized = 0;
    for r in &reqs {
        for (name, value) in r["headers"].as_object().unwrap() {
            let value = value.as_str().unwrap();
            if name == "authorization" {
                if value == format!("Basic {basic}") {
                    authorized += 1;
                }
                continue;
            }
            for secret in &secrets {
                assert!(!value.contains(secret.as_str()), "{name}: {value}");
            }
        }
        for part in ["path", "query", "body"] {
            let text = r[part].as_str().unwrap();
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{part}: {text}");
            }
        }
    }
    assert!(
        authorized >= reqs.len() - 1,
        "every request but the wrong token's carried it"
    );
}

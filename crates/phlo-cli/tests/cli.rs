//! The `phlo` command, run as a process: against its embedded simulator and against a simulator
//! named by `--base-url` / `PLIVO_PHLO_BASE_URL`.

use std::process::{Command, Output};

use phlo_cli::args::command_path;
use phlo_sim::{Simulator, DEMO_BRIDGE_NODE_ID as C, DEMO_MPC_NODE_ID as N, DEMO_PHLO_ID as P};
use plivo_phlo::{NodeType, Operation, ParamKind, OPERATIONS, OPTIONS};
use serde_json::{json, Map, Value};

fn phlo(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_phlo"));
    cmd.args(args)
        .env_remove("PLIVO_AUTH_ID")
        .env_remove("PLIVO_AUTH_TOKEN")
        .env_remove("PLIVO_PHLO_BASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("phlo runs")
}

fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn creds(sim: &Simulator) -> [(&'static str, String); 3] {
    [
        ("PLIVO_AUTH_ID", phlo_sim::DEFAULT_AUTH_ID.to_owned()),
        ("PLIVO_AUTH_TOKEN", phlo_sim::DEFAULT_AUTH_TOKEN.to_owned()),
        ("PLIVO_PHLO_BASE_URL", sim.base_url().to_owned()),
    ]
}

fn with_env<'a>(c: &'a [(&'static str, String); 3]) -> Vec<(&'a str, &'a str)> {
    c.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn readme_main_command_cold_transfer_on_the_embedded_simulator() {
    let o = phlo(
        &[
            "--simulator",
            "mpc",
            "cold-transfer",
            P,
            N,
            "--to",
            "+14152225555",
            "--role",
            "agent",
            "--trigger-source",
            "+14152223333",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim(), "status: 201");
    let body = stdout_json(&o);
    assert_eq!(body["error"], "");
    assert_eq!(body["api_id"].as_str().map(str::len), Some(36));
}

#[test]
fn every_subcommand_reaches_the_simulator_through_the_environment() {
    let sim = Simulator::start().unwrap();
    let c = creds(&sim);
    let env = with_env(&c);
    let op_params = format!(r#"{{"phlo_id":"{P}"}}"#);
    let raw_path = format!("/v1/phlo/{P}");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["get-phlo", P], "GET", ""),
        (
            vec!["run-phlo", P, "from=+14155550100", "to=+14155550199"],
            "POST",
            r#"{"from":"+14155550100","to":"+14155550199"}"#,
        ),
        (
            vec!["run-phlo", P, "--payload", r#"{"n":1}"#],
            "POST",
            r#"{"n":1}"#,
        ),
        (vec!["get-multi-party-call", P, N], "GET", ""),
        (vec!["get-conference-bridge", P, C], "GET", ""),
        (vec!["get-node", P, "conference_bridge", C], "GET", ""),
        (
            vec![
                "mpc",
                "call",
                P,
                N,
                "--to",
                "sip:alice@example.com",
                "--role",
                "customer",
                "--trigger-source",
                "+14155550199",
            ],
            "POST",
            r#"{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14155550199"}"#,
        ),
        (
            vec!["mpc", "member-hold", P, N, "sip:alice@example.com"],
            "POST",
            r#"{"action":"hold"}"#,
        ),
        (
            vec![
                "mpc",
                "member-abort-transfer",
                P,
                N,
                "sip:alice@example.com",
            ],
            "POST",
            r#"{"action":"abort_transfer"}"#,
        ),
        (
            vec!["bridge", "member-mute", P, C, "+14155550123"],
            "POST",
            r#"{"action":"mute"}"#,
        ),
        (vec!["op", "get_phlo", &op_params], "GET", ""),
        (vec!["raw", "GET", &raw_path], "GET", ""),
    ];
    for (args, method, body) in cases {
        let o = phlo(&args, &env);
        let last = sim.requests()["requests"]
            .as_array()
            .unwrap()
            .last()
            .cloned()
            .unwrap();
        if args.contains(&"member-abort-transfer") {
            // No transfer is pending: the simulator refuses, and the command says so.
            assert_eq!(o.status.code(), Some(5), "{args:?}: {}", stderr(&o));
        } else {
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            stdout_json(&o);
        }
        assert_eq!(
            (last["method"].as_str(), last["body"].as_str()),
            (Some(method), Some(body)),
            "{args:?}"
        );
    }
    let o = phlo(&["operations"], &[]);
    let ops: Value = stdout_json(&o);
    assert_eq!(ops.as_array().unwrap().len(), plivo_phlo::OPERATIONS.len());
    // Nothing was requested, so there is no status to report.
    assert_eq!(stderr(&o), "");
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_definition() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef phlo"),
        ("fish", "complete -c phlo"),
    ] {
        let o = phlo(&["completions", shell], &[]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let text = String::from_utf8(o.stdout).unwrap();
        for word in [
            marker,
            "cold-transfer",
            "trigger-source",
            "get-phlo",
            "operations",
        ] {
            assert!(text.contains(word), "{shell} completions lack {word:?}");
        }
    }
    let o = phlo(&["completions", "tcsh"], &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );

    let dir = std::env::temp_dir().join(format!("phlo-man-{}", std::process::id()));
    let o = phlo(&["man", dir.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(dir.join("phlo.1")).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH phlo 1"),
        "{page}"
    );
    assert!(page.contains("PLIVO_AUTH_TOKEN"));
    let sub = std::fs::read_to_string(dir.join("phlo-mpc-cold-transfer.1")).unwrap();
    assert!(sub.contains("trigger\\-source"), "{sub}");
    // The hidden generator does not document itself.
    assert!(!dir.join("phlo-man.1").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_retried_timeout_says_how_many_attempts_it_took() {
    let sim = Simulator::start().unwrap();
    // Three slow answers: each attempt of the read times out.
    sim.push_fault(serde_json::json!({"kind": "latency", "ms": 1500, "count": 3}))
        .unwrap();
    let c = creds(&sim);
    let o = phlo(&["--timeout", "0.2", "get-phlo", P], &with_env(&c));
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("phlo: timeout: "), "{err}");
    assert!(err.contains("after 3 attempts"), "{err}");
}

#[test]
fn failures_exit_with_the_kind_code_and_never_show_the_token() {
    let sim = Simulator::start().unwrap();
    let url = sim.base_url().to_owned();
    let env = [
        ("PLIVO_AUTH_ID", phlo_sim::DEFAULT_AUTH_ID),
        ("PLIVO_AUTH_TOKEN", "Wr0ng-T0ken-77"),
        ("PLIVO_PHLO_BASE_URL", url.as_str()),
    ];
    let o = phlo(&["get-phlo", P], &env);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("authentication failed"));
    assert!(!stderr(&o).contains("Wr0ng-T0ken-77"));

    let c = creds(&sim);
    let env = with_env(&c);
    let o = phlo(
        &[
            "--json-errors",
            "get-phlo",
            "00000000-0000-4000-8000-000000000000",
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(4));
    let err: Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    assert_eq!(
        (err["kind"].as_str(), err["status"].as_u64()),
        (Some("not_found"), Some(404))
    );

    let o = phlo(
        &[
            "mpc",
            "cold-transfer",
            P,
            N,
            "--to",
            "nobody",
            "--trigger-source",
            "+14152223333",
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("to: must be a phone number"),
        "{}",
        stderr(&o)
    );

    let o = phlo(&["get-phlo", P], &[]);
    assert_eq!(o.status.code(), Some(3), "no credentials: {}", stderr(&o));
    assert!(stderr(&o).contains("PLIVO_AUTH_ID"));
}

/// The argument given for a parameter in [`every_row_of_the_table_is_a_command`]: the demo
/// PHLO's ids, addresses and names the simulator knows.
fn sample(row: &plivo_phlo::OpSpec, name: &str) -> &'static str {
    let bridge =
        row.node_type == Some(NodeType::ConferenceBridge) || row.params.contains(&"node_type");
    match name {
        "phlo_id" | "run_id" => P,
        "node_id" if bridge => C,
        "node_id" => N,
        "node_type" => "conference_bridge",
        "member_id" => "+14155550123",
        "action" if row.endpoint == plivo_phlo::Endpoint::MemberAction => "mute",
        "action" => "warm_transfer",
        "trigger_source" => "+14152223333",
        "to" => "+14155550199",
        "role" => "customer",
        "method" => "GET",
        "path" => "/v1/phlo/3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b",
        other => panic!("no sample for {other}"),
    }
}

#[test]
fn every_row_of_the_table_is_a_command() {
    // Each row's command, with every parameter the table names, sends the request the core
    // builds from the same parameters: the command line has nothing of its own to fall behind.
    let sim = Simulator::start().unwrap();
    let c = creds(&sim);
    let env = with_env(&c);
    for row in OPERATIONS {
        let (group, name) = command_path(row);
        let mut args: Vec<String> = group.map(str::to_owned).into_iter().collect();
        args.push(name);
        let mut params = Map::new();
        for p in row.params() {
            if p.spec.kind.is_json() {
                continue;
            }
            let v = sample(row, p.spec.name);
            params.insert(p.spec.name.to_owned(), json!(v));
            if p.spec.named {
                args.push(format!("--{}", p.spec.name.replace('_', "-")));
            }
            args.push(v.to_owned());
        }
        if row.params().any(|p| p.spec.kind == ParamKind::Object) {
            args.push("k=v".into());
            params.insert("payload".into(), json!({"k": "v"}));
        }
        let want = Operation::from_params(row.name, &params)
            .and_then(|op| op.request(phlo_sim::DEFAULT_AUTH_ID))
            .unwrap_or_else(|e| panic!("{}: {e}", row.name));
        sim.reset();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = phlo(&argv, &env);
        let log = sim.requests()["requests"].as_array().unwrap().clone();
        assert_eq!(log.len(), 1, "{}: {argv:?}: {}", row.name, stderr(&o));
        let got = &log[0];
        assert_eq!(
            got["method"].as_str(),
            Some(want.method.as_str()),
            "{}",
            row.name
        );
        assert_eq!(
            got["path"].as_str(),
            Some(want.path.as_str()),
            "{}",
            row.name
        );
        assert_eq!(
            got["body"].as_str().unwrap_or(""),
            want.body.as_deref().unwrap_or(""),
            "{}",
            row.name
        );
    }
}

#[test]
fn every_client_option_is_a_global_flag() {
    // Accepted, applied (a bad value is refused naming the option), and listed by `phlo options`.
    let listed: Value = stdout_json(&phlo(&["options"], &[]));
    assert_eq!(listed.as_array().unwrap().len(), OPTIONS.len());
    for (flag, bad, field) in [
        ("--timeout", "0", "timeout"),
        ("--connect-timeout", "-1", "connect_timeout"),
        ("--max-retries", "1.5", "max_retries"),
        ("--max-response-bytes", "0", "max_response_bytes"),
        ("--max-in-flight", "0", "max_in_flight"),
        ("--proxy", "", "proxy"),
        ("--user-agent-suffix", "a\u{7}", "user_agent_suffix"),
        ("--ca-cert-pem", "/nonexistent/ca.pem", "ca_cert_pem"),
    ] {
        let given = format!("{flag}={bad}");
        let o = phlo(
            &["--simulator", "--json-errors", &given, "get-phlo", P],
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{flag} {bad}: {}", stderr(&o));
        let err: Value = serde_json::from_str(stderr(&o).trim()).unwrap();
        assert_eq!(err["field"].as_str(), Some(field), "{flag}");
    }
    let o = phlo(
        &[
            "--simulator",
            "--timeout",
            "2.5",
            "--connect-timeout",
            "0.5",
            "--max-retries",
            "0",
            "--action-retry",
            "never",
            "--user-agent-suffix",
            "cli-test",
            "--max-response-bytes",
            "4096",
            "--max-in-flight",
            "4",
            "--allow-insecure-http",
            "get-phlo",
            P,
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Plain http:// to a host that is not loopback needs --allow-insecure-http.
    let o = phlo(
        &[
            "--json-errors",
            "--base-url",
            "http://192.0.2.1:9",
            "get-phlo",
            P,
        ],
        &[
            ("PLIVO_AUTH_ID", phlo_sim::DEFAULT_AUTH_ID),
            ("PLIVO_AUTH_TOKEN", phlo_sim::DEFAULT_AUTH_TOKEN),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("allow_insecure_http"), "{}", stderr(&o));
}

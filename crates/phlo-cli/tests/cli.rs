//! The `phlo` command, run as a process: against its embedded simulator and against a simulator
//! named by `--base-url` / `PLIVO_PHLO_BASE_URL`.

use std::process::{Command, Output};

use phlo_sim::{Simulator, DEMO_BRIDGE_NODE_ID as C, DEMO_MPC_NODE_ID as N, DEMO_PHLO_ID as P};
use serde_json::Value;

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
            vec!["run", P, "from=+14155550100", "to=+14155550199"],
            "POST",
            r#"{"from":"+14155550100","to":"+14155550199"}"#,
        ),
        (
            vec!["run", P, "--payload", r#"{"n":1}"#],
            "POST",
            r#"{"n":1}"#,
        ),
        (vec!["mpc", "get", P, N], "GET", ""),
        (vec!["bridge", "get", P, C], "GET", ""),
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
            vec!["mpc", "member", P, N, "sip:alice@example.com", "hold"],
            "POST",
            r#"{"action":"hold"}"#,
        ),
        (
            vec![
                "mpc",
                "member",
                P,
                N,
                "sip:alice@example.com",
                "abort-transfer",
            ],
            "POST",
            r#"{"action":"abort_transfer"}"#,
        ),
        (
            vec!["bridge", "member", P, C, "+14155550123", "mute"],
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
        if args.contains(&"abort-transfer") {
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

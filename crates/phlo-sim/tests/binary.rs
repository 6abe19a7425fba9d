//! The `phlo-sim` binary: prints its URL first, serves, stops on SIGTERM/SIGINT.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use common::{client, P};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_phlo-sim");

/// Starts the binary and reads the first stdout line.
fn spawn(args: &[&str]) -> (Child, String, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    (child, line.trim_end().to_owned(), out)
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn prints_url_first_and_stops_on_sigterm() {
    let (mut child, url, mut rest) = spawn(&["--port", "0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let r = client()
        .get(format!("{url}/v1/phlo/{P}"))
        .basic_auth(
            phlo_sim::DEFAULT_AUTH_ID,
            Some(phlo_sim::DEFAULT_AUTH_TOKEN),
        )
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    signal(&child, "-TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // Nothing else on stdout.
    let mut more = String::new();
    rest.read_to_string(&mut more).unwrap();
    assert_eq!(more, "");
}

#[test]
fn stops_on_sigint() {
    let (mut child, url, _) = spawn(&[]);
    assert!(url.starts_with("http://"));
    signal(&child, "-INT");
    assert!(child.wait().unwrap().success());
}

#[test]
fn fixture_accounts_and_status_200() {
    let dir = std::env::temp_dir().join(format!("phlo-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fixture.json");
    std::fs::write(
        &file,
        json!({"phlos": [{"phlo_id": "66666666-6666-4666-8666-666666666666", "name": "from file"}]})
            .to_string(),
    )
    .unwrap();
    let (mut child, url, _) = spawn(&[
        "--host",
        "127.0.0.1",
        "--fixture",
        file.to_str().unwrap(),
        "--auth-id",
        "SA1234567890ABCDEFGH",
        "--auth-token",
        "s3cret",
        "--status-200",
    ]);
    let c = client();
    let r = c
        .get(format!(
            "{url}/v1/phlo/66666666-6666-4666-8666-666666666666"
        ))
        .basic_auth("SA1234567890ABCDEFGH", Some("s3cret"))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(v["name"], "from file");
    let r = c
        .post(format!(
            "{url}/v1/account/SA1234567890ABCDEFGH/phlo/66666666-6666-4666-8666-666666666666"
        ))
        .basic_auth("SA1234567890ABCDEFGH", Some("s3cret"))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = c
        .get(format!(
            "{url}/v1/phlo/66666666-6666-4666-8666-666666666666"
        ))
        .basic_auth(
            phlo_sim::DEFAULT_AUTH_ID,
            Some(phlo_sim::DEFAULT_AUTH_TOKEN),
        )
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "--host",
        "--port",
        "--fixture",
        "--auth-id",
        "--auth-token",
        "--status-200",
        "/_sim/faults",
        "reset_before",
    ] {
        assert!(help.contains(word), "{word}");
    }
    for args in [
        vec!["--bogus"],
        vec!["--port", "notaport"],
        vec!["--auth-id", "MAXXXXXXXXXXXXXXXXXX"],
        vec!["--fixture", "/nonexistent/fixture.json"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
    // The token never shows up in errors.
    let out = Command::new(BIN)
        .args(["--auth-token", "hunter2-secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2-secret"));
}

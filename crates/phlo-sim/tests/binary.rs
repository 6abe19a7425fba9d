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
    let (mut child, url, mut rest) = spawn(&["--port", "0", "--quiet"]);
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
    // With --quiet, nothing else on stdout.
    let mut more = String::new();
    rest.read_to_string(&mut more).unwrap();
    assert_eq!(more, "");
}

#[test]
fn prints_the_credentials_and_demo_ids_after_the_url_and_resets_on_request() {
    let (mut child, url, rest) = spawn(&[]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // The banner, read up to its last line.
    let mut banner = String::new();
    for line in rest.lines() {
        let line = line.unwrap();
        let last = line.contains("--reset");
        banner += &line;
        banner += "\n";
        if last {
            break;
        }
    }
    let export = format!(
        "export PLIVO_PHLO_BASE_URL={url} PLIVO_AUTH_ID={} PLIVO_AUTH_TOKEN={}",
        phlo_sim::DEFAULT_AUTH_ID,
        phlo_sim::DEFAULT_AUTH_TOKEN
    );
    assert!(banner.contains(&export), "{banner}");
    for id in [
        P,
        phlo_sim::DEMO_MPC_NODE_ID,
        phlo_sim::DEMO_BRIDGE_NODE_ID,
        "+14152223333",
    ] {
        assert!(banner.contains(id), "{id} missing from {banner}");
    }
    assert!(
        banner.contains(&format!("phlo-sim --reset {url}")),
        "{banner}"
    );

    // The seed transfer twice: the second 400 explains, and `--reset URL` makes it work again.
    let transfer = || {
        client()
            .post(format!("{url}/v1/phlo/{P}/multi_party_call/{}", phlo_sim::DEMO_MPC_NODE_ID))
            .basic_auth(phlo_sim::DEFAULT_AUTH_ID, Some(phlo_sim::DEFAULT_AUTH_TOKEN))
            .header("content-type", "application/json")
            .body(r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#)
            .send()
            .unwrap()
    };
    assert_eq!(transfer().status().as_u16(), 201);
    let again = transfer();
    assert_eq!(again.status().as_u16(), 400);
    let text = again.text().unwrap();
    assert!(
        text.contains("already left") && text.contains("--reset"),
        "{text}"
    );
    let o = Command::new(BIN).args(["--reset", &url]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(transfer().status().as_u16(), 201);
    // Resetting what is not a simulator fails with a message.
    let o = Command::new(BIN)
        .args(["--reset", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("phlo-sim: --reset "));
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_custom_token_is_not_printed() {
    let (mut child, url, rest) = spawn(&[
        "--auth-id",
        "MAYYYYYYYYYYYYYYYYYY",
        "--auth-token",
        "s3cret-Tok-99",
    ]);
    let mut banner = String::new();
    for line in rest.lines() {
        let line = line.unwrap();
        let last = line.contains("--reset");
        banner += &line;
        if last {
            break;
        }
    }
    assert!(
        banner.contains(&format!("PLIVO_PHLO_BASE_URL={url}")),
        "{banner}"
    );
    assert!(banner.contains("MAYYYYYYYYYYYYYYYYYY"), "{banner}");
    assert!(!banner.contains("s3cret-Tok-99"), "{banner}");
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());
}

/// Resident memory of a process, in KiB, from /proc.
#[cfg(target_os = "linux")]
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn memory_stays_bounded_whatever_it_is_sent() {
    let (mut child, url, _) = spawn(&["--quiet"]);
    let before = rss_kib(child.id());
    // Forty 15 MiB bodies without credentials (each answered 401), then read the log.
    let body = vec![b'x'; 15 << 20];
    let c = client();
    for _ in 0..40 {
        let r = c
            .post(format!(
                "{url}/v1/phlo/{P}/multi_party_call/{}",
                phlo_sim::DEMO_MPC_NODE_ID
            ))
            .body(body.clone())
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }
    let text = c
        .get(format!("{url}/_sim/requests"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reqs = log["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 40);
    for r in reqs {
        assert_eq!(r["body_bytes"], 15 << 20);
        assert_eq!(r["body"].as_str().unwrap().len(), 4096);
    }
    let after = rss_kib(child.id());
    // Kept whole, the bodies alone would be 600 MiB; what remains is the allocator's high-water
    // mark of one request in flight.
    assert!(
        after < before + 256 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    signal(&child, "-TERM");
    assert!(child.wait().unwrap().success());
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

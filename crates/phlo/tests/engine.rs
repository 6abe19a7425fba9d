//! The engine: requests run on the calling thread (blocking) or the caller's runtime (async),
//! against the simulator over real HTTP. Connection reuse per thread, the timeout bounding a
//! whole attempt (trickled headers and bodies), keep-alive connections the server closed while
//! idle, fork, interruption, calls from inside a runtime, and the async client on both runtime
//! flavours: many concurrent calls with faults, cancellation, and the bound on requests in flight.

mod common;
use common::*;

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use phlo_sim::{Simulator, DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN};
use plivo_phlo::{AsyncClient, Client, Config, ConfigBuilder, ErrorKind, RetryPolicy};
use serde_json::{json, Map, Value};

fn config(sim: &Simulator) -> ConfigBuilder {
    Config::builder()
        .auth_id(DEFAULT_AUTH_ID)
        .auth_token(DEFAULT_AUTH_TOKEN)
        .base_url(sim.base_url())
        .retry(fast_retry())
}

/// The connection number of each request the simulator logged, oldest first.
fn connections(sim: &Simulator) -> Vec<u64> {
    requests(sim)
        .iter()
        .map(|r| r["connection"].as_u64().expect("connection number"))
        .collect()
}

#[test]
fn a_thread_reuses_its_connection_and_threads_have_their_own() {
    let (sim, client) = setup();
    for _ in 0..5 {
        client.get_phlo(P).unwrap();
    }
    let c = client.clone();
    std::thread::spawn(move || {
        for _ in 0..5 {
            c.get_phlo(P).unwrap();
        }
    })
    .join()
    .unwrap();
    let conns = connections(&sim);
    assert_eq!(conns.len(), 10);
    assert!(conns[..5].iter().all(|c| *c == conns[0]), "{conns:?}");
    assert!(conns[5..].iter().all(|c| *c == conns[5]), "{conns:?}");
    assert_ne!(conns[0], conns[5], "each thread has its own connection");
    // The first thread's connection is still there for it.
    client.get_phlo(P).unwrap();
    assert_eq!(connections(&sim)[10], conns[0]);
}

/// Each fault keeps the answer from completing within a 1 s timeout, in a different way.
fn slow_answers() -> Vec<(&'static str, Value)> {
    vec![
        ("headers late", json!({"kind": "latency", "ms": 3000})),
        (
            "chunked body a byte at a time",
            json!({"kind": "slow_body", "interval_ms": 150}),
        ),
        (
            "sized body a byte at a time",
            json!({"kind": "slow_body", "interval_ms": 150, "chunked": false}),
        ),
        (
            "headers at 0.7 s, then a slow sized body",
            json!({"kind": "slow_body", "delay_ms": 700, "interval_ms": 150, "chunked": false}),
        ),
    ]
}

#[test]
fn the_timeout_bounds_the_whole_attempt() {
    let sim = Simulator::start().unwrap();
    let limit = Duration::from_secs(1);
    let client = Client::new(
        config(&sim)
            .timeout(limit)
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    for (what, fault) in slow_answers() {
        for action in [false, true] {
            sim.push_fault(fault.clone()).unwrap();
            let t0 = Instant::now();
            let e = if action {
                client.mpc_member_hold(P, N, CUSTOMER).unwrap_err()
            } else {
                client.get_phlo(P).unwrap_err()
            };
            let took = t0.elapsed();
            assert_eq!(e.kind(), ErrorKind::Timeout, "{what}: {e}");
            assert!(
                took >= limit && took < limit + Duration::from_millis(400),
                "{what} (action: {action}): took {took:?} for a {limit:?} timeout"
            );
            assert!(e.message().contains("1 s"), "{e}");
        }
    }
    // A read is retried, each attempt bounded the same way.
    let client = Client::new(config(&sim).timeout(limit).build().unwrap()).unwrap();
    sim.push_fault(json!({"kind": "slow_body", "interval_ms": 150, "count": 3}))
        .unwrap();
    let t0 = Instant::now();
    let e = client.get_phlo(P).unwrap_err();
    assert_eq!((e.kind(), e.attempts()), (ErrorKind::Timeout, 3), "{e}");
    assert!(t0.elapsed() < 3 * limit + Duration::from_secs(1));
}

/// A server that answers each request on a connection with a fixed action answer, then closes
/// the connection `close_after` later without saying so (no `Connection: close`), as servers do
/// with idle keep-alive connections. Counts connections and requests.
fn closing_server(close_after: Duration) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (conns, reqs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (c, r) = (conns.clone(), reqs.clone());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            std::thread::spawn(move || {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                // One request: its head, then the body its Content-Length announces.
                loop {
                    let n = s.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&data).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse().unwrap_or(0));
                        if data.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                r.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"api_id":"8c0f5e2a-9b7d-4c31-a6e4-2f1b0d9c7e58","error":""}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                std::thread::sleep(close_after);
            });
        }
    });
    (url, conns, reqs)
}

#[test]
fn a_keep_alive_connection_closed_while_idle_is_not_used_for_the_next_request() {
    let (url, conns, reqs) = closing_server(Duration::from_millis(20));
    let client = Client::new(
        Config::builder()
            .auth_id(DEFAULT_AUTH_ID)
            .auth_token(DEFAULT_AUTH_TOKEN)
            .base_url(url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    for i in 0..5 {
        // Actions are never retried after they were sent: a stale connection would fail here.
        client
            .mpc_member_hold(P, N, CUSTOMER)
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(reqs.load(Ordering::SeqCst), 5);
    assert_eq!(
        conns.load(Ordering::SeqCst),
        5,
        "a new connection each time"
    );
}

#[test]
fn a_client_used_before_fork_works_in_the_child_and_the_parent_keeps_its_connection() {
    let (sim, client) = setup();
    client.get_phlo(P).unwrap();
    let async_client = client.to_async();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(
        async_client.execute_as::<Value>(&plivo_phlo::Operation::GetPhlo { phlo_id: P.into() }),
    )
    .unwrap();
    // SAFETY: the child only makes calls through the client, drops it and exits with _exit;
    // it does not touch locks other threads of this process may hold (no printing).
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok =
            client.get_phlo(P).is_ok()
                && client.mpc_member_hold(P, N, CUSTOMER).is_ok()
                && tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map(|rt| {
                        rt.block_on(async_client.execute_as::<Value>(
                            &plivo_phlo::Operation::GetPhlo { phlo_id: P.into() },
                        ))
                        .is_ok()
                    })
                    .unwrap_or(false);
        drop(client);
        drop(async_client);
        // SAFETY: ends the child without running the parent's exit handlers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child made above.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child's calls failed (status {status})"
    );
    client.get_phlo(P).unwrap();
    rt.block_on(
        async_client.execute_as::<Value>(&plivo_phlo::Operation::GetPhlo { phlo_id: P.into() }),
    )
    .unwrap();
    let conns = connections(&sim);
    assert_eq!(conns.len(), 7, "{conns:?}");
    let (parent, parent_async) = (conns[0], conns[1]);
    let child: HashSet<u64> = conns[2..5].iter().copied().collect();
    assert!(!child.contains(&parent) && !child.contains(&parent_async));
    assert_eq!(
        conns[5], parent,
        "the parent's connection survived the child"
    );
    assert_eq!(conns[6], parent_async);
    assert_eq!(
        member_state(&sim, N, CUSTOMER).as_deref(),
        Some("on_hold"),
        "the child's action arrived"
    );
}

#[test]
fn an_interrupted_call_is_abandoned_and_not_retried() {
    let (sim, client) = setup();
    sim.push_fault(json!({"kind": "latency", "ms": 1500}))
        .unwrap();
    let t0 = Instant::now();
    let mut checks = 0;
    let mut stop = || {
        checks += 1;
        t0.elapsed() > Duration::from_millis(150)
    };
    let op = plivo_phlo::Operation::from_strings(
        "mpc_member_hold",
        &[("phlo_id", P), ("node_id", N), ("member_id", CUSTOMER)],
    )
    .unwrap();
    let out = client.execute_interruptible(&op, Duration::from_millis(20), &mut stop);
    assert!(out.is_none());
    assert!(checks >= 2);
    assert!(
        t0.elapsed() < Duration::from_millis(600),
        "{:?}",
        t0.elapsed()
    );
    // The client is usable at once, and the abandoned action was sent once, never again.
    client.get_phlo(P).unwrap();
    std::thread::sleep(Duration::from_millis(1600));
    let holds = requests(&sim)
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(holds, 1);
    // A call that ends before the first check is not interrupted.
    let out = client.execute_interruptible(&op, Duration::from_secs(5), &mut || true);
    assert_eq!(out.unwrap().unwrap().status, 201);
}

#[tokio::test]
async fn the_blocking_client_works_inside_a_runtime() {
    let (sim, client) = setup();
    assert_eq!(client.get_phlo(P).unwrap().phlo_id, P);
    let c = client.clone();
    tokio::task::spawn_blocking(move || c.get_phlo(P).unwrap())
        .await
        .unwrap();
    assert_eq!(total(&sim), 2);
}

/// A run payload that names the call, so the request log tells the calls apart.
fn payload(seq: usize) -> Map<String, Value> {
    json!({"seq": seq}).as_object().unwrap().clone()
}

/// Many concurrent runs (not idempotent) with faults: every call ends in a value or a typed
/// error, each run was carried out at most once, and each success was carried out.
async fn many_concurrent_runs_with_faults(calls: usize) {
    let sim = Simulator::start().unwrap();
    let client = AsyncClient::new(config(&sim).build().unwrap()).unwrap();
    let faults = json!([
        {"kind": "rate_limit", "retry_after": "0", "count": 40},
        {"kind": "status", "status": 503, "count": 30},
        {"kind": "reset_before", "count": 20},
        {"kind": "reset_after", "count": 20},
        {"kind": "latency", "ms": 100, "count": 30},
        {"kind": "short_body", "count": 10},
    ]);
    sim.push_fault(faults).unwrap();
    let tasks: Vec<_> = (0..calls)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move {
                let op = plivo_phlo::Operation::RunPhlo {
                    phlo_id: P.into(),
                    payload: Some(payload(i)),
                };
                let r = c.execute_as::<plivo_phlo::PhloRunStarted>(&op).await;
                (i, r.map(|a| a.value))
            })
        })
        .collect();
    let mut ok = HashSet::new();
    let mut kinds: HashMap<ErrorKind, usize> = HashMap::new();
    for t in tasks {
        let (i, r) = t.await.expect("no task panicked");
        match r {
            Ok(run) => {
                assert!(is_uuid(run.run_id()));
                ok.insert(i);
            }
            Err(e) => *kinds.entry(e.kind()).or_default() += 1,
        }
    }
    assert_eq!(ok.len() + kinds.values().sum::<usize>(), calls);
    // What the service carried out: requests answered 2xx, or reset after being applied.
    let mut carried: HashMap<usize, usize> = HashMap::new();
    for r in requests(&sim) {
        let applied = matches!(r["status"].as_u64(), Some(200..=299))
            || r["fault"] == "reset_after"
            || r["fault"] == "short_body";
        if applied && r["path"].as_str().unwrap().contains("/account/") {
            let seq: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
            *carried
                .entry(seq["seq"].as_u64().unwrap() as usize)
                .or_default() += 1;
        }
    }
    assert!(
        carried.values().all(|n| *n == 1),
        "a run was carried out twice"
    );
    for i in &ok {
        assert_eq!(carried.get(i), Some(&1), "success {i} was carried out");
    }
    assert_eq!(kinds.get(&ErrorKind::Server), Some(&30), "{kinds:?}");
    // The rest: 20 applied then reset, 10 applied with a cut body (neither retried: runs are
    // not idempotent), and retries (429s, resets before reading) that ran out.
    assert!(
        ok.len() >= calls - 150,
        "{} of {calls} succeeded: {kinds:?}",
        ok.len()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn async_1000_concurrent_runs_with_faults_on_a_current_thread_runtime() {
    many_concurrent_runs_with_faults(1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_1000_concurrent_runs_with_faults_on_a_multi_thread_runtime() {
    many_concurrent_runs_with_faults(1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_future_cancels_its_request_and_it_is_never_retried() {
    let sim = Simulator::start().unwrap();
    let client = AsyncClient::new(config(&sim).build().unwrap()).unwrap();
    sim.push_fault(json!({"kind": "latency", "ms": 1000}))
        .unwrap();
    let op = plivo_phlo::Operation::from_strings(
        "mpc_member_hold",
        &[("phlo_id", P), ("node_id", N), ("member_id", CUSTOMER)],
    )
    .unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(150), client.execute(&op)).await;
    assert!(cut.is_err(), "cancelled");
    // Usable at once.
    client.execute(&op).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let posts = requests(&sim)
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(
        posts, 2,
        "the cancelled action reached the server once, never again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_bounded() {
    let sim = Simulator::start().unwrap();
    let client = AsyncClient::new(config(&sim).max_in_flight(8).build().unwrap()).unwrap();
    sim.push_fault(json!({"kind": "latency", "ms": 100, "count": 64}))
        .unwrap();
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                c.execute(&plivo_phlo::Operation::GetPhlo { phlo_id: P.into() })
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // 64 calls of at least 100 ms, 8 at a time: at least 8 rounds.
    assert!(
        t0.elapsed() >= Duration::from_millis(800),
        "{:?}",
        t0.elapsed()
    );
    let distinct: HashSet<u64> = connections(&sim).into_iter().collect();
    assert!(distinct.len() <= 16, "{} connections", distinct.len());
    // Waiting for a slot counts toward the timeout: five calls at once, one slot, each answer
    // 250 ms late, a 300 ms timeout. The first is answered; the second gets the slot at 250 ms
    // and times out waiting for its answer; the others wait for the slot until their deadlines,
    // when the second releases it: one of them may take it in that instant (and send nothing in
    // time), the rest say they never got one. Nothing of theirs is answered.
    let client = AsyncClient::new(
        config(&sim)
            .max_in_flight(1)
            .timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    sim.reset();
    sim.push_fault(json!({"kind": "latency", "ms": 250, "count": 5}))
        .unwrap();
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                c.execute(&plivo_phlo::Operation::GetPhlo { phlo_id: P.into() })
                    .await
            })
        })
        .collect();
    let (mut ok, mut no_slot) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
                no_slot += usize::from(e.message().contains("free slot"));
            }
        }
    }
    assert_eq!(ok, 1);
    assert!(
        no_slot >= 1,
        "{no_slot} calls waited out their timeout for a slot"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(total(&sim) <= 3, "{} requests sent", total(&sim));
}

#[tokio::test(flavor = "current_thread")]
async fn the_async_timeout_bounds_the_whole_attempt() {
    let sim = Simulator::start().unwrap();
    let limit = Duration::from_secs(1);
    let client = AsyncClient::new(
        config(&sim)
            .timeout(limit)
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    for (what, fault) in slow_answers() {
        sim.push_fault(fault).unwrap();
        let t0 = Instant::now();
        let e = client
            .execute(&plivo_phlo::Operation::GetPhlo { phlo_id: P.into() })
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{what}: {e}");
        let took = t0.elapsed();
        assert!(
            took >= limit && took < limit + Duration::from_millis(400),
            "{what}: {took:?}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_prepared_operation_is_checked_at_once_and_sent_when_executed() {
    let sim = Simulator::start().unwrap();
    let client = AsyncClient::new(config(&sim).build().unwrap()).unwrap();
    let bad = client.prepare(plivo_phlo::Operation::GetPhlo {
        phlo_id: "../x".into(),
    });
    assert_eq!(bad.unwrap_err().field(), Some("phlo_id"));
    let hold = client
        .prepare(
            plivo_phlo::Operation::from_strings(
                "mpc_member_hold",
                &[("phlo_id", P), ("node_id", N), ("member_id", CUSTOMER)],
            )
            .unwrap(),
        )
        .unwrap();
    assert!(requests(&sim).is_empty(), "preparing sends nothing");
    let r = client
        .execute_prepared_as::<plivo_phlo::ActionResponse>(&hold)
        .await
        .unwrap();
    assert_eq!(r.value.error, "");
    // The generic answer, checked against the operation's model as execute does.
    let raw = client.execute_prepared(&hold).await.unwrap();
    assert_eq!(raw.status, 201);
    let log = requests(&sim);
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r["path"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/members/{CUSTOMER}"))));
}

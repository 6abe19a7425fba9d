//! A call runs its I/O on the calling thread; a C or Perl host keeps SIGPIPE's default action,
//! which would kill the process when a write meets a connection the peer has closed. The call
//! must instead fail with a typed error, leave the caller's signal mask as it was, and leave no
//! SIGPIPE pending. Rust itself ignores SIGPIPE, so the checks run in a child process (this test
//! binary again) that restores the default action first.
#![cfg(target_os = "linux")]

use std::process::Command;

use plivo_phlo::{Client, Config, ErrorKind, RetryPolicy};
use serde_json::{Map, Value};

const CHILD: &str = "PHLO_SIGPIPE_TEST_CHILD";

/// The calling thread's blocked and pending sets hold SIGPIPE (13)?
fn sigpipe_in(line: &str) -> bool {
    let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    let hex = status
        .lines()
        .find_map(|l| l.strip_prefix(line))
        .expect("status line")
        .trim();
    u64::from_str_radix(hex, 16).expect("hex mask") & (1 << (13 - 1)) != 0
}

fn sigpipe_mask(how: libc::c_int) {
    // SAFETY: plain signal-set calls on stack values, for this thread only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(how, &set, std::ptr::null_mut());
    }
}

/// Takes a pending SIGPIPE off this thread, if there is one, without waiting.
fn take_pending_sigpipe() {
    // SAFETY: signal-set calls on stack values; a zero timeout never blocks.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
    }
}

/// The child: SIGPIPE's default action, a 17 MiB run payload the simulator refuses (413) and
/// closes on while it is still being written. Exits 0 when every check holds.
fn child() {
    // The simulator's own threads inherit a blocked SIGPIPE: only the client's thread is tested.
    sigpipe_mask(libc::SIG_BLOCK);
    let sim = phlo_sim::Simulator::start().unwrap();
    sigpipe_mask(libc::SIG_UNBLOCK);
    // SAFETY: restores the default action, as a C program has it.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let client = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .retry(RetryPolicy::none())
            .max_response_bytes(64 << 20)
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut payload = Map::new();
    payload.insert("k".into(), Value::String("x".repeat(17 << 20)));
    for blocked_by_caller in [false, true, false] {
        if blocked_by_caller {
            sigpipe_mask(libc::SIG_BLOCK);
        }
        for _ in 0..3 {
            let e = client
                .run_phlo(phlo_sim::DEMO_PHLO_ID, Some(payload.clone()))
                .expect_err("the simulator refuses 17 MiB");
            assert!(
                matches!(e.kind(), ErrorKind::BadRequest | ErrorKind::Connection),
                "{e}"
            );
            assert_eq!(sigpipe_in("SigBlk:"), blocked_by_caller, "mask restored");
            if !blocked_by_caller {
                assert!(!sigpipe_in("ShdPnd:") && !sigpipe_in("SigPnd:"));
            }
        }
        if blocked_by_caller {
            // A caller that blocks SIGPIPE owns what is pending: the library left it there, and
            // unblocking it now would deliver it (SIG_DFL: the end of the process).
            take_pending_sigpipe();
            sigpipe_mask(libc::SIG_UNBLOCK);
        }
    }
    // The client still works.
    client.get_phlo(phlo_sim::DEMO_PHLO_ID).unwrap();
    std::process::exit(0);
}

#[test]
fn a_closed_connection_is_an_error_not_a_sigpipe_and_the_mask_is_kept() {
    if std::env::var_os(CHILD).is_some() {
        child();
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_closed_connection_is_an_error_not_a_sigpipe_and_the_mask_is_kept",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_ne!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "the child was killed by SIGPIPE"
    );
    assert!(
        out.status.success(),
        "child failed: {:?}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

//! The I/O thread a client starts has SIGPIPE blocked (so a C or Perl host is not killed when a
//! peer closes a connection mid-write), and the caller's own signal mask is left as it was.
#![cfg(target_os = "linux")]

use plivo_phlo::{Client, Config};

/// Whether SIGPIPE (13) is in the blocked set of the thread whose `/proc/.../status` this is.
fn sigpipe_blocked(status: &str) -> bool {
    let hex = status
        .lines()
        .find_map(|l| l.strip_prefix("SigBlk:"))
        .expect("SigBlk line")
        .trim();
    u64::from_str_radix(hex, 16).expect("hex mask") & (1 << (13 - 1)) != 0
}

#[test]
fn the_io_thread_blocks_sigpipe_and_the_caller_keeps_its_mask() {
    let own = || std::fs::read_to_string("/proc/thread-self/status").unwrap();
    assert!(
        !sigpipe_blocked(&own()),
        "precondition: this thread does not block SIGPIPE"
    );
    let client = Client::new(
        Config::builder()
            .auth_id("MAXXXXXXXXXXXXXXXXXX")
            .auth_token("token123")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap(),
    )
    .unwrap();
    assert!(!sigpipe_blocked(&own()), "the caller's mask is restored");
    let mut io_threads = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let dir = task.unwrap().path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.starts_with("reqwest-interna") {
            io_threads += 1;
            let status = std::fs::read_to_string(dir.join("status")).unwrap();
            assert!(sigpipe_blocked(&status), "reqwest's thread blocks SIGPIPE");
        }
    }
    assert!(io_threads >= 1, "found the client's I/O thread");
    drop(client);
}

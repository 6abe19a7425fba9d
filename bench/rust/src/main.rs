//! `phlo-bench`: the seed cold transfer through the Rust paths of the benchmark.
//!
//! ```text
//! phlo-bench core|reqwest|ureq --url BASE [--calls N] [--threads T] [--seconds S] [--warmup W]
//! phlo-bench core|reqwest|ureq --url BASE --oneshot
//! ```
//!
//! - `core`: our client, `plivo_phlo::Client::mpc_cold_transfer` (typed result).
//! - `reqwest`: `reqwest::blocking` alone with the same headers and body bytes: the floor, the
//!   HTTP stack the core is built on with no client logic on top.
//! - `ureq`: `ureq` with the same request, another blocking Rust HTTP client, for reference.
//!
//! One client serves every thread. The loop prints one JSON line (the protocol every worker of
//! the benchmark shares, see `bench/harness.py`); `--oneshot` makes one call and exits 0 on
//! success.

use std::process::ExitCode;
use std::sync::Barrier;
use std::time::{Duration, Instant};

const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
const AUTH_TOKEN: &str = "token123";
const PHLO: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
const NODE: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";
const BODY: &str = r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#;
/// base64("MAXXXXXXXXXXXXXXXXXX:token123"), section 7 of the API reference.
const BASIC: &str = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=";
const USER_AGENT: &str = "phlo-bench/0.1.0";

struct Args {
    path: String,
    url: String,
    calls: usize,
    threads: usize,
    seconds: f64,
    warmup: Option<usize>,
    oneshot: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let path = it
        .next()
        .ok_or("usage: phlo-bench core|reqwest|ureq --url BASE [...]")?;
    let mut a = Args {
        path,
        url: String::new(),
        calls: 1000,
        threads: 1,
        seconds: 30.0,
        warmup: None,
        oneshot: false,
    };
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = val()?,
            "--calls" => a.calls = val()?.parse().map_err(|e| format!("--calls: {e}"))?,
            "--threads" => a.threads = val()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--seconds" => a.seconds = val()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--warmup" => a.warmup = Some(val()?.parse().map_err(|e| format!("--warmup: {e}"))?),
            "--oneshot" => a.oneshot = true,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if a.url.is_empty() {
        return Err("--url is required".into());
    }
    a.threads = a.threads.max(1);
    Ok(a)
}

/// One way of sending the seed call; shared by every thread.
trait Path: Sync {
    /// One cold transfer; `Err` describes a failure (an error answer or a transport error).
    fn call(&self) -> Result<(), String>;
}

struct Core(plivo_phlo::Client);

impl Path for Core {
    fn call(&self) -> Result<(), String> {
        self.0
            .mpc_cold_transfer(PHLO, NODE, "+14152223333", "+14152225555", Some("agent"))
            .map(|r| std::hint::black_box(r).api_id.len())
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

struct Reqwest {
    http: reqwest::blocking::Client,
    url: reqwest::Url,
}

impl Path for Reqwest {
    fn call(&self) -> Result<(), String> {
        let resp = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(BODY)
            .send()
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = resp.bytes().map_err(|e| e.to_string())?;
        std::hint::black_box(&body);
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {status}"))
        }
    }
}

/// Experiments for the profile (not in the table): the floor with the request URL made per call
/// as the core makes it (`format!` then `&str`, parsed by reqwest), or from a base `Url` parsed
/// once and `set_path` per call.
struct ReqwestUrl {
    inner: Reqwest,
    base: String,
    set_path: bool,
}

impl Path for ReqwestUrl {
    fn call(&self) -> Result<(), String> {
        let rb = if self.set_path {
            let mut url = self.inner.url.clone();
            url.set_path(&format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"));
            self.inner.http.post(url)
        } else {
            let url = format!("{}/v1/phlo/{PHLO}/multi_party_call/{NODE}", self.base);
            self.inner.http.post(&url)
        };
        let resp = rb
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(BODY)
            .send()
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = resp.bytes().map_err(|e| e.to_string())?;
        std::hint::black_box(&body);
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {status}"))
        }
    }
}

struct Ureq {
    agent: ureq::Agent,
    url: String,
}

impl Path for Ureq {
    fn call(&self) -> Result<(), String> {
        let mut resp = self
            .agent
            .post(&self.url)
            .header("Authorization", BASIC)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT)
            .header("Content-Type", "application/json")
            .send(BODY)
            .map_err(|e| e.to_string())?;
        let body = resp.body_mut().read_to_vec().map_err(|e| e.to_string())?;
        std::hint::black_box(&body);
        Ok(())
    }
}

fn make_path(a: &Args) -> Result<Box<dyn Path>, String> {
    let action_url = format!("{}/v1/phlo/{PHLO}/multi_party_call/{NODE}", a.url);
    Ok(match a.path.as_str() {
        "core" => {
            let config = plivo_phlo::Config::builder()
                .auth_id(AUTH_ID)
                .auth_token(AUTH_TOKEN)
                .base_url(a.url.as_str())
                .build()
                .map_err(|e| e.to_string())?;
            Box::new(Core(
                plivo_phlo::Client::new(config).map_err(|e| e.to_string())?,
            ))
        }
        "reqwest" | "reqwest-fmt-url" | "reqwest-set-path" => {
            use reqwest::header::{
                HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT as UA,
            };
            let mut h = HeaderMap::new();
            h.insert(AUTHORIZATION, HeaderValue::from_static(BASIC));
            h.insert(ACCEPT, HeaderValue::from_static("application/json"));
            h.insert(UA, HeaderValue::from_static(USER_AGENT));
            let http = reqwest::blocking::Client::builder()
                .default_headers(h)
                .tcp_nodelay(true)
                .build()
                .map_err(|e| e.to_string())?;
            let inner = Reqwest {
                http,
                url: reqwest::Url::parse(&action_url).map_err(|e| e.to_string())?,
            };
            match a.path.as_str() {
                "reqwest" => Box::new(inner),
                p => Box::new(ReqwestUrl {
                    inner,
                    base: a.url.clone(),
                    set_path: p == "reqwest-set-path",
                }),
            }
        }
        "ureq" => {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(true)
                .build()
                .into();
            Box::new(Ureq {
                agent,
                url: action_url,
            })
        }
        other => return Err(format!("unknown path {other} (core, reqwest, ureq)")),
    })
}

/// Latencies of one thread, and its failures.
#[derive(Default)]
struct Tally {
    lat_ns: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
}

fn run_thread(p: &dyn Path, calls: usize, deadline: Instant) -> Tally {
    let mut t = Tally {
        lat_ns: Vec::with_capacity(calls),
        ..Tally::default()
    };
    for _ in 0..calls {
        let t0 = Instant::now();
        let r = p.call();
        let dt = t0.elapsed();
        match r {
            Ok(()) => t.lat_ns.push(dt.as_nanos() as u64),
            Err(e) => {
                t.errors += 1;
                t.first_error.get_or_insert(e);
            }
        }
        if t0 + dt > deadline {
            break;
        }
    }
    t
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1e3
}

/// CPU time of this process (every thread) in seconds.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; CLOCK_PROCESS_CPUTIME_ID exists on every Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// The peak resident set of this process in KiB (`VmHWM`; reset by exec, unlike `ru_maxrss`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("phlo-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let path = match make_path(&a) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("phlo-bench: {e}");
            return ExitCode::from(1);
        }
    };
    if a.oneshot {
        return match path.call() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("phlo-bench: {e}");
                ExitCode::from(1)
            }
        };
    }
    // Warm-up (untimed): opens the connections and fills caches.
    let warmup = a.warmup.unwrap_or((a.calls / 10).clamp(1, 200));
    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds);
    let warm = std::thread::scope(|s| {
        let hs: Vec<_> = (0..a.threads)
            .map(|_| s.spawn(|| run_thread(&*path, warmup.div_ceil(a.threads), deadline)))
            .collect();
        hs.into_iter()
            .map(|h| h.join().expect("thread"))
            .map(|t| t.errors)
            .sum::<usize>()
    });
    let per_thread = a.calls.div_ceil(a.threads);
    let barrier = Barrier::new(a.threads + 1);
    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds);
    let (tallies, elapsed, cpu) = std::thread::scope(|s| {
        let hs: Vec<_> = (0..a.threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    run_thread(&*path, per_thread, deadline)
                })
            })
            .collect();
        barrier.wait();
        let t0 = Instant::now();
        let c0 = cpu_seconds();
        let tallies: Vec<Tally> = hs.into_iter().map(|h| h.join().expect("thread")).collect();
        (tallies, t0.elapsed(), cpu_seconds() - c0)
    });
    let mut lat: Vec<u64> = tallies
        .iter()
        .flat_map(|t| t.lat_ns.iter().copied())
        .collect();
    lat.sort_unstable();
    let errors: usize = tallies.iter().map(|t| t.errors).sum::<usize>() + warm;
    let first_error = tallies.iter().find_map(|t| t.first_error.clone());
    println!(
        "{{\"path\":{},\"threads\":{},\"calls\":{},\"errors\":{},\"elapsed_s\":{:.6},\"cpu_s\":{:.6},\"p50_us\":{:.1},\"p99_us\":{:.1},\"rss_kib\":{},\"first_error\":{}}}",
        json_str(&a.path),
        a.threads,
        lat.len() + tallies.iter().map(|t| t.errors).sum::<usize>(),
        errors,
        elapsed.as_secs_f64(),
        cpu,
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        peak_rss_kib(),
        first_error.map_or("null".to_owned(), |e| json_str(&e)),
    );
    ExitCode::SUCCESS
}

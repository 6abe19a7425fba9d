//! `phlo-bench`: the seed cold transfer through the Rust paths of the benchmark.
//!
//! ```text
//! phlo-bench PATH --url BASE [--calls N] [--threads T] [--seconds S] [--warmup W]
//! phlo-bench PATH --url BASE --oneshot
//! phlo-bench async-core|async-reqwest --url BASE [--calls N] [--batches B] [--seconds S] [--warmup W]
//! ```
//!
//! Loop paths (N calls on one client shared by T threads, after W untimed warm-up calls made by
//! the same threads):
//! - `core`: our client, `plivo_phlo::Client::mpc_cold_transfer` (typed result).
//! - `reqwest-rt`: reqwest's async client driven by a current-thread tokio runtime on each calling
//!   thread, with that thread's pool, the same headers and body bytes and no client logic: the
//!   floor of the core's engine, which drives reqwest the same way.
//! - `reqwest`: `reqwest::blocking`, which hands each request to a runtime thread of its own: the
//!   engine the core had before, kept so the change stays visible.
//! - `ureq`: `ureq` with the same request, another blocking Rust HTTP client.
//!
//! Async paths (batches of N concurrent calls spawned on one tokio runtime, current-thread for
//! T = 1, else multi-thread with T workers; one untimed warm-up batch of W calls, default N, then B
//! timed batches, default 3):
//! - `async-core`: `plivo_phlo::AsyncClient::execute_as` of the cold transfer (typed result), at
//!   most `max_in_flight` (100) requests in flight.
//! - `async-reqwest`: reqwest's async client, the same headers and body bytes, at most 100
//!   requests in flight (a semaphore, as the core's `max_in_flight`).
//!
//! The run prints one JSON line (the protocol every worker of the benchmark shares, see
//! `bench/harness.py`); `--oneshot` makes one call and exits 0 on success.

use std::cell::RefCell;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT as UA,
};

const AUTH_ID: &str = "MAXXXXXXXXXXXXXXXXXX";
const AUTH_TOKEN: &str = "token123";
const PHLO: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
const NODE: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";
const BODY: &str = r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#;
/// base64("MAXXXXXXXXXXXXXXXXXX:token123"), section 7 of the API reference.
const BASIC: &str = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=";
const USER_AGENT: &str = "phlo-bench/0.1.0";
/// Requests in flight for the bare async reqwest path: the core's default `max_in_flight`.
const IN_FLIGHT: usize = 100;

struct Args {
    path: String,
    url: String,
    calls: usize,
    threads: usize,
    seconds: f64,
    warmup: Option<usize>,
    batches: usize,
    oneshot: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let path = it
        .next()
        .ok_or("usage: phlo-bench PATH --url BASE [...] (paths: core reqwest-rt reqwest ureq async-core async-reqwest)")?;
    let mut a = Args {
        path,
        url: String::new(),
        calls: 1000,
        threads: 1,
        seconds: 30.0,
        warmup: None,
        batches: 3,
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
            "--batches" => a.batches = val()?.parse().map_err(|e| format!("--batches: {e}"))?,
            "--oneshot" => a.oneshot = true,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if a.url.is_empty() {
        return Err("--url is required".into());
    }
    a.threads = a.threads.max(1);
    a.batches = a.batches.max(1);
    Ok(a)
}

fn action_url(base: &str) -> String {
    format!("{base}/v1/phlo/{PHLO}/multi_party_call/{NODE}")
}

/// The headers every bare path sends (the core sends the same set).
fn headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, HeaderValue::from_static(BASIC));
    h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    h.insert(UA, HeaderValue::from_static(USER_AGENT));
    h
}

fn core_config(url: &str) -> Result<plivo_phlo::Config, String> {
    plivo_phlo::Config::builder()
        .auth_id(AUTH_ID)
        .auth_token(AUTH_TOKEN)
        .base_url(url)
        .build()
        .map_err(|e| e.to_string())
}

/// A bare async reqwest client with the bench's headers (one pool of connections).
fn async_reqwest() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .default_headers(headers())
        .tcp_nodelay(true)
        .build()
        .map_err(|e| e.to_string())
}

/// Sends the seed call through an async reqwest client and reads the whole answer.
async fn reqwest_call(http: &reqwest::Client, url: &reqwest::Url) -> Result<(), String> {
    let resp = http
        .post(url.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(BODY)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    std::hint::black_box(&body);
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

// ------------------------------------------------------------------------------------------------
// Loop paths: one call at a time per thread
// ------------------------------------------------------------------------------------------------

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

/// The floor of the engine: reqwest's async client driven on the calling thread by a
/// current-thread runtime of that thread, with that thread's own pool (a connection belongs to
/// the runtime that opened it), as `crates/phlo/src/engine.rs` does, without any client logic.
struct OnThread {
    url: reqwest::Url,
}

thread_local! {
    static FLOOR: RefCell<Option<(tokio::runtime::Runtime, reqwest::Client)>> = const { RefCell::new(None) };
}

impl Path for OnThread {
    fn call(&self) -> Result<(), String> {
        FLOOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                *slot = Some((rt, async_reqwest()?));
            }
            let (rt, http) = slot.as_ref().expect("set above");
            rt.block_on(reqwest_call(http, &self.url))
        })
    }
}

struct Blocking {
    http: reqwest::blocking::Client,
    url: reqwest::Url,
}

impl Path for Blocking {
    fn call(&self) -> Result<(), String> {
        let resp = self
            .http
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
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

/// Experiments for the profile (not in the table): `reqwest::blocking` with the request URL made
/// per call as a `format!`ed string that reqwest parses, or from a base `Url` parsed once and
/// `set_path` per call (as the core does).
struct BlockingUrl {
    inner: Blocking,
    base: String,
    set_path: bool,
}

impl Path for BlockingUrl {
    fn call(&self) -> Result<(), String> {
        let rb = if self.set_path {
            let mut url = self.inner.url.clone();
            url.set_path(&format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}"));
            self.inner.http.post(url)
        } else {
            self.inner.http.post(action_url(&self.base))
        };
        let resp = rb
            .header(CONTENT_TYPE, "application/json")
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
    let url = reqwest::Url::parse(&action_url(&a.url)).map_err(|e| e.to_string())?;
    Ok(match a.path.as_str() {
        "core" => Box::new(Core(
            plivo_phlo::Client::new(core_config(&a.url)?).map_err(|e| e.to_string())?,
        )),
        "reqwest-rt" => {
            // Fails here, not in a thread, when reqwest refuses its settings.
            async_reqwest()?;
            Box::new(OnThread { url })
        }
        "reqwest" | "reqwest-fmt-url" | "reqwest-set-path" => {
            let http = reqwest::blocking::Client::builder()
                .default_headers(headers())
                .tcp_nodelay(true)
                .build()
                .map_err(|e| e.to_string())?;
            let inner = Blocking { http, url };
            match a.path.as_str() {
                "reqwest" => Box::new(inner),
                p => Box::new(BlockingUrl {
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
                url: action_url(&a.url),
            })
        }
        other => {
            return Err(format!(
                "unknown path {other} (core, reqwest-rt, reqwest, ureq, async-core, async-reqwest)"
            ))
        }
    })
}

/// Latencies of one thread, and its failures.
#[derive(Default)]
struct Tally {
    lat_ns: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
}

impl Tally {
    fn record(&mut self, dt: Duration, r: Result<(), String>) {
        match r {
            Ok(()) => self.lat_ns.push(dt.as_nanos() as u64),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }
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
        t.record(dt, r);
        if t0 + dt > deadline {
            break;
        }
    }
    t
}

/// The timed phase's figures, as the harness reads them.
struct Measured {
    tallies: Vec<Tally>,
    warm_errors: usize,
    warm_first_error: Option<String>,
    elapsed: Duration,
    cpu: Cpu,
}

/// Runs the loop: each of `threads` threads makes its share of the warm-up calls (opening its
/// connections), all wait at a barrier, then the same threads make the timed calls.
fn run_loop(p: &dyn Path, a: &Args) -> Measured {
    let warmup = a.warmup.unwrap_or((a.calls / 10).clamp(1, 200));
    let per_thread = a.calls.div_ceil(a.threads);
    let warm_done = Barrier::new(a.threads + 1);
    let start = Barrier::new(a.threads + 1);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..a.threads)
            .map(|_| {
                s.spawn(|| {
                    let cap = Instant::now() + Duration::from_secs_f64(a.seconds);
                    let warm = run_thread(p, warmup.div_ceil(a.threads), cap);
                    warm_done.wait();
                    start.wait();
                    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds);
                    (warm, run_thread(p, per_thread, deadline))
                })
            })
            .collect();
        warm_done.wait();
        let c0 = Cpu::now();
        let t0 = Instant::now();
        start.wait();
        let done: Vec<(Tally, Tally)> = hs.into_iter().map(|h| h.join().expect("thread")).collect();
        let elapsed = t0.elapsed();
        let cpu = Cpu::now().since(c0);
        let warm_errors = done.iter().map(|(w, _)| w.errors).sum();
        let warm_first_error = done.iter().find_map(|(w, _)| w.first_error.clone());
        Measured {
            tallies: done.into_iter().map(|(_, t)| t).collect(),
            warm_errors,
            warm_first_error,
            elapsed,
            cpu,
        }
    })
}

// ------------------------------------------------------------------------------------------------
// Async paths: batches of concurrent calls on one runtime
// ------------------------------------------------------------------------------------------------

enum AsyncPath {
    Core(plivo_phlo::AsyncClient),
    Reqwest {
        http: reqwest::Client,
        url: reqwest::Url,
        slots: tokio::sync::Semaphore,
    },
}

impl AsyncPath {
    fn new(a: &Args) -> Result<AsyncPath, String> {
        Ok(match a.path.as_str() {
            "async-core" => AsyncPath::Core(
                plivo_phlo::AsyncClient::new(core_config(&a.url)?).map_err(|e| e.to_string())?,
            ),
            "async-reqwest" => AsyncPath::Reqwest {
                http: async_reqwest()?,
                url: reqwest::Url::parse(&action_url(&a.url)).map_err(|e| e.to_string())?,
                slots: tokio::sync::Semaphore::new(IN_FLIGHT),
            },
            other => return Err(format!("unknown async path {other}")),
        })
    }

    async fn call(&self) -> Result<(), String> {
        match self {
            AsyncPath::Core(c) => {
                // What the typed blocking method builds per call: the operation, owned.
                let op = plivo_phlo::Operation::NodeAction {
                    phlo_id: PHLO.into(),
                    node_id: NODE.into(),
                    action: "cold_transfer".into(),
                    to: "+14152225555".into(),
                    role: Some("agent".into()),
                    trigger_source: "+14152223333".into(),
                };
                c.execute_as::<plivo_phlo::ActionResponse>(&op)
                    .await
                    .map(|r| std::hint::black_box(r.value).api_id.len())
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            AsyncPath::Reqwest { http, url, slots } => {
                let _slot = slots.acquire().await.map_err(|e| e.to_string())?;
                reqwest_call(http, url).await
            }
        }
    }
}

/// `n` calls spawned at once as tasks; each call's latency counts from the batch's start (a
/// caller's wait for a free slot included). Returns the tally and the batch's wall time.
async fn batch(p: &Arc<AsyncPath>, n: usize) -> (Tally, Duration) {
    let t0 = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let p = p.clone();
        set.spawn(async move {
            let r = p.call().await;
            (t0.elapsed(), r)
        });
    }
    let mut t = Tally {
        lat_ns: Vec::with_capacity(n),
        ..Tally::default()
    };
    while let Some(j) = set.join_next().await {
        match j {
            Ok((dt, r)) => t.record(dt, r),
            Err(e) => t.record(Duration::ZERO, Err(format!("task: {e}"))),
        }
    }
    (t, t0.elapsed())
}

fn run_async(a: &Args) -> Result<Measured, String> {
    let p = Arc::new(AsyncPath::new(a)?);
    let rt = if a.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(a.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| e.to_string())?;
    Ok(rt.block_on(async {
        let warmup = a.warmup.unwrap_or(a.calls);
        let (warm, _) = if warmup > 0 {
            batch(&p, warmup).await
        } else {
            (Tally::default(), Duration::ZERO)
        };
        let mut tallies = Vec::new();
        let mut elapsed = Duration::ZERO;
        let c0 = Cpu::now();
        for _ in 0..a.batches {
            let (t, dt) = batch(&p, a.calls).await;
            tallies.push(t);
            elapsed += dt;
            if elapsed.as_secs_f64() > a.seconds {
                break;
            }
        }
        Measured {
            tallies,
            warm_errors: warm.errors,
            warm_first_error: warm.first_error,
            elapsed,
            cpu: Cpu::now().since(c0),
        }
    }))
}

// ------------------------------------------------------------------------------------------------
// Figures and output
// ------------------------------------------------------------------------------------------------

/// CPU time of this process (every thread), user and system, in seconds.
#[derive(Clone, Copy)]
struct Cpu {
    user: f64,
    sys: f64,
}

impl Cpu {
    fn now() -> Cpu {
        // SAFETY: getrusage only writes the struct it is given; zeroed is a valid rusage.
        let ru = unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut ru);
            ru
        };
        let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        Cpu {
            user: s(ru.ru_utime),
            sys: s(ru.ru_stime),
        }
    }

    fn since(self, earlier: Cpu) -> Cpu {
        Cpu {
            user: self.user - earlier.user,
            sys: self.sys - earlier.sys,
        }
    }
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1e3
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

fn print(a: &Args, m: Measured) {
    let mut lat: Vec<u64> = m
        .tallies
        .iter()
        .flat_map(|t| t.lat_ns.iter().copied())
        .collect();
    lat.sort_unstable();
    let timed_errors: usize = m.tallies.iter().map(|t| t.errors).sum();
    let first_error = m
        .tallies
        .iter()
        .find_map(|t| t.first_error.clone())
        .or(m.warm_first_error);
    println!(
        "{{\"path\":{},\"threads\":{},\"calls\":{},\"errors\":{},\"elapsed_s\":{:.6},\"cpu_s\":{:.6},\"user_s\":{:.6},\"sys_s\":{:.6},\"p50_us\":{:.1},\"p99_us\":{:.1},\"rss_kib\":{},\"first_error\":{}}}",
        json_str(&a.path),
        a.threads,
        lat.len() + timed_errors,
        timed_errors + m.warm_errors,
        m.elapsed.as_secs_f64(),
        m.cpu.user + m.cpu.sys,
        m.cpu.user,
        m.cpu.sys,
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        peak_rss_kib(),
        first_error.map_or("null".to_owned(), |e| json_str(&e)),
    );
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("phlo-bench: {e}");
            return ExitCode::from(2);
        }
    };
    if a.path.starts_with("async-") {
        if a.oneshot {
            eprintln!("phlo-bench: the async paths have no one-shot form");
            return ExitCode::from(2);
        }
        return match run_async(&a) {
            Ok(m) => {
                print(&a, m);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("phlo-bench: {e}");
                ExitCode::from(1)
            }
        };
    }
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
    let m = run_loop(&*path, &a);
    print(&a, m);
    ExitCode::SUCCESS
}

//! The fault matrix: every failure the client must survive, each sent as a read
//! (`GET`, [`Client::get_phlo`]) and as an action (`POST`, the seed cold transfer), against the
//! simulator's fault injection over real HTTP.
//!
//! Every case asserts the typed outcome (kind, status, message, `api_id`, `Retry-After`), the
//! attempts the client made, how many requests reached the server (the simulator's request log
//! `total`, plus `resets_before`, plus connections a bare listener accepted), and whether the
//! action took effect. On top of the table, one invariant is checked for every action: it reached
//! the server at most once, except for attempts the service refused with 429 (the retry policy's
//! only exception besides a connection that could not be opened at all).
//!
//! The matrix runs as one test so it can print its size; `docs/reliability.md` quotes it, and the
//! test checks the quote. Run it alone with
//! `cargo test -p plivo-phlo --test fault_matrix -- --nocapture`.

mod common;
use common::*;

use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use phlo_sim::Simulator;
use plivo_phlo::{Client, Config, Error, ErrorKind, Method};
use serde_json::{json, Value};

/// A PHLO id the simulator does not know.
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";
/// The token the clients use; no error may ever contain it.
const TOKEN: &str = phlo_sim::DEFAULT_AUTH_TOKEN;
/// A wrong token, long enough to be scrubbed from errors if it were echoed.
const WRONG_TOKEN: &str = "wrong-token-0f1e2d3c";
/// Per-attempt timeout of every case but the timeout cases (which use [`SHORT_TIMEOUT`]).
const TIMEOUT: Duration = Duration::from_secs(10);
const SHORT_TIMEOUT: Duration = Duration::from_millis(300);
/// Latency injected by the timeout cases: well past [`SHORT_TIMEOUT`].
const SLOW_MS: u64 = 1500;
/// Jobs run at once (each with its own simulators); most of a job's time is spent sleeping.
const PARALLEL: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// `GET /v1/phlo/{P}`: idempotent, retried on transient failures.
    Read,
    /// `POST /v1/phlo/{P}/multi_party_call/{N}` (the seed cold transfer): never repeated unless
    /// the service provably did not act on it.
    Action,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Read => "read",
            Side::Action => "action",
        }
    }
}

/// Where the client's base URL points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Target {
    #[default]
    Simulator,
    /// A port with no listener.
    Refused,
    /// A listener that accepts and closes each connection without reading a byte.
    AcceptClose,
    /// A listener that answers every request `200` with a body that is not UTF-8 (the
    /// simulator's fault bodies are JSON strings, so always UTF-8).
    NotUtf8,
    /// A listener that answers every request `200` with a 2 MiB body in chunks, without a
    /// `Content-Length` (so the cap is enforced while reading, not up front).
    HugeChunked,
}

/// The request a case sends, when not the side's default.
#[derive(Clone, Debug, Default)]
enum Call {
    /// Read: `get_phlo(P)`; action: `mpc_cold_transfer(P, N, AGENT, NEW_AGENT)`.
    #[default]
    Default,
    GetPhlo(&'static str),
    ColdTransfer {
        node: &'static str,
        trigger: &'static str,
    },
    Raw(Method, String, Option<Value>),
}

/// How the world is arranged for one call.
#[derive(Default)]
struct Setup {
    /// Queued on the simulator before the call.
    faults: Vec<Value>,
    target: Target,
    call: Call,
    /// Use [`WRONG_TOKEN`] instead of the simulator's token.
    wrong_token: bool,
    /// Use [`SHORT_TIMEOUT`].
    short_timeout: bool,
}

impl Setup {
    fn fault(f: Value) -> Setup {
        Setup {
            faults: vec![f],
            ..Setup::default()
        }
    }
    fn call(call: Call) -> Setup {
        Setup {
            call,
            ..Setup::default()
        }
    }
}

/// The simulators a job may use: the one the client talks to and another host that a redirect
/// points at.
struct Env {
    sim: Simulator,
    other: Simulator,
}

#[derive(Clone, Copy, Debug)]
enum Msg {
    /// Exactly this text, with `{path}` replaced by the request's path.
    Exact(&'static str),
    Prefix(&'static str),
}

#[derive(Clone, Copy, Debug)]
enum RetryAfter {
    /// Not checked.
    Any,
    Absent,
    Secs(u64),
    /// Present and at most this many seconds.
    AtMost(u64),
}

#[derive(Clone, Debug)]
struct Expect {
    /// `None`: success.
    error: Option<(ErrorKind, Option<u16>, Msg)>,
    /// The error carries an `api_id` (the service's JSON error body had one).
    api_id: bool,
    retry_after: RetryAfter,
    /// Attempts the client made (from the error, or counted on the server for a success).
    attempts: u32,
    /// Requests that reached the server.
    arrived: u64,
    /// Whether the action took effect (the seed transfer happened); always 0 for reads.
    applied: u64,
    /// The call took at least this long (a `Retry-After` honoured).
    min_elapsed: Duration,
    /// The call took less than this long.
    max_elapsed: Duration,
    /// Wait this long after the call before counting what reached the server (a slow server
    /// logs a request only when it has finished with it).
    settle: Duration,
}

fn ok(attempts: u32) -> Expect {
    Expect {
        error: None,
        api_id: false,
        retry_after: RetryAfter::Any,
        attempts,
        arrived: u64::from(attempts),
        applied: 1,
        min_elapsed: Duration::ZERO,
        max_elapsed: Duration::from_secs(20),
        settle: Duration::from_millis(100),
    }
}

fn err(kind: ErrorKind, status: Option<u16>, msg: Msg, attempts: u32) -> Expect {
    Expect {
        error: Some((kind, status, msg)),
        applied: 0,
        ..ok(attempts)
    }
}

impl Expect {
    fn arrived(mut self, n: u64) -> Self {
        self.arrived = n;
        self
    }
    fn applied(mut self) -> Self {
        self.applied = 1;
        self
    }
    fn api_id(mut self) -> Self {
        self.api_id = true;
        self
    }
    fn retry_after(mut self, r: RetryAfter) -> Self {
        self.retry_after = r;
        self
    }
    fn min_elapsed(mut self, d: Duration) -> Self {
        self.min_elapsed = d;
        self
    }
    fn max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }
    fn settle(mut self, d: Duration) -> Self {
        self.settle = d;
        self
    }
}

/// Arranges the world for one side of a case.
type Arrange = Box<dyn Fn(&Env, Side) -> Setup + Send + Sync>;

struct Case {
    name: String,
    setup: Arrange,
    read: Expect,
    action: Expect,
}

fn case(
    name: impl Into<String>,
    setup: impl Fn(&Env, Side) -> Setup + Send + Sync + 'static,
    read: Expect,
    action: Expect,
) -> Case {
    Case {
        name: name.into(),
        setup: Box::new(setup),
        read,
        action,
    }
}

use ErrorKind::*;
use Msg::*;

const SECOND: Duration = Duration::from_secs(1);

fn cases() -> Vec<Case> {
    let mut v = Vec::new();

    // --- The connection. ---------------------------------------------------------------------
    v.push(case(
        "connection refused",
        |_, _| Setup {
            target: Target::Refused,
            ..Setup::default()
        },
        // Nothing was ever sent, so even the action is retried (and nothing arrives anywhere).
        err(Connection, None, Prefix("could not connect"), 3).arrived(0),
        err(Connection, None, Prefix("could not connect"), 3).arrived(0),
    ));
    v.push(case(
        "dropped on accept, before the request is read",
        |_, _| Setup {
            target: Target::AcceptClose,
            ..Setup::default()
        },
        // The client cannot tell whether the request was read: the action is not repeated.
        err(Connection, None, Prefix("the connection failed"), 3),
        err(Connection, None, Prefix("the connection failed"), 1),
    ));
    for (count, label) in [(3, "every attempt"), (1, "once")] {
        let read = if count == 1 {
            ok(2)
        } else {
            err(Connection, None, Prefix("the connection failed"), 3)
        };
        v.push(case(
            format!("reset after the request is read, before it is handled ({label})"),
            move |_, _| Setup::fault(json!({"kind": "reset_before", "count": count})),
            read.clone(),
            err(Connection, None, Prefix("the connection failed"), 1),
        ));
        v.push(case(
            format!("reset after the request was carried out ({label})"),
            move |_, _| Setup::fault(json!({"kind": "reset_after", "count": count})),
            read,
            err(Connection, None, Prefix("the connection failed"), 1).applied(),
        ));
        let read = if count == 1 {
            ok(2).settle(Duration::from_millis(SLOW_MS + 300))
        } else {
            err(
                Timeout,
                None,
                Prefix("timed out waiting for the response"),
                3,
            )
            .settle(Duration::from_millis(SLOW_MS + 300))
        };
        v.push(case(
            format!("response slower than the timeout ({label})"),
            move |_, _| Setup {
                faults: vec![json!({"kind": "latency", "ms": SLOW_MS, "count": count})],
                short_timeout: true,
                ..Setup::default()
            },
            read,
            // The service carries the action out after the client gave up; it is not sent again.
            err(
                Timeout,
                None,
                Prefix("timed out waiting for the response"),
                1,
            )
            .applied()
            .settle(Duration::from_millis(SLOW_MS + 300)),
        ));
    }

    // --- Server errors. ----------------------------------------------------------------------
    for (status, reason) in [
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ] {
        // 502, 503 and 504 are gateway trouble worth another try; a 500 is the service's own
        // failure and is reported at once. Actions are never repeated on a 5xx.
        let read_attempts = if status == 500 { 1 } else { 3 };
        for body in ["json", "html", "empty"] {
            let msg = match body {
                "json" => Exact(reason),
                _ => Exact(match status {
                    500 => "server error (500) at {path}",
                    502 => "server error (502) at {path}",
                    503 => "server error (503) at {path}",
                    _ => "server error (504) at {path}",
                }),
            };
            let (mut read, mut action) = (
                err(Server, Some(status), msg, read_attempts),
                err(Server, Some(status), msg, 1),
            );
            if body == "json" {
                read = read.api_id();
                action = action.api_id();
            }
            v.push(case(
                format!("{status} with a {body} body"),
                move |_, _| {
                    Setup::fault(
                        json!({"kind": "status", "status": status, "body": body, "count": 3}),
                    )
                },
                read,
                action,
            ));
        }
    }
    v.push(case(
        "503 once, then the service recovers",
        |_, _| Setup::fault(json!({"kind": "status", "status": 503})),
        ok(2),
        err(Server, Some(503), Exact("Service Unavailable"), 1).api_id(),
    ));
    v.push(case(
        "503 with Retry-After: 1, once",
        |_, _| Setup::fault(json!({"kind": "status", "status": 503, "retry_after": 1})),
        ok(2).min_elapsed(Duration::from_millis(950)),
        err(Server, Some(503), Exact("Service Unavailable"), 1)
            .api_id()
            .retry_after(RetryAfter::Secs(1)),
    ));

    // --- Rate limiting: the one refusal after which an action is sent again. ----------------
    let limited = |attempts| {
        err(RateLimited, Some(429), Exact("too many requests"), attempts)
            .api_id()
            .retry_after(RetryAfter::Absent)
    };
    v.push(case(
        "429 without Retry-After (every attempt)",
        |_, _| Setup::fault(json!({"kind": "rate_limit", "retry_after": null, "count": 3})),
        limited(3),
        limited(3),
    ));
    v.push(case(
        "429 without Retry-After (once)",
        |_, _| Setup::fault(json!({"kind": "rate_limit", "retry_after": null})),
        ok(2),
        ok(2),
    ));
    v.push(case(
        "429 with Retry-After: 1 (every attempt)",
        |_, _| Setup::fault(json!({"kind": "rate_limit", "retry_after": "1", "count": 3})),
        limited(3)
            .retry_after(RetryAfter::Secs(1))
            .min_elapsed(2 * SECOND - Duration::from_millis(100)),
        limited(3)
            .retry_after(RetryAfter::Secs(1))
            .min_elapsed(2 * SECOND - Duration::from_millis(100)),
    ));
    v.push(case(
        "429 with Retry-After as an HTTP date 2 s ahead (once)",
        |_, _| {
            let at = http_date(SystemTime::now() + 2 * SECOND);
            Setup::fault(json!({"kind": "rate_limit", "retry_after": at}))
        },
        // The date has whole seconds: the wait is between 1 and 2 s.
        ok(2).min_elapsed(Duration::from_millis(900)),
        ok(2).min_elapsed(Duration::from_millis(900)),
    ));
    v.push(case(
        "429 with Retry-After: 3600, beyond the cap",
        |_, _| Setup::fault(json!({"kind": "rate_limit", "retry_after": 3600, "count": 3})),
        // Not slept on: reported at once with the delay the service asked for.
        limited(1)
            .retry_after(RetryAfter::Secs(3600))
            .max_elapsed(SECOND),
        limited(1)
            .retry_after(RetryAfter::Secs(3600))
            .max_elapsed(SECOND),
    ));
    v.push(case(
        "429 with Retry-After as an HTTP date a day ahead",
        |_, _| {
            let at = http_date(SystemTime::now() + Duration::from_secs(86_400));
            Setup::fault(json!({"kind": "rate_limit", "retry_after": at, "count": 3}))
        },
        limited(1)
            .retry_after(RetryAfter::AtMost(86_400))
            .max_elapsed(SECOND),
        limited(1)
            .retry_after(RetryAfter::AtMost(86_400))
            .max_elapsed(SECOND),
    ));

    // --- The service refuses: never retried, the service's message kept. -------------------
    v.push(case(
        "401 (wrong token)",
        |_, _| Setup {
            wrong_token: true,
            ..Setup::default()
        },
        err(Authentication, Some(401), Exact("authentication failed"), 1).api_id(),
        err(Authentication, Some(401), Exact("authentication failed"), 1).api_id(),
    ));
    v.push(case(
        "403 (PHLO not enabled)",
        |_, _| {
            Setup::fault(
                json!({"kind": "status", "status": 403, "error": "PHLO is not enabled for this account.", "count": 3}),
            )
        },
        err(
            Authentication,
            Some(403),
            Exact("PHLO is not enabled for this account."),
            1,
        )
        .api_id(),
        err(
            Authentication,
            Some(403),
            Exact("PHLO is not enabled for this account."),
            1,
        )
        .api_id(),
    ));
    v.push(case(
        "404 with the service's empty object (unknown PHLO or node)",
        |_, side| {
            Setup::call(match side {
                Side::Read => Call::GetPhlo(UNKNOWN),
                Side::Action => Call::ColdTransfer {
                    node: UNKNOWN,
                    trigger: AGENT,
                },
            })
        },
        err(
            NotFound,
            Some(404),
            Exact("resource not found (404) at {path}"),
            1,
        ),
        err(
            NotFound,
            Some(404),
            Exact("resource not found (404) at {path}"),
            1,
        ),
    ));
    v.push(case(
        "405 (wrong method on a known path)",
        |_, side| {
            Setup::call(match side {
                Side::Read => Call::Raw(
                    Method::Get,
                    format!("/v1/account/{}/phlo/{P}", phlo_sim::DEFAULT_AUTH_ID),
                    None,
                ),
                Side::Action => Call::Raw(
                    Method::Post,
                    format!("/v1/phlo/{P}/conference_bridge/{C}"),
                    Some(json!({})),
                ),
            })
        },
        err(BadRequest, Some(405), Exact("Method not allowed."), 1).api_id(),
        err(BadRequest, Some(405), Exact("Method not allowed."), 1).api_id(),
    ));
    v.push(case(
        "400 with the service's validation message",
        |_, side| match side {
            // No read is invalid to the simulator: the same answer, injected.
            Side::Read => Setup::fault(
                json!({"kind": "status", "status": 400, "error": "Invalid value provided for phlo_id.", "count": 3}),
            ),
            // A trigger_source that is not in the call, refused by the simulated service itself.
            Side::Action => Setup::call(Call::ColdTransfer {
                node: N,
                trigger: "+14150000000",
            }),
        },
        err(
            BadRequest,
            Some(400),
            Exact("Invalid value provided for phlo_id."),
            1,
        )
        .api_id(),
        err(
            BadRequest,
            Some(400),
            Exact("Invalid value provided for trigger_source."),
            1,
        )
        .api_id(),
    ));
    v.push(case(
        "422, another 4xx",
        |_, _| Setup::fault(json!({"kind": "status", "status": 422, "count": 3})),
        err(BadRequest, Some(422), Exact("Unprocessable Entity"), 1).api_id(),
        err(BadRequest, Some(422), Exact("Unprocessable Entity"), 1).api_id(),
    ));

    // --- 2xx answers whose body is not what was expected. ------------------------------------
    let decode = |side: Side| {
        let status = if side == Side::Read { 200 } else { 201 };
        err(
            Decode,
            Some(status),
            Prefix("response is not the JSON object expected"),
            1,
        )
    };
    for (what, body, content_type) in [
        (
            "not JSON (HTML)",
            "<html><body>OK</body></html>",
            "text/html",
        ),
        (
            "truncated JSON",
            r#"{"api_id":"8c0f5e2a-9b7d","phlo_id":"#,
            "application/json",
        ),
        (
            "JSON but not an object",
            r#"["api_id","error"]"#,
            "application/json",
        ),
        (
            "JSON with the wrong types",
            r#"{"api_id":5,"phlo_id":["x"],"name":{},"error":false}"#,
            "application/json",
        ),
    ] {
        let body = body.to_owned();
        v.push(case(
            format!("2xx body {what}"),
            move |_, _| {
                Setup::fault(
                    json!({"kind": "raw_body", "body": body, "content_type": content_type}),
                )
            },
            decode(Side::Read),
            decode(Side::Action).applied(),
        ));
    }
    // A 2xx with no body is the service reporting success: never a decode error, never retried.
    for (what, body) in [("empty", ""), ("only whitespace", " \r\n")] {
        v.push(case(
            format!("2xx body {what}"),
            move |_, _| Setup::fault(json!({"kind": "raw_body", "body": body})),
            ok(1),
            ok(1),
        ));
    }
    v.push(case(
        "2xx body not UTF-8",
        |_, _| Setup {
            target: Target::NotUtf8,
            ..Setup::default()
        },
        err(Decode, Some(200), Exact("response body is not UTF-8"), 1),
        err(Decode, Some(200), Exact("response body is not UTF-8"), 1),
    ));
    v.push(case(
        "2xx body of 2 MiB, over the 1 MiB cap",
        |_, _| Setup::fault(json!({"kind": "huge_body", "bytes": 2 << 20})),
        err(
            Decode,
            Some(200),
            Exact("response body is larger than the 1048576-byte limit"),
            1,
        ),
        err(
            Decode,
            Some(201),
            Exact("response body is larger than the 1048576-byte limit"),
            1,
        )
        .applied(),
    ));
    v.push(case(
        "2xx body of 2 MiB in chunks, no Content-Length",
        |_, _| Setup {
            target: Target::HugeChunked,
            ..Setup::default()
        },
        err(
            Decode,
            Some(200),
            Exact("response body is larger than the 1048576-byte limit"),
            1,
        ),
        err(
            Decode,
            Some(200),
            Exact("response body is larger than the 1048576-byte limit"),
            1,
        ),
    ));
    v.push(case(
        "2xx body short on the wire (Content-Length not met)",
        |_, _| Setup::fault(json!({"kind": "short_body", "count": 3})),
        err(
            Connection,
            Some(200),
            Prefix("reading the response body failed"),
            3,
        ),
        err(
            Connection,
            Some(201),
            Prefix("reading the response body failed"),
            1,
        )
        .applied(),
    ));

    // --- Redirects: never followed, so neither the request nor the credentials move. -------
    for status in [302, 307] {
        v.push(case(
            format!("{status} redirect to another host"),
            move |env, _| {
                // The Location even carries credentials of its own; they are not echoed.
                let other = env.other.base_url().replace("http://", "http://user:pw-XYZZY@");
                Setup::fault(
                    json!({"kind": "redirect", "status": status, "location": format!("{other}/v1/phlo/{P}"), "count": 3}),
                )
            },
            err(
                BadRequest,
                Some(status),
                Prefix("unexpected redirect ("),
                1,
            ),
            err(
                BadRequest,
                Some(status),
                Prefix("unexpected redirect ("),
                1,
            ),
        ));
    }
    v
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for `t`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A bare listener standing in for the server where the simulator cannot: it either closes each
/// connection as soon as it is accepted, without reading, or answers each request with a body
/// that is not UTF-8. Counts the connections it accepted (each request uses its own).
struct RawServer {
    port: u16,
    accepted: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl RawServer {
    fn start(answer: Option<Answer>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (a, s) = (accepted.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        a.fetch_add(1, Ordering::SeqCst);
                        if let Some(answer) = answer {
                            let _ = respond(stream, answer);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        RawServer {
            port,
            accepted,
            stop,
        }
    }
}

#[derive(Clone, Copy)]
enum Answer {
    NotUtf8,
    HugeChunked,
}

/// Reads one request (head and `Content-Length` body) and answers it.
fn respond(mut s: std::net::TcpStream, answer: Answer) -> std::io::Result<()> {
    s.set_nonblocking(false)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    while data.len() < head_end + length {
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    if let Answer::HugeChunked = answer {
        std::io::Write::write_all(
            &mut s,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )?;
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..32 {
            // The client stops reading at the cap and closes: a write error ends the answer.
            std::io::Write::write_all(&mut s, format!("{:x}\r\n", chunk.len()).as_bytes())?;
            std::io::Write::write_all(&mut s, &chunk)?;
            std::io::Write::write_all(&mut s, b"\r\n")?;
        }
        return std::io::Write::write_all(&mut s, b"0\r\n\r\n");
    }
    let body = b"{\"api_id\":\"\xff\xfe\"}";
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    resp.extend_from_slice(body);
    std::io::Write::write_all(&mut s, &resp)
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// What one call did, as seen from both ends.
#[derive(Debug)]
struct Observed {
    result: Result<(), Error>,
    path: String,
    elapsed: Duration,
    arrived: u64,
    applied: u64,
    /// Statuses of the requests the simulator logged, oldest first.
    statuses: Vec<Option<u64>>,
    resets_before: u64,
    /// Connections a bare listener accepted.
    accepted: u64,
    redirect_target_hits: u64,
}

fn run_one(case: &Case, side: Side) -> Observed {
    let env = Env {
        sim: Simulator::start().expect("simulator starts"),
        other: Simulator::start().expect("simulator starts"),
    };
    let setup = (case.setup)(&env, side);
    for f in &setup.faults {
        env.sim.push_fault(f.clone()).expect("fault accepted");
    }
    let listener = match setup.target {
        Target::AcceptClose => Some(RawServer::start(None)),
        Target::NotUtf8 => Some(RawServer::start(Some(Answer::NotUtf8))),
        Target::HugeChunked => Some(RawServer::start(Some(Answer::HugeChunked))),
        _ => None,
    };
    let base_url = match (&listener, setup.target) {
        (Some(l), _) => format!("http://127.0.0.1:{}", l.port),
        (None, Target::Refused) => format!("http://127.0.0.1:{}", closed_port()),
        (None, _) => env.sim.base_url().to_owned(),
    };
    let client = Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(if setup.wrong_token {
                WRONG_TOKEN
            } else {
                TOKEN
            })
            .base_url(base_url)
            .retry(fast_retry())
            .timeout(if setup.short_timeout {
                SHORT_TIMEOUT
            } else {
                TIMEOUT
            })
            .build()
            .unwrap(),
    )
    .unwrap();

    let t0 = Instant::now();
    let (result, path) = match (&setup.call, side) {
        (Call::Default, Side::Read) => (client.get_phlo(P).map(drop), format!("/v1/phlo/{P}")),
        (Call::Default, Side::Action) => (
            client
                .mpc_cold_transfer(P, N, AGENT, NEW_AGENT, None)
                .map(drop),
            format!("/v1/phlo/{P}/multi_party_call/{N}"),
        ),
        (Call::GetPhlo(id), _) => (client.get_phlo(id).map(drop), format!("/v1/phlo/{id}")),
        (Call::ColdTransfer { node, trigger }, _) => (
            client
                .mpc_cold_transfer(P, node, trigger, NEW_AGENT, None)
                .map(drop),
            format!("/v1/phlo/{P}/multi_party_call/{node}"),
        ),
        (Call::Raw(method, path, body), _) => (
            client.raw(*method, path, body.clone()).map(drop),
            path.clone(),
        ),
    };
    let elapsed = t0.elapsed();

    let expect = match side {
        Side::Read => &case.read,
        Side::Action => &case.action,
    };
    // Count what reached the server once it has finished with every request.
    let count = || {
        let log = env.sim.requests();
        let accepted = listener
            .as_ref()
            .map_or(0, |l| l.accepted.load(Ordering::SeqCst));
        log["total"].as_u64().unwrap() + log["resets_before"].as_u64().unwrap() + accepted
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while count() < expect.arrived && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(expect.settle);
    let log = env.sim.requests();
    let statuses = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64())
        .collect();
    let applied = u64::from(member_state(&env.sim, N, NEW_AGENT).as_deref() == Some("connected"));
    Observed {
        result,
        path,
        elapsed,
        arrived: count(),
        applied,
        statuses,
        resets_before: log["resets_before"].as_u64().unwrap(),
        accepted: listener
            .as_ref()
            .map_or(0, |l| l.accepted.load(Ordering::SeqCst)),
        redirect_target_hits: env.other.requests()["total"].as_u64().unwrap(),
    }
}

/// Every assertion for one call; returns the failures as text.
fn check(case: &Case, side: Side, o: &Observed) -> Vec<String> {
    let expect = match side {
        Side::Read => &case.read,
        Side::Action => &case.action,
    };
    let mut bad = Vec::new();
    let mut want = |ok: bool, what: String| {
        if !ok {
            bad.push(what);
        }
    };
    match (&expect.error, &o.result) {
        (None, Ok(())) => {}
        (None, Err(e)) => want(false, format!("expected success, got {e} ({e:?})")),
        (Some(_), Ok(())) => want(false, "expected an error, got success".into()),
        (Some((kind, status, msg)), Err(e)) => {
            want(e.kind() == *kind, format!("kind {} != {}", e.kind(), kind));
            want(
                e.status() == *status,
                format!("status {:?} != {:?}", e.status(), status),
            );
            let m = e.message();
            let msg_ok = match msg {
                Exact(s) => m == s.replace("{path}", &o.path),
                Prefix(s) => m.starts_with(s),
            };
            want(msg_ok, format!("message {m:?} does not match {msg:?}"));
            want(
                e.attempts() == expect.attempts,
                format!("attempts {} != {}", e.attempts(), expect.attempts),
            );
            want(
                e.api_id().is_some_and(is_uuid) == expect.api_id,
                format!("api_id {:?}, expected one: {}", e.api_id(), expect.api_id),
            );
            let ra_ok = match expect.retry_after {
                RetryAfter::Any => true,
                RetryAfter::Absent => e.retry_after().is_none(),
                RetryAfter::Secs(s) => e.retry_after() == Some(Duration::from_secs(s)),
                RetryAfter::AtMost(s) => e
                    .retry_after()
                    .is_some_and(|d| d <= Duration::from_secs(s) && d > Duration::ZERO),
            };
            want(
                ra_ok,
                format!(
                    "retry_after {:?} vs {:?}",
                    e.retry_after(),
                    expect.retry_after
                ),
            );
            // Every error, whatever its cause: readable, a kind that agrees with its status, and
            // nothing secret or credential-bearing in any rendering of it.
            want(!m.is_empty(), "empty message".into());
            if let Some(s) = e.status().filter(|s| *s >= 400) {
                want(
                    e.kind() == ErrorKind::from_status(s),
                    format!("kind {} does not match status {s}", e.kind()),
                );
            }
            for shown in [format!("{e}"), format!("{e:?}"), e.to_json()] {
                for secret in [TOKEN, WRONG_TOKEN, "pw-XYZZY", "Basic "] {
                    want(
                        !shown.contains(secret),
                        format!("{secret:?} shows in {shown}"),
                    );
                }
            }
            want(
                serde_json::from_str::<Value>(&e.to_json()).is_ok(),
                "to_json is not JSON".into(),
            );
        }
    }
    if expect.error.is_none() {
        // A success's attempts are counted where they arrived.
        want(
            o.arrived == u64::from(expect.attempts),
            format!(
                "success after {} arrivals, expected {}",
                o.arrived, expect.attempts
            ),
        );
    }
    want(
        o.arrived == expect.arrived,
        format!(
            "{} requests arrived, expected {}",
            o.arrived, expect.arrived
        ),
    );
    want(
        o.redirect_target_hits == 0,
        format!("{} requests followed a redirect", o.redirect_target_hits),
    );
    if side == Side::Action {
        want(
            o.applied == expect.applied,
            format!("applied {} times, expected {}", o.applied, expect.applied),
        );
        // The invariant: an action reaches the service once, except attempts it refused with 429.
        let not_refused = o.statuses.iter().filter(|s| **s != Some(429)).count() as u64
            + o.resets_before
            + o.accepted;
        want(
            not_refused <= 1,
            format!(
                "the action reached the service {not_refused} times (statuses {:?})",
                o.statuses
            ),
        );
    }
    want(
        o.elapsed >= expect.min_elapsed,
        format!(
            "took {:?}, expected at least {:?}",
            o.elapsed, expect.min_elapsed
        ),
    );
    want(
        o.elapsed < expect.max_elapsed,
        format!(
            "took {:?}, expected under {:?}",
            o.elapsed, expect.max_elapsed
        ),
    );
    bad
}

#[test]
fn fault_matrix() {
    let cases = cases();
    let jobs: Vec<(usize, Side)> = (0..cases.len())
        .flat_map(|i| [(i, Side::Read), (i, Side::Action)])
        .collect();
    let next = AtomicU64::new(0);
    type Done = (usize, Side, Observed, Vec<String>);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let j = next.fetch_add(1, Ordering::SeqCst) as usize;
                let Some(&(i, side)) = jobs.get(j) else {
                    return;
                };
                let o = run_one(&cases[i], side);
                let bad = check(&cases[i], side, &o);
                results.lock().unwrap().push((i, side, o, bad));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, side, ..)| (*i, *side == Side::Action));

    let mut failed = 0;
    for (i, side, o, bad) in &results {
        let outcome = match &o.result {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!(
                "{} {} x{}",
                e.kind(),
                e.status().map_or("-".into(), |s| s.to_string()),
                e.attempts()
            ),
        };
        let verdict = if bad.is_empty() { "ok" } else { "FAILED" };
        println!(
            "{verdict:6} {:58} {:6} -> {outcome:28} arrived {} applied {} ({} ms)",
            cases[*i].name,
            side.name(),
            o.arrived,
            o.applied,
            o.elapsed.as_millis()
        );
        for b in bad {
            println!("         - {b}");
        }
        failed += usize::from(!bad.is_empty());
    }
    let total = results.len();
    println!(
        "fault matrix: {total} cases ({} scenarios x read/action), {} passed, {failed} failed, in {:.1} s",
        cases.len(),
        total - failed,
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(
        failed, 0,
        "{failed} of {total} fault-matrix cases failed (see above)"
    );

    // The figure the docs quote is this one.
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/reliability.md"
    ))
    .unwrap_or_default();
    let quoted = format!("fault matrix: {total} cases");
    assert!(
        doc.contains(&quoted),
        "docs/reliability.md should say {quoted:?}"
    );
}

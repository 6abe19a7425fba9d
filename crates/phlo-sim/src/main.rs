//! `phlo-sim`: run the PHLO runner API simulator as a process.
//!
//! Prints its base URL as the first line of stdout, then (unless `--quiet`) the credentials and
//! demo ids to use, and serves until SIGINT or SIGTERM. `phlo-sim --reset URL` restores a running
//! simulator's start state.

use std::io::{Read, Write};
use std::process::ExitCode;

use phlo_sim::{
    SimConfig, Simulator, DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, DEMO_BRIDGE_NODE_ID,
    DEMO_MPC_NODE_ID, DEMO_PHLO_ID,
};

const HELP: &str = "\
phlo-sim: a stateful simulator of Plivo's PHLO runner API (HTTP/1.1 on loopback)

USAGE:
    phlo-sim [OPTIONS]
    phlo-sim --reset URL

OPTIONS:
    --host HOST           Address to bind [default: 127.0.0.1]
    --port PORT           Port to bind; 0 picks a free one [default: 0]
    --fixture FILE        Start with the PHLOs in FILE (JSON, fixture format; see the
                          phlo-sim README) instead of the built-in demo
    --auth-id ID          Accept this auth id (with the --auth-token that follows it);
                          repeat the pair for several accounts
                          [default: MAXXXXXXXXXXXXXXXXXX / token123]
    --auth-token TOKEN    The token for the preceding --auth-id
    --status-200          Answer 200 instead of 201 to successful POSTs
    -q, --quiet           Print only the base URL line
    --reset URL           Restore the start state of the simulator serving at URL
                          (POST URL/_sim/reset) and exit
    -h, --help            Print this help
    -V, --version         Print the version

OUTPUT:
    The first line of stdout is the base URL, e.g. `http://127.0.0.1:40123` (no /v1).
    Then, unless --quiet, the credentials to use (the demo token; a token given with
    --auth-token is never printed) and the demo PHLO, node and member ids, as lines that
    start with `#` or `export`; nothing else is written to stdout. Errors go to stderr.
    The process serves until it receives SIGINT or SIGTERM.

    The demo call is stateful: a cold transfer makes its initiator leave, so the same
    transfer a second time is a 400 that says so. `phlo-sim --reset URL` starts it over.

RUNNER API (Basic auth):
    GET  /v1/phlo/{P}                                 get a PHLO
    POST /v1/account/{A}/phlo/{P}                     run a PHLO
    GET  /v1/phlo/{P}/runs/{R}                        get a run
    GET  /v1/phlo/{P}/{T}/{N}                         get a node (T = multi_party_call |
                                                      conference_bridge)
    POST /v1/phlo/{P}/multi_party_call/{N}            call / warm_transfer / cold_transfer
    POST /v1/phlo/{P}/{T}/{N}/members/{M}             member action

CONTROL API (no auth, not logged):
    GET    /_sim/state            PHLOs, nodes, members, runs, config
    GET    /_sim/nodes/{N}        one node's state
    POST   /_sim/reset            restore the start fixture; clear runs, faults, log, config
    GET    /_sim/requests         request log (last 10,000) with total and resets_before
    DELETE /_sim/requests         clear the log and its counters
    POST   /_sim/faults           queue a fault or an array of faults
    GET    /_sim/faults           list pending faults
    DELETE /_sim/faults           clear pending faults
    GET    /_sim/config           {\"status_200\": bool}
    POST   /_sim/config           {\"status_200\": true}
    POST   /_sim/phlos            add or replace PHLOs (fixture format)
    GET    /_sim/health           {\"ok\": true}

FAULTS (each {\"kind\": K, \"count\": 1, \"method\": M?, \"path_prefix\": P?, ...}):
    latency {ms}                  sleep, then answer normally
    status {status, body: json|html|empty, retry_after?, error?}
                                  answer that status, state untouched
    rate_limit {retry_after?}     429 too many requests, state untouched
    reset_before                  TCP RST before the request is handled
    reset_after                   apply the request, then TCP RST, no response
    raw_body {status?, body, content_type?}
                                  apply, then answer exactly this body
    huge_body {bytes}             apply, then answer a JSON object of about that size
    short_body                    apply, then send less body than Content-Length says
    slow_body {delay_ms, interval_ms, chunked}
                                  apply, wait, then send the body a byte per interval
    redirect {status: 3xx, location}
                                  answer the redirect, state untouched
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, quiet) = match parse_args(&args) {
        Ok(Parsed::Serve { config, quiet }) => (config, quiet),
        Ok(Parsed::Done) => return ExitCode::SUCCESS,
        Ok(Parsed::Reset(url)) => {
            return match reset(&url) {
                Ok(()) => {
                    println!("reset {url}: the demo PHLOs, calls and members are as at start");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("phlo-sim: --reset {url}: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Err(e) => {
            eprintln!("phlo-sim: {e}\nTry `phlo-sim --help`.");
            return ExitCode::from(2);
        }
    };
    // Signal handlers are installed before the URL is printed, so a parent that signals as soon
    // as it has read the line never kills us with the default action.
    let (runtime, mut signals) = match install_signal_handlers() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phlo-sim: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sim = match Simulator::start_with(config.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phlo-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", sim.base_url());
        if !quiet {
            let _ = out.write_all(banner(&config, sim.base_url()).as_bytes());
        }
        let _ = out.flush();
    }
    runtime.block_on(signals.wait());
    sim.shutdown();
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM listeners (Ctrl-C elsewhere).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Resolves on the first SIGINT or SIGTERM.
    async fn wait(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A small runtime for waiting on signals, with the handlers already installed.
fn install_signal_handlers() -> std::io::Result<(tokio::runtime::Runtime, Signals)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let signals = rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok::<_, std::io::Error>(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok::<_, std::io::Error>(Signals {})
        }
    })?;
    Ok((rt, signals))
}

/// What the command line asks for.
enum Parsed {
    /// Serve with this config; `quiet` prints only the URL line.
    Serve { config: SimConfig, quiet: bool },
    /// Reset the simulator at this base URL.
    Reset(String),
    /// Help or version was printed.
    Done,
}

/// What is printed after the URL line: how to point a client at this simulator, and the ids of
/// the demo fixture (when it is the one served). A token given on the command line is not
/// printed; the demo one is public.
fn banner(config: &SimConfig, url: &str) -> String {
    let mut b = String::new();
    let accounts = &config.accounts;
    let default = accounts.len() == 1
        && accounts[0].0 == DEFAULT_AUTH_ID
        && accounts[0].1 == DEFAULT_AUTH_TOKEN;
    b += &format!(
        "# phlo-sim {}: the PHLO runner API on loopback; stop it with Ctrl-C\n",
        env!("CARGO_PKG_VERSION")
    );
    if default {
        b += &format!(
            "export PLIVO_PHLO_BASE_URL={url} PLIVO_AUTH_ID={DEFAULT_AUTH_ID} PLIVO_AUTH_TOKEN={DEFAULT_AUTH_TOKEN}\n"
        );
    } else {
        b += &format!("export PLIVO_PHLO_BASE_URL={url}\n");
        for (id, _) in accounts {
            b += &format!("# accepts PLIVO_AUTH_ID={id} with the token given for it\n");
        }
    }
    if config.fixture.is_some() {
        b += "# PHLOs: from --fixture (see GET /_sim/state)\n";
    } else {
        b += &format!(
            "# demo PHLO {DEMO_PHLO_ID}\n\
             #   multi-party-call node {DEMO_MPC_NODE_ID}: agent +14152223333 and customer +14153336666 connected\n\
             #   conference-bridge node {DEMO_BRIDGE_NODE_ID}: +14155550123 and +14155550124 connected\n\
             # try: phlo mpc cold-transfer {DEMO_PHLO_ID} {DEMO_MPC_NODE_ID} --to +14152225555 --trigger-source +14152223333\n\
             # the initiator then leaves the call: to run it again, phlo-sim --reset {url}\n"
        );
    }
    b
}

/// `POST {url}/_sim/reset` over plain HTTP/1.1 on a std socket (the simulator serves loopback
/// HTTP only); `Err` says what went wrong.
fn reset(url: &str) -> Result<(), String> {
    let rest = url
        .trim_end_matches('/')
        .strip_prefix("http://")
        .ok_or("not an http:// URL (the one phlo-sim printed first)")?;
    let (authority, prefix) = match rest.split_once('/') {
        Some((a, p)) => (a, format!("/{p}")),
        None => (rest, String::new()),
    };
    let mut stream = std::net::TcpStream::connect(authority).map_err(|e| e.to_string())?;
    let timeout = Some(std::time::Duration::from_secs(10));
    let _ = stream.set_read_timeout(timeout);
    let _ = stream.set_write_timeout(timeout);
    write!(
        stream,
        "POST {prefix}/_sim/reset HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .take(64 << 10)
        .read_to_end(&mut answer)
        .map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer);
    let status_line = answer.lines().next().unwrap_or("");
    match status_line.split(' ').nth(1) {
        Some(s) if s.starts_with('2') => Ok(()),
        _ => Err(format!(
            "not a phlo-sim there (answered {:?})",
            status_line.chars().take(80).collect::<String>()
        )),
    }
}

/// Parses the command line.
fn parse_args(args: &[String]) -> Result<Parsed, String> {
    let mut config = SimConfig::default();
    let mut quiet = false;
    let mut ids: Vec<String> = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    let mut fixture_file: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (args[i].as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(Parsed::Done);
            }
            "-V" | "--version" => {
                println!("phlo-sim {}", env!("CARGO_PKG_VERSION"));
                return Ok(Parsed::Done);
            }
            "--reset" => return Ok(Parsed::Reset(value("--reset")?)),
            "-q" | "--quiet" => {
                if inline.is_some() {
                    return Err("--quiet takes no value".into());
                }
                quiet = true;
            }
            "--host" => config.host = Some(value("--host")?),
            "--port" => {
                let v = value("--port")?;
                config.port = v
                    .parse()
                    .map_err(|_| format!("--port: `{v}` is not a port number"))?;
            }
            "--fixture" => fixture_file = Some(value("--fixture")?),
            "--auth-id" => ids.push(value("--auth-id")?),
            // The token is never echoed back, even in errors.
            "--auth-token" => tokens.push(value("--auth-token")?),
            "--status-200" => {
                if inline.is_some() {
                    return Err("--status-200 takes no value".into());
                }
                config.status_200 = true;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
        i += 1;
    }
    if ids.len() != tokens.len() {
        return Err("give --auth-id and --auth-token in pairs".into());
    }
    if ids.iter().any(String::is_empty) || tokens.iter().any(String::is_empty) {
        return Err("--auth-id and --auth-token must not be empty".into());
    }
    config.accounts = ids.into_iter().zip(tokens).collect();
    if config.accounts.is_empty() {
        config.accounts = vec![(DEFAULT_AUTH_ID.into(), DEFAULT_AUTH_TOKEN.into())];
    }
    if let Some(path) = fixture_file {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("--fixture {path}: {e}"))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("--fixture {path}: not JSON: {e}"))?;
        phlo_sim::fixture::validate(&value).map_err(|e| format!("--fixture {path}: {e}"))?;
        config.fixture = Some(value);
    }
    Ok(Parsed::Serve { config, quiet })
}

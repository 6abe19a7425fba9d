//! `phlo-sim`: run the PHLO runner API simulator as a process.
//!
//! Prints its base URL as the first line of stdout, then serves until SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use phlo_sim::{SimConfig, Simulator, DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN};

const HELP: &str = "\
phlo-sim: a stateful simulator of Plivo's PHLO runner API (HTTP/1.1 on loopback)

USAGE:
    phlo-sim [OPTIONS]

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
    -h, --help            Print this help
    -V, --version         Print the version

OUTPUT:
    The first line of stdout is the base URL, e.g. `http://127.0.0.1:40123` (no /v1);
    nothing else is written to stdout. Errors go to stderr. The process serves until it
    receives SIGINT or SIGTERM.

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
    let config = match parse_args(&args) {
        Ok(Some(c)) => c,
        Ok(None) => return ExitCode::SUCCESS,
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
    let sim = match Simulator::start_with(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phlo-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", sim.base_url());
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

/// Parses the command line; `Ok(None)` means help or version was printed.
fn parse_args(args: &[String]) -> Result<Option<SimConfig>, String> {
    let mut config = SimConfig::default();
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
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("phlo-sim {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
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
    Ok(Some(config))
}

//! `phlo`: every PHLO runner operation from the shell.
//!
//! The response body (JSON, as received) goes to standard output and the HTTP status to standard
//! error as `status: 201`, so `phlo ... | jq` works and a terminal shows both. Failures print one
//! line to standard error and exit with a code per error kind (see [`exit_code`]). The commands
//! and flags are made from the core's tables (see [`args`]).

use std::io::Write;
use std::process::ExitCode;

use plivo_phlo::{Client, Config, ErrorKind, OptionKind, OptionValue, RawResponse};

use phlo_cli::args::{self, Action, Cli};

fn main() -> ExitCode {
    let matches = phlo_cli::docs::command().get_matches();
    if let Some(code) = phlo_cli::docs::run(&matches) {
        return code;
    }
    let cli = args::from_matches(&matches);
    match run(&cli) {
        // `phlo operations` and `phlo options` list a table: no request was made, so no status
        // line.
        Ok(None) => {
            let table = match &cli.command {
                Ok(Action::Options) => plivo_phlo::options_json(),
                _ => plivo_phlo::operations_json(),
            };
            let _ = writeln!(std::io::stdout().lock(), "{table}");
            ExitCode::SUCCESS
        }
        Ok(Some(resp)) => {
            if !cli.quiet {
                eprintln!("status: {}", resp.status);
            }
            let mut out = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = writeln!(out, "{}", resp.body);
            ExitCode::SUCCESS
        }
        Err(e) => {
            if cli.json_errors {
                eprintln!("{}", e.to_json());
            } else {
                eprintln!("phlo: {e}");
            }
            ExitCode::from(exit_code(e.kind()))
        }
    }
}

/// The exit status for a failure of `kind`: distinct per kind so scripts can branch on it
/// (2 is also clap's code for a command line it cannot parse).
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidArgument => 2,
        ErrorKind::Authentication => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::BadRequest => 5,
        ErrorKind::RateLimited => 6,
        ErrorKind::Server => 7,
        ErrorKind::Timeout => 8,
        ErrorKind::Connection => 9,
        ErrorKind::Decode => 10,
        _ => 1,
    }
}

/// Sends the command's operation; `None` for a listing of a table (`phlo operations`, `phlo
/// options`), which is printed by [`run`]'s caller with no status line: nothing was requested.
fn run(cli: &Cli) -> plivo_phlo::Result<Option<RawResponse>> {
    let op = match &cli.command {
        Err(e) => return Err(e.clone()),
        Ok(Action::Operations) | Ok(Action::Options) => return Ok(None),
        Ok(Action::Send(op)) => op,
    };
    let mut builder = Config::builder();
    // The embedded simulator lives as long as this call; its credentials and base URL replace
    // the environment's and the flags'.
    let sim = if cli.simulator {
        let sim = phlo_sim::Simulator::start().map_err(|e| {
            plivo_phlo::Error::new(
                ErrorKind::Connection,
                format!("could not start the simulator: {e}"),
            )
        })?;
        builder = builder
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN);
        Some(sim)
    } else {
        None
    };
    for (o, text) in &cli.options {
        if cli.simulator && o.name == "base_url" {
            continue;
        }
        let value = match o.kind {
            // A certificate is given on the command line as the path of its file.
            OptionKind::Pem => {
                let pem = std::fs::read(text).map_err(|e| {
                    plivo_phlo::Error::invalid(o.name, format_args!("cannot read {text:?}: {e}"))
                })?;
                builder = builder.option(o.name, OptionValue::Bytes(&pem))?;
                continue;
            }
            _ => OptionValue::Text(text),
        };
        builder = builder.option(o.name, value)?;
    }
    if let Some(sim) = &sim {
        builder = builder.base_url(sim.base_url());
    }
    if let Some(id) = &cli.auth_id {
        builder = builder.auth_id(id);
    }
    let client = Client::new(builder.build()?)?;
    client.execute(op).map(Some)
}

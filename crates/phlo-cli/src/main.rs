//! `phlo`: every PHLO runner operation from the shell.
//!
//! The response body (JSON, as received) goes to standard output and the HTTP status to standard
//! error as `status: 201`, so `phlo ... | jq` works and a terminal shows both. Failures print one
//! line to standard error and exit with a code per error kind (see [`exit_code`]).

mod args;
mod docs;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use plivo_phlo::{Client, Config, ErrorKind, RawResponse};

use args::Cli;

fn main() -> ExitCode {
    let matches = docs::command().get_matches();
    if let Some(code) = docs::run(&matches) {
        return code;
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(&cli) {
        // `phlo operations` lists the table: no request was made, so no status line.
        Ok(None) => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "{}",
                plivo_phlo::operations_json()
            );
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

/// Sends the command's operation; `None` for `phlo operations`, which needs no client.
fn run(cli: &Cli) -> plivo_phlo::Result<Option<RawResponse>> {
    let Some(op) = cli.command.operation()? else {
        return Ok(None);
    };
    let mut builder = Config::builder();
    // The embedded simulator lives as long as this call; its credentials replace the env's.
    let _sim;
    if cli.simulator {
        let sim = phlo_sim::Simulator::start().map_err(|e| {
            plivo_phlo::Error::new(
                ErrorKind::Connection,
                format!("could not start the simulator: {e}"),
            )
        })?;
        builder = builder
            .base_url(sim.base_url())
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN);
        _sim = sim;
    } else if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    if let Some(id) = &cli.auth_id {
        builder = builder.auth_id(id);
    }
    if let Some(t) = cli.timeout {
        builder = builder.timeout(std::time::Duration::from_secs_f64(t));
    }
    if let Some(n) = cli.max_retries {
        builder = builder.retry(plivo_phlo::RetryPolicy {
            max_attempts: n + 1,
            ..Default::default()
        });
    }
    let client = Client::new(builder.build()?)?;
    client.execute(&op).map(Some)
}

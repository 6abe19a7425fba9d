//! Shell completions and man pages, generated from the one `clap::Command` the CLI parses with,
//! so they cannot drift from it: `phlo completions SHELL` prints a completion script and the
//! hidden `phlo man DIR` writes `phlo.1` and a page per subcommand (`scripts/dist` ships both).

use std::path::Path;
use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

/// The command line as parsed: the operations of [`crate::args::command`] plus `completions`
/// and `man`.
pub fn command() -> Command {
    crate::args::command()
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script (bash, zsh, fish, elvish, powershell)")
                .long_about(
                    "Print a shell completion script to standard output, e.g.\n  \
                     phlo completions bash > ~/.local/share/bash-completion/completions/phlo",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(Shell)),
                ),
        )
        .subcommand(
            Command::new("man")
                .about("Write the man pages (phlo.1 and one per subcommand) into a directory")
                .hide(true)
                .arg(
                    Arg::new("dir")
                        .required(true)
                        .value_parser(clap::value_parser!(std::path::PathBuf)),
                ),
        )
}

/// Runs `completions` or `man` when `matches` names one; `None` for every other subcommand.
/// A man directory that cannot be written is a message on stderr and exit status 1.
pub fn run(matches: &ArgMatches) -> Option<ExitCode> {
    match matches.subcommand() {
        Some(("completions", m)) => {
            let shell = *m.get_one::<Shell>("shell").expect("required");
            clap_complete::generate(shell, &mut command(), "phlo", &mut std::io::stdout());
            Some(ExitCode::SUCCESS)
        }
        Some(("man", m)) => {
            let dir = m.get_one::<std::path::PathBuf>("dir").expect("required");
            Some(match write_man_pages(dir) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!(
                        "phlo: cannot write the man pages into {}: {e}",
                        dir.display()
                    );
                    ExitCode::FAILURE
                }
            })
        }
        _ => None,
    }
}

/// Writes `phlo.1` and `phlo-<subcommand>.1` for every visible subcommand into `dir`.
fn write_man_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(command(), dir)
}

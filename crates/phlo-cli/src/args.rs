//! The command line, built with clap's builder API from the core's tables: one subcommand per
//! row of [`OPERATIONS`] and one global flag per client option of [`OPTIONS`], so a new row is
//! a new command with no code here.
//!
//! An operation named `<group>_<rest>`, where `<group>` is a node type's short name (`mpc`,
//! `bridge`), is `phlo <group> <rest>` (`phlo mpc cold-transfer`); every other is `phlo <name>`
//! (`phlo get-phlo`), underscores written as dashes. Its positional parameters are positional
//! arguments in the row's order; its named ones (the parties of a node action) are `--flags`; a
//! JSON-valued one is a `--flag` taking JSON, and a run's payload may also be given as trailing
//! `KEY=VALUE` pairs.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use plivo_phlo::ops::RowParam;
use plivo_phlo::{
    Error, NodeType, OpSpec, Operation, OptionKind, OptionSpec, ParamKind, Result, OPERATIONS,
    OPTIONS,
};
use serde_json::{Map, Value};

/// What the command line asks for, with the global settings.
#[derive(Debug)]
pub struct Cli {
    /// The auth id given with `--auth-id`; overrides `PLIVO_AUTH_ID`.
    pub auth_id: Option<String>,
    /// Run against an embedded simulator.
    pub simulator: bool,
    /// Print errors as JSON.
    pub json_errors: bool,
    /// No `status: N` line.
    pub quiet: bool,
    /// The client options given as flags, by option name, as typed (a flag's presence is
    /// `"true"`).
    pub options: Vec<(&'static OptionSpec, String)>,
    /// The command, or why its parameters are refused (`invalid_argument`).
    pub command: Result<Action>,
}

/// A command.
#[derive(Debug)]
pub enum Action {
    /// Send this operation.
    Send(Operation),
    /// Print the table of operations (`phlo operations`).
    Operations,
    /// Print the table of client options (`phlo options`).
    Options,
}

const ABOUT: &str = "Run PHLOs and control live PHLO calls from the shell.";
const LONG_ABOUT: &str = "Run PHLOs and control live PHLO calls from the shell.

Credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, the service from PLIVO_PHLO_BASE_URL \
(default https://phlorunner.plivo.com) or --base-url. The body goes to stdout, `status: N` to \
stderr. Exit codes: 0 ok, 2 invalid argument, 3 authentication, 4 not found, 5 bad request, \
6 rate limited, 7 server, 8 timeout, 9 connection, 10 decode.";

/// The name of a node type's command group: its operations are named `<group>_...`.
fn group(t: NodeType) -> &'static str {
    t.short_name()
}

/// Where a row lives on the command line: its group (if any) and its command name.
pub fn command_path(row: &OpSpec) -> (Option<&'static str>, String) {
    if let Some(g) = row.node_type.map(group) {
        if let Some(rest) = row.name.strip_prefix(g).and_then(|r| r.strip_prefix('_')) {
            return (Some(g), rest.replace('_', "-"));
        }
    }
    (None, row.name.replace('_', "-"))
}

/// The flag of an option or parameter name: `max_retries` → `max-retries`.
fn flag(name: &str) -> String {
    name.replace('_', "-")
}

/// The subcommand of one operation.
fn operation_command(row: &'static OpSpec, name: String) -> Command {
    let mut cmd = Command::new(name).about(row.doc);
    for p in row.params() {
        cmd = cmd.arg(param_arg(row, &p));
        if p.spec.kind == ParamKind::Object {
            cmd = cmd.arg(
                Arg::new("vars")
                    .num_args(0..)
                    .value_name("KEY=VALUE")
                    .help(format!(
                        "{} entries as KEY=VALUE (string values)",
                        p.spec.name
                    )),
            );
        }
    }
    cmd
}

/// The argument of one parameter of a row.
fn param_arg(row: &OpSpec, p: &RowParam) -> Arg {
    let name = p.spec.name;
    let mut help = p.spec.doc.to_owned();
    if let ("role", Some(role)) = (name, row.default_role) {
        help.push_str(&format!(" Default: {role}."));
    }
    let mut arg = Arg::new(name).help(help).required(p.required);
    if p.spec.named || p.spec.kind.is_json() {
        arg = arg.long(flag(name)).value_name(if p.spec.kind.is_json() {
            "JSON"
        } else {
            "VALUE"
        });
    } else {
        arg = arg.value_name(name.to_ascii_uppercase());
    }
    if p.spec.kind == ParamKind::NodeType {
        arg = arg.value_parser(PossibleValuesParser::new(
            NodeType::ALL.map(NodeType::as_str),
        ));
    }
    arg
}

/// The global flag of one client option.
fn option_arg(o: &'static OptionSpec) -> Arg {
    let mut help = format!("{} Default: {}.", o.doc, o.default);
    let arg = Arg::new(o.name)
        .long(flag(o.name))
        .global(true)
        .help_heading("Client options");
    match o.kind {
        OptionKind::Bool => arg.action(ArgAction::SetTrue).help(help),
        OptionKind::Choice(c) => arg.value_parser(PossibleValuesParser::new(c)).help(help),
        OptionKind::Seconds => arg.value_name("SECONDS").help(help),
        OptionKind::Count => arg.value_name("N").help(help),
        OptionKind::Pem => {
            help.push_str(" On the command line: the path of a PEM file.");
            arg.value_name("FILE").help(help)
        }
        OptionKind::Text => arg.value_name("TEXT").help(help),
    }
}

/// The whole command line: what `phlo --help` shows, and what shell completions and the man
/// page are made from.
pub fn command() -> Command {
    let mut cmd = Command::new("phlo")
        .version(plivo_phlo::VERSION)
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .subcommand_required(true)
        .arg(
            Arg::new("auth_id")
                .long("auth-id")
                .value_name("ID")
                .global(true)
                .help("The auth id; overrides PLIVO_AUTH_ID. (The token is read only from PLIVO_AUTH_TOKEN, so it never shows in a process list.)"),
        )
        .arg(
            Arg::new("simulator")
                .long("simulator")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Run against an embedded PHLO simulator with its demo data (no network, no credentials)."),
        )
        .arg(
            Arg::new("json_errors")
                .long("json-errors")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print errors as one JSON object (kind, message, status, api_id, ...) instead of a line."),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .short('q')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Do not print the `status: N` line."),
        );
    for o in OPTIONS {
        cmd = cmd.arg(option_arg(o));
    }
    // The groups first, in the order their first row appears.
    let mut groups: Vec<(&str, Command)> = Vec::new();
    for row in OPERATIONS {
        match command_path(row) {
            (Some(g), name) => {
                let at = match groups.iter().position(|(n, _)| *n == g) {
                    Some(i) => i,
                    None => {
                        let about = match row.node_type {
                            Some(t) => format!("Operations on {} nodes.", t.as_str()),
                            None => String::new(),
                        };
                        groups.push((g, Command::new(g).about(about).subcommand_required(true)));
                        groups.len() - 1
                    }
                };
                let (n, c) = groups.remove(at);
                groups.insert(at, (n, c.subcommand(operation_command(row, name))));
            }
            (None, name) => cmd = cmd.subcommand(operation_command(row, name)),
        }
    }
    for (_, g) in groups {
        cmd = cmd.subcommand(g);
    }
    cmd.subcommand(
        Command::new("op")
            .about("Any named operation with a JSON object of parameters (see `phlo operations`).")
            .arg(
                Arg::new("name")
                    .required(true)
                    .help("The operation's name, e.g. mpc_cold_transfer."),
            )
            .arg(
                Arg::new("params")
                    .default_value("{}")
                    .help("Its parameters as a JSON object."),
            ),
    )
    .subcommand(
        Command::new("operations")
            .about("List the named operations and their parameters, as JSON."),
    )
    .subcommand(
        Command::new("options").about("List the client options (the global flags), as JSON."),
    )
}

/// Parses a JSON object given for `field`.
fn parse_object(field: &str, text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid(field, "must be a JSON object")),
        Err(e) => Err(Error::invalid(
            field,
            format_args!("is not valid JSON: {e}"),
        )),
    }
}

/// The operation of `row` from its subcommand's matches: the parameters as a JSON object,
/// checked by the core like every binding's.
fn operation(row: &OpSpec, m: &ArgMatches) -> Result<Operation> {
    let mut params = Map::new();
    for p in row.params() {
        let name = p.spec.name;
        let given = m.get_one::<String>(name);
        let value = match p.spec.kind {
            ParamKind::Object => {
                let mut map = match given {
                    Some(t) => parse_object(name, t)?,
                    None => Map::new(),
                };
                let vars: Vec<&String> =
                    m.get_many::<String>("vars").into_iter().flatten().collect();
                for kv in &vars {
                    let (k, v) = kv.split_once('=').ok_or_else(|| {
                        Error::invalid("vars", format_args!("{kv:?} is not KEY=VALUE"))
                    })?;
                    map.insert(k.to_owned(), Value::String(v.to_owned()));
                }
                (given.is_some() || !vars.is_empty()).then_some(Value::Object(map))
            }
            ParamKind::Json => given
                .map(|t| serde_json::from_str(t))
                .transpose()
                .map_err(|e| Error::invalid(name, format_args!("is not valid JSON: {e}")))?,
            _ => given.map(|s| Value::String(s.clone())),
        };
        if let Some(v) = value {
            params.insert(name.to_owned(), v);
        }
    }
    Operation::from_params(row.name, &params)
}

/// Reads the command line `args` (the program name first).
///
/// Fails with clap's error for a command line it cannot parse; a parameter the core refuses is
/// the `Err` of [`Cli::command`].
pub fn parse<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let m = command().try_get_matches_from(args)?;
    Ok(from_matches(&m))
}

/// The action of the subcommand `sub` with matches `sm`.
fn action(sub: &str, sm: &ArgMatches) -> Result<Action> {
    Ok(match sub {
        "operations" => Action::Operations,
        "options" => Action::Options,
        "op" => {
            let name = sm.get_one::<String>("name").expect("required");
            let params = sm.get_one::<String>("params").expect("has a default");
            Action::Send(Operation::from_params(
                name,
                &parse_object("params", params)?,
            )?)
        }
        _ => {
            // A group's subcommand, or a top-level operation.
            let (path, om) = match sm.subcommand() {
                Some((name, om)) => ((Some(sub), name.to_owned()), om),
                None => ((None, sub.to_owned()), sm),
            };
            let row = OPERATIONS
                .iter()
                .find(|r| command_path(r) == path)
                .expect("every subcommand is a row");
            Action::Send(operation(row, om)?)
        }
    })
}

/// The parsed command line from the matches of [`command`] (or of a command built on it, as
/// `docs::command` is).
pub fn from_matches(m: &ArgMatches) -> Cli {
    let options = OPTIONS
        .iter()
        .filter_map(|o| match o.kind {
            OptionKind::Bool => m.get_flag(o.name).then(|| (o, "true".to_owned())),
            _ => m.get_one::<String>(o.name).map(|v| (o, v.clone())),
        })
        .collect();
    let (sub, sm) = m.subcommand().expect("a subcommand is required");
    Cli {
        auth_id: m.get_one::<String>("auth_id").cloned(),
        simulator: m.get_flag("simulator"),
        json_errors: m.get_flag("json_errors"),
        quiet: m.get_flag("quiet"),
        options,
        command: action(sub, sm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_valid_and_has_every_row_and_option() {
        command().debug_assert();
        let cmd = command();
        for row in OPERATIONS {
            let (g, name) = command_path(row);
            let found = match g {
                Some(g) => cmd
                    .find_subcommand(g)
                    .and_then(|c| c.find_subcommand(&name)),
                None => cmd.find_subcommand(&name),
            };
            assert!(found.is_some(), "{}", row.name);
        }
        for o in OPTIONS {
            assert!(
                cmd.get_arguments().any(|a| a.get_id() == o.name),
                "{}",
                o.name
            );
        }
    }

    #[test]
    fn rows_map_to_commands_by_their_node_type_group() {
        let path = |n| command_path(OpSpec::find(n).unwrap());
        assert_eq!(
            path("mpc_cold_transfer"),
            (Some("mpc"), "cold-transfer".to_owned())
        );
        assert_eq!(
            path("bridge_member_mute"),
            (Some("bridge"), "member-mute".to_owned())
        );
        assert_eq!(
            path("get_multi_party_call"),
            (None, "get-multi-party-call".to_owned())
        );
        assert_eq!(path("node_action"), (None, "node-action".to_owned()));
    }
}

//! The command line: one subcommand per operation, each turned into a core [`Operation`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use plivo_phlo::{Error, Method, NodeType, Operation, Result};
use serde_json::{Map, Value};

/// Run PHLOs and control live PHLO calls from the shell.
///
/// Credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, the service from
/// PLIVO_PHLO_BASE_URL (default https://phlorunner.plivo.com) or --base-url. The body goes to
/// stdout, `status: N` to stderr. Exit codes: 0 ok, 2 invalid argument, 3 authentication,
/// 4 not found, 5 bad request, 6 rate limited, 7 server, 8 timeout, 9 connection, 10 decode.
#[derive(Parser, Debug)]
#[command(name = "phlo", version, about, long_about)]
pub struct Cli {
    /// The runner base URL (host root, no /v1); overrides PLIVO_PHLO_BASE_URL.
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// The auth id; overrides PLIVO_AUTH_ID. (The token is read only from PLIVO_AUTH_TOKEN, so it
    /// never shows in a process list.)
    #[arg(long, global = true)]
    pub auth_id: Option<String>,
    /// Run against an embedded PHLO simulator with its demo data (no network, no credentials).
    #[arg(long, global = true)]
    pub simulator: bool,
    /// Seconds allowed per request.
    #[arg(long, global = true)]
    pub timeout: Option<f64>,
    /// Retries after the first attempt (reads on any transient failure; actions only when safe).
    #[arg(long, global = true)]
    pub max_retries: Option<u32>,
    /// Print errors as one JSON object (kind, message, status, api_id, ...) instead of a line.
    #[arg(long, global = true)]
    pub json_errors: bool,
    /// Do not print the `status: N` line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The operation.
    #[command(subcommand)]
    pub command: Command,
}

/// Every operation.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read a PHLO.
    GetPhlo {
        /// The PHLO id.
        phlo_id: String,
    },
    /// Start a run of a PHLO, with start variables as KEY=VALUE pairs and/or --payload JSON.
    Run {
        /// The PHLO id.
        phlo_id: String,
        /// Start variables as a JSON object.
        #[arg(long)]
        payload: Option<String>,
        /// Start variables as KEY=VALUE (string values).
        vars: Vec<String>,
    },
    /// Read a PHLO run (legacy endpoint).
    GetRun {
        /// The PHLO id.
        phlo_id: String,
        /// The run id.
        run_id: String,
    },
    /// Multi-party-call node operations.
    #[command(subcommand)]
    Mpc(Mpc),
    /// Conference-bridge node operations.
    #[command(subcommand)]
    Bridge(Bridge),
    /// Any request: METHOD PATH [--body JSON], the path starting at /v1/.
    Raw {
        /// GET, POST, PUT or DELETE.
        method: String,
        /// The path, e.g. /v1/phlo/<id>.
        path: String,
        /// The JSON body.
        #[arg(long)]
        body: Option<String>,
    },
    /// Any named operation with a JSON object of parameters (see `phlo operations`).
    Op {
        /// The operation's name, e.g. mpc_cold_transfer.
        name: String,
        /// Its parameters as a JSON object.
        #[arg(default_value = "{}")]
        params: String,
    },
    /// List the named operations and their parameters, as JSON.
    Operations,
}

/// The node and the call's parties, shared by the node actions.
#[derive(Args, Debug)]
pub struct NodeActionArgs {
    /// The PHLO id.
    phlo_id: String,
    /// The multi-party-call node id.
    node_id: String,
    /// The party to dial: a phone number or SIP URI.
    #[arg(long)]
    to: String,
    /// The member on whose behalf the action runs (phone number or SIP URI).
    #[arg(long)]
    trigger_source: String,
    /// The dialled party's role: agent, customer or supervisor.
    #[arg(long)]
    role: Option<String>,
}

/// Multi-party-call operations.
#[derive(Subcommand, Debug)]
pub enum Mpc {
    /// Read the node.
    Get {
        /// The PHLO id.
        phlo_id: String,
        /// The node id.
        node_id: String,
    },
    /// Dial a party into the call (--role required).
    Call(NodeActionArgs),
    /// Consultative transfer (role defaults to agent).
    WarmTransfer(NodeActionArgs),
    /// Blind transfer: the initiator leaves (role defaults to agent).
    ColdTransfer(NodeActionArgs),
    /// Any node action by name (role omitted unless given).
    Action {
        /// The action, e.g. cold_transfer.
        action: String,
        #[command(flatten)]
        args: NodeActionArgs,
    },
    /// A member action.
    Member {
        /// The PHLO id.
        phlo_id: String,
        /// The node id.
        node_id: String,
        /// The member's address: phone number or SIP URI.
        member_id: String,
        /// The action.
        action: MpcMemberAction,
    },
}

/// Conference-bridge operations.
#[derive(Subcommand, Debug)]
pub enum Bridge {
    /// Read the node.
    Get {
        /// The PHLO id.
        phlo_id: String,
        /// The node id.
        node_id: String,
    },
    /// A member action.
    Member {
        /// The PHLO id.
        phlo_id: String,
        /// The node id.
        node_id: String,
        /// The member's address: phone number or SIP URI.
        member_id: String,
        /// The action.
        action: BridgeMemberAction,
    },
}

/// Member actions on a multi-party call.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MpcMemberAction {
    /// Cancel the transfer this member started.
    AbortTransfer,
    /// Complete a warm transfer.
    ResumeCall,
    /// Leave the voicemail and drop the member.
    VoicemailDrop,
    /// Disconnect.
    Hangup,
    /// Put on hold.
    Hold,
    /// Take off hold.
    Unhold,
    /// Mute.
    Mute,
    /// Unmute.
    Unmute,
}

/// Member actions on a conference bridge.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum BridgeMemberAction {
    /// Mute.
    Mute,
    /// Unmute.
    Unmute,
    /// Disconnect.
    Hangup,
}

/// The wire name of a clap value: `abort-transfer` → `abort_transfer`.
fn wire_name(v: &impl ValueEnum) -> String {
    v.to_possible_value()
        .expect("no skipped variants")
        .get_name()
        .replace('-', "_")
}

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

impl NodeActionArgs {
    fn operation(&self, action: &str, default_role: Option<&str>) -> Operation {
        Operation::NodeAction {
            phlo_id: self.phlo_id.clone(),
            node_id: self.node_id.clone(),
            action: action.to_owned(),
            to: self.to.clone(),
            role: self.role.clone().or(default_role.map(str::to_owned)),
            trigger_source: self.trigger_source.clone(),
        }
    }
}

impl Command {
    /// The operation to send; `None` for `phlo operations`, which needs no request.
    /// Bad arguments are `invalid_argument` errors.
    pub fn operation(&self) -> Result<Option<Operation>> {
        let member =
            |phlo_id: &String, node_type, node_id: &String, member_id: &String, action: String| {
                Operation::MemberAction {
                    phlo_id: phlo_id.clone(),
                    node_type,
                    node_id: node_id.clone(),
                    member_id: member_id.clone(),
                    action,
                }
            };
        let get = |phlo_id: &String, node_type, node_id: &String| Operation::GetNode {
            phlo_id: phlo_id.clone(),
            node_type,
            node_id: node_id.clone(),
        };
        Ok(Some(match self {
            Command::GetPhlo { phlo_id } => Operation::GetPhlo {
                phlo_id: phlo_id.clone(),
            },
            Command::Run {
                phlo_id,
                payload,
                vars,
            } => {
                let mut map = match payload {
                    Some(p) => parse_object("payload", p)?,
                    None => Map::new(),
                };
                for kv in vars {
                    let (k, v) = kv.split_once('=').ok_or_else(|| {
                        Error::invalid("vars", format_args!("{kv:?} is not KEY=VALUE"))
                    })?;
                    map.insert(k.to_owned(), Value::String(v.to_owned()));
                }
                let payload = (payload.is_some() || !vars.is_empty()).then_some(map);
                Operation::RunPhlo {
                    phlo_id: phlo_id.clone(),
                    payload,
                }
            }
            Command::GetRun { phlo_id, run_id } => Operation::GetPhloRun {
                phlo_id: phlo_id.clone(),
                run_id: run_id.clone(),
            },
            Command::Mpc(Mpc::Get { phlo_id, node_id }) => {
                get(phlo_id, NodeType::MultiPartyCall, node_id)
            }
            Command::Mpc(Mpc::Call(a)) => a.operation("call", None),
            Command::Mpc(Mpc::WarmTransfer(a)) => a.operation("warm_transfer", Some("agent")),
            Command::Mpc(Mpc::ColdTransfer(a)) => a.operation("cold_transfer", Some("agent")),
            Command::Mpc(Mpc::Action { action, args }) => args.operation(action, None),
            Command::Mpc(Mpc::Member {
                phlo_id,
                node_id,
                member_id,
                action,
            }) => member(
                phlo_id,
                NodeType::MultiPartyCall,
                node_id,
                member_id,
                wire_name(action),
            ),
            Command::Bridge(Bridge::Get { phlo_id, node_id }) => {
                get(phlo_id, NodeType::ConferenceBridge, node_id)
            }
            Command::Bridge(Bridge::Member {
                phlo_id,
                node_id,
                member_id,
                action,
            }) => member(
                phlo_id,
                NodeType::ConferenceBridge,
                node_id,
                member_id,
                wire_name(action),
            ),
            Command::Raw { method, path, body } => Operation::Raw {
                method: Method::parse(method)?,
                path: path.clone(),
                body: body
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| Error::invalid("body", e))?,
            },
            Command::Op { name, params } => {
                Operation::from_params(name, &parse_object("params", params)?)?
            }
            Command::Operations => return Ok(None),
        }))
    }
}

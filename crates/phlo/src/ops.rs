//! Every PHLO operation as data: an [`Operation`] turns into one checked [`Request`]
//! (method, path, body), and [`OPERATIONS`] names the operations every binding exposes.
//!
//! Adding a named operation is one row in [`OPERATIONS`]; the C, Python and Perl layers reach it
//! through [`Operation::from_params`] with no code of their own.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::validate::{Checks, Validation};

/// The two node types whose live calls the runner API controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// `multi_party_call`
    MultiPartyCall,
    /// `conference_bridge`
    ConferenceBridge,
}

impl NodeType {
    /// The path segment and `node_type` value: `multi_party_call` or `conference_bridge`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::MultiPartyCall => "multi_party_call",
            NodeType::ConferenceBridge => "conference_bridge",
        }
    }

    /// Parses `multi_party_call` or `conference_bridge`; anything else is `invalid_argument`.
    pub fn parse(field: &str, s: &str) -> Result<NodeType> {
        match s {
            "multi_party_call" => Ok(NodeType::MultiPartyCall),
            "conference_bridge" => Ok(NodeType::ConferenceBridge),
            _ => Err(Error::invalid(
                field,
                "must be multi_party_call or conference_bridge",
            )),
        }
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`: no body; idempotent.
    Get,
    /// `POST`: a JSON body.
    Post,
    /// `PUT`, for raw requests only.
    Put,
    /// `DELETE`, for raw requests only.
    Delete,
}

impl Method {
    /// The method's name, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name (any case).
    pub fn parse(s: &str) -> Result<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "PUT" => Ok(Method::Put),
            "DELETE" => Ok(Method::Delete),
            _ => Err(Error::invalid("method", "must be GET, POST, PUT or DELETE")),
        }
    }
}

/// One checked request, ready for the transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The path from `/v1/...`, percent-encoded where needed; appended to the base URL.
    pub path: String,
    /// The compact JSON body, for requests that carry one.
    pub body: Option<String>,
    /// Whether sending it twice is harmless (reads), which the retry policy needs to know.
    pub idempotent: bool,
}

/// A PHLO operation with its arguments. [`Operation::request`] checks them and builds the request.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// `GET /v1/phlo/{P}`
    GetPhlo {
        /// The PHLO id.
        phlo_id: String,
    },
    /// `POST /v1/account/{A}/phlo/{P}` with the payload (or `{}`); null entries are dropped.
    RunPhlo {
        /// The PHLO id.
        phlo_id: String,
        /// Start-node variables.
        payload: Option<Map<String, Value>>,
    },
    /// `GET /v1/phlo/{P}/runs/{R}` (legacy).
    GetPhloRun {
        /// The PHLO id.
        phlo_id: String,
        /// The run id.
        run_id: String,
    },
    /// `GET /v1/phlo/{P}/{T}/{N}`
    GetNode {
        /// The PHLO id.
        phlo_id: String,
        /// The node type.
        node_type: NodeType,
        /// The node id.
        node_id: String,
    },
    /// `POST /v1/phlo/{P}/multi_party_call/{N}` with `action`, `to`, `role`, `trigger_source`.
    NodeAction {
        /// The PHLO id.
        phlo_id: String,
        /// The multi-party-call node id.
        node_id: String,
        /// `call`, `warm_transfer`, `cold_transfer`, or another the service accepts.
        action: String,
        /// The party to dial.
        to: String,
        /// The role the dialled party takes; omitted from the body when `None`.
        role: Option<String>,
        /// The member on whose behalf the action runs.
        trigger_source: String,
    },
    /// `POST /v1/phlo/{P}/{T}/{N}/members/{M}` with `{"action": ...}`.
    MemberAction {
        /// The PHLO id.
        phlo_id: String,
        /// The node type.
        node_type: NodeType,
        /// The node id.
        node_id: String,
        /// The member's address: phone number or SIP URI.
        member_id: String,
        /// The member action.
        action: String,
    },
    /// Any request the typed surface lacks: a method, a path from `/v1/` and an optional JSON body.
    Raw {
        /// The HTTP method.
        method: Method,
        /// The path, starting with `/`.
        path: String,
        /// The JSON body, sent compact.
        body: Option<Value>,
    },
}

/// The canonical action body: keys in this order, absent fields omitted.
#[derive(Serialize)]
struct ActionBody<'a> {
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_source: Option<&'a str>,
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising strings and JSON values cannot fail")
}

impl Operation {
    /// Checks every argument strictly (section 6 of the API reference) and builds the request;
    /// `auth_id` fills the run path. The same as [`Operation::request_with`] with
    /// [`Validation::Strict`].
    ///
    /// Fails with `invalid_argument` naming the field; nothing is sent.
    pub fn request(&self, auth_id: &str) -> Result<Request> {
        self.request_with(auth_id, Validation::Strict)
    }

    /// Checks every argument as `validation` says (see [`Validation`]) and builds the request;
    /// `auth_id` fills the run path. Path segments are percent-encoded where RFC 3986 requires.
    ///
    /// Fails with `invalid_argument` naming the field; nothing is sent.
    pub fn request_with(&self, auth_id: &str, validation: Validation) -> Result<Request> {
        let check = Checks(validation);
        let mut path = String::with_capacity(128);
        let (method, body) = match self {
            Operation::GetPhlo { phlo_id } => {
                let p = check.id("phlo_id", phlo_id)?;
                path.push_str("/v1/phlo/");
                check.push_segment(&mut path, p);
                (Method::Get, None)
            }
            Operation::RunPhlo { phlo_id, payload } => {
                let p = check.id("phlo_id", phlo_id)?;
                write!(path, "/v1/account/{auth_id}/phlo/").ok();
                check.push_segment(&mut path, p);
                let body = match payload {
                    Some(p) if p.values().any(Value::is_null) => {
                        let kept: Map<String, Value> = p
                            .iter()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        to_json(&kept)
                    }
                    Some(p) => to_json(p),
                    None => "{}".to_owned(),
                };
                (Method::Post, Some(body))
            }
            Operation::GetPhloRun { phlo_id, run_id } => {
                let (p, r) = (check.id("phlo_id", phlo_id)?, check.id("run_id", run_id)?);
                path.push_str("/v1/phlo/");
                check.push_segment(&mut path, p);
                path.push_str("/runs/");
                check.push_segment(&mut path, r);
                (Method::Get, None)
            }
            Operation::GetNode {
                phlo_id,
                node_type,
                node_id,
            } => {
                let (p, n) = (check.id("phlo_id", phlo_id)?, check.id("node_id", node_id)?);
                path.push_str("/v1/phlo/");
                check.push_segment(&mut path, p);
                write!(path, "/{}/", node_type.as_str()).ok();
                check.push_segment(&mut path, n);
                (Method::Get, None)
            }
            Operation::NodeAction {
                phlo_id,
                node_id,
                action,
                to,
                role,
                trigger_source,
            } => {
                let (p, n) = (check.id("phlo_id", phlo_id)?, check.id("node_id", node_id)?);
                let action = check.action("action", action)?;
                let to = check.address("to", to)?;
                let role = role.as_deref().map(|r| check.role("role", r)).transpose()?;
                if role.is_none() && action == "call" {
                    return Err(Error::invalid("role", "is required for the call action"));
                }
                let trigger_source = check.address("trigger_source", trigger_source)?;
                path.push_str("/v1/phlo/");
                check.push_segment(&mut path, p);
                path.push_str("/multi_party_call/");
                check.push_segment(&mut path, n);
                let body = ActionBody {
                    action,
                    to: Some(to),
                    role,
                    trigger_source: Some(trigger_source),
                };
                (Method::Post, Some(to_json(&body)))
            }
            Operation::MemberAction {
                phlo_id,
                node_type,
                node_id,
                member_id,
                action,
            } => {
                let (p, n) = (check.id("phlo_id", phlo_id)?, check.id("node_id", node_id)?);
                let member = check.member("member_id", member_id)?;
                let action = check.action("action", action)?;
                path.push_str("/v1/phlo/");
                check.push_segment(&mut path, p);
                write!(path, "/{}/", node_type.as_str()).ok();
                check.push_segment(&mut path, n);
                path.push_str("/members/");
                // Members are always encoded: a SIP URI may hold a character outside `pchar`.
                push_segment(&mut path, member);
                let body = ActionBody {
                    action,
                    to: None,
                    role: None,
                    trigger_source: None,
                };
                (Method::Post, Some(to_json(&body)))
            }
            Operation::Raw {
                method,
                path: raw,
                body,
            } => {
                check_raw_path(raw)?;
                path.push_str(raw);
                let body = match (method, body) {
                    (Method::Get, Some(_)) => {
                        return Err(Error::invalid("body", "a GET request carries no body"))
                    }
                    (_, Some(b)) => Some(to_json(b)),
                    (Method::Get, None) => None,
                    (_, None) => Some("{}".to_owned()),
                };
                (*method, body)
            }
        };
        Ok(Request {
            method,
            path,
            body,
            idempotent: method == Method::Get,
        })
    }

    /// Builds the named operation `name` (a row of [`OPERATIONS`]) from a JSON object of
    /// parameters, as the generic entry point of every binding does.
    ///
    /// Parameter names are those of [`OpSpec::params`]; an unknown operation, an unknown or
    /// missing parameter, or a parameter of the wrong JSON type is `invalid_argument`.
    pub fn from_params(name: &str, params: &Map<String, Value>) -> Result<Operation> {
        Operation::from_args(name, Args::Json(params))
    }

    /// Builds the named operation from name/value string pairs, as the typed helpers of the C,
    /// Python and Perl layers do: the same table, defaults and checks as
    /// [`Operation::from_params`], with no JSON object to build for arguments that are all
    /// strings. A name given twice is `invalid_argument`; `payload` and `body`, which are JSON
    /// values, cannot be given this way (use [`Operation::from_params`]).
    pub fn from_strings(name: &str, params: &[(&str, &str)]) -> Result<Operation> {
        Operation::from_args(name, Args::Strings(params))
    }

    fn from_args(name: &str, args: Args<'_>) -> Result<Operation> {
        // Names from the caller are echoed at most 64 bytes long: a huge key must not make a
        // huge error.
        let short = |s: &str| crate::error::truncate(s, 64).to_owned();
        let spec = OpSpec::find(name).ok_or_else(|| {
            Error::invalid(
                "operation",
                format_args!("unknown operation {:?}", short(name)),
            )
        })?;
        // A name matches `p` or `p?` (an optional one): compared in place, with no trimming pass.
        let known = |k: &str| {
            spec.params.iter().any(|p| {
                p.as_bytes().starts_with(k.as_bytes()) && matches!(&p[k.len()..], "" | "?")
            })
        };
        let unknown = match args {
            Args::Json(m) => m.keys().map(String::as_str).find(|k| !known(k)),
            Args::Strings(p) => p.iter().map(|(k, _)| *k).find(|k| !known(k)),
        };
        if let Some(k) = unknown {
            return Err(Error::invalid(
                &short(k),
                format_args!(
                    "is not a parameter of {name}; expected {}",
                    spec.params.join(", ")
                ),
            ));
        }
        if let Args::Strings(pairs) = args {
            let twice = pairs
                .iter()
                .enumerate()
                .find(|(i, (k, _))| pairs[..*i].iter().any(|(j, _)| j == k));
            if let Some((_, (k, _))) = twice {
                return Err(Error::invalid(&short(k), "is given twice"));
            }
        }
        let node_type = match spec.node_type {
            Some(t) => t,
            None if spec.params.contains(&"node_type") => {
                NodeType::parse("node_type", args.str("node_type")?)?
            }
            None => NodeType::MultiPartyCall,
        };
        let action = || match spec.action {
            Some(a) => Ok(a.to_owned()),
            None => args.string("action"),
        };
        Ok(match spec.endpoint {
            Endpoint::GetPhlo => Operation::GetPhlo {
                phlo_id: args.string("phlo_id")?,
            },
            Endpoint::RunPhlo => Operation::RunPhlo {
                phlo_id: args.string("phlo_id")?,
                payload: match args.get("payload") {
                    None | Some(Arg::Json(Value::Null)) => None,
                    Some(Arg::Json(Value::Object(m))) => Some(m.clone()),
                    Some(_) => return Err(Error::invalid("payload", "must be a JSON object")),
                },
            },
            Endpoint::GetPhloRun => Operation::GetPhloRun {
                phlo_id: args.string("phlo_id")?,
                run_id: args.string("run_id")?,
            },
            Endpoint::GetNode => Operation::GetNode {
                phlo_id: args.string("phlo_id")?,
                node_type,
                node_id: args.string("node_id")?,
            },
            Endpoint::NodeAction => Operation::NodeAction {
                phlo_id: args.string("phlo_id")?,
                node_id: args.string("node_id")?,
                action: action()?,
                to: args.string("to")?,
                role: args
                    .opt_string("role")?
                    .or(spec.default_role.map(str::to_owned)),
                trigger_source: args.string("trigger_source")?,
            },
            Endpoint::MemberAction => Operation::MemberAction {
                phlo_id: args.string("phlo_id")?,
                node_type,
                node_id: args.string("node_id")?,
                member_id: args.string("member_id")?,
                action: action()?,
            },
            Endpoint::Raw => Operation::Raw {
                method: Method::parse(args.str("method")?)?,
                path: args.string("path")?,
                body: match args.get("body") {
                    None | Some(Arg::Json(Value::Null)) => None,
                    Some(Arg::Json(b)) => Some(b.clone()),
                    Some(Arg::Str(_)) => {
                        return Err(Error::invalid("body", "must be a JSON value, not text"))
                    }
                },
            },
        })
    }
}

/// An operation's parameters as a binding holds them.
#[derive(Clone, Copy)]
enum Args<'a> {
    /// A JSON object (the generic entry point).
    Json(&'a Map<String, Value>),
    /// Name/value pairs of strings (the typed helpers).
    Strings(&'a [(&'a str, &'a str)]),
}

/// One parameter's value.
enum Arg<'a> {
    Json(&'a Value),
    Str(&'a str),
}

impl<'a> Args<'a> {
    fn get(self, key: &str) -> Option<Arg<'a>> {
        match self {
            Args::Json(m) => m.get(key).map(Arg::Json),
            Args::Strings(p) => p.iter().find(|(k, _)| *k == key).map(|(_, v)| Arg::Str(v)),
        }
    }

    /// A required string, with errors that name the parameter.
    fn str(self, key: &str) -> Result<&'a str> {
        match self.get(key) {
            Some(Arg::Str(s)) => Ok(s),
            Some(Arg::Json(Value::String(s))) => Ok(s),
            None | Some(Arg::Json(Value::Null)) => Err(Error::invalid(key, "is required")),
            Some(_) => Err(Error::invalid(key, "must be a string")),
        }
    }

    fn string(self, key: &str) -> Result<String> {
        self.str(key).map(str::to_owned)
    }

    fn opt_string(self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None | Some(Arg::Json(Value::Null)) => Ok(None),
            _ => self.string(key).map(Some),
        }
    }
}

/// Appends `segment` to `path`, percent-encoding every byte outside RFC 3986 `pchar`
/// (so `+`, `:` and `@` stay as they are, and `/`, `?`, `#`, `%` and spaces cannot change the path).
pub fn push_segment(path: &mut String, segment: &str) {
    for b in segment.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b);
        if keep {
            path.push(b as char);
        } else {
            write!(path, "%{b:02X}").ok();
        }
    }
}

fn check_raw_path(path: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::invalid("path", why));
    // Every runner API path is under /v1/; the credentials go to nothing else on the host.
    if !path.starts_with("/v1/") {
        return bad("must start with /v1/ (e.g. /v1/phlo/<id>)");
    }
    if path.len() > 2048 {
        return bad("longer than 2048 characters");
    }
    // A backslash too: URL parsers read it as '/', which would change the path checked here.
    if path
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '#' || c == '\\' || !c.is_ascii())
    {
        return bad(
            "contains a space, control, '#', '\\' or non-ASCII character; percent-encode it",
        );
    }
    let route = path.split('?').next().unwrap_or(path);
    // Dot segments in any spelling (`..`, `%2e%2e`, `.%2E`): URL parsers fold them away.
    if route.split('/').any(|s| {
        let s = s.to_ascii_lowercase().replace("%2e", ".");
        s == ".." || s == "."
    }) {
        return bad("must not contain '.' or '..' segments (in any spelling)");
    }
    Ok(())
}

/// Which of the six endpoints (plus raw) an operation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Get a PHLO.
    GetPhlo,
    /// Run a PHLO.
    RunPhlo,
    /// Get a PHLO run (legacy).
    GetPhloRun,
    /// Get a node.
    GetNode,
    /// A multi-party-call node action.
    NodeAction,
    /// A member action.
    MemberAction,
    /// A raw request.
    Raw,
}

/// A named operation: one row of the table every binding exposes.
#[derive(Clone, Copy, Debug)]
pub struct OpSpec {
    /// The operation's name, e.g. `mpc_cold_transfer`.
    pub name: &'static str,
    /// The endpoint it uses.
    pub endpoint: Endpoint,
    /// The fixed action, for typed action helpers.
    pub action: Option<&'static str>,
    /// The fixed node type, where there is one.
    pub node_type: Option<NodeType>,
    /// The role sent when the caller gives none (transfers: `agent`).
    pub default_role: Option<&'static str>,
    /// The parameter names, in order; a trailing `?` marks an optional one.
    pub params: &'static [&'static str],
    /// One line on what it does.
    pub doc: &'static str,
}

impl OpSpec {
    /// The row named `name`.
    pub fn find(name: &str) -> Option<&'static OpSpec> {
        OPERATIONS.iter().find(|s| s.name == name)
    }
}

/// The table of named operations as a JSON array:
/// `[{"name":..,"params":[required..],"optional":[..],"doc":..}]`, for bindings and tools that
/// list or generate the operations.
pub fn operations_json() -> String {
    let rows: Vec<Value> = OPERATIONS
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "params": s.params.iter().filter(|p| !p.ends_with('?')).collect::<Vec<_>>(),
                "optional": s.params.iter().filter_map(|p| p.strip_suffix('?')).collect::<Vec<_>>(),
                "doc": s.doc,
            })
        })
        .collect();
    Value::Array(rows).to_string()
}

const MEMBER: &[&str] = &["phlo_id", "node_id", "member_id"];
const MPC: Option<NodeType> = Some(NodeType::MultiPartyCall);
const BRIDGE: Option<NodeType> = Some(NodeType::ConferenceBridge);
const NODE_ACTION: &[&str] = &["phlo_id", "node_id", "trigger_source", "to", "role?"];

macro_rules! op {
    ($name:literal, $ep:ident, $action:expr, $nt:expr, $role:expr, $params:expr, $doc:literal) => {
        OpSpec {
            name: $name,
            endpoint: Endpoint::$ep,
            action: $action,
            node_type: $nt,
            default_role: $role,
            params: $params,
            doc: $doc,
        }
    };
}

/// Every named operation, in the order of the API reference.
pub const OPERATIONS: &[OpSpec] = &[
    op!(
        "get_phlo",
        GetPhlo,
        None,
        None,
        None,
        &["phlo_id"],
        "Read a PHLO's metadata."
    ),
    op!(
        "run_phlo",
        RunPhlo,
        None,
        None,
        None,
        &["phlo_id", "payload?"],
        "Start a run of a PHLO, with optional start variables."
    ),
    op!(
        "get_phlo_run",
        GetPhloRun,
        None,
        None,
        None,
        &["phlo_id", "run_id"],
        "Read a PHLO run (legacy endpoint)."
    ),
    op!(
        "get_node",
        GetNode,
        None,
        None,
        None,
        &["phlo_id", "node_type", "node_id"],
        "Read a node of either type."
    ),
    op!(
        "get_multi_party_call",
        GetNode,
        None,
        MPC,
        None,
        &["phlo_id", "node_id"],
        "Read a multi-party-call node."
    ),
    op!(
        "get_conference_bridge",
        GetNode,
        None,
        BRIDGE,
        None,
        &["phlo_id", "node_id"],
        "Read a conference-bridge node."
    ),
    op!(
        "mpc_call",
        NodeAction,
        Some("call"),
        MPC,
        None,
        &["phlo_id", "node_id", "trigger_source", "to", "role"],
        "Dial `to` into the call with `role`."
    ),
    op!(
        "mpc_warm_transfer",
        NodeAction,
        Some("warm_transfer"),
        MPC,
        Some("agent"),
        NODE_ACTION,
        "Consultative transfer to `to` (role defaults to agent)."
    ),
    op!(
        "mpc_cold_transfer",
        NodeAction,
        Some("cold_transfer"),
        MPC,
        Some("agent"),
        NODE_ACTION,
        "Blind transfer to `to`; the initiator leaves (role defaults to agent)."
    ),
    op!(
        "mpc_member_abort_transfer",
        MemberAction,
        Some("abort_transfer"),
        MPC,
        None,
        MEMBER,
        "Cancel the transfer this member started."
    ),
    op!(
        "mpc_member_resume_call",
        MemberAction,
        Some("resume_call"),
        MPC,
        None,
        MEMBER,
        "Complete a warm transfer: back into the call."
    ),
    op!(
        "mpc_member_voicemail_drop",
        MemberAction,
        Some("voicemail_drop"),
        MPC,
        None,
        MEMBER,
        "Leave the node's voicemail and drop the member."
    ),
    op!(
        "mpc_member_hangup",
        MemberAction,
        Some("hangup"),
        MPC,
        None,
        MEMBER,
        "Disconnect the member."
    ),
    op!(
        "mpc_member_hold",
        MemberAction,
        Some("hold"),
        MPC,
        None,
        MEMBER,
        "Put the member on hold."
    ),
    op!(
        "mpc_member_unhold",
        MemberAction,
        Some("unhold"),
        MPC,
        None,
        MEMBER,
        "Take the member off hold."
    ),
    op!(
        "mpc_member_mute",
        MemberAction,
        Some("mute"),
        MPC,
        None,
        MEMBER,
        "Mute the member."
    ),
    op!(
        "mpc_member_unmute",
        MemberAction,
        Some("unmute"),
        MPC,
        None,
        MEMBER,
        "Unmute the member."
    ),
    op!(
        "bridge_member_mute",
        MemberAction,
        Some("mute"),
        BRIDGE,
        None,
        MEMBER,
        "Mute a conference-bridge member."
    ),
    op!(
        "bridge_member_unmute",
        MemberAction,
        Some("unmute"),
        BRIDGE,
        None,
        MEMBER,
        "Unmute a conference-bridge member."
    ),
    op!(
        "bridge_member_hangup",
        MemberAction,
        Some("hangup"),
        BRIDGE,
        None,
        MEMBER,
        "Disconnect a conference-bridge member."
    ),
    op!(
        "node_action",
        NodeAction,
        None,
        MPC,
        None,
        &[
            "phlo_id",
            "node_id",
            "action",
            "trigger_source",
            "to",
            "role?"
        ],
        "Any multi-party-call action; role omitted when not given."
    ),
    op!(
        "member_action",
        MemberAction,
        None,
        None,
        None,
        &["phlo_id", "node_type", "node_id", "member_id", "action"],
        "Any member action on either node type."
    ),
    op!(
        "raw",
        Raw,
        None,
        None,
        None,
        &["method", "path", "body?"],
        "Any request: method, path from /v1/, optional JSON body."
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const P: &str = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b";
    const N: &str = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d";

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn seed_cold_transfer_is_byte_exact() {
        let op = Operation::from_params(
            "mpc_cold_transfer",
            &params(json!({"phlo_id": P, "node_id": N, "to": "+14152225555", "trigger_source": "+14152223333"})),
        )
        .unwrap();
        let r = op.request("MAXXXXXXXXXXXXXXXXXX").unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.path, format!("/v1/phlo/{P}/multi_party_call/{N}"));
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#
            )
        );
        assert!(!r.idempotent);
    }

    #[test]
    fn member_paths_keep_plus_colon_at() {
        for (m, want) in [
            ("+14153336666", "+14153336666"),
            ("sip:alice@example.com", "sip:alice@example.com"),
            ("sip:a%b@x", "sip:a%25b@x"),
        ] {
            let op = Operation::MemberAction {
                phlo_id: P.into(),
                node_type: NodeType::MultiPartyCall,
                node_id: N.into(),
                member_id: m.into(),
                action: "hold".into(),
            };
            let r = op.request("MAXXXXXXXXXXXXXXXXXX").unwrap();
            assert_eq!(
                r.path,
                format!("/v1/phlo/{P}/multi_party_call/{N}/members/{want}")
            );
            assert_eq!(r.body.as_deref(), Some(r#"{"action":"hold"}"#));
        }
    }

    #[test]
    fn run_payload_drops_nulls_and_keeps_order() {
        let op = Operation::RunPhlo {
            phlo_id: P.into(),
            payload: Some(params(json!({"to": "+1", "from": "+2", "x": null, "n": 3}))),
        };
        let r = op.request("MAXXXXXXXXXXXXXXXXXX").unwrap();
        assert_eq!(r.path, format!("/v1/account/MAXXXXXXXXXXXXXXXXXX/phlo/{P}"));
        assert_eq!(r.body.as_deref(), Some(r#"{"to":"+1","from":"+2","n":3}"#));
        let r = Operation::RunPhlo {
            phlo_id: P.into(),
            payload: None,
        }
        .request("MAXXXXXXXXXXXXXXXXXX")
        .unwrap();
        assert_eq!(r.body.as_deref(), Some("{}"));
    }

    #[test]
    fn from_params_rejects_what_it_should() {
        let cases = [
            ("teleport", json!({}), "operation"),
            ("get_phlo", json!({}), "phlo_id"),
            ("get_phlo", json!({"phlo_id": 5}), "phlo_id"),
            ("get_phlo", json!({"phlo_id": P, "extra": 1}), "extra"),
            ("run_phlo", json!({"phlo_id": P, "payload": [1]}), "payload"),
            (
                "get_node",
                json!({"phlo_id": P, "node_id": N, "node_type": "x"}),
                "node_type",
            ),
            (
                "mpc_call",
                json!({"phlo_id": P, "node_id": N, "to": "+14152225555", "trigger_source": "+14152223333"}),
                "role",
            ),
        ];
        for (name, p, field) in cases {
            let e = Operation::from_params(name, &params(p.clone()))
                .and_then(|o| o.request("MAXXXXXXXXXXXXXXXXXX"))
                .unwrap_err();
            assert_eq!(e.field(), Some(field), "{name} {p}");
        }
    }

    #[test]
    fn node_action_omits_role_when_not_given() {
        let op = Operation::from_params(
            "node_action",
            &params(json!({"phlo_id": P, "node_id": N, "action": "warm_transfer", "to": "+14152225555", "trigger_source": "+14152223333"})),
        )
        .unwrap();
        let body = op.request("MAXXXXXXXXXXXXXXXXXX").unwrap().body.unwrap();
        assert_eq!(
            body,
            r#"{"action":"warm_transfer","to":"+14152225555","trigger_source":"+14152223333"}"#
        );
    }

    #[test]
    fn raw_paths_are_checked() {
        // fuzz/ops_request found that the URL parser turns a backslash into '/'; percent-encoded
        // dot segments are folded away by it the same way.
        for bad in [
            "v1/x",
            "/",
            "/v2/x",
            "/_sim/state",
            "/v1/../x",
            "/v1/a b",
            "/v1/a#b",
            "/v1/\u{7f}",
            "/v1/a\\b",
            "/v1/%2e%2E/x",
            "/v1/.%2e/x",
            "/v1/%2E",
        ] {
            let op = Operation::Raw {
                method: Method::Get,
                path: bad.into(),
                body: None,
            };
            assert_eq!(op.request("MA").unwrap_err().field(), Some("path"), "{bad}");
        }
    }

    #[test]
    fn every_named_operation_builds_from_params() {
        let all = json!({"phlo_id": P, "node_id": N, "run_id": P, "node_type": "conference_bridge", "member_id": "+14153336666",
            "to": "+14152225555", "trigger_source": "+14152223333", "role": "agent", "action": "hold", "method": "GET", "path": "/v1/phlo/x"});
        for spec in OPERATIONS {
            let p: Map<String, Value> = spec
                .params
                .iter()
                .map(|k| k.trim_end_matches('?'))
                .map(|k| (k.to_owned(), all[k].clone()))
                .filter(|(_, v)| !v.is_null())
                .collect();
            let op = Operation::from_params(spec.name, &p)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            op.request("MAXXXXXXXXXXXXXXXXXX")
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        }
        assert_eq!(OPERATIONS.len(), 23);
    }

    #[test]
    fn string_pairs_build_the_same_operations_as_json_objects() {
        let all = [
            ("phlo_id", P),
            ("node_id", N),
            ("run_id", P),
            ("node_type", "conference_bridge"),
            ("member_id", "+14153336666"),
            ("to", "+14152225555"),
            ("trigger_source", "+14152223333"),
            ("role", "agent"),
            ("action", "hold"),
            ("method", "GET"),
            ("path", "/v1/phlo/x"),
        ];
        for spec in OPERATIONS {
            let pairs: Vec<(&str, &str)> = spec
                .params
                .iter()
                .map(|k| k.trim_end_matches('?'))
                .filter_map(|k| all.iter().find(|(n, _)| *n == k).copied())
                .collect();
            let object: Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect();
            let from_json = Operation::from_params(spec.name, &object)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            let from_strings = Operation::from_strings(spec.name, &pairs)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(from_json, from_strings, "{}", spec.name);
            // Without the optional role, the row's default applies the same way.
            let no_role: Vec<(&str, &str)> = pairs
                .iter()
                .copied()
                .filter(|(k, _)| *k != "role")
                .collect();
            if spec.params.contains(&"role?") {
                let op = Operation::from_strings(spec.name, &no_role).unwrap();
                let mut object = object.clone();
                object.remove("role");
                assert_eq!(op, Operation::from_params(spec.name, &object).unwrap());
            }
        }
    }

    #[test]
    fn string_pairs_are_checked_like_json_objects() {
        let cold = [
            ("phlo_id", P),
            ("node_id", N),
            ("trigger_source", "+14152223333"),
            ("to", "+14152225555"),
        ];
        let op = Operation::from_strings("mpc_cold_transfer", &cold).unwrap();
        let req = op.request("MAXXXXXXXXXXXXXXXXXX").unwrap();
        assert_eq!(
            req.body.as_deref(),
            Some(
                r#"{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}"#
            )
        );
        let field = |name: &str, pairs: &[(&str, &str)]| {
            let e = Operation::from_strings(name, pairs).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            e.field().map(str::to_owned)
        };
        assert_eq!(
            field("mpc_cold_transfer", &cold[..3]).as_deref(),
            Some("to")
        );
        let twice = [cold[0], cold[1], cold[2], cold[3], ("to", "+14152226666")];
        assert_eq!(field("mpc_cold_transfer", &twice).as_deref(), Some("to"));
        let extra = [cold[0], cold[1], cold[2], cold[3], ("colour", "red")];
        assert_eq!(
            field("mpc_cold_transfer", &extra).as_deref(),
            Some("colour")
        );
        assert_eq!(field("no_such_op", &cold).as_deref(), Some("operation"));
        // JSON-valued parameters are not strings.
        let run = [("phlo_id", P), ("payload", "{}")];
        assert_eq!(field("run_phlo", &run).as_deref(), Some("payload"));
        let raw = [("method", "POST"), ("path", "/v1/phlo/x"), ("body", "{}")];
        assert_eq!(field("raw", &raw).as_deref(), Some("body"));
    }
}

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
    /// Both node types.
    pub const ALL: [NodeType; 2] = [NodeType::MultiPartyCall, NodeType::ConferenceBridge];

    /// The short name that starts the names of the operations on this node type with a fixed
    /// type (`mpc_cold_transfer`, `bridge_member_mute`): `mpc` or `bridge`. The CLI groups
    /// those operations under it (`phlo mpc cold-transfer`).
    pub fn short_name(self) -> &'static str {
        match self {
            NodeType::MultiPartyCall => "mpc",
            NodeType::ConferenceBridge => "bridge",
        }
    }

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

    /// Builds the operation of row `spec` from its arguments by name (`None`: not given), as
    /// the typed methods generated from [`OPERATIONS`] do: their names are the row's by
    /// construction, so only the values are checked (when the request is built).
    pub(crate) fn from_spec(spec: &OpSpec, args: &[(&str, Option<Arg<'_>>)]) -> Result<Operation> {
        Operation::build(spec, Args::Pairs(args))
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
            Args::Pairs(p) => p.iter().map(|(k, _)| *k).find(|k| !known(k)),
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
        Operation::build(spec, args)
    }

    /// The operation of row `spec` from arguments whose names are known to be the row's.
    fn build(spec: &OpSpec, args: Args<'_>) -> Result<Operation> {
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
    /// Name/value pairs of strings (the typed helpers of the bindings).
    Strings(&'a [(&'a str, &'a str)]),
    /// Name/value pairs, `None` where not given (the core's generated typed methods).
    Pairs(&'a [(&'a str, Option<Arg<'a>>)]),
}

/// One parameter's value, as a typed method hands it over.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    /// A JSON value (`payload`, `body`).
    Json(&'a Value),
    /// Text (every other parameter).
    Str(&'a str),
}

impl<'a> Args<'a> {
    #[inline]
    fn get(self, key: &str) -> Option<Arg<'a>> {
        match self {
            Args::Json(m) => m.get(key).map(Arg::Json),
            Args::Strings(p) => p.iter().find(|(k, _)| *k == key).map(|(_, v)| Arg::Str(v)),
            Args::Pairs(p) => p.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v),
        }
    }

    /// A required string, with errors that name the parameter.
    #[inline]
    fn str(self, key: &str) -> Result<&'a str> {
        match self.get(key) {
            Some(Arg::Str(s)) => Ok(s),
            Some(Arg::Json(Value::String(s))) => Ok(s),
            None | Some(Arg::Json(Value::Null)) => Err(Error::invalid(key, "is required")),
            Some(_) => Err(Error::invalid(key, "must be a string")),
        }
    }

    #[inline]
    fn string(self, key: &str) -> Result<String> {
        self.str(key).map(str::to_owned)
    }

    #[inline]
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

impl Endpoint {
    /// The endpoint's name, as [`operations_json`] gives it: `get_phlo`, `run_phlo`,
    /// `get_phlo_run`, `get_node`, `node_action`, `member_action` or `raw`.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::GetPhlo => "get_phlo",
            Endpoint::RunPhlo => "run_phlo",
            Endpoint::GetPhloRun => "get_phlo_run",
            Endpoint::GetNode => "get_node",
            Endpoint::NodeAction => "node_action",
            Endpoint::MemberAction => "member_action",
            Endpoint::Raw => "raw",
        }
    }

    /// The model its answer is read into.
    pub fn model(self) -> Model {
        match self {
            Endpoint::GetPhlo => Model::Phlo,
            Endpoint::RunPhlo => Model::PhloRunStarted,
            Endpoint::GetPhloRun => Model::PhloRun,
            Endpoint::GetNode => Model::Node,
            Endpoint::NodeAction | Endpoint::MemberAction => Model::ActionResponse,
            Endpoint::Raw => Model::Object,
        }
    }
}

/// The typed answer of an operation (see [`crate::models`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// [`crate::Phlo`].
    Phlo,
    /// [`crate::PhloRunStarted`].
    PhloRunStarted,
    /// [`crate::PhloRun`].
    PhloRun,
    /// [`crate::Node`].
    Node,
    /// [`crate::ActionResponse`].
    ActionResponse,
    /// Any JSON object: the status and body as received ([`crate::RawResponse`]).
    Object,
}

impl Model {
    /// The model's type name, e.g. `ActionResponse` (`RawResponse` for [`Model::Object`]).
    pub fn type_name(self) -> &'static str {
        match self {
            Model::Phlo => "Phlo",
            Model::PhloRunStarted => "PhloRunStarted",
            Model::PhloRun => "PhloRun",
            Model::Node => "Node",
            Model::ActionResponse => "ActionResponse",
            Model::Object => "RawResponse",
        }
    }
}

/// What a parameter holds, which decides how each binding takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// An id: 1 to 64 characters of `[A-Za-z0-9-]`.
    Id,
    /// A phone number or a SIP URI.
    Address,
    /// `agent`, `customer` or `supervisor`.
    Role,
    /// An action name, e.g. `hold`.
    Action,
    /// `multi_party_call` or `conference_bridge` ([`NodeType`]).
    NodeType,
    /// `GET`, `POST`, `PUT` or `DELETE` ([`Method`]).
    Method,
    /// A path from `/v1/`.
    Path,
    /// A JSON object.
    Object,
    /// Any JSON value.
    Json,
}

impl ParamKind {
    /// Whether the value is JSON (an object or any value) rather than text.
    pub fn is_json(self) -> bool {
        matches!(self, ParamKind::Object | ParamKind::Json)
    }

    /// The kind's name, as [`operations_json`] gives it: `id`, `address`, `role`, `action`,
    /// `node_type`, `method`, `path`, `object` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamKind::Id => "id",
            ParamKind::Address => "address",
            ParamKind::Role => "role",
            ParamKind::Action => "action",
            ParamKind::NodeType => "node_type",
            ParamKind::Method => "method",
            ParamKind::Path => "path",
            ParamKind::Object => "object",
            ParamKind::Json => "json",
        }
    }
}

/// One parameter of the operations. A name means the same thing in every operation that has
/// it, so its kind, style and doc are written once, here.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The name, e.g. `trigger_source`.
    pub name: &'static str,
    /// What it holds.
    pub kind: ParamKind,
    /// Taken by name where a binding tells named arguments from positional ones (the CLI's
    /// `--flags`, Perl's `name => value` pairs); the others are positional, in the row's order.
    pub named: bool,
    /// One line on what it is.
    pub doc: &'static str,
}

/// Every parameter of the operations.
#[rustfmt::skip]
pub const PARAMS: &[ParamSpec] = &[
    ParamSpec { name: "phlo_id",        kind: ParamKind::Id,       named: false, doc: "The PHLO id." },
    ParamSpec { name: "node_type",      kind: ParamKind::NodeType, named: false, doc: "The node type: multi_party_call or conference_bridge." },
    ParamSpec { name: "node_id",        kind: ParamKind::Id,       named: false, doc: "The node id." },
    ParamSpec { name: "run_id",         kind: ParamKind::Id,       named: false, doc: "The run id." },
    ParamSpec { name: "member_id",      kind: ParamKind::Address,  named: false, doc: "The member's address: a phone number or SIP URI." },
    ParamSpec { name: "action",         kind: ParamKind::Action,   named: false, doc: "The action, e.g. hold or cold_transfer." },
    ParamSpec { name: "trigger_source", kind: ParamKind::Address,  named: true,  doc: "The connected member on whose behalf the action runs: a phone number or SIP URI." },
    ParamSpec { name: "to",             kind: ParamKind::Address,  named: true,  doc: "The party to dial: a phone number or SIP URI." },
    ParamSpec { name: "role",           kind: ParamKind::Role,     named: true,  doc: "The dialled party's role: agent, customer or supervisor." },
    ParamSpec { name: "payload",        kind: ParamKind::Object,   named: false, doc: "The start node's variables, a JSON object; entries that are null are dropped." },
    ParamSpec { name: "method",         kind: ParamKind::Method,   named: false, doc: "The HTTP method: GET, POST, PUT or DELETE." },
    ParamSpec { name: "path",           kind: ParamKind::Path,     named: false, doc: "The path, from /v1/ (e.g. /v1/phlo/<id>)." },
    ParamSpec { name: "body",           kind: ParamKind::Json,     named: false, doc: "The JSON body (a POST without one sends {})." },
];

impl ParamSpec {
    /// The parameter named `name`.
    pub fn find(name: &str) -> Option<&'static ParamSpec> {
        PARAMS.iter().find(|p| p.name == name)
    }
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
    /// The parameter names (rows of [`PARAMS`]), in order; a trailing `?` marks an optional one.
    pub params: &'static [&'static str],
    /// One sentence on what it does.
    pub doc: &'static str,
}

/// One parameter of a row: its [`ParamSpec`] and whether the row requires it.
#[derive(Clone, Copy, Debug)]
pub struct RowParam {
    /// The parameter.
    pub spec: &'static ParamSpec,
    /// Whether a value must be given.
    pub required: bool,
}

impl OpSpec {
    /// The row named `name`.
    pub fn find(name: &str) -> Option<&'static OpSpec> {
        OPERATIONS.iter().find(|s| s.name == name)
    }

    /// The row named `name`, found when the program is compiled (the typed methods generated
    /// from the table name their row this way: a row that is gone fails the build).
    pub const fn named(name: &str) -> &'static OpSpec {
        let mut i = 0;
        while i < OPERATIONS.len() {
            if const_eq(OPERATIONS[i].name, name) {
                return &OPERATIONS[i];
            }
            i += 1;
        }
        panic!("no row of OPERATIONS has this name: run `cargo xtask gen`");
    }

    /// The row's parameters, in order, each with its [`ParamSpec`].
    ///
    /// Panics when a name is not a row of [`PARAMS`] (a test checks every row).
    pub fn params(&self) -> impl Iterator<Item = RowParam> + '_ {
        self.params.iter().map(|p| {
            let (name, required) = match p.strip_suffix('?') {
                Some(n) => (n, false),
                None => (*p, true),
            };
            let spec = ParamSpec::find(name)
                .unwrap_or_else(|| panic!("{}: {name} is not a row of PARAMS", self.name));
            RowParam { spec, required }
        })
    }

    /// The model its answer is read into.
    pub fn model(&self) -> Model {
        self.endpoint.model()
    }
}

/// String equality in a `const fn`.
const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The table of named operations as a JSON array, for bindings and tools that list the
/// operations or make their methods at run time. One object per row:
/// `{"name", "params": [required..], "optional": [..], "named": [..], "kinds": {name: kind},
/// "endpoint", "action", "node_type", "default_role", "doc"}`, where `named` lists the
/// parameters taken by name ([`ParamSpec::named`]), `kinds` gives each parameter's
/// [`ParamKind::as_str`], and absent values are `null`.
pub fn operations_json() -> String {
    let rows: Vec<Value> = OPERATIONS
        .iter()
        .map(|s| {
            let names = |keep: fn(&RowParam) -> bool| {
                s.params()
                    .filter(keep)
                    .map(|p| p.spec.name)
                    .collect::<Vec<_>>()
            };
            let kinds: Map<String, Value> = s
                .params()
                .map(|p| (p.spec.name.to_owned(), Value::from(p.spec.kind.as_str())))
                .collect();
            serde_json::json!({
                "name": s.name,
                "params": names(|p| p.required),
                "optional": names(|p| !p.required),
                "named": names(|p| p.spec.named),
                "kinds": kinds,
                "endpoint": s.endpoint.as_str(),
                "action": s.action,
                "node_type": s.node_type.map(NodeType::as_str),
                "default_role": s.default_role,
                "doc": s.doc,
            })
        })
        .collect();
    Value::Array(rows).to_string()
}

const MPC: Option<NodeType> = Some(NodeType::MultiPartyCall);
const BRIDGE: Option<NodeType> = Some(NodeType::ConferenceBridge);
const MEMBER: &[&str] = &["phlo_id", "node_id", "member_id"];
const TRANSFER: &[&str] = &["phlo_id", "node_id", "trigger_source", "to", "role?"];

/// Every named operation, in the order of the API reference. Each binding's typed methods, the
/// CLI's subcommands and the lists in the docs are made from these rows: adding an operation is
/// one row here (and the simulator's rule for it).
#[rustfmt::skip]
pub const OPERATIONS: &[OpSpec] = &[
    OpSpec { name: "get_phlo",                  endpoint: Endpoint::GetPhlo,      action: None,                   node_type: None,   default_role: None,          params: &["phlo_id"],                          doc: "Reads a PHLO's metadata; an unknown PHLO is not_found." },
    OpSpec { name: "run_phlo",                  endpoint: Endpoint::RunPhlo,      action: None,                   node_type: None,   default_role: None,          params: &["phlo_id", "payload?"],              doc: "Starts a run of a PHLO, with optional start variables; a \"stopped ...\" message is still a success." },
    OpSpec { name: "get_phlo_run",              endpoint: Endpoint::GetPhloRun,   action: None,                   node_type: None,   default_role: None,          params: &["phlo_id", "run_id"],                doc: "Reads a PHLO run (legacy endpoint; any field may be missing)." },
    OpSpec { name: "get_node",                  endpoint: Endpoint::GetNode,      action: None,                   node_type: None,   default_role: None,          params: &["phlo_id", "node_type", "node_id"],  doc: "Reads a node of either type." },
    OpSpec { name: "get_multi_party_call",      endpoint: Endpoint::GetNode,      action: None,                   node_type: MPC,    default_role: None,          params: &["phlo_id", "node_id"],               doc: "Reads a multi-party-call node." },
    OpSpec { name: "get_conference_bridge",     endpoint: Endpoint::GetNode,      action: None,                   node_type: BRIDGE, default_role: None,          params: &["phlo_id", "node_id"],               doc: "Reads a conference-bridge node." },
    OpSpec { name: "mpc_call",                  endpoint: Endpoint::NodeAction,   action: Some("call"),           node_type: MPC,    default_role: None,          params: &["phlo_id", "node_id", "trigger_source", "to", "role"], doc: "Dials `to` into the multi-party call with `role`, on behalf of `trigger_source`." },
    OpSpec { name: "mpc_warm_transfer",         endpoint: Endpoint::NodeAction,   action: Some("warm_transfer"),  node_type: MPC,    default_role: Some("agent"), params: TRANSFER,                              doc: "Consultative transfer: `trigger_source` talks to `to` first while the other members wait on hold." },
    OpSpec { name: "mpc_cold_transfer",         endpoint: Endpoint::NodeAction,   action: Some("cold_transfer"),  node_type: MPC,    default_role: Some("agent"), params: TRANSFER,                              doc: "Blind transfer: the other party is connected to `to` and `trigger_source` leaves the call." },
    OpSpec { name: "mpc_member_abort_transfer", endpoint: Endpoint::MemberAction, action: Some("abort_transfer"), node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Cancels the warm transfer this member started." },
    OpSpec { name: "mpc_member_resume_call",    endpoint: Endpoint::MemberAction, action: Some("resume_call"),    node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Completes a warm transfer: the member goes back into the call." },
    OpSpec { name: "mpc_member_voicemail_drop", endpoint: Endpoint::MemberAction, action: Some("voicemail_drop"), node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Leaves the node's voicemail on the member's line and drops the member." },
    OpSpec { name: "mpc_member_hangup",         endpoint: Endpoint::MemberAction, action: Some("hangup"),         node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Disconnects a multi-party-call member." },
    OpSpec { name: "mpc_member_hold",           endpoint: Endpoint::MemberAction, action: Some("hold"),           node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Puts a multi-party-call member on hold." },
    OpSpec { name: "mpc_member_unhold",         endpoint: Endpoint::MemberAction, action: Some("unhold"),         node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Takes a multi-party-call member off hold." },
    OpSpec { name: "mpc_member_mute",           endpoint: Endpoint::MemberAction, action: Some("mute"),           node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Mutes a multi-party-call member." },
    OpSpec { name: "mpc_member_unmute",         endpoint: Endpoint::MemberAction, action: Some("unmute"),         node_type: MPC,    default_role: None,          params: MEMBER,                                doc: "Unmutes a multi-party-call member." },
    OpSpec { name: "bridge_member_mute",        endpoint: Endpoint::MemberAction, action: Some("mute"),           node_type: BRIDGE, default_role: None,          params: MEMBER,                                doc: "Mutes a conference-bridge member." },
    OpSpec { name: "bridge_member_unmute",      endpoint: Endpoint::MemberAction, action: Some("unmute"),         node_type: BRIDGE, default_role: None,          params: MEMBER,                                doc: "Unmutes a conference-bridge member." },
    OpSpec { name: "bridge_member_hangup",      endpoint: Endpoint::MemberAction, action: Some("hangup"),         node_type: BRIDGE, default_role: None,          params: MEMBER,                                doc: "Disconnects a conference-bridge member." },
    OpSpec { name: "node_action",               endpoint: Endpoint::NodeAction,   action: None,                   node_type: MPC,    default_role: None,          params: &["phlo_id", "node_id", "action", "trigger_source", "to", "role?"], doc: "Any multi-party-call action by name; `role` is left out of the request when not given." },
    OpSpec { name: "member_action",             endpoint: Endpoint::MemberAction, action: None,                   node_type: None,   default_role: None,          params: &["phlo_id", "node_type", "node_id", "member_id", "action"], doc: "Any member action by name, on either node type." },
    OpSpec { name: "raw",                       endpoint: Endpoint::Raw,          action: None,                   node_type: None,   default_role: None,          params: &["method", "path", "body?"],           doc: "Any request the typed operations lack: a method, a path from /v1/ and an optional JSON body, with the same credentials, retries and errors." },
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
    fn every_row_names_parameters_of_the_table_and_every_parameter_is_used() {
        for spec in OPERATIONS {
            let names: Vec<&str> = spec.params().map(|p| p.spec.name).collect();
            assert_eq!(names.len(), spec.params.len(), "{}", spec.name);
            assert!(spec.doc.ends_with('.'), "{}", spec.name);
            // Fixed node types and actions are not also parameters.
            assert!(
                spec.node_type.is_none() || !names.contains(&"node_type"),
                "{}",
                spec.name
            );
            assert!(
                spec.action.is_none() || !names.contains(&"action"),
                "{}",
                spec.name
            );
            assert_eq!(OpSpec::named(spec.name).name, spec.name);
            // Required parameters first: the bindings' signatures (Python's, Perl's positional
            // arguments) list them in the row's order, and an optional one cannot come before a
            // required one there.
            let required: Vec<bool> = spec.params().map(|p| p.required).collect();
            assert!(required.windows(2).all(|w| w[0] || !w[1]), "{}", spec.name);
            // An operation named after a node type's short name has that fixed node type.
            for t in NodeType::ALL {
                if spec.name.starts_with(&format!("{}_", t.short_name())) {
                    assert_eq!(spec.node_type, Some(t), "{}", spec.name);
                }
            }
        }
        for p in PARAMS {
            assert!(
                OPERATIONS
                    .iter()
                    .any(|s| s.params().any(|q| q.spec.name == p.name)),
                "{} is in no row",
                p.name
            );
        }
        let mut names: Vec<&str> = OPERATIONS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len(), "operation names are unique");
    }

    #[test]
    fn the_json_table_describes_every_row() {
        let v: Value = serde_json::from_str(&operations_json()).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), OPERATIONS.len());
        let cold = rows
            .iter()
            .find(|r| r["name"] == "mpc_cold_transfer")
            .unwrap();
        assert_eq!(
            cold["params"],
            json!(["phlo_id", "node_id", "trigger_source", "to"])
        );
        assert_eq!(cold["optional"], json!(["role"]));
        assert_eq!(cold["named"], json!(["trigger_source", "to", "role"]));
        assert_eq!(cold["kinds"]["to"], "address");
        let run = rows.iter().find(|r| r["name"] == "run_phlo").unwrap();
        assert_eq!(run["kinds"], json!({"phlo_id": "id", "payload": "object"}));
        assert_eq!(cold["endpoint"], "node_action");
        assert_eq!(cold["action"], "cold_transfer");
        assert_eq!(cold["node_type"], "multi_party_call");
        assert_eq!(cold["default_role"], "agent");
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

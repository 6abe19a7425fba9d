//! The PHLO runner API (`/v1/...`): routing, authentication, validation and the effect of each
//! operation on the state. Pure: bytes in, [`Reply`] out, with the state locked by the caller.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine};
use hyper::Method;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{MemberAction, NodeAction, NodeType, Refusal, BAD_ACTION};
use crate::state::{Inner, Run};
use crate::util::{is_address, percent_decode, uuid_v4};

/// Message of a 400 when the body is not a JSON object.
pub(crate) const BAD_BODY: &str = "Invalid value provided for body.";
/// Longest string accepted in an action body field.
const MAX_FIELD_CHARS: usize = 128;

/// A response before it is put on the wire.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Compact JSON.
    pub(crate) body: String,
    /// The `Allow` header of a 405.
    pub(crate) allow: Option<&'static str>,
}

impl Reply {
    fn json<T: Serialize>(status: u16, body: &T) -> Reply {
        Reply {
            status,
            body: serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
            allow: None,
        }
    }

    /// An error in Plivo's shape: `{"api_id":"<uuid>","error":"<message>"}`.
    pub(crate) fn error(status: u16, message: &str) -> Reply {
        Reply::json(
            status,
            &ErrorBody {
                api_id: uuid_v4(),
                error: message,
            },
        )
    }

    /// 404 with body `{}`, as the service answers unknown ids.
    pub(crate) fn not_found() -> Reply {
        Reply {
            status: 404,
            body: "{}".into(),
            allow: None,
        }
    }

    fn bad(message: &str) -> Reply {
        Reply::error(400, message)
    }

    fn unauthorized() -> Reply {
        Reply::error(401, "authentication failed")
    }

    fn method_not_allowed(allow: &'static str) -> Reply {
        Reply {
            allow: Some(allow),
            ..Reply::error(405, "Method not allowed.")
        }
    }

    fn refused(r: Refusal) -> Reply {
        match r {
            Refusal::NotFound => Reply::not_found(),
            Refusal::Bad(m) => Reply::bad(m),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    api_id: String,
    error: &'a str,
}

#[derive(Serialize)]
struct PhloBody<'a> {
    api_id: String,
    phlo_id: &'a str,
    name: &'a str,
    created_on: &'a str,
}

#[derive(Serialize)]
struct NodeBody<'a> {
    api_id: String,
    node_id: &'a str,
    phlo_id: &'a str,
    name: &'a str,
    node_type: &'a str,
    created_on: &'a str,
}

#[derive(Serialize)]
struct RunBody<'a> {
    api_id: &'a str,
    phlo_id: &'a str,
    phlo_run_id: &'a str,
    message: String,
}

#[derive(Serialize)]
struct RunGetBody<'a> {
    api_id: String,
    phlo_id: &'a str,
    run_id: &'a str,
    call_uuids: &'a [String],
    message_uuids: [&'a str; 0],
    recording_ids: [&'a str; 0],
}

/// Base64 that accepts padded and unpadded input.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The auth id of a valid `Authorization: Basic ...` header, if it names a known account.
fn authenticate<'a>(accounts: &'a [(String, String)], header: Option<&[u8]>) -> Option<&'a str> {
    let header = std::str::from_utf8(header?).ok()?.trim();
    let (scheme, creds) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = B64.decode(creds.trim()).ok()?;
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let (id, token) = decoded.split_once(':')?;
    accounts
        .iter()
        .find(|(i, t)| i == id && t == token)
        .map(|(i, _)| i.as_str())
}

/// Parses an action or run body: empty (or only whitespace) means `{}`; anything but a JSON
/// object is refused with [`BAD_BODY`].
fn body_object(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Reply::bad(BAD_BODY)),
    }
}

/// A string field of an action body, checked for presence, type and length.
fn str_field<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    required: bool,
) -> Result<Option<&'a str>, Reply> {
    match body.get(name) {
        None | Some(Value::Null) if required => {
            Err(Reply::bad(&format!("{name} is a mandatory param.")))
        }
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => Err(Reply::bad(&format!(
            "Invalid value provided for {name}. The {name} can be maximum {MAX_FIELD_CHARS} characters long."
        ))),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Reply::bad(&format!(
            "Invalid value provided for {name}. {name} expects a/an string."
        ))),
    }
}

/// An address field (`to`, `trigger_source`): required, a phone number or SIP URI.
fn address_field<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Reply> {
    let s = str_field(body, name, true)?.unwrap_or_default();
    if is_address(s) {
        Ok(s)
    } else {
        Err(Reply::bad(&format!("Invalid value provided for {name}.")))
    }
}

/// Handles one `/v1` request (or any path outside `/_sim`). `path` is the raw request path.
pub(crate) fn handle(
    g: &mut Inner,
    accounts: &[(String, String)],
    method: &Method,
    path: &str,
    authorization: Option<&[u8]>,
    body: &[u8],
) -> Reply {
    let rest = match path.strip_prefix("/v1") {
        Some(r) if r.is_empty() || r.starts_with('/') => r,
        _ => return Reply::not_found(),
    };
    let Some(auth_id) = authenticate(accounts, authorization) else {
        return Reply::unauthorized();
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let segs: Vec<String> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('/').map(percent_decode).collect()
    };
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let get = *method == Method::GET || *method == Method::HEAD;
    let post = *method == Method::POST;
    let created = if g.status_200 { 200 } else { 201 };

    match segs.as_slice() {
        ["phlo", p] => {
            if !get {
                return Reply::method_not_allowed("GET");
            }
            get_phlo(g, p)
        }
        ["account", a, "phlo", p] => {
            if !post {
                return Reply::method_not_allowed("POST");
            }
            if *a != auth_id {
                return Reply::unauthorized();
            }
            run_phlo(g, p, body, created)
        }
        ["phlo", p, "runs", r] => {
            if !get {
                return Reply::method_not_allowed("GET");
            }
            get_run(g, p, r)
        }
        ["phlo", p, t, n] if NodeType::parse(t).is_some() => {
            let node_type = NodeType::parse(t).unwrap_or(NodeType::MultiPartyCall);
            match (node_type, get, post) {
                (_, true, _) => get_node(g, p, node_type, n),
                (NodeType::MultiPartyCall, _, true) => node_action(g, p, n, body, created),
                (NodeType::MultiPartyCall, _, _) => Reply::method_not_allowed("GET, POST"),
                (NodeType::ConferenceBridge, _, _) => Reply::method_not_allowed("GET"),
            }
        }
        ["phlo", p, t, n, "members", m] if NodeType::parse(t).is_some() => {
            if !post {
                return Reply::method_not_allowed("POST");
            }
            let node_type = NodeType::parse(t).unwrap_or(NodeType::MultiPartyCall);
            member_action(g, p, node_type, n, m, body, created)
        }
        _ => Reply::not_found(),
    }
}

fn get_phlo(g: &Inner, p: &str) -> Reply {
    match g.phlos.get(p) {
        Some(phlo) => Reply::json(
            200,
            &PhloBody {
                api_id: uuid_v4(),
                phlo_id: &phlo.id,
                name: &phlo.name,
                created_on: &phlo.created_on,
            },
        ),
        None => Reply::not_found(),
    }
}

fn run_phlo(g: &mut Inner, p: &str, body: &[u8], created: u16) -> Reply {
    let Some(phlo) = g.phlos.get_mut(p).filter(|phlo| phlo.accepts_runs) else {
        return Reply::not_found();
    };
    let payload = match body_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let run_id = uuid_v4();
    let from = payload.get("from").and_then(Value::as_str);
    let to = payload.get("to").and_then(Value::as_str);
    let (message, call_uuids) = match (phlo.nodes.first_mut(), from, to) {
        (Some(node), Some(from), Some(to)) if node.node_type == NodeType::MultiPartyCall => {
            node.open_call(from, to);
            (
                format!(
                    "b'Multi-Party Call' - b'{}' with phlo_run_uuid: {run_id} executed",
                    node.name
                ),
                vec![uuid_v4(), uuid_v4()],
            )
        }
        _ => (
            format!(
                "stopped. next node uuid not found for b'Start' - b'Start' with output state: http - phlo_run_id {run_id}"
            ),
            Vec::new(),
        ),
    };
    let phlo_id = phlo.id.clone();
    let reply = Reply::json(
        created,
        &RunBody {
            api_id: &run_id,
            phlo_id: &phlo_id,
            phlo_run_id: &run_id,
            message,
        },
    );
    g.add_run(
        run_id,
        Run {
            phlo_id,
            payload: Value::Object(payload),
            call_uuids,
        },
    );
    reply
}

fn get_run(g: &Inner, p: &str, r: &str) -> Reply {
    match g.runs.get(r).filter(|run| run.phlo_id == p) {
        Some(run) => Reply::json(
            200,
            &RunGetBody {
                api_id: uuid_v4(),
                phlo_id: &run.phlo_id,
                run_id: r,
                call_uuids: &run.call_uuids,
                message_uuids: [],
                recording_ids: [],
            },
        ),
        None => Reply::not_found(),
    }
}

fn get_node(g: &Inner, p: &str, node_type: NodeType, n: &str) -> Reply {
    let node = g
        .phlos
        .get(p)
        .and_then(|phlo| phlo.nodes.iter().find(|x| x.id == n))
        .filter(|x| x.node_type == node_type);
    match node {
        Some(node) => Reply::json(
            200,
            &NodeBody {
                api_id: uuid_v4(),
                node_id: &node.id,
                phlo_id: p,
                name: &node.name,
                node_type: node.node_type.as_str(),
                created_on: &node.created_on,
            },
        ),
        None => Reply::not_found(),
    }
}

fn action_ok(created: u16) -> Reply {
    Reply::json(
        created,
        &ErrorBody {
            api_id: uuid_v4(),
            error: "",
        },
    )
}

/// Checks an operation-5 body in the documented order: body shape, `action`, `to`,
/// `trigger_source`, `role`.
fn node_action_args(body: &[u8]) -> Result<(NodeAction, String, String, String), Reply> {
    let body = body_object(body)?;
    let action = str_field(&body, "action", true)?.unwrap_or_default();
    let action = NodeAction::parse(action).ok_or_else(|| Reply::bad(BAD_ACTION))?;
    let to = address_field(&body, "to")?;
    let trigger = address_field(&body, "trigger_source")?;
    let role = match str_field(&body, "role", action == NodeAction::Call)? {
        Some(r @ ("agent" | "customer" | "supervisor")) => r,
        Some(_) => return Err(Reply::bad("Invalid value provided for role.")),
        None => "agent",
    };
    Ok((action, to.to_owned(), role.to_owned(), trigger.to_owned()))
}

fn node_action(g: &mut Inner, p: &str, n: &str, body: &[u8], created: u16) -> Reply {
    let Some(node) = g
        .phlos
        .get_mut(p)
        .and_then(|phlo| phlo.node_mut(n))
        .filter(|x| x.node_type == NodeType::MultiPartyCall)
    else {
        return Reply::not_found();
    };
    let (action, to, role, trigger) = match node_action_args(body) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match node.node_action(action, &to, &role, &trigger) {
        Ok(()) => action_ok(created),
        Err(r) => Reply::refused(r),
    }
}

fn member_action(
    g: &mut Inner,
    p: &str,
    node_type: NodeType,
    n: &str,
    m: &str,
    body: &[u8],
    created: u16,
) -> Reply {
    let Some(node) = g
        .phlos
        .get_mut(p)
        .and_then(|phlo| phlo.node_mut(n))
        .filter(|x| x.node_type == node_type)
    else {
        return Reply::not_found();
    };
    let action = match body_object(body).and_then(|b| {
        let a = str_field(&b, "action", true)?.unwrap_or_default();
        MemberAction::parse(a, node_type).ok_or_else(|| Reply::bad(BAD_ACTION))
    }) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match node.member_action(action, m) {
        Ok(()) => action_ok(created),
        Err(r) => Reply::refused(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth() {
        let accounts = vec![("MAXXXXXXXXXXXXXXXXXX".to_string(), "token123".to_string())];
        let good = b"Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=";
        assert_eq!(
            authenticate(&accounts, Some(good)),
            Some("MAXXXXXXXXXXXXXXXXXX")
        );
        assert_eq!(
            authenticate(
                &accounts,
                Some(b"basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM")
            ),
            Some("MAXXXXXXXXXXXXXXXXXX")
        );
        assert_eq!(authenticate(&accounts, Some(b"Bearer x")), None);
        assert_eq!(authenticate(&accounts, None), None);
    }

    #[test]
    fn validation_order() {
        let msg = |b: &str| match node_action_args(b.as_bytes()) {
            Ok(_) => "ok".to_string(),
            Err(r) => serde_json::from_str::<Value>(&r.body).unwrap()["error"]
                .as_str()
                .unwrap()
                .to_string(),
        };
        assert_eq!(msg("[]"), BAD_BODY);
        assert_eq!(msg("{"), BAD_BODY);
        assert_eq!(msg("{}"), "action is a mandatory param.");
        assert_eq!(msg(r#"{"action":"teleport"}"#), BAD_ACTION);
        assert_eq!(
            msg(r#"{"action":5}"#),
            "Invalid value provided for action. action expects a/an string."
        );
        assert_eq!(msg(r#"{"action":"call"}"#), "to is a mandatory param.");
        assert_eq!(
            msg(r#"{"action":"call","to":"x"}"#),
            "Invalid value provided for to."
        );
        assert_eq!(
            msg(r#"{"action":"call","to":"+14155551234"}"#),
            "trigger_source is a mandatory param."
        );
        assert_eq!(
            msg(r#"{"action":"call","to":"+14155551234","trigger_source":"+14152223333"}"#),
            "role is a mandatory param."
        );
        assert_eq!(
            msg(
                r#"{"action":"cold_transfer","to":"+14155551234","trigger_source":"+14152223333"}"#
            ),
            "ok"
        );
        assert_eq!(
            msg(
                r#"{"action":"call","to":"+14155551234","trigger_source":"+14152223333","role":"boss"}"#
            ),
            "Invalid value provided for role."
        );
        let long = "1".repeat(129);
        assert_eq!(
            msg(&format!(r#"{{"action":"call","to":"{long}"}}"#)),
            "Invalid value provided for to. The to can be maximum 128 characters long."
        );
    }
}

//! The fixture format: the PHLOs, nodes and calls a simulator starts with.
//!
//! A fixture is read by `phlo-sim --fixture FILE.json`, by [`SimConfig::fixture`](crate::SimConfig)
//! and by `POST /_sim/phlos` (which adds or replaces PHLOs in the running state; `POST /_sim/reset`
//! still restores the fixture the server *started* with).
//!
//! ```json
//! {
//!   "phlos": [
//!     {
//!       "phlo_id": "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b",
//!       "name": "support line",
//!       "created_on": "2024-05-14 09:31:07.114209+00:00",
//!       "accepts_runs": true,
//!       "nodes": [
//!         {
//!           "node_id": "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d",
//!           "node_type": "multi_party_call",
//!           "name": "Multi-Party Call_1",
//!           "created_on": "2024-05-14 09:31:07.180553+00:00",
//!           "members": [
//!             {"address": "+14152223333", "role": "agent", "state": "connected"},
//!             {"address": "+14153336666", "role": "customer", "state": "connected"}
//!           ]
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! | field | required | default | meaning |
//! | --- | --- | --- | --- |
//! | `phlos` | yes | — | array of PHLO objects (the top level may also be the array itself) |
//! | PHLO `phlo_id` | yes | — | non-empty string; the id used in paths (compared exactly, so use lower case) |
//! | PHLO `name` | no | `""` | returned by get PHLO |
//! | PHLO `created_on` | no | load time | string, normally `YYYY-MM-DD HH:MM:SS.ffffff+00:00` |
//! | PHLO `accepts_runs` | no | `true` | `false`: a run answers 404 `{}` |
//! | PHLO `nodes` | no | `[]` | array of nodes; **the first node is the one a run reaches first** |
//! | node `node_id` | yes | — | non-empty string |
//! | node `node_type` | yes | — | `multi_party_call` or `conference_bridge` |
//! | node `name` | no | `Multi-Party Call_1` / `Conference Bridge_1` | returned by get node |
//! | node `created_on` | no | load time | as for the PHLO |
//! | node `members` | no | `[]` | the call's parties, in order |
//! | node `call_active` | no | ≥ 2 non-`left` members (multi-party call), ≥ 1 (bridge) | `false`: actions on the node answer 404 |
//! | node `pending_transfer` | no | `null` | `{"initiator": A, "target": B}`: a warm transfer in progress; members `on_hold` are the ones it holds |
//! | member `address` | yes | — | phone number or SIP URI (not checked, so odd addresses can be tested) |
//! | member `role` | no | `customer` | `agent`, `customer` or `supervisor` |
//! | member `state` | no | `connected` | `connected`, `on_hold`, `muted`, `consulting`, `ringing` or `left` |
//!
//! Unknown fields are ignored. Anything else malformed is an error naming the field.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{Member, MemberState, Node, NodeType, Phlo, Transfer};
use crate::util::now_timestamp;
use crate::{DEMO_BRIDGE_NODE_ID, DEMO_MPC_NODE_ID, DEMO_NO_RUNS_PHLO_ID, DEMO_PHLO_ID};

/// PHLOs by id.
pub(crate) type Phlos = BTreeMap<String, Phlo>;

/// The built-in demo fixture, as JSON in the fixture format.
///
/// Two PHLOs: [`DEMO_PHLO_ID`] ("support line", accepts runs) with a multi-party call
/// ([`DEMO_MPC_NODE_ID`], agent `+14152223333` and customer `+14153336666` connected) and a
/// conference bridge ([`DEMO_BRIDGE_NODE_ID`], `+14155550123` and `+14155550124` connected); and
/// [`DEMO_NO_RUNS_PHLO_ID`] ("no api runs", does not accept runs, no nodes).
pub fn demo() -> Value {
    serde_json::json!({
        "phlos": [
            {
                "phlo_id": DEMO_PHLO_ID,
                "name": "support line",
                "created_on": "2024-05-14 09:31:07.114209+00:00",
                "accepts_runs": true,
                "nodes": [
                    {
                        "node_id": DEMO_MPC_NODE_ID,
                        "node_type": "multi_party_call",
                        "name": "Multi-Party Call_1",
                        "created_on": "2024-05-14 09:31:07.180553+00:00",
                        "members": [
                            {"address": "+14152223333", "role": "agent", "state": "connected"},
                            {"address": "+14153336666", "role": "customer", "state": "connected"}
                        ]
                    },
                    {
                        "node_id": DEMO_BRIDGE_NODE_ID,
                        "node_type": "conference_bridge",
                        "name": "Conference Bridge_1",
                        "created_on": "2024-05-14 09:31:07.201876+00:00",
                        "members": [
                            {"address": "+14155550123", "role": "customer", "state": "connected"},
                            {"address": "+14155550124", "role": "customer", "state": "connected"}
                        ]
                    }
                ]
            },
            {
                "phlo_id": DEMO_NO_RUNS_PHLO_ID,
                "name": "no api runs",
                "created_on": "2024-05-14 09:40:12.503311+00:00",
                "accepts_runs": false,
                "nodes": []
            }
        ]
    })
}

/// Checks a fixture and reports the first problem, naming the field. Accepts the same shapes as
/// `--fixture` and `POST /_sim/phlos`: `{"phlos": [...]}`, an array of PHLOs, or one PHLO object.
pub fn validate(fixture: &Value) -> Result<(), String> {
    parse(fixture).map(|_| ())
}

/// Parses a fixture into PHLOs, in the order given.
pub(crate) fn parse(fixture: &Value) -> Result<Vec<Phlo>, String> {
    let list: Vec<&Value> = match fixture {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("phlos") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(_) => return Err("`phlos` must be an array".into()),
            None if o.contains_key("phlo_id") => vec![fixture],
            None => return Err("a fixture needs `phlos` (an array of PHLO objects)".into()),
        },
        _ => return Err("a fixture must be a JSON object or array".into()),
    };
    list.iter()
        .enumerate()
        .map(|(i, p)| parse_phlo(p).map_err(|e| format!("phlos[{i}]: {e}")))
        .collect()
}

/// Parses a fixture into the id-keyed map the simulator keeps.
pub(crate) fn parse_map(fixture: &Value) -> Result<Phlos, String> {
    Ok(parse(fixture)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect())
}

fn obj<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be a JSON object"))
}

fn req_str(o: &Map<String, Value>, key: &str) -> Result<String, String> {
    match o.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(format!("`{key}` must not be empty")),
        Some(_) => Err(format!("`{key}` must be a string")),
        None => Err(format!("`{key}` is required")),
    }
}

fn opt_str(o: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

fn opt_bool(o: &Map<String, Value>, key: &str) -> Result<Option<bool>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("`{key}` must be true or false")),
    }
}

fn opt_array<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("`{key}` must be an array")),
    }
}

fn parse_phlo(v: &Value) -> Result<Phlo, String> {
    let o = obj(v, "a PHLO")?;
    let id = req_str(o, "phlo_id")?;
    let nodes = opt_array(o, "nodes")?
        .iter()
        .enumerate()
        .map(|(i, n)| parse_node(n).map_err(|e| format!("nodes[{i}]: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Phlo {
        id,
        name: opt_str(o, "name")?.unwrap_or_default(),
        created_on: opt_str(o, "created_on")?.unwrap_or_else(now_timestamp),
        accepts_runs: opt_bool(o, "accepts_runs")?.unwrap_or(true),
        nodes,
    })
}

fn parse_node(v: &Value) -> Result<Node, String> {
    let o = obj(v, "a node")?;
    let id = req_str(o, "node_id")?;
    let type_name = req_str(o, "node_type")?;
    let node_type = NodeType::parse(&type_name)
        .ok_or("`node_type` must be multi_party_call or conference_bridge")?;
    let members = opt_array(o, "members")?
        .iter()
        .enumerate()
        .map(|(i, m)| parse_member(m).map_err(|e| format!("members[{i}]: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|p| p.address == m.address) {
            return Err(format!("member {} is listed twice", m.address));
        }
    }
    let live = members
        .iter()
        .filter(|m| m.state != MemberState::Left)
        .count();
    let default_active = match node_type {
        NodeType::MultiPartyCall => live >= 2,
        NodeType::ConferenceBridge => live >= 1,
    };
    let pending = match o.get("pending_transfer") {
        None | Some(Value::Null) => None,
        Some(t) => {
            let t = obj(t, "`pending_transfer`")?;
            let initiator = req_str(t, "initiator")?;
            let target = req_str(t, "target")?;
            let held = members
                .iter()
                .filter(|m| m.state == MemberState::OnHold)
                .map(|m| m.address.clone())
                .collect();
            if node_type != NodeType::MultiPartyCall {
                return Err("`pending_transfer` is only for multi_party_call nodes".into());
            }
            Some(Transfer {
                initiator,
                target,
                held,
            })
        }
    };
    Ok(Node {
        id,
        node_type,
        name: opt_str(o, "name")?.unwrap_or_else(|| match node_type {
            NodeType::MultiPartyCall => "Multi-Party Call_1".into(),
            NodeType::ConferenceBridge => "Conference Bridge_1".into(),
        }),
        created_on: opt_str(o, "created_on")?.unwrap_or_else(now_timestamp),
        call_active: opt_bool(o, "call_active")?.unwrap_or(default_active),
        members,
        pending,
    })
}

fn parse_member(v: &Value) -> Result<Member, String> {
    let o = obj(v, "a member")?;
    let address = req_str(o, "address")?;
    let role = opt_str(o, "role")?.unwrap_or_else(|| "customer".into());
    if !matches!(role.as_str(), "agent" | "customer" | "supervisor") {
        return Err("`role` must be agent, customer or supervisor".into());
    }
    let state = match opt_str(o, "state")? {
        None => MemberState::Connected,
        Some(s) => MemberState::parse(&s)
            .ok_or("`state` must be connected, on_hold, muted, consulting, ringing or left")?,
    };
    Ok(Member {
        address,
        role,
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_parses() {
        let phlos = parse_map(&demo()).unwrap();
        assert_eq!(phlos.len(), 2);
        let p = &phlos[DEMO_PHLO_ID];
        assert_eq!(p.nodes[0].id, DEMO_MPC_NODE_ID);
        assert!(p.nodes[0].call_active);
        assert!(p.nodes[1].call_active);
        assert!(!phlos[DEMO_NO_RUNS_PHLO_ID].accepts_runs);
    }

    #[test]
    fn shapes_and_errors() {
        let one = serde_json::json!({"phlo_id": "p1"});
        assert_eq!(parse(&one).unwrap()[0].id, "p1");
        assert_eq!(parse(&serde_json::json!([one])).unwrap().len(), 1);
        let bad = serde_json::json!({"phlos": [{"phlo_id": "p", "nodes": [{"node_id": "n", "node_type": "x"}]}]});
        let e = parse(&bad).unwrap_err();
        assert!(e.starts_with("phlos[0]: nodes[0]: `node_type`"), "{e}");
        assert!(parse(&serde_json::json!(3)).is_err());
    }
}

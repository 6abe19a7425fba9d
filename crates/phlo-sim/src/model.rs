//! The simulated world: PHLOs, their nodes, the live call on each node, and the state machine of
//! section 8 of the API reference.

use serde_json::{json, Map, Value};

/// Message of a 400 for an action that is unknown or impossible in the call's state.
pub(crate) const BAD_ACTION: &str = "Invalid value provided for action.";
/// Message of a 400 when `trigger_source` is not a connected member.
pub(crate) const BAD_TRIGGER: &str = "Invalid value provided for trigger_source.";
/// Message of that 400 when `trigger_source` was in the call and has left it: the service's
/// sentence, then why and how to start over, since the likeliest cause is running the demo cold
/// transfer a second time (its initiator leaves the call).
pub(crate) const LEFT_TRIGGER: &str = "Invalid value provided for trigger_source. \
(phlo-sim: this member has already left the call, as the initiator of a cold transfer does; \
restore the demo call with `phlo-sim --reset URL` or POST URL/_sim/reset)";
/// Message of a 400 when `to` is already in the call.
pub(crate) const BAD_TO: &str = "Invalid value provided for to.";

/// The two node types that hold live calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeType {
    MultiPartyCall,
    ConferenceBridge,
}

impl NodeType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NodeType::MultiPartyCall => "multi_party_call",
            NodeType::ConferenceBridge => "conference_bridge",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<NodeType> {
        match s {
            "multi_party_call" => Some(NodeType::MultiPartyCall),
            "conference_bridge" => Some(NodeType::ConferenceBridge),
            _ => None,
        }
    }
}

/// A member's state in a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemberState {
    Connected,
    OnHold,
    Muted,
    Consulting,
    Ringing,
    Left,
}

impl MemberState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MemberState::Connected => "connected",
            MemberState::OnHold => "on_hold",
            MemberState::Muted => "muted",
            MemberState::Consulting => "consulting",
            MemberState::Ringing => "ringing",
            MemberState::Left => "left",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<MemberState> {
        Some(match s {
            "connected" => MemberState::Connected,
            "on_hold" => MemberState::OnHold,
            "muted" => MemberState::Muted,
            "consulting" => MemberState::Consulting,
            "ringing" => MemberState::Ringing,
            "left" => MemberState::Left,
            _ => return None,
        })
    }
}

/// One party of a call.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) address: String,
    pub(crate) role: String,
    pub(crate) state: MemberState,
}

/// A warm transfer in progress.
#[derive(Clone, Debug)]
pub(crate) struct Transfer {
    pub(crate) initiator: String,
    pub(crate) target: String,
    /// The members the transfer put on hold; they return to `connected` when it ends.
    pub(crate) held: Vec<String>,
}

/// A node action (operation 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeAction {
    Call,
    WarmTransfer,
    ColdTransfer,
}

impl NodeAction {
    pub(crate) fn parse(s: &str) -> Option<NodeAction> {
        match s {
            "call" => Some(NodeAction::Call),
            "warm_transfer" => Some(NodeAction::WarmTransfer),
            "cold_transfer" => Some(NodeAction::ColdTransfer),
            _ => None,
        }
    }
}

/// A member action (operation 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemberAction {
    Hold,
    Unhold,
    Mute,
    Unmute,
    Hangup,
    ResumeCall,
    AbortTransfer,
    VoicemailDrop,
}

impl MemberAction {
    /// The action named `s` if `node_type` accepts it.
    pub(crate) fn parse(s: &str, node_type: NodeType) -> Option<MemberAction> {
        let a = match s {
            "hold" => MemberAction::Hold,
            "unhold" => MemberAction::Unhold,
            "mute" => MemberAction::Mute,
            "unmute" => MemberAction::Unmute,
            "hangup" => MemberAction::Hangup,
            "resume_call" => MemberAction::ResumeCall,
            "abort_transfer" => MemberAction::AbortTransfer,
            "voicemail_drop" => MemberAction::VoicemailDrop,
            _ => return None,
        };
        match (node_type, a) {
            (NodeType::MultiPartyCall, _) => Some(a),
            (
                NodeType::ConferenceBridge,
                MemberAction::Mute | MemberAction::Unmute | MemberAction::Hangup,
            ) => Some(a),
            (NodeType::ConferenceBridge, _) => None,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 404 `{}`: the call has ended, or the member is not in it.
    NotFound,
    /// 400 with this message.
    Bad(&'static str),
}

/// A node of a PHLO and the call it holds.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) node_type: NodeType,
    pub(crate) name: String,
    pub(crate) created_on: String,
    pub(crate) call_active: bool,
    pub(crate) members: Vec<Member>,
    pub(crate) pending: Option<Transfer>,
}

/// A PHLO.
#[derive(Clone, Debug)]
pub(crate) struct Phlo {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_on: String,
    pub(crate) accepts_runs: bool,
    /// In order; `nodes[0]` is the node a run reaches first.
    pub(crate) nodes: Vec<Node>,
}

impl Phlo {
    pub(crate) fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The PHLO as it appears in `GET /_sim/state`.
    pub(crate) fn to_json(&self) -> Value {
        let mut nodes = Map::new();
        for n in &self.nodes {
            nodes.insert(n.id.clone(), n.to_json());
        }
        json!({
            "name": self.name,
            "created_on": self.created_on,
            "accepts_runs": self.accepts_runs,
            "first_node": self.nodes.first().map(|n| n.id.clone()),
            "nodes": nodes,
        })
    }
}

impl Node {
    fn index(&self, address: &str) -> Option<usize> {
        self.members.iter().position(|m| m.address == address)
    }

    /// Index of a member who is in the call (present and not `left`).
    fn live_index(&self, address: &str) -> Option<usize> {
        self.index(address)
            .filter(|&i| self.members[i].state != MemberState::Left)
    }

    fn set_state(&mut self, address: &str, from: &[MemberState], to: MemberState) {
        if let Some(i) = self.index(address) {
            if from.contains(&self.members[i].state) {
                self.members[i].state = to;
            }
        }
    }

    fn live_count(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.state != MemberState::Left)
            .count()
    }

    /// Adds `address` (or brings a member who left back) with `role` and `state`.
    fn join(&mut self, address: &str, role: &str, state: MemberState) {
        match self.index(address) {
            Some(i) => {
                self.members[i].role = role.to_owned();
                self.members[i].state = state;
            }
            None => self.members.push(Member {
                address: address.to_owned(),
                role: role.to_owned(),
                state,
            }),
        }
    }

    /// Opens (or re-opens) the call with a connected customer and agent, as a run does.
    pub(crate) fn open_call(&mut self, customer: &str, agent: &str) {
        self.members.clear();
        self.pending = None;
        self.join(customer, "customer", MemberState::Connected);
        self.join(agent, "agent", MemberState::Connected);
        self.call_active = true;
    }

    /// Operation 5 on a multi-party call. Inputs are already validated.
    pub(crate) fn node_action(
        &mut self,
        action: NodeAction,
        to: &str,
        role: &str,
        trigger: &str,
    ) -> Result<(), Refusal> {
        if !self.call_active {
            return Err(Refusal::NotFound);
        }
        if action != NodeAction::Call && self.pending.is_some() {
            return Err(Refusal::Bad(BAD_ACTION));
        }
        match self.live_index(trigger) {
            Some(i) if self.members[i].state == MemberState::Connected => {}
            None if self.index(trigger).is_some() => return Err(Refusal::Bad(LEFT_TRIGGER)),
            _ => return Err(Refusal::Bad(BAD_TRIGGER)),
        }
        if self.live_index(to).is_some() {
            return Err(Refusal::Bad(BAD_TO));
        }
        match action {
            NodeAction::Call => self.join(to, role, MemberState::Connected),
            NodeAction::ColdTransfer => {
                self.join(to, role, MemberState::Connected);
                self.set_state(trigger, &[MemberState::Connected], MemberState::Left);
                self.check_end();
            }
            NodeAction::WarmTransfer => {
                let mut held = Vec::new();
                for m in &mut self.members {
                    if m.address != trigger
                        && matches!(m.state, MemberState::Connected | MemberState::Muted)
                    {
                        m.state = MemberState::OnHold;
                        held.push(m.address.clone());
                    }
                }
                self.set_state(trigger, &[MemberState::Connected], MemberState::Consulting);
                self.join(to, role, MemberState::Consulting);
                self.pending = Some(Transfer {
                    initiator: trigger.to_owned(),
                    target: to.to_owned(),
                    held,
                });
            }
        }
        Ok(())
    }

    /// Operation 6. `action` was parsed for this node's type.
    pub(crate) fn member_action(
        &mut self,
        action: MemberAction,
        address: &str,
    ) -> Result<(), Refusal> {
        if !self.call_active {
            return Err(Refusal::NotFound);
        }
        let i = self.live_index(address).ok_or(Refusal::NotFound)?;
        let state = self.members[i].state;
        match action {
            MemberAction::Hold => self.members[i].state = MemberState::OnHold,
            MemberAction::Unhold => {
                if state == MemberState::OnHold {
                    self.members[i].state = MemberState::Connected;
                }
            }
            MemberAction::Mute => self.members[i].state = MemberState::Muted,
            MemberAction::Unmute => {
                if state == MemberState::Muted {
                    self.members[i].state = MemberState::Connected;
                }
            }
            MemberAction::Hangup | MemberAction::VoicemailDrop => self.leave(address),
            MemberAction::ResumeCall => match &self.pending {
                Some(t) if t.initiator == address || t.target == address => {
                    self.finish_transfer(true)
                }
                Some(_) => return Err(Refusal::Bad(BAD_ACTION)),
                None => {
                    if state == MemberState::OnHold {
                        self.members[i].state = MemberState::Connected;
                    }
                }
            },
            MemberAction::AbortTransfer => match &self.pending {
                Some(t) if t.initiator == address => self.finish_transfer(false),
                _ => return Err(Refusal::Bad(BAD_ACTION)),
            },
        }
        Ok(())
    }

    /// Ends the pending warm transfer: completed (everyone back in one call) or aborted (the
    /// target leaves).
    fn finish_transfer(&mut self, complete: bool) {
        let Some(t) = self.pending.take() else {
            return;
        };
        for h in &t.held {
            self.set_state(h, &[MemberState::OnHold], MemberState::Connected);
        }
        self.set_state(
            &t.initiator,
            &[MemberState::Consulting],
            MemberState::Connected,
        );
        if complete {
            self.set_state(
                &t.target,
                &[MemberState::Consulting],
                MemberState::Connected,
            );
        } else if let Some(i) = self.live_index(&t.target) {
            self.members[i].state = MemberState::Left;
        }
        self.check_end();
    }

    /// A member leaves. Leaving in the middle of a warm transfer settles it: the initiator hanging
    /// up hands the call over (completes it), the target hanging up aborts it.
    fn leave(&mut self, address: &str) {
        if let Some(i) = self.index(address) {
            self.members[i].state = MemberState::Left;
        }
        if let Some(t) = &self.pending {
            if t.initiator == address {
                self.finish_transfer(true);
            } else if t.target == address {
                self.finish_transfer(false);
            }
        }
        self.check_end();
    }

    /// A multi-party call ends when fewer than two members remain (the last one is dropped too);
    /// a conference bridge when nobody remains.
    fn check_end(&mut self) {
        let live = self.live_count();
        let ends = match self.node_type {
            NodeType::MultiPartyCall => live < 2,
            NodeType::ConferenceBridge => live == 0,
        };
        if ends && self.call_active {
            self.call_active = false;
            self.pending = None;
            for m in &mut self.members {
                m.state = MemberState::Left;
            }
        }
    }

    /// The node as it appears in `GET /_sim/state` and `GET /_sim/nodes/{N}`.
    pub(crate) fn to_json(&self) -> Value {
        let mut members = Map::new();
        for m in &self.members {
            members.insert(
                m.address.clone(),
                json!({"role": m.role, "state": m.state.as_str()}),
            );
        }
        json!({
            "node_type": self.node_type.as_str(),
            "name": self.name,
            "created_on": self.created_on,
            "call_active": self.call_active,
            "members": members,
            "pending_transfer": self.pending.as_ref().map(|t| json!({
                "initiator": t.initiator,
                "target": t.target,
            })),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mpc() -> Node {
        let mut n = Node {
            id: "n".into(),
            node_type: NodeType::MultiPartyCall,
            name: "Multi-Party Call_1".into(),
            created_on: String::new(),
            call_active: false,
            members: vec![],
            pending: None,
        };
        n.open_call("+14153336666", "+14152223333");
        n
    }

    fn state(n: &Node, a: &str) -> &'static str {
        n.members
            .iter()
            .find(|m| m.address == a)
            .map(|m| m.state.as_str())
            .unwrap_or("absent")
    }

    #[test]
    fn cold_transfer() {
        let mut n = mpc();
        n.node_action(
            NodeAction::ColdTransfer,
            "+14152225555",
            "agent",
            "+14152223333",
        )
        .unwrap();
        assert_eq!(state(&n, "+14152223333"), "left");
        assert_eq!(state(&n, "+14152225555"), "connected");
        assert_eq!(state(&n, "+14153336666"), "connected");
        assert!(n.call_active);
    }

    #[test]
    fn warm_transfer_resume_and_abort() {
        let mut n = mpc();
        n.node_action(
            NodeAction::WarmTransfer,
            "+14154447777",
            "agent",
            "+14152223333",
        )
        .unwrap();
        assert_eq!(state(&n, "+14153336666"), "on_hold");
        assert_eq!(state(&n, "+14152223333"), "consulting");
        assert_eq!(state(&n, "+14154447777"), "consulting");
        assert_eq!(
            n.node_action(
                NodeAction::ColdTransfer,
                "+14155550000",
                "agent",
                "+14152223333"
            ),
            Err(Refusal::Bad(BAD_ACTION))
        );
        let mut aborted = n.clone();
        n.member_action(MemberAction::ResumeCall, "+14154447777")
            .unwrap();
        assert!(n.pending.is_none());
        for a in ["+14153336666", "+14152223333", "+14154447777"] {
            assert_eq!(state(&n, a), "connected");
        }
        assert_eq!(
            aborted.member_action(MemberAction::AbortTransfer, "+14154447777"),
            Err(Refusal::Bad(BAD_ACTION))
        );
        aborted
            .member_action(MemberAction::AbortTransfer, "+14152223333")
            .unwrap();
        assert_eq!(state(&aborted, "+14154447777"), "left");
        assert_eq!(state(&aborted, "+14153336666"), "connected");
        assert_eq!(state(&aborted, "+14152223333"), "connected");
    }

    #[test]
    fn hangup_ends_call() {
        let mut n = mpc();
        n.member_action(MemberAction::Hangup, "+14153336666")
            .unwrap();
        assert!(!n.call_active);
        assert_eq!(
            n.member_action(MemberAction::Hold, "+14152223333"),
            Err(Refusal::NotFound)
        );
    }
}

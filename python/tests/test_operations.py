"""Every operation of plivo_phlo.Client against the simulator: the typed result, the request
the simulator received (method, path, exact body, headers) and the state it left."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

import plivo_phlo
from conftest import AGENT, CUSTOMER, C, N, P, members


def last_request(sim: plivo_phlo.Simulator) -> dict[str, Any]:
    reqs = sim.requests()
    assert reqs, "the simulator received no request"
    return reqs[-1]


def assert_sent(
    sim: plivo_phlo.Simulator, method: str, path: str, body: Optional[str]
) -> dict[str, Any]:
    r = last_request(sim)
    assert (r["method"], r["path"]) == (method, path)
    if body is None:
        assert r["body"] == ""
        assert "content-length" not in r["headers"]
    else:
        assert r["body"] == body
        assert r["headers"]["content-type"] == "application/json"
    return r


def test_get_phlo(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    phlo = client.get_phlo(P)
    assert isinstance(phlo, plivo_phlo.Phlo)
    assert (phlo.phlo_id, phlo.name) == (P, "support line")
    assert phlo.created_on == "2024-05-14 09:31:07.114209+00:00"
    assert phlo.status == 200
    assert phlo.api_id and phlo.json()["api_id"] == phlo.api_id
    assert json.loads(phlo.text) == phlo.json()
    # The old name of json() stays for one release, with a warning.
    with pytest.warns(DeprecationWarning, match=r"\.json\(\)"):
        assert phlo.raw == phlo.json()
    assert phlo.extra == {}
    r = assert_sent(sim, "GET", f"/v1/phlo/{P}", None)
    assert r["headers"]["authorization"] == "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM="
    assert r["headers"]["accept"] == "application/json"
    assert r["headers"]["user-agent"].startswith("plivo-phlo/")
    assert "(Python: 3." in r["headers"]["user-agent"]
    assert "support line" in repr(phlo)


def test_run_phlo_without_payload(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    # A PHLO without a multi-party call first: the run stops at Start, still a success.
    sim.reset()
    r = client.run_phlo(P)
    assert isinstance(r, plivo_phlo.PhloRunStarted)
    assert r.status == 201
    assert r.phlo_id == P
    assert r.run_id in (r.phlo_run_id or r.api_id, r.api_id)
    assert_sent(sim, "POST", f"/v1/account/{plivo_phlo.Simulator.DEFAULT_AUTH_ID}/phlo/{P}", "{}")
    assert r.run_id in sim.state()["runs"]


def test_run_phlo_with_payload_opens_a_call(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    payload = {"from": "+14152225555", "to": "+14153336666", "ticket": 1234, "vip": True, "x": None}
    r = client.run_phlo(P, payload)
    assert r.run_id == r.phlo_run_id == r.api_id
    assert "executed" in r.message
    # None is dropped, key order and JSON types are kept.
    assert_sent(
        sim,
        "POST",
        f"/v1/account/MAXXXXXXXXXXXXXXXXXX/phlo/{P}",
        '{"from":"+14152225555","to":"+14153336666","ticket":1234,"vip":true}',
    )
    assert members(sim, N) == {"+14152225555": "connected", "+14153336666": "connected"}
    assert sim.state()["runs"][r.run_id]["payload"]["ticket"] == 1234


def test_run_phlo_payload_any_mapping(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    from types import MappingProxyType

    client.run_phlo(P, MappingProxyType({"from": "+14152225555", "to": "+14153336666"}))
    assert last_request(sim)["body"] == '{"from":"+14152225555","to":"+14153336666"}'


def test_run_phlo_payload_must_be_a_mapping(client: plivo_phlo.Client) -> None:
    with pytest.raises(TypeError):
        client.run_phlo(P, ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(plivo_phlo.InvalidArgumentError) as e:
        client.run_phlo(P, {"when": object()})
    assert e.value.field == "payload"


def test_get_phlo_run(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    started = client.run_phlo(P, {"from": "+14152225555", "to": "+14153336666"})
    run = client.get_phlo_run(P, started.run_id)
    assert isinstance(run, plivo_phlo.PhloRun)
    assert (run.phlo_id, run.run_id) == (P, started.run_id)
    assert isinstance(run.call_uuids, list)
    assert all(isinstance(u, str) for u in run.call_uuids)
    assert run.message_uuids == [] and run.recording_ids == []
    assert_sent(sim, "GET", f"/v1/phlo/{P}/runs/{started.run_id}", None)


@pytest.mark.parametrize(
    "method, node_id, node_type, name",
    [
        ("get_multi_party_call", N, "multi_party_call", "Multi-Party Call_1"),
        ("get_conference_bridge", C, "conference_bridge", "Conference Bridge_1"),
    ],
)
def test_get_nodes(
    sim: plivo_phlo.Simulator,
    client: plivo_phlo.Client,
    method: str,
    node_id: str,
    node_type: str,
    name: str,
) -> None:
    node = getattr(client, method)(P, node_id)
    assert isinstance(node, plivo_phlo.Node)
    assert (node.node_id, node.phlo_id, node.node_type, node.name) == (node_id, P, node_type, name)
    assert node.created_on and node.api_id and node.status == 200
    assert_sent(sim, "GET", f"/v1/phlo/{P}/{node_type}/{node_id}", None)
    generic = client.get_node(P, node_type, node_id)
    assert (generic.node_id, generic.node_type) == (node_id, node_type)
    assert_sent(sim, "GET", f"/v1/phlo/{P}/{node_type}/{node_id}", None)


def test_mpc_call(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    r = client.mpc_call(P, N, AGENT, "sip:alice@example.com", "customer")
    assert isinstance(r, plivo_phlo.ActionResponse)
    assert (r.error, r.status) == ("", 201)
    assert r.api_id
    assert_sent(
        sim,
        "POST",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        '{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14152223333"}',
    )
    assert members(sim, N)["sip:alice@example.com"] == "connected"


def test_mpc_cold_transfer_seed_call(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    r = client.mpc_cold_transfer(P, N, trigger_source=AGENT, to="+14152225555")
    assert (r.error, r.status) == ("", 201)
    # Section 7 of the reference, byte for byte.
    assert_sent(
        sim,
        "POST",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}',
    )
    assert members(sim, N) == {AGENT: "left", CUSTOMER: "connected", "+14152225555": "connected"}


def test_mpc_warm_transfer_then_resume(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    client.mpc_warm_transfer(P, N, AGENT, "+14154447777")
    assert_sent(
        sim,
        "POST",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        '{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}',
    )
    assert members(sim, N) == {AGENT: "consulting", CUSTOMER: "on_hold", "+14154447777": "consulting"}
    node = sim.node(N)
    assert node is not None
    assert node["pending_transfer"] == {"initiator": AGENT, "target": "+14154447777"}
    client.mpc_member_resume_call(P, N, AGENT)
    assert_sent(sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{AGENT}", '{"action":"resume_call"}')
    assert members(sim, N) == {AGENT: "connected", CUSTOMER: "connected", "+14154447777": "connected"}


def test_mpc_warm_transfer_with_role_then_abort(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    client.mpc_warm_transfer(P, N, AGENT, "+14154447777", role="supervisor")
    assert '"role":"supervisor"' in last_request(sim)["body"]
    client.mpc_member_abort_transfer(P, N, AGENT)
    assert_sent(
        sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{AGENT}", '{"action":"abort_transfer"}'
    )
    assert members(sim, N) == {AGENT: "connected", CUSTOMER: "connected", "+14154447777": "left"}


@pytest.mark.parametrize(
    "method, action, state",
    [
        ("mpc_member_hold", "hold", "on_hold"),
        ("mpc_member_mute", "mute", "muted"),
        ("mpc_member_voicemail_drop", "voicemail_drop", "left"),
        ("mpc_member_hangup", "hangup", "left"),
    ],
)
def test_mpc_member_actions(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client, method: str, action: str, state: str
) -> None:
    r = getattr(client, method)(P, N, CUSTOMER)
    assert isinstance(r, plivo_phlo.ActionResponse) and r.error == ""
    assert_sent(
        sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", f'{{"action":"{action}"}}'
    )
    assert members(sim, N)[CUSTOMER] == state


def test_mpc_member_unhold_and_unmute(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    client.mpc_member_hold(P, N, CUSTOMER)
    client.mpc_member_unhold(P, N, CUSTOMER)
    assert_sent(sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", '{"action":"unhold"}')
    assert members(sim, N)[CUSTOMER] == "connected"
    client.mpc_member_mute(P, N, CUSTOMER)
    client.mpc_member_unmute(P, N, CUSTOMER)
    assert_sent(sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", '{"action":"unmute"}')
    assert members(sim, N)[CUSTOMER] == "connected"


def test_sip_member_path_is_not_escaped(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    client.mpc_call(P, N, AGENT, "sip:alice@example.com", "customer")
    client.mpc_member_hangup(P, N, "sip:alice@example.com")
    assert_sent(
        sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/sip:alice@example.com", '{"action":"hangup"}'
    )


@pytest.mark.parametrize(
    "method, action, state",
    [
        ("bridge_member_mute", "mute", "muted"),
        ("bridge_member_hangup", "hangup", "left"),
    ],
)
def test_bridge_member_actions(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client, method: str, action: str, state: str
) -> None:
    member = "+14155550123"
    r = getattr(client, method)(P, C, member)
    assert r.error == "" and r.status == 201
    assert_sent(
        sim, "POST", f"/v1/phlo/{P}/conference_bridge/{C}/members/{member}", f'{{"action":"{action}"}}'
    )
    assert members(sim, C)[member] == state


def test_bridge_member_unmute(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    client.bridge_member_mute(P, C, "+14155550124")
    client.bridge_member_unmute(P, C, "+14155550124")
    assert_sent(sim, "POST", f"/v1/phlo/{P}/conference_bridge/{C}/members/+14155550124", '{"action":"unmute"}')
    assert members(sim, C)["+14155550124"] == "connected"


def test_node_action_omits_role_when_none(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    client.node_action(P, N, "cold_transfer", AGENT, "+14152225555")
    assert_sent(
        sim,
        "POST",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        '{"action":"cold_transfer","to":"+14152225555","trigger_source":"+14152223333"}',
    )
    assert members(sim, N)[AGENT] == "left"


def test_member_action_generic(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    r = client.member_action(P, "conference_bridge", C, "+14155550123", "mute")
    assert r.error == ""
    assert_sent(sim, "POST", f"/v1/phlo/{P}/conference_bridge/{C}/members/+14155550123", '{"action":"mute"}')


def test_raw(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    r = client.raw("GET", f"/v1/phlo/{P}")
    assert isinstance(r, plivo_phlo.Response)
    assert r.status == 200 and r.json()["name"] == "support line"
    assert r.extra == r.json()
    assert_sent(sim, "GET", f"/v1/phlo/{P}", None)
    r = client.raw("POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", {"action": "hold"})
    assert r.status == 201
    assert_sent(sim, "POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", '{"action":"hold"}')
    assert members(sim, N)[CUSTOMER] == "on_hold"


def test_call_generic(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    names = [op["name"] for op in plivo_phlo.operations()]
    assert "mpc_cold_transfer" in names and "raw" in names
    assert all(hasattr(client, n) for n in names)
    r = client.call("mpc_cold_transfer", phlo_id=P, node_id=N, trigger_source=AGENT, to="+14152225555")
    assert r.status == 201 and r.json()["error"] == ""
    assert_sent(
        sim,
        "POST",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}',
    )
    with pytest.raises(plivo_phlo.InvalidArgumentError) as e:
        client.call("teleport", phlo_id=P)
    assert e.value.field == "operation"
    with pytest.raises(plivo_phlo.InvalidArgumentError) as e:
        client.call("get_phlo", phlo_id=P, extra=1)
    assert e.value.field == "extra"


def test_results_compare_and_hash(client: plivo_phlo.Client) -> None:
    a = client.get_phlo(P)
    assert a == a and hash(a) == hash(a)
    assert a != client.get_phlo(P)  # a new api_id each time
    assert a != "not a result"


def test_status_200_switch() -> None:
    with plivo_phlo.Simulator(status_200=True) as sim, sim.client() as c:
        assert c.mpc_member_hold(P, N, CUSTOMER).status == 200

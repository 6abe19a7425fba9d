"""The drop-in RestClient: the official SDK's names, arguments and defaults, sending the method,
path and body that section 7 of the API reference gives for each call (bodies compared byte for
byte with this project's canonical encoding, and as JSON with what the official SDK sends)."""

from __future__ import annotations

import inspect
import json
import uuid
from typing import Any, Iterator, Optional

import pytest

import plivo_phlo
import plivo_phlo as plivo  # the one-line migration: `import plivo` -> this
from plivo_phlo import exceptions, phlo
from conftest import AGENT, CUSTOMER, C, N, P, members

A = "MAXXXXXXXXXXXXXXXXXX"


@pytest.fixture
def rest(sim: plivo_phlo.Simulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[phlo.RestClient]:
    # Configured the way a migrated application is: credentials and runner from the environment.
    monkeypatch.setenv("PLIVO_AUTH_ID", sim.auth_id)
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", sim.auth_token)
    monkeypatch.setenv("PLIVO_PHLO_BASE_URL", sim.base_url)
    with plivo.phlo.RestClient() as client:
        yield client


def sent(sim: plivo_phlo.Simulator) -> list[tuple[str, str, Optional[str]]]:
    return [(r["method"], r["path"], r["body"] or None) for r in sim.requests()]


def test_names_arguments_and_defaults_are_the_sdks() -> None:
    def sig(f: Any) -> list[tuple[str, Any]]:
        return [
            (p.name, p.default)
            for p in inspect.signature(f).parameters.values()
            if p.name != "self" and p.kind is not p.KEYWORD_ONLY
        ]

    E = inspect.Parameter.empty
    assert sig(phlo.RestClient.__init__) == [
        ("auth_id", None),
        ("auth_token", None),
        ("proxies", None),
        ("timeout", 5),
    ]
    assert sig(phlo.Phlos.get) == [("phlo_id", E)]
    assert sig(phlo.Phlos.multi_party_call) == [
        ("phlo_id", E),
        ("node_id", E),
        ("action", E),
        ("member_id", None),
        ("trigger_source", None),
        ("to", None),
        ("role", None),
    ]
    member_sig = [("phlo_id", E), ("node_id", E), ("member_id", E), ("action", E), ("node_type", "conference_bridge")]
    assert sig(phlo.Phlos.member) == member_sig
    assert sig(phlo.Phlo.member) == member_sig
    assert sig(phlo.Phlo.node) == [("node_type", E), ("node_id", E)]
    assert sig(phlo.Phlo.multi_party_call) == [("node_id", E)]
    assert sig(phlo.MultiPartyCall.call) == [("trigger_source", E), ("to", E), ("role", E)]
    for m in (phlo.MultiPartyCall.warm_transfer, phlo.MultiPartyCall.cold_transfer):
        assert sig(m) == [("trigger_source", E), ("to", E), ("role", "agent")]
    assert sig(phlo.Node.update) == [("action", E), ("trigger_source", E), ("to", E), ("role", E)]
    assert sig(phlo.MultiPartyCall.member) == [("member_id", E)]
    # The official SDK's Member methods, each update(<name>).
    for name in ("abort_transfer", "resume_call", "voicemail_drop", "hangup", "hold", "unhold", "mute", "unmute"):
        assert sig(getattr(phlo.Member, name)) == []
    assert plivo.RestClient is phlo.RestClient
    for name in ("PlivoRestError", "ValidationError", "AuthenticationError", "ResourceNotFoundError",
                 "PlivoServerError", "InvalidRequestError"):
        assert getattr(exceptions, name) is getattr(phlo, name)


def test_get_and_run(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    p = rest.phlo.get(P)
    assert isinstance(p, phlo.Phlo)
    assert p.phlo_id == P and p["name"] == "support line" and "created_on" in p
    r = p.run()
    assert r.phlo_id == P and r["api_id"]
    r = p.run(from_="+14152225555", to="+14153336666", ticket=1234, vip=True, note=None)
    assert r.phlo_run_id == r.api_id
    assert sent(sim) == [
        ("GET", f"/v1/phlo/{P}", None),
        ("POST", f"/v1/account/{A}/phlo/{P}", "{}"),
        ("POST", f"/v1/account/{A}/phlo/{P}", '{"from":"+14152225555","to":"+14153336666","ticket":1234,"vip":true}'),
    ]


def test_node_reads(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    p = rest.phlo.get(P)
    bridge = p.node("conference_bridge", C)
    assert isinstance(bridge, phlo.Node)
    assert (bridge.node_id, bridge.node_type, bridge.name) == (C, "conference_bridge", "Conference Bridge_1")
    mpc = p.multi_party_call(N)
    assert isinstance(mpc, phlo.MultiPartyCall)
    assert (mpc.node_id, mpc.node_type) == (N, "multi_party_call")
    assert sent(sim)[1:] == [
        ("GET", f"/v1/phlo/{P}/conference_bridge/{C}", None),
        ("GET", f"/v1/phlo/{P}/multi_party_call/{N}", None),
    ]


def test_mpc_object_methods(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    mpc = rest.phlo.get(P).multi_party_call(N)
    r = mpc.call(AGENT, "sip:alice@example.com", "customer")
    assert r.error == "" and r["api_id"] and "error" in r
    mpc.warm_transfer(AGENT, "+14154447777")
    mpc.member(AGENT).resume_call()
    mpc.cold_transfer(AGENT, "+14152225555")
    path = f"/v1/phlo/{P}/multi_party_call/{N}"
    assert sent(sim)[2:] == [
        ("POST", path, '{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14152223333"}'),
        ("POST", path, '{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}'),
        ("POST", f"{path}/members/{AGENT}", '{"action":"resume_call"}'),
        ("POST", path, '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}'),
    ]
    assert members(sim, N)[AGENT] == "left"
    assert members(sim, N)["+14152225555"] == "connected"


def test_same_body_as_the_official_sdk(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    rest.phlo.get(P).multi_party_call(N).cold_transfer("+14152223333", "+14152225555")
    # What the official Python SDK sends for this call (API reference, section 1.4).
    official = '{"action": "cold_transfer", "trigger_source": "+14152223333", "to": "+14152225555", "role": "agent"}'
    body = sim.requests()[-1]["body"]
    assert json.loads(body) == json.loads(official)


def test_member_object_methods(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    mpc = rest.phlo.get(P).multi_party_call(N)
    before = len(sim.requests())
    customer = mpc.member(CUSTOMER)
    assert isinstance(customer, phlo.Member) and customer.member_id == CUSTOMER
    assert len(sim.requests()) == before, "member() must not send anything"
    for action in ("hold", "unhold", "mute", "unmute"):
        assert getattr(customer, action)().error == ""
    mpc.warm_transfer(AGENT, "+14154447777")
    mpc.member(AGENT).abort_transfer()
    mpc.call(AGENT, "sip:alice@example.com", "customer")
    mpc.member("sip:alice@example.com").hangup()
    customer.voicemail_drop()
    base = f"/v1/phlo/{P}/multi_party_call/{N}/members"
    assert [s for s in sent(sim) if "/members/" in s[1]] == [
        ("POST", f"{base}/{CUSTOMER}", '{"action":"hold"}'),
        ("POST", f"{base}/{CUSTOMER}", '{"action":"unhold"}'),
        ("POST", f"{base}/{CUSTOMER}", '{"action":"mute"}'),
        ("POST", f"{base}/{CUSTOMER}", '{"action":"unmute"}'),
        ("POST", f"{base}/{AGENT}", '{"action":"abort_transfer"}'),
        ("POST", f"{base}/sip:alice@example.com", '{"action":"hangup"}'),
        ("POST", f"{base}/{CUSTOMER}", '{"action":"voicemail_drop"}'),
    ]
    assert members(sim, N)[CUSTOMER] == "left"


def test_shortcuts_send_one_request(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    path = f"/v1/phlo/{P}/multi_party_call/{N}"
    r = rest.phlo.multi_party_call(P, N, "call", trigger_source=AGENT, to="+14155556666", role="customer")
    assert isinstance(r, phlo.ResponseObject) and r.error == ""
    # A transfer without role: role left out, as the SDK's shortcut does.
    rest.phlo.multi_party_call(P, N, "warm_transfer", trigger_source=AGENT, to="+14154447777")
    m = rest.phlo.multi_party_call(P, N, "member", member_id=AGENT)
    assert isinstance(m, phlo.Member)
    m.resume_call()
    rest.phlo.member(P, C, "+14155550123", "mute")
    rest.phlo.member(P, N, CUSTOMER, "hold", node_type="multi_party_call")
    rest.phlo.get(P).member(P, C, "+14155550124", "hangup")
    assert sent(sim) == [
        ("POST", path, '{"action":"call","to":"+14155556666","role":"customer","trigger_source":"+14152223333"}'),
        ("POST", path, '{"action":"warm_transfer","to":"+14154447777","trigger_source":"+14152223333"}'),
        ("POST", f"{path}/members/{AGENT}", '{"action":"resume_call"}'),
        ("POST", f"/v1/phlo/{P}/conference_bridge/{C}/members/+14155550123", '{"action":"mute"}'),
        ("POST", f"{path}/members/{CUSTOMER}", '{"action":"hold"}'),
        ("GET", f"/v1/phlo/{P}", None),
        ("POST", f"/v1/phlo/{P}/conference_bridge/{C}/members/+14155550124", '{"action":"hangup"}'),
    ]
    assert members(sim, C) == {"+14155550123": "muted", "+14155550124": "left"}


def test_missing_arguments_raise_before_sending(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    mpc = rest.phlo.get(P).multi_party_call(N)
    before = len(sim.requests())
    with pytest.raises(TypeError):
        mpc.call(AGENT, "+14155556666")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        rest.phlo.get()  # type: ignore[call-arg]
    shortcut_cases = [
        ({"action": "call", "to": "+14155556666", "role": "agent"}, "trigger_source"),
        ({"action": "cold_transfer", "trigger_source": AGENT}, "to"),
        ({"action": "call", "trigger_source": AGENT, "to": "+14155556666"}, "role"),
        ({"action": "member"}, "member_id"),
    ]
    for kwargs, field in shortcut_cases:
        with pytest.raises(exceptions.ValidationError) as info:
            rest.phlo.multi_party_call(P, N, **kwargs)
        assert info.value.field == field
    with pytest.raises(exceptions.ValidationError) as info:
        mpc.call(AGENT, "+14155556666", None)  # type: ignore[arg-type]
    assert info.value.field == "role"
    with pytest.raises(exceptions.ValidationError) as info:
        rest.phlo.get(None)  # type: ignore[arg-type]
    assert info.value.field == "phlo_id"
    with pytest.raises(exceptions.ValidationError):
        rest.phlo.member(P, C, None, "mute")  # type: ignore[arg-type]
    with pytest.raises(exceptions.ValidationError):
        rest.phlo.get(P).node("conference_bridge", C).update("call", AGENT, "+14155556666", "agent")
    assert len(sim.requests()) == before + 2  # only the get + node read above


def test_ids_are_coerced_to_strings(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    assert rest.phlo.get(uuid.UUID(P)).phlo_id == P  # type: ignore[arg-type]


def test_errors_carry_the_sdk_names(sim: plivo_phlo.Simulator, rest: phlo.RestClient) -> None:
    with pytest.raises(plivo.exceptions.ResourceNotFoundError):
        rest.phlo.get("00000000-0000-4000-8000-000000000000")
    with pytest.raises(plivo.exceptions.ValidationError):
        rest.phlo.get(P).node("multi_party_call", N).update("teleport", AGENT, "+14155556666", None)
    # As in the official SDK, the shortcut calls the method named by the action.
    with pytest.raises(AttributeError):
        rest.phlo.multi_party_call(P, N, "teleport", trigger_source=AGENT, to="+14155556666")
    sim.fault("status", status=500)
    with pytest.raises(plivo.exceptions.PlivoServerError):
        rest.phlo.member(P, C, "+14155550123", "mute")
    with pytest.raises(plivo.exceptions.PlivoRestError):
        rest.phlo.member(P, C, "+14199999999", "mute")


def test_credentials(sim: plivo_phlo.Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(exceptions.AuthenticationError):
        phlo.RestClient()
    with pytest.raises(exceptions.AuthenticationError) as info:
        phlo.RestClient("NOTANAUTHID", "token")
    assert info.value.field == "auth_id"
    with phlo.RestClient(sim.auth_id, "bad-token", base_url=sim.base_url) as rc:
        with pytest.raises(exceptions.AuthenticationError) as info:
            rc.phlo.get(P)
        assert info.value.status == 401
    with phlo.RestClient(sim.auth_id, sim.auth_token, timeout=(2, 3), base_url=sim.base_url) as rc:
        assert rc.client.connect_timeout == 2 and rc.client.timeout == 5
        assert "token123" not in repr(rc)


def test_proxies_are_honoured(sim: plivo_phlo.Simulator) -> None:
    # The simulator also answers proxy-form requests, so it can stand in for the proxy itself:
    # the runner host below does not exist, so the call can only succeed through the proxy (a
    # .localhost name: plain http is refused for hosts that are not loopback).
    with phlo.RestClient(
        sim.auth_id, sim.auth_token, proxies={"https": sim.base_url, "http": sim.base_url},
        base_url="http://phlorunner.localhost",
    ) as rc:
        assert rc.phlo.get(P).name == "support line"
    assert sim.requests()[-1]["path"] == f"/v1/phlo/{P}"

"""plivo_phlo.Simulator as a user's own tests would use it, and the environment variables."""

from __future__ import annotations

import urllib.request
import json

import pytest

import plivo_phlo
from conftest import AGENT, CUSTOMER, N, P

FIXTURE = {
    "phlos": [
        {
            "phlo_id": "11111111-2222-4333-8444-555555555555",
            "name": "sales",
            "nodes": [
                {
                    "node_id": "66666666-7777-4888-9999-000000000000",
                    "node_type": "multi_party_call",
                    "members": [
                        {"address": "+14150000001", "role": "agent"},
                        {"address": "+14150000002", "role": "customer"},
                    ],
                }
            ],
        }
    ]
}


def test_context_manager_and_attributes() -> None:
    with plivo_phlo.Simulator() as sim:
        assert sim.base_url == f"http://127.0.0.1:{sim.port}"
        assert (sim.auth_id, sim.auth_token) == ("MAXXXXXXXXXXXXXXXXXX", "token123")
        assert not sim.closed
        # The control API is there over HTTP too, for tools outside Python.
        with urllib.request.urlopen(f"{sim.base_url}/_sim/state") as resp:
            assert P in json.load(resp)["phlos"]
    assert sim.closed
    with pytest.raises(RuntimeError):
        sim.state()
    sim.close()  # idempotent


def test_state_requests_reset(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    state = sim.state()
    assert set(state) >= {"phlos", "runs"}
    assert state["phlos"][P]["nodes"][N]["members"][AGENT] == {"role": "agent", "state": "connected"}
    assert sim.node("no-such-node") is None
    client.mpc_member_hold(P, N, CUSTOMER)
    (req,) = sim.requests()
    assert req["status"] == 201 and req["fault"] is None
    assert sim.node(N)["members"][CUSTOMER]["state"] == "on_hold"  # type: ignore[index]
    sim.reset()
    assert sim.requests() == []
    assert sim.node(N)["members"][CUSTOMER]["state"] == "connected"  # type: ignore[index]


def test_faults(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    with pytest.raises(ValueError, match="teleport"):
        sim.fault("teleport")
    with pytest.raises(ValueError, match="count"):
        sim.fault("latency", count=0)
    sim.fault("status", status=502, method="POST", path_prefix="/v1/phlo/")
    assert client.get_phlo(P).status == 200  # the filter lets GETs through
    with pytest.raises(plivo_phlo.ServerError):
        client.mpc_member_hold(P, N, CUSTOMER)
    assert [r["fault"] for r in sim.requests()] == [None, "status"]


def test_custom_fixture_and_accounts() -> None:
    accounts = [("SA0000000000000000AB", "sub-token")]
    with plivo_phlo.Simulator(FIXTURE, accounts=accounts) as sim, sim.client() as c:
        assert sim.auth_id == "SA0000000000000000AB"
        assert c.get_phlo("11111111-2222-4333-8444-555555555555").name == "sales"
        with pytest.raises(plivo_phlo.NotFoundError):
            c.get_phlo(P)
    with pytest.raises(ValueError, match="fixture"):
        plivo_phlo.Simulator({"phlos": [{"name": "no id"}]})


def test_client_from_environment(sim: plivo_phlo.Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLIVO_AUTH_ID", sim.auth_id)
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", sim.auth_token)
    monkeypatch.setenv("PLIVO_PHLO_BASE_URL", sim.base_url + "/")
    with plivo_phlo.Client() as c:
        assert c.base_url == sim.base_url and c.auth_id == sim.auth_id
        assert c.get_phlo(P).name == "support line"
    # Explicit values win over the environment.
    with pytest.raises(plivo_phlo.AuthenticationError):
        plivo_phlo.Client(auth_token="other-token").get_phlo(P)


def test_client_defaults_and_settings(sim: plivo_phlo.Simulator) -> None:
    c = plivo_phlo.Client("MAXXXXXXXXXXXXXXXXXX", "token123")
    assert c.base_url == plivo_phlo.DEFAULT_BASE_URL == "https://phlorunner.plivo.com"
    assert (c.timeout, c.connect_timeout, c.max_retries) == (30.0, 5.0, 2)
    c = sim.client(timeout=1.5, connect_timeout=0.5, max_retries=0)
    assert (c.timeout, c.connect_timeout, c.max_retries) == (1.5, 0.5, 0)
    # The positional order: auth_id, auth_token, base_url, timeout, max_retries.
    c = plivo_phlo.Client(sim.auth_id, sim.auth_token, sim.base_url, 2.5, 1)
    assert (c.timeout, c.max_retries) == (2.5, 1)


def test_every_option_of_the_core_is_a_keyword_argument(sim: plivo_phlo.Simulator) -> None:
    """The core's option table is the constructor's keyword arguments (and Simulator.client's):
    each is accepted by name, None is its default, and a value of no option's type is refused
    naming it. The values that work for each kind are applied by the core."""
    table = plivo_phlo.options()
    names = [o["name"] for o in table]
    assert {"timeout", "max_retries", "action_retry", "max_response_bytes", "allow_insecure_http",
            "max_in_flight"} <= set(names)
    for name in names:
        given = {"base_url": sim.base_url, name: None}
        plivo_phlo.Client(sim.auth_id, sim.auth_token, **given).close()
        with pytest.raises(TypeError, match=name):
            plivo_phlo.Client(sim.auth_id, sim.auth_token, **{**given, name: [1]})
        with pytest.raises(TypeError, match=name):
            sim.client(**{name: [1]})
    with pytest.raises(plivo_phlo.InvalidArgumentError) as info:
        sim.client(timeout_ms=500)
    assert info.value.field == "timeout_ms"
    with pytest.raises(plivo_phlo.InvalidArgumentError) as info:
        sim.client(max_in_flight=0)
    assert info.value.field == "max_in_flight"
    with pytest.raises(plivo_phlo.InvalidArgumentError) as info:
        plivo_phlo.Client(sim.auth_id, sim.auth_token, "http://192.0.2.1:9")
    assert info.value.field == "base_url" and "allow_insecure_http" in info.value.message
    plivo_phlo.Client(sim.auth_id, sim.auth_token, "http://192.0.2.1:9", allow_insecure_http=True).close()
    with sim.client(action_retry="never", max_response_bytes=4096, max_in_flight=2,
                    user_agent_suffix="py-options", connect_timeout=2, timeout=5.5) as c:
        assert c.timeout == 5.5 and c.connect_timeout == 2.0
        assert c.get_phlo(P).name == "support line"
    assert "(py-options)" in sim.requests()[-1]["headers"]["user-agent"]
    with sim.client(max_response_bytes=10) as c, pytest.raises(plivo_phlo.DecodeError):
        c.get_phlo(P)
    assert plivo_phlo.__version__.count(".") == 2

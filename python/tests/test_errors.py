"""Every exception class, each produced for real against the simulator (or a closed port), with
its attributes; the hierarchy (ValueError, TimeoutError, ConnectionError, the official SDK's
names); and that nothing is sent when the input is rejected."""

from __future__ import annotations

import pickle
from typing import Callable

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from conftest import AGENT, CUSTOMER, N, P, closed_port

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_invalid_argument_is_local_and_a_value_error(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: client.get_phlo("bad id"), "phlo_id"),
        (lambda: client.get_phlo(""), "phlo_id"),
        (lambda: client.get_node(P, "switchboard", N), "node_type"),
        (lambda: client.mpc_call(P, N, AGENT, "not a number", "agent"), "to"),
        (lambda: client.mpc_call(P, N, AGENT, "+14155550000", "boss"), "role"),
        (lambda: client.mpc_cold_transfer(P, N, "", "+14155550000"), "trigger_source"),
        (lambda: client.mpc_member_hold(P, N, "nobody@nowhere"), "member_id"),
        (lambda: client.node_action(P, N, "Teleport!", AGENT, "+14155550000"), "action"),
        (lambda: client.raw("GET", "v1/no-leading-slash"), "path"),
        (lambda: client.call("get_phlo"), "phlo_id"),
    ]
    for fn, field in cases:
        with pytest.raises(E.InvalidArgumentError) as info:
            fn()
        e = info.value
        assert isinstance(e, ValueError) and isinstance(e, E.ValidationError)
        assert isinstance(e, E.PhloError) and isinstance(e, plivo_phlo.PhloError)
        assert e.kind == "invalid_argument" and e.field == field, (field, e)
        assert e.status is None and e.api_id is None and e.attempts == 0
        assert str(e).startswith("invalid_argument: ") and e.message in str(e)
    assert sim.requests() == [], "a rejected call sent something"


def test_invalid_config(sim: plivo_phlo.Simulator) -> None:
    for kwargs, field in [
        ({"base_url": "ftp://example.com"}, "base_url"),
        ({"base_url": sim.base_url + "/v1"}, "base_url"),
        ({"timeout": -1.0}, "timeout"),
        ({"connect_timeout": float("nan")}, "connect_timeout"),
        ({"timeout": 0.0}, "timeout"),
    ]:
        with pytest.raises(E.InvalidArgumentError) as info:
            plivo_phlo.Client(sim.auth_id, sim.auth_token, **kwargs)  # type: ignore[arg-type]
        assert info.value.field == field
    with pytest.raises(E.InvalidArgumentError) as info:
        plivo_phlo.Client("XA123", "token", sim.base_url)
    assert info.value.field == "auth_id"
    with pytest.raises(TypeError):
        plivo_phlo.Client(sim.auth_id, sim.auth_token, sim.base_url, ca_cert_pem=5)  # type: ignore[arg-type]


def test_authentication_missing_credentials_is_local() -> None:
    with pytest.raises(E.AuthenticationError) as info:
        plivo_phlo.Client()
    e = info.value
    assert e.kind == "authentication" and e.status is None
    assert "PLIVO_AUTH_ID" in e.message


def test_authentication_rejected_by_the_service(sim: plivo_phlo.Simulator) -> None:
    with plivo_phlo.Client(sim.auth_id, "wrong-token", sim.base_url) as c:
        with pytest.raises(E.AuthenticationError) as info:
            c.get_phlo(P)
    e = info.value
    assert (e.kind, e.status, e.attempts) == ("authentication", 401, 1)
    assert e.api_id
    assert "wrong-token" not in str(e) and "wrong-token" not in (e.body or "")


def test_not_found(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    with pytest.raises(E.NotFoundError) as info:
        client.get_phlo(UNKNOWN)
    e = info.value
    assert (e.kind, e.status, e.api_id) == ("not_found", 404, None)
    assert e.message == f"resource not found (404) at /v1/phlo/{UNKNOWN}"
    assert e.body == "{}"
    # A member who is not in the call.
    with pytest.raises(E.ResourceNotFoundError):
        client.mpc_member_hold(P, N, "+14150000000")
    # A PHLO that does not accept API runs.
    with pytest.raises(E.NotFoundError):
        client.run_phlo(plivo_phlo.Simulator.DEMO_NO_RUNS_PHLO_ID)


def test_bad_request(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    with pytest.raises(E.BadRequestError) as info:
        client.node_action(P, N, "teleport", AGENT, "+14155550000", "agent")
    e = info.value
    assert (e.kind, e.status) == ("bad_request", 400)
    assert e.message == "Invalid value provided for action."
    assert e.api_id and e.api_id in str(e)
    assert isinstance(e, E.ValidationError) and isinstance(e, E.InvalidRequestError)
    assert not isinstance(e, ValueError)
    # Dialling someone already in the call.
    with pytest.raises(E.BadRequestError):
        client.mpc_call(P, N, AGENT, CUSTOMER, "customer")


def test_rate_limited(sim: plivo_phlo.Simulator) -> None:
    sim.fault("rate_limit", retry_after="1")
    with sim.client(max_retries=0) as c, pytest.raises(E.RateLimitedError) as info:
        c.get_phlo(P)
    e = info.value
    assert (e.kind, e.status, e.retry_after, e.attempts) == ("rate_limited", 429, 1.0, 1)
    assert isinstance(e, E.PlivoRestError)


def test_rate_limited_is_retried_then_succeeds(sim: plivo_phlo.Simulator) -> None:
    sim.fault("rate_limit", retry_after="0", count=2)
    with sim.client(max_retries=2) as c:
        assert c.mpc_member_hold(P, N, CUSTOMER).error == ""
    assert [r["status"] for r in sim.requests()] == [429, 429, 201]


@pytest.mark.parametrize("body", ["json", "html", "empty"])
def test_server_error(sim: plivo_phlo.Simulator, body: str) -> None:
    sim.fault("status", status=503, body=body)
    with sim.client(max_retries=0) as c, pytest.raises(E.ServerError) as info:
        c.get_phlo(P)
    e = info.value
    assert (e.kind, e.status) == ("server", 503)
    if body != "json":
        assert e.message == f"server error (503) at /v1/phlo/{P}"


def test_server_500_is_the_sdk_plivo_server_error(sim: plivo_phlo.Simulator) -> None:
    sim.fault("status", status=500)
    with sim.client(max_retries=0) as c, pytest.raises(E.PlivoServerError):
        c.get_phlo(P)


def test_actions_are_not_retried_on_5xx(sim: plivo_phlo.Simulator) -> None:
    sim.fault("status", status=503, count=3)
    with sim.client(max_retries=2) as c, pytest.raises(E.ServerError) as info:
        c.mpc_member_hold(P, N, CUSTOMER)
    assert info.value.attempts == 1
    assert len(sim.requests()) == 1


def test_timeout(sim: plivo_phlo.Simulator) -> None:
    sim.fault("latency", ms=1500)
    with sim.client(timeout=0.2, max_retries=0) as c, pytest.raises(E.PhloTimeoutError) as info:
        c.get_phlo(P)
    e = info.value
    assert isinstance(e, TimeoutError) and isinstance(e, OSError)
    assert e.kind == "timeout" and e.status is None and e.attempts == 1


def test_connection_refused() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    with plivo_phlo.Client("MAXXXXXXXXXXXXXXXXXX", "token123", base, max_retries=0) as c:
        with pytest.raises(E.PhloConnectionError) as info:
            c.get_phlo(P)
    e = info.value
    assert isinstance(e, ConnectionError) and isinstance(e, OSError)
    assert e.kind == "connection" and e.status is None
    assert "could not connect" in e.message


def test_connection_reset(sim: plivo_phlo.Simulator) -> None:
    sim.fault("reset_before")
    with sim.client(max_retries=0) as c, pytest.raises(E.PhloConnectionError):
        c.get_phlo(P)


def test_decode(sim: plivo_phlo.Simulator) -> None:
    sim.fault("raw_body", body="<html>not json</html>", content_type="text/html")
    with sim.client(max_retries=0) as c, pytest.raises(E.DecodeError) as info:
        c.get_phlo(P)
    assert info.value.kind == "decode"
    sim.fault("raw_body", body='{"name": 5}')
    with sim.client() as c, pytest.raises(E.DecodeError):
        c.get_phlo(P)
    sim.fault("huge_body", bytes=2 << 20)
    with sim.client() as c, pytest.raises(E.DecodeError) as info:
        c.get_phlo(P)
    assert "limit" in info.value.message


def test_every_kind_has_its_class() -> None:
    assert set(E._BY_KIND) == {
        "invalid_argument",
        "authentication",
        "not_found",
        "bad_request",
        "rate_limited",
        "server",
        "timeout",
        "connection",
        "decode",
    }
    for kind, cls in E._BY_KIND.items():
        assert cls.KIND == kind and issubclass(cls, E.PhloError)
        assert getattr(plivo_phlo, cls.__name__) is cls


def test_exceptions_pickle_and_construct_plainly(sim: plivo_phlo.Simulator) -> None:
    with sim.client() as c, pytest.raises(E.NotFoundError) as info:
        c.get_phlo(UNKNOWN)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is E.NotFoundError
    assert (again.kind, again.status, str(again)) == ("not_found", 404, str(info.value))
    # Raised by user code with just a message, as the official SDK's classes are.
    e = E.ValidationError("member_id parameter is required")
    assert e.message == str(e) == "member_id parameter is required"
    assert E.PhloTimeoutError("slow").kind == "timeout"


def test_closed_client(sim: plivo_phlo.Simulator) -> None:
    c = sim.client()
    assert not c.closed
    c.close()
    c.close()
    assert c.closed
    with pytest.raises(E.InvalidArgumentError) as info:
        c.get_phlo(P)
    assert info.value.field == "client"

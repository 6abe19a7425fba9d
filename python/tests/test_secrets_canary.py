"""Secrets: a recognisable token, accepted by the simulator (``accounts=``),
appears nowhere a user or a log can see it.

For every error kind this package can raise (each produced for real, several with a server that
echoes the token back: in an error message, a redirect's ``Location``, a 2xx body that does not
decode), the token and the base64 credentials are absent from the exception's ``str``, ``repr``,
``args``, every attribute, its formatted traceback and its pickle; from every log record at any
level (the ``plivo_phlo`` and root loggers at DEBUG); from ``repr()``/``str()`` and the attributes
of ``Client``, ``RestClient``, the drop-in's objects, every result class and the ``Simulator``.
In the simulator's request log the credentials appear only in the ``authorization`` header, and a
redirect to another host sends that host nothing.
"""

from __future__ import annotations

import base64
import logging
import pickle
import socket
import traceback
from typing import Any, Callable, Dict, Iterator, List

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from conftest import AGENT, C, CUSTOMER, FIGURES, N, P, closed_port

TOKEN = "TOKEN-py-canary-7f3a9b"
AUTH_ID = "SA7F3A9B0123456789AB"
OTHER_TOKEN = "another-token-c4n4ry"
B64 = base64.b64encode(f"{AUTH_ID}:{TOKEN}".encode()).decode()
SECRETS = (TOKEN, B64, TOKEN.lower(), TOKEN.upper())


@pytest.fixture(scope="module")
def canary_sim() -> Iterator[plivo_phlo.Simulator]:
    with plivo_phlo.Simulator(accounts=[(AUTH_ID, TOKEN)]) as sim:
        assert sim.auth_token == TOKEN
        yield sim


@pytest.fixture
def csim(canary_sim: plivo_phlo.Simulator) -> plivo_phlo.Simulator:
    canary_sim.reset()
    return canary_sim


def leaks(text: str) -> List[str]:
    return [s for s in SECRETS if s in text]


def exception_views(e: BaseException) -> List[str]:
    """Everything a user (or a logger, or a crash report) can get out of an exception."""
    views = [str(e), repr(e), repr(e.args), "".join(traceback.format_exception(type(e), e, e.__traceback__))]
    views += [f"{k}={v!r}" for k, v in vars(e).items()]
    views.append(repr(pickle.dumps(e)))
    if isinstance(e, E.PhloError):
        views += [e.message, e.body or "", e.api_id or "", e.field or ""]
    cause = e.__cause__ or e.__context__
    if cause is not None:
        views += exception_views(cause)
    return views


def test_the_token_is_never_shown(csim: plivo_phlo.Simulator, caplog: pytest.LogCaptureFixture,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger
    caplog.set_level(logging.DEBUG, logger="plivo_phlo")
    logging.getLogger("plivo_phlo").setLevel(logging.DEBUG)
    sim = csim
    url = sim.base_url
    seen: Dict[str, List[str]] = {}
    kinds: Dict[str, int] = {}

    def expect_error(label: str, cls: type, fn: Callable[[], Any]) -> None:
        with pytest.raises(cls) as info:
            fn()
        e = info.value
        assert isinstance(e, E.PhloError)
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
        # A user logging the failure, the usual way:
        logging.getLogger("app").exception("PHLO call failed: %s (api_id %s)", e, e.api_id)
        seen[label] = exception_views(e)

    # Another host, listening: a redirect must not bring it anything.
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen(8)
    other.setblocking(False)
    other_url = f"http://127.0.0.1:{other.getsockname()[1]}"

    client = plivo_phlo.Client(AUTH_ID, TOKEN, url, timeout=5)
    once = plivo_phlo.Client(AUTH_ID, TOKEN, url, max_retries=0, timeout=0.3)
    objects: List[Any] = [client, once, sim]

    # Successes, so that results and their reprs are checked too.
    results: List[Any] = [
        client.get_phlo(P), client.get_multi_party_call(P, N), client.get_conference_bridge(P, C),
        client.get_node(P, "multi_party_call", N), client.mpc_member_hold(P, N, CUSTOMER),
        client.call("mpc_member_unhold", phlo_id=P, node_id=N, member_id=CUSTOMER),
        client.raw("GET", f"/v1/phlo/{P}"),
    ]
    started = client.run_phlo(P, {"from": AGENT, "note": "hello"})
    results += [started, client.get_phlo_run(P, started.run_id)]

    # invalid_argument, nothing sent: including a token put where it does not belong.
    expect_error("invalid id", E.InvalidArgumentError, lambda: client.get_phlo("../x"))
    expect_error("unknown op", E.InvalidArgumentError, lambda: client.call("nope"))
    expect_error("token with a newline", E.InvalidArgumentError, lambda: plivo_phlo.Client(AUTH_ID, TOKEN + "\n", url))
    expect_error("token with a surrogate", E.InvalidArgumentError, lambda: plivo_phlo.Client(AUTH_ID, TOKEN + "\ud800", url))
    expect_error("id and token swapped", E.InvalidArgumentError, lambda: plivo_phlo.Client(TOKEN, AUTH_ID, url))
    expect_error("credentials in the base URL", E.InvalidArgumentError,
                 lambda: plivo_phlo.Client(AUTH_ID, TOKEN, f"http://{AUTH_ID}:{TOKEN}@127.0.0.1:1"))
    expect_error("credentials in a bad proxy", E.InvalidArgumentError,
                 lambda: plivo_phlo.Client(AUTH_ID, TOKEN, url, proxy=f"::{TOKEN}"))
    expect_error("token as a bad CA", E.InvalidArgumentError,
                 lambda: plivo_phlo.Client(AUTH_ID, TOKEN, url, ca_cert_pem=TOKEN))
    closed = plivo_phlo.Client(AUTH_ID, TOKEN, url)
    closed.close()
    expect_error("closed client", E.InvalidArgumentError, lambda: closed.get_phlo(P))
    # authentication: missing credentials (the token in the environment, the id not), 401, 403.
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", TOKEN)
    expect_error("missing auth id", E.AuthenticationError, lambda: plivo_phlo.Client(None, None, url))
    monkeypatch.delenv("PLIVO_AUTH_TOKEN")
    with plivo_phlo.Client(AUTH_ID, OTHER_TOKEN, url) as wrong:
        objects.append(wrong)
        expect_error("401 for another token", E.AuthenticationError, lambda: wrong.get_phlo(P))
        expect_error("401 for another token, action", E.AuthenticationError,
                     lambda: wrong.mpc_member_hold(P, N, CUSTOMER))
    sim.fault("status", status=401, error=f"token {TOKEN} rejected")
    expect_error("401 echoing the token", E.AuthenticationError, lambda: client.get_phlo(P))
    sim.fault("status", status=403, error=f"Basic {B64} forbidden")
    expect_error("403 echoing the credentials", E.AuthenticationError, lambda: client.get_phlo(P))
    # not_found, bad_request (400 echoing, 405, redirects echoing).
    expect_error("404", E.NotFoundError, lambda: client.get_phlo("00000000-0000-4000-8000-000000000000"))
    expect_error("404 member", E.NotFoundError, lambda: client.mpc_member_hold(P, N, "+19995550000"))
    sim.fault("status", status=400, error=f"bad token {TOKEN} / {B64}")
    expect_error("400 echoing", E.BadRequestError, lambda: client.mpc_member_hold(P, N, CUSTOMER))
    expect_error("405", E.BadRequestError, lambda: client.raw("POST", f"/v1/phlo/{P}/conference_bridge/{C}", {}))
    sim.fault("redirect", status=302, location=f"{other_url}/steal?token={TOKEN}&auth={B64}")
    expect_error("302 to another host", E.BadRequestError, lambda: client.get_phlo(P))
    sim.fault("redirect", status=307,
              location=f"http://{AUTH_ID}:{TOKEN}@127.0.0.1:{other.getsockname()[1]}/x")
    expect_error("307 with credentials in the Location", E.BadRequestError, lambda: client.mpc_member_hold(P, N, CUSTOMER))
    # rate_limited, server.
    sim.fault("rate_limit", retry_after="0", count=3)
    expect_error("429 every time", E.RateLimitedError, lambda: client.get_phlo(P))
    sim.fault("status", status=500, error=f"internal: {TOKEN}")
    expect_error("500 echoing", E.ServerError, lambda: client.get_phlo(P))
    sim.fault("status", status=503, body="html", count=3)
    expect_error("503 html", E.ServerError, lambda: client.get_phlo(P))
    # timeout, connection.
    sim.fault("latency", ms=800)
    expect_error("timeout", E.PhloTimeoutError, lambda: once.get_phlo(P))
    with plivo_phlo.Client(AUTH_ID, TOKEN, f"http://127.0.0.1:{closed_port()}", max_retries=0) as refused:
        objects.append(refused)
        expect_error("connection refused", E.PhloConnectionError, lambda: refused.get_phlo(P))
    sim.fault("reset_before")
    expect_error("reset", E.PhloConnectionError, lambda: once.mpc_member_hold(P, N, CUSTOMER))
    sim.fault("short_body")
    expect_error("short body", E.PhloConnectionError, lambda: once.get_phlo(P))
    # decode: 2xx bodies that echo the token (not JSON; JSON of the wrong shape), and a huge one.
    sim.fault("raw_body", body=f"<html>token={TOKEN} auth=Basic {B64}</html>", content_type="text/html")
    expect_error("2xx not JSON, echoing", E.DecodeError, lambda: client.get_phlo(P))
    sim.fault("raw_body", body=f'{{"api_id": 5, "error": "{TOKEN}", "auth": "Basic {B64}"}}')
    expect_error("2xx wrong types, echoing", E.DecodeError, lambda: client.mpc_member_hold(P, N, CUSTOMER))
    sim.fault("raw_body", body=f'{{"api_id": "{TOKEN}"')
    expect_error("2xx truncated, echoing", E.DecodeError, lambda: client.call("get_phlo", phlo_id=P))
    sim.fault("huge_body", bytes=2 << 20)
    expect_error("2xx over the cap", E.DecodeError, lambda: client.get_phlo(P))
    # The drop-in: its own errors and objects.
    rest = plivo_phlo.RestClient(AUTH_ID, TOKEN, base_url=url)
    objects += [rest, vars(rest), rest.phlo]
    phlo = rest.phlo.get(P)
    mpc = phlo.multi_party_call(N)
    objects += [phlo, mpc, mpc.member(CUSTOMER), mpc.member(CUSTOMER).hold()]
    expect_error("drop-in malformed id", E.AuthenticationError, lambda: plivo_phlo.RestClient(TOKEN, AUTH_ID))
    sim.fault("status", status=400, error=f"bad {TOKEN}")
    expect_error("drop-in 400", E.ValidationError, lambda: mpc.member(CUSTOMER).mute())

    # Every kind of error was produced.
    assert set(kinds) == set(E._BY_KIND), set(E._BY_KIND) - set(kinds)
    for label, views in seen.items():
        for v in views:
            assert not leaks(v), f"{label}: {leaks(v)} in {v[:300]!r}"

    # Reprs and attributes of everything a user holds.
    for obj in objects + results:
        texts = [repr(obj), str(obj)]
        for name in dir(obj):
            # `raw` is the deprecated name of `json()`, which is looked at.
            if name.startswith("__") or name in ("auth_token", "raw"):
                continue
            try:
                value = getattr(obj, name)
            except Exception:  # noqa: BLE001 - e.g. a drop-in object's missing field
                continue
            if not callable(value):
                texts.append(f"{name}={value!r}")
        for t in texts:
            assert not leaks(t), f"{type(obj).__name__}: {leaks(t)} in {t[:300]!r}"

    # Log records, at every level, from every logger.
    assert any(r.name == "plivo_phlo" and r.levelno == logging.DEBUG for r in caplog.records)
    assert any(r.name == "plivo_phlo" and r.levelno == logging.INFO for r in caplog.records)  # retries
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s %(args)s")
    for r in caplog.records:
        for t in (r.getMessage(), formatter.format(r), repr(r.args), r.exc_text or ""):
            assert not leaks(t), f"log record {r.name}: {leaks(t)} in {t[:300]!r}"
    assert caplog.text and not leaks(caplog.text)

    # On the wire: the credentials only in the Authorization header, nothing to the other host.
    log = sim.requests()
    assert log
    for req in log:
        headers = dict(req["headers"])
        auth = headers.pop("authorization", "")
        assert auth in (f"Basic {B64}", "Basic " + base64.b64encode(f"{AUTH_ID}:{OTHER_TOKEN}".encode()).decode())
        for part in (req["path"], req["query"], req["body"], repr(headers)):
            assert not leaks(part), f"{req['method']} {req['path']}: {leaks(part)}"
    with pytest.raises(BlockingIOError):
        other.accept()
    other.close()
    for c in (client, once, rest):
        c.close()
    FIGURES["secrets"] = (
        f"token in none of {sum(len(v) for v in seen.values())} views of {len(seen)} errors "
        f"({len(kinds)} kinds), {len(caplog.records)} log records, {len(objects) + len(results)} objects; "
        f"only in the Authorization header of {len(log)} requests"
    )

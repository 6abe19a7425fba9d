"""Requests are logged through `logging` (logger `plivo_phlo`: method, path, status, attempt,
duration), level changes take effect from the next call, `logging` may be configured after the
client exists, and the token never shows: not in logs, reprs, exception texts or attributes."""

from __future__ import annotations

import base64
import logging
import pathlib
import re
import subprocess
import sys
from typing import Iterator

import pytest

import plivo_phlo
from conftest import CUSTOMER, N, P

AUTH_ID = "SA0123456789ABCDEFGH"
TOKEN = "s3cr3t-T0KEN-never-shown"
SECRETS = (TOKEN, base64.b64encode(f"{AUTH_ID}:{TOKEN}".encode()).decode())


@pytest.fixture
def secret_sim() -> Iterator[plivo_phlo.Simulator]:
    with plivo_phlo.Simulator(accounts=[(AUTH_ID, TOKEN)]) as sim:
        yield sim


def test_requests_are_logged(sim: plivo_phlo.Simulator, client: plivo_phlo.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_phlo")
    client.get_phlo(P)
    client.mpc_member_hold(P, N, CUSTOMER)
    records = [r for r in caplog.records if r.name == "plivo_phlo"]
    assert len(records) == 2
    assert all(r.levelno == logging.DEBUG for r in records)
    pattern = re.compile(r"^(GET|POST) (/v1/\S+) -> (\d{3}) \(attempt (\d+), [\d.]+ ms\)$")
    m0, m1 = (pattern.match(r.getMessage()) for r in records)
    assert m0 and m0.groups() == ("GET", f"/v1/phlo/{P}", "200", "1")
    assert m1 and m1.groups() == ("POST", f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}", "201", "1")


def test_retries_are_logged(sim: plivo_phlo.Simulator, client: plivo_phlo.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_phlo")
    sim.fault("status", status=503)
    client.get_phlo(P)
    msgs = [r.getMessage() for r in caplog.records if r.name == "plivo_phlo"]
    assert msgs[0].startswith(f"GET /v1/phlo/{P} -> 503 (attempt 1,")
    assert any(m.startswith("retrying GET") and r.levelno == logging.INFO
               for m, r in zip(msgs, caplog.records))
    assert "(attempt 2," in msgs[-1] and "-> 200" in msgs[-1]


def test_level_changes_take_effect(client: plivo_phlo.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="plivo_phlo")
    client.get_phlo(P)
    assert not [r for r in caplog.records if r.name == "plivo_phlo"]
    caplog.set_level(logging.DEBUG, logger="plivo_phlo")
    client.get_phlo(P)
    assert [r for r in caplog.records if r.name == "plivo_phlo"]


def test_token_never_shown(secret_sim: plivo_phlo.Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    client = plivo_phlo.Client(AUTH_ID, TOKEN, secret_sim.base_url, max_retries=1)
    seen += [repr(client), str(client), repr(secret_sim)]
    seen.append(repr(client.get_phlo(P)))
    for fault in ({"kind": "status", "status": 503, "count": 2}, {"kind": "rate_limit", "count": 2},
                  {"kind": "raw_body", "body": "not json"}):
        kind = fault.pop("kind")
        secret_sim.fault(str(kind), **fault)
        with pytest.raises(plivo_phlo.PhloError) as info:
            client.get_phlo(P)
        e = info.value
        seen += [str(e), repr(e), e.message, e.body or "", repr(e.__dict__)]
    # A body echoing the token is scrubbed before it reaches the exception.
    secret_sim.fault("status", status=400, error=f"bad token {TOKEN}")
    with pytest.raises(plivo_phlo.BadRequestError) as bad:
        client.mpc_member_hold(P, N, CUSTOMER)
    seen += [str(bad.value), bad.value.body or "", bad.value.message]
    assert "***" in bad.value.message
    # Wrong token: 401.
    with plivo_phlo.Client(AUTH_ID, TOKEN + "x", secret_sim.base_url) as wrong:
        with pytest.raises(plivo_phlo.AuthenticationError) as auth:
            wrong.get_phlo(P)
        seen += [str(auth.value), auth.value.body or "", repr(wrong)]
    rest = plivo_phlo.RestClient(AUTH_ID, TOKEN, base_url=secret_sim.base_url)
    seen += [repr(rest), str(rest.phlo.get(P)), repr(rest.phlo.get(P).multi_party_call(N))]
    seen += [r.getMessage() for r in caplog.records]
    assert any(r.name == "plivo_phlo" for r in caplog.records)
    text = "\n".join(seen)
    for s in SECRETS:
        assert s not in text
    # The simulator did receive the credentials: what was checked above is what a user sees.
    assert secret_sim.requests()[0]["headers"]["authorization"] == f"Basic {SECRETS[1]}"


def test_level_lowered_takes_effect(sim: plivo_phlo.Simulator, client: plivo_phlo.Client, caplog: pytest.LogCaptureFixture) -> None:
    # The level is read at the start of each call, in both directions; at INFO the per-request
    # DEBUG records are dropped but a retry (INFO) still gets through.
    caplog.set_level(logging.DEBUG, logger="plivo_phlo")
    client.get_phlo(P)
    assert len([r for r in caplog.records if r.name == "plivo_phlo"]) == 1
    caplog.clear()
    caplog.set_level(logging.INFO, logger="plivo_phlo")
    sim.fault("status", status=503)
    client.get_phlo(P)
    records = [r for r in caplog.records if r.name == "plivo_phlo"]
    assert [r.levelno for r in records] == [logging.INFO]
    assert records[0].getMessage().startswith(f"retrying GET /v1/phlo/{P} in ")
    caplog.clear()
    logging.disable(logging.INFO)
    try:
        sim.fault("status", status=503)
        client.get_phlo(P)
    finally:
        logging.disable(logging.NOTSET)
    assert not [r for r in caplog.records if r.name == "plivo_phlo"]


LATE_LOGGING = f"""
import sys
import plivo_phlo
assert "logging" not in sys.modules, "import plivo_phlo imported logging"
with plivo_phlo.Simulator() as sim, sim.client() as client:
    client.get_phlo({P!r})
    assert "logging" not in sys.modules, "a call imported logging"
    import logging
    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
    client.get_phlo({P!r})
    logging.getLogger("plivo_phlo").setLevel(logging.WARNING)
    client.get_phlo({P!r})
    logging.getLogger("plivo_phlo").setLevel(logging.DEBUG)
    client.mpc_member_hold({P!r}, {N!r}, {CUSTOMER!r})
"""


def test_logging_configured_after_the_client(tmp_path: pathlib.Path) -> None:
    # `import plivo_phlo` does not import `logging`; the bridge is installed at the first call
    # made after something did, so configuring logging late (after the client exists) works.
    out = subprocess.run([sys.executable, "-c", LATE_LOGGING], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"plivo_phlo DEBUG GET /v1/phlo/{P} -> 200 (attempt 1, ")
    assert lines[1].startswith(f"plivo_phlo DEBUG POST /v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER} -> 201 ")

"""The fault matrix every language shares (tests/fault_matrix.json), run through the
binding's generic entry point ``Client.call(op, **params)`` exactly as the table's ``how`` says,
one test per case (id: case name and side). The Rust runner it mirrors is
crates/phlo/tests/shared_fault_table.rs.

Each case: reset the simulator, queue the case's faults, build a client (the simulator's account,
or a wrong token; the simulator's URL, or a closed port; the case's timeout, otherwise default
options, 3 attempts), call, sleep ``settle_ms`` so that a request the client gave up on finishes
at the simulator, then check the outcome (the exception's class for the kind, ``kind``,
``status``, ``attempts``, ``message``/``field``/``api_id`` when given, ``retry_after``), the
simulator's ``total`` (requests that reached it) and, for actions, whether the transfer was
applied.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Type

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from conftest import FIGURES, closed_port

TABLE_PATH = Path(__file__).resolve().parents[2] / "tests" / "fault_matrix.json"
TABLE: Dict[str, Any] = json.loads(TABLE_PATH.read_text())
CASES: List[Dict[str, Any]] = TABLE["cases"]
P: str = TABLE["phlo_id"]
N: str = TABLE["node_id"]
AGENT = "+14152223333"
NEW_AGENT = "+14152225555"
WRONG_TOKEN = "wrong-token-0f1e2d3c"

#: The class each kind must raise, and the builtin it must also be (if any).
CLASSES: Dict[str, Tuple[Type[E.PhloError], Tuple[type, ...]]] = {
    "invalid_argument": (E.InvalidArgumentError, (ValueError, E.ValidationError)),
    "authentication": (E.AuthenticationError, ()),
    "not_found": (E.NotFoundError, ()),
    "bad_request": (E.BadRequestError, (E.ValidationError,)),
    "rate_limited": (E.RateLimitedError, ()),
    "server": (E.ServerError, ()),
    "timeout": (E.PhloTimeoutError, (TimeoutError,)),
    "connection": (E.PhloConnectionError, (ConnectionError,)),
    "decode": (E.DecodeError, ()),
}


@pytest.fixture(scope="module")
def matrix_sim() -> Iterator[plivo_phlo.Simulator]:
    with plivo_phlo.Simulator() as sim:
        yield sim


def sim_total(sim: plivo_phlo.Simulator) -> int:
    """``GET /_sim/requests`` ``total``: API requests that reached the simulator since the reset."""
    with urllib.request.urlopen(f"{sim.base_url}/_sim/requests", timeout=10) as r:
        total: int = json.load(r)["total"]
    return total


def applied(sim: plivo_phlo.Simulator) -> bool:
    node = sim.node(N)
    assert node is not None
    member = node["members"].get(NEW_AGENT)
    return member is not None and member["state"] == "connected"


def operation(case: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    if "op" in case:
        return case["op"], dict(case.get("params") or {})
    if case["side"] == "read":
        return "get_phlo", {"phlo_id": P}
    return "mpc_cold_transfer", {"phlo_id": P, "node_id": N, "trigger_source": AGENT, "to": NEW_AGENT}


def test_the_table_covers_the_whole_list() -> None:
    assert len(CASES) >= 50, len(CASES)
    assert {c["side"] for c in CASES} == {"read", "action"}
    ids = [f"{c['name']} ({c['side']})" for c in CASES]
    assert len(set(ids)) == len(ids), "case ids are unique"
    assert {c["expect"].get("kind") for c in CASES} - {None} == set(CLASSES)
    FIGURES["fault matrix"] = f"{len(CASES)} cases from tests/fault_matrix.json through Client.call"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['name']} ({c['side']})" for c in CASES])
def test_fault_case(matrix_sim: plivo_phlo.Simulator, case: Dict[str, Any]) -> None:
    sim = matrix_sim
    sim.reset()
    for fault in case.get("faults", []):
        fault = dict(fault)
        sim.fault(fault.pop("kind"), **fault)
    base_url = f"http://127.0.0.1:{closed_port()}" if case.get("target") == "refused" else sim.base_url
    token = WRONG_TOKEN if case.get("wrong_token") else sim.auth_token
    timeout = case.get("timeout")
    op, params = operation(case)
    want = case["expect"]

    outcome: Any
    with plivo_phlo.Client(sim.auth_id, token, base_url, timeout) as client:
        assert client.max_retries == 2, "default options: 3 attempts"
        try:
            outcome = client.call(op, **params)
        except E.PhloError as e:
            outcome = e
    if "settle_ms" in case:
        time.sleep(case["settle_ms"] / 1000)

    if want.get("ok"):
        assert isinstance(outcome, plivo_phlo.Response), f"expected success, got {outcome!r}"
        assert 200 <= outcome.status < 300
        assert isinstance(outcome.json(), dict)
        if "status" in want:
            assert outcome.status == want["status"]
        if "body" in want:
            assert outcome.text == want["body"]
            if want["body"] == "":
                assert outcome.json() == {}, "no body reads as no fields"
    else:
        assert isinstance(outcome, E.PhloError), f"expected {want['kind']}, got {outcome!r}"
        cls, also = CLASSES[want["kind"]]
        assert type(outcome) is cls, (type(outcome), cls)
        for base in also:
            assert isinstance(outcome, base), (type(outcome), base)
        assert outcome.kind == want["kind"]
        assert outcome.status == want["status"], (outcome.status, str(outcome))
        assert outcome.attempts == want["attempts"], (outcome.attempts, str(outcome))
        if "message" in want:
            assert outcome.message == want["message"]
        if "field" in want:
            assert outcome.field == want["field"]
        if "api_id" in want:
            assert outcome.api_id == want["api_id"]
        if "retry_after_ms_min" in want:
            assert outcome.retry_after is not None
            assert outcome.retry_after * 1000 >= want["retry_after_ms_min"], outcome.retry_after
        # Every error reads as "<kind>: <message>...".
        assert str(outcome).startswith(f"{want['kind']}: ")
        assert outcome.message in str(outcome)
    assert sim_total(sim) == want["sent"], "requests that reached the simulator"
    if "applied" in want:
        assert applied(sim) is want["applied"], "the transfer's effect on the call"

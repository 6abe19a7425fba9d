"""The drop-in against the official SDK (plivo 4.63.0), side by side on one simulator.

Every operation of the official PHLO interface runs through ``plivo.phlo.RestClient`` (its
runner URL pointed at the simulator; both SDKs really talk HTTP to it) and through
``plivo_phlo.phlo.RestClient``, each from the same simulator state, and under every answer shape
the service gives: 200 and 201 with a body, 2xx with no body, 400, 401, 404, 405, 429, 500, and
502/503 with an HTML body. For each pair of runs this asserts:

- the outcome: both return, or both raise;
- an exception: every class the official's exception is an instance of (``plivo.exceptions``
  classes by name in ``plivo_phlo.exceptions``, builtins as they are) catches the drop-in's, and
  the drop-in's message carries what the official's carries (the service's ``error`` text, the
  HTTP status, the request's path);
- a value: the same class name; every attribute and its value; ``id``; item access, attribute
  access and ``in`` for each field and for a missing one; the public names; ``str()`` and
  ``repr()`` equal once the client's repr and request ids are masked; and the object the call was
  made on, which the SDK also changes;
- the requests that reached the simulator (method, path without its trailing slash, JSON body)
  and the call state they left.

Where the drop-in differs on purpose, a test below says so and asserts both behaviours; the list
``DELIBERATE_DIFFERENCES`` holds one line per difference, and docs/python.md must list the same
lines.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import plivo  # the official SDK, a test-only dependency (plivo==4.63.0)
import plivo.exceptions
import pytest
import requests

import plivo_phlo
from plivo_phlo import exceptions as ours
from plivo_phlo import phlo as dropin
from conftest import AGENT, CUSTOMER, C, N, P, closed_port

#: One line per deliberate difference; docs/python.md lists the same lines.
DELIBERATE_DIFFERENCES = [
    "A PHLO id such as `../x` is refused before sending (`InvalidArgumentError`, also `ValidationError`); the official SDK sends it, to another path, and raises the service's answer there (`ResourceNotFoundError`).",
    "Other values that are certainly invalid (an empty string, a control character, an id or member that is `.` or holds `/`, `call` without a role, a node type other than `multi_party_call` and `conference_bridge`) are refused before sending with `InvalidArgumentError`, also a `ValidationError`; the official SDK sends them and raises the service's 400 or 404.",
    "`Node.update` on a conference-bridge node is refused before sending (`InvalidArgumentError`); the official SDK sends it and raises `InvalidRequestError` for the service's 405.",
    "A 2xx other than 200, 201 and 202 (such as 204) is a success (`None` when it has no body); the official SDK raises `PlivoRestError`.",
    "A 2xx whose body is not a JSON object raises `DecodeError` (a `PlivoRestError`); the official SDK returns `None` (as both do for a 2xx with no body).",
    "Reads are retried on connection failures, timeouts, 429, 502, 503 and 504 (actions only when provably not sent, or on 429); `max_retries=0` sends each request once, as the official SDK does.",
    "Exceptions are of the official SDK's class for the case or a subclass of it: 403 raises `AuthenticationError`, 429 `RateLimitedError`, 502 to 504 `PlivoServerError` (the official SDK: `PlivoRestError` for these), and `InvalidRequestError` (405) is also a `ValidationError`.",
    "Messages read `<kind>: <message> (HTTP <status>, api_id <id>)` and name the request's path, not the full URL; the service's `error` text is kept.",
    "Timeouts and connection failures raise `PhloTimeoutError` and `PhloConnectionError` (`PlivoRestError` subclasses, also the builtin `TimeoutError` and `ConnectionError`), not `requests` exceptions.",
    "An auth id that is not `MA` or `SA` and 18 upper-case letters or digits raises `AuthenticationError` when the client is made; the official SDK accepts some (lower case) and gets the service's 401 on the first call.",
    "Paths carry no trailing slash (the service accepts both forms).",
    "`del r[key]` removes that field; the official SDK's removes every field.",
    "The resource methods `get`, `delete` and `create` that the official SDK inherits, and that fail on every PHLO resource there (`AttributeError`, `InvalidRequestError`), are absent.",
    "`str()` of a resource shows its client as `RestClient(auth_id=..., base_url=...)`, not `<plivo.rest.phlo_client.PhloClient object at 0x...>`.",
]

REPO = Path(__file__).resolve().parents[2]
NEW = "+14152225555"
BRIDGE_MEMBER = "+14155550123"
ODD_MEMBER = "656432-xxxxx-xxxxx-xxxxx"  # a member id the official SDK's own tests send
UNKNOWN_PHLO = "00000000-0000-4000-8000-000000000000"
FIXTURE_IDS = {P, N, C, UNKNOWN_PHLO}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CLIENT_REPR_RE = re.compile(r"<plivo\.rest\.phlo_client\.PhloClient object at 0x[0-9a-f]+>|RestClient\([^)]*\)")
MISSING = "no_such_field"


# --------------------------------------------------------------------------------------------
# The two SDKs and the simulator
# --------------------------------------------------------------------------------------------


@dataclass
class Side:
    """One SDK: its client and its exceptions module."""

    name: str
    rest: Any


@pytest.fixture(scope="module")
def sides(_session_sim: plivo_phlo.Simulator) -> Iterator[Tuple[Side, Side]]:
    sim = _session_sim
    official = plivo.phlo.RestClient(sim.auth_id, sim.auth_token)
    # The official client's one network setting: where the runner is.
    official.phlo_base_uri = f"{sim.base_url}/v1"
    # max_retries=0: one exchange per call, as the official SDK makes (retries are a deliberate
    # difference, tested on their own below).
    ours_client = dropin.RestClient(sim.auth_id, sim.auth_token, base_url=sim.base_url, max_retries=0)
    with ours_client:
        yield Side("official", official), Side("drop-in", ours_client)
    official.session.close()


def control(sim: plivo_phlo.Simulator, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{sim.base_url}{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


# --------------------------------------------------------------------------------------------
# The operations of the official PHLO interface
# --------------------------------------------------------------------------------------------


def get_phlo(rest: Any) -> Any:
    return rest.phlo.get(P)


def get_mpc(rest: Any) -> Any:
    return rest.phlo.get(P).multi_party_call(N)


def get_mpc_in_transfer(rest: Any) -> Any:
    mpc = get_mpc(rest)
    mpc.warm_transfer(AGENT, NEW)
    return mpc


def member_of(setup: Callable[[Any], Any], address: str) -> Callable[[Any], Any]:
    return lambda rest: setup(rest).member(address)


@dataclass
class Op:
    """One call of the official interface: ``setup`` builds what it is called on (it may send
    requests; no answer shape applies to them), ``act`` is the call, sending one request, or
    none when ``sends`` is false."""

    name: str
    setup: Callable[[Any], Any]
    act: Callable[[Any], Any]
    sends: bool = True


OPS: List[Op] = [
    Op("client.phlo.get", lambda r: r, lambda r: r.phlo.get(P)),
    Op("phlo.run()", get_phlo, lambda p: p.run()),
    Op("phlo.run(from_=, to=, ...)", get_phlo, lambda p: p.run(from_=CUSTOMER, to=AGENT, ticket=1234, vip=True, note=None)),
    Op("phlo.node(multi_party_call)", get_phlo, lambda p: p.node("multi_party_call", N)),
    Op("phlo.node(conference_bridge)", get_phlo, lambda p: p.node("conference_bridge", C)),
    Op("phlo.multi_party_call", get_phlo, lambda p: p.multi_party_call(N)),
    Op("phlo.member", get_phlo, lambda p: p.member(P, C, BRIDGE_MEMBER, "mute")),
    Op("phlo.update", get_phlo, lambda p: p.update(
        ("phlo", P, "multi_party_call", N),
        {"action": "call", "trigger_source": AGENT, "to": NEW, "role": "customer"})),
    Op("node.update", lambda r: r.phlo.get(P).node("multi_party_call", N),
       lambda n: n.update("call", AGENT, NEW, "customer")),
    Op("mpc.call", get_mpc, lambda m: m.call(AGENT, NEW, "customer")),
    Op("mpc.warm_transfer", get_mpc, lambda m: m.warm_transfer(AGENT, NEW)),
    Op("mpc.cold_transfer", get_mpc, lambda m: m.cold_transfer(AGENT, NEW, "supervisor")),
    Op("mpc.member", get_mpc, lambda m: m.member(CUSTOMER), sends=False),
    Op("member.abort_transfer", member_of(get_mpc_in_transfer, AGENT), lambda m: m.abort_transfer()),
    Op("member.resume_call", member_of(get_mpc_in_transfer, AGENT), lambda m: m.resume_call()),
    Op("member.voicemail_drop", member_of(get_mpc, CUSTOMER), lambda m: m.voicemail_drop()),
    Op("member.hangup", member_of(get_mpc, CUSTOMER), lambda m: m.hangup()),
    Op("member.hold", member_of(get_mpc, CUSTOMER), lambda m: m.hold()),
    Op("member.unhold", member_of(get_mpc, CUSTOMER), lambda m: m.unhold()),
    Op("member.mute", member_of(get_mpc, CUSTOMER), lambda m: m.mute()),
    Op("member.unmute", member_of(get_mpc, CUSTOMER), lambda m: m.unmute()),
    Op("client.phlo.member (bridge)", lambda r: r, lambda r: r.phlo.member(P, C, BRIDGE_MEMBER, "mute")),
    Op("client.phlo.member (multi_party_call)", lambda r: r,
       lambda r: r.phlo.member(P, N, CUSTOMER, "hold", node_type="multi_party_call")),
    Op("client.phlo.multi_party_call call", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "call", trigger_source=AGENT, to=NEW, role="customer")),
    Op("client.phlo.multi_party_call warm_transfer (no role)", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "warm_transfer", trigger_source=AGENT, to=NEW)),
    Op("client.phlo.multi_party_call cold_transfer", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "cold_transfer", trigger_source=AGENT, to=NEW, role="agent")),
    Op("client.phlo.multi_party_call member", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "member", member_id=CUSTOMER), sends=False),
]

#: Inputs the service answers (or the SDK refuses) the same way through both SDKs.
ODD_INPUTS: List[Op] = [
    Op("a member id of the official SDK's tests", get_mpc, lambda m: m.member(ODD_MEMBER).hold()),
    Op("a member id of the official SDK's tests (shortcut)", lambda r: r,
       lambda r: r.phlo.member(P, N, ODD_MEMBER, "hangup", node_type="multi_party_call")),
    Op("an unknown PHLO", lambda r: r, lambda r: r.phlo.get(UNKNOWN_PHLO)),
    Op("a PHLO id that is not a UUID", lambda r: r, lambda r: r.phlo.get("not a phlo")),
    Op("a PHLO id given as a uuid.UUID", lambda r: r, lambda r: r.phlo.get(uuid.UUID(P))),
    Op("a bridge read as a multi-party call", get_phlo, lambda p: p.multi_party_call(C)),
    Op("a role the service refuses", get_mpc, lambda m: m.call(AGENT, NEW, "boss")),
    Op("an address the service refuses", get_mpc, lambda m: m.call(AGENT, "alice", "agent")),
    Op("a trigger_source not in the call", get_mpc, lambda m: m.cold_transfer("+14150000000", NEW)),
    Op("an action the service refuses", lambda r: r.phlo.get(P).node("multi_party_call", N),
       lambda n: n.update("teleport", AGENT, NEW, "agent")),
    Op("abort_transfer with no transfer pending", get_mpc, lambda m: m.member(AGENT).abort_transfer()),
    Op("a member action the bridge refuses", lambda r: r, lambda r: r.phlo.member(P, C, BRIDGE_MEMBER, "hold")),
    Op("a shortcut action that is no method", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "teleport", trigger_source=AGENT, to=NEW), sends=False),
    Op("a shortcut member action that is no method", lambda r: r,
       lambda r: r.phlo.member(P, C, BRIDGE_MEMBER, "teleport"), sends=False),
    Op("a shortcut without trigger_source", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "cold_transfer", to=NEW), sends=False),
    Op("a shortcut call without role", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "call", trigger_source=AGENT, to=NEW), sends=False),
    Op("a shortcut member without member_id", lambda r: r,
       lambda r: r.phlo.multi_party_call(P, N, "member"), sends=False),
    Op("a PHLO id of None", lambda r: r, lambda r: r.phlo.get(None), sends=False),
]


# --------------------------------------------------------------------------------------------
# Answer shapes
# --------------------------------------------------------------------------------------------


@dataclass
class Shape:
    name: str
    apply: Callable[[plivo_phlo.Simulator], None]


def fault(kind: str, **params: Any) -> Callable[[plivo_phlo.Simulator], None]:
    return lambda sim: sim.fault(kind, **params)


def status_200(sim: plivo_phlo.Simulator) -> None:
    control(sim, "POST", "/_sim/config", {"status_200": True})


SHAPES: List[Shape] = [
    Shape("as served (GET 200, POST 201)", lambda sim: None),
    Shape("200 with a body", status_200),
    Shape("200 with no body", fault("raw_body", status=200, body="")),
    Shape("201 with no body", fault("raw_body", status=201, body="")),
    Shape("202 with no body", fault("raw_body", status=202, body="")),
    Shape("400 json", fault("status", status=400)),
    Shape("400 empty", fault("status", status=400, body="empty")),
    Shape("401 json", fault("status", status=401)),
    Shape("401 empty", fault("status", status=401, body="empty")),
    Shape("404 json", fault("status", status=404)),
    Shape("404 {}", fault("raw_body", status=404, body="{}")),
    Shape("405 json", fault("status", status=405)),
    Shape("405 empty", fault("status", status=405, body="empty")),
    Shape("429", fault("rate_limit", retry_after=None)),
    Shape("500 json", fault("status", status=500)),
    Shape("500 empty", fault("status", status=500, body="empty")),
    Shape("502 html", fault("status", status=502, body="html")),
    Shape("503 html", fault("status", status=503, body="html")),
]


# --------------------------------------------------------------------------------------------
# Running one side, and comparing the two
# --------------------------------------------------------------------------------------------


@dataclass
class Observed:
    ctx: Any
    value: Any
    error: Optional[BaseException]
    sent: List[Tuple[str, str, str, Any]]
    phlos: Any


def run(sim: plivo_phlo.Simulator, side: Side, op: Op, shape: Shape) -> Observed:
    sim.reset()
    ctx = op.setup(side.rest)
    shape.apply(sim)
    before = len(sim.requests())
    value: Any = None
    error: Optional[BaseException] = None
    try:
        value = op.act(ctx)
    except Exception as e:  # noqa: BLE001 - every outcome is compared
        error = e
    sent = [
        (r["method"], r["path"].rstrip("/"), r["query"], json.loads(r["body"]) if r["body"] else None)
        for r in sim.requests()[before:]
    ]
    return Observed(ctx, value, error, sent, sim.state()["phlos"])


def mask(text: str) -> str:
    """Request ids and the client's repr, which differ between any two runs."""
    text = CLIENT_REPR_RE.sub("<client>", text)
    return UUID_RE.sub(lambda m: m.group(0) if m.group(0) in FIXTURE_IDS else "<id>", text)


def norm(v: Any) -> Any:
    """A value for comparison: clients as one token, request ids masked, objects by class name
    and fields."""
    if isinstance(v, (plivo.phlo.RestClient, dropin.RestClient)):
        return "<client>"
    if isinstance(v, str):
        return mask(v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if hasattr(v, "__dict__") and not isinstance(v, type):
        return (type(v).__name__, {k: norm(x) for k, x in vars(v).items()})
    return v


def counterparts(exc: BaseException) -> List[type]:
    """The classes the official SDK's exception is an instance of, as the drop-in must be: the
    official's own classes by name in ``plivo_phlo.exceptions``, the rest as they are."""
    out = []
    for cls in type(exc).__mro__:
        if cls in (object, BaseException, Exception):
            continue
        if cls.__module__ == "plivo.exceptions":
            out.append(getattr(ours, cls.__name__))
        else:
            out.append(cls)
    return out


def assert_caught_alike(official: BaseException, mine: BaseException, base_url: str) -> None:
    for cls in counterparts(official):
        assert isinstance(mine, cls), f"{type(mine).__name__} ({mine}) is not a {cls.__name__}, as the official's {type(official).__name__} ({official}) is"
    if not isinstance(official, plivo.exceptions.PlivoRestError):
        return
    text, shown = str(official), str(mine)
    url = re.search(re.escape(base_url) + r"(\S*)", text)
    status = re.search(r"status code (\d+)", text)
    if url:
        assert url.group(1).rstrip("/") in shown, (text, shown)
    elif status:
        assert status.group(1) in shown, (text, shown)
    elif isinstance(mine, ours.PhloError) and mine.status is not None:
        # The service's own words.
        assert text in shown, (text, shown)
    if isinstance(mine, ours.PhloError) and mine.status is not None:
        assert f"HTTP {mine.status}" in shown, shown


def outcome(f: Callable[[], Any]) -> Tuple[str, Any]:
    try:
        return "value", norm(f())
    except Exception as e:  # noqa: BLE001
        return "raises", e


def assert_same_outcome(a: Tuple[str, Any], b: Tuple[str, Any], what: str, base_url: str) -> None:
    assert a[0] == b[0], f"{what}: official {a}, drop-in {b}"
    if a[0] == "value":
        assert a[1] == b[1], f"{what}: official {a[1]!r}, drop-in {b[1]!r}"
    else:
        assert_caught_alike(a[1], b[1], base_url)


def public(obj: Any) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


#: Inherited by every official resource, and failing on each (see DELIBERATE_DIFFERENCES).
ABSENT_ON_PURPOSE = {"get", "delete", "create"}


def assert_same_object(official: Any, mine: Any, base_url: str, what: str) -> None:
    if official is None or mine is None:
        assert official is None and mine is None, f"{what}: official {official!r}, drop-in {mine!r}"
        return
    assert type(mine).__name__ == type(official).__name__, what
    assert norm(vars(mine)) == norm(vars(official)), what
    assert public(official) - ABSENT_ON_PURPOSE == public(mine), what
    for name in (*vars(official), "id", "_name", MISSING):
        assert_same_outcome(outcome(lambda: getattr(official, name)), outcome(lambda: getattr(mine, name)),
                            f"{what}: attribute {name}", base_url)
        assert_same_outcome(outcome(lambda: official[name]), outcome(lambda: mine[name]),
                            f"{what}: item {name}", base_url)
        assert (name in official) == (name in mine), f"{what}: {name!r} in"
    if MISSING not in vars(official):
        with pytest.raises(KeyError):
            mine[MISSING]  # also a KeyError, as a mapping
    assert mask(str(mine)) == mask(str(official)), what
    assert mask(repr(mine)) == mask(repr(official)), what


def compare(sim: plivo_phlo.Simulator, sides: Tuple[Side, Side], op: Op, shape: Shape) -> None:
    official_side, our_side = sides
    theirs = run(sim, official_side, op, shape)
    mine = run(sim, our_side, op, shape)
    what = f"{op.name} / {shape.name}"
    if theirs.error is not None or mine.error is not None:
        assert theirs.error is not None, f"{what}: the official returned {theirs.value!r}, the drop-in raised {mine.error!r}"
        assert mine.error is not None, f"{what}: the official raised {theirs.error!r}, the drop-in returned {mine.value!r}"
        assert_caught_alike(theirs.error, mine.error, sim.base_url)
    else:
        assert_same_object(theirs.value, mine.value, sim.base_url, what)
    if hasattr(theirs.ctx, "__dict__") and not isinstance(theirs.ctx, plivo.phlo.RestClient):
        # What the call was made on: the SDK records ids on it (Phlo.node sets node_id).
        assert_same_object(theirs.ctx, mine.ctx, sim.base_url, f"{what} (the object called)")
    assert mine.sent == theirs.sent, what
    assert len(theirs.sent) == (1 if op.sends else 0), what
    assert mine.phlos == theirs.phlos, f"{what}: the call state differs"


CASES = [(op, shape) for op in OPS if op.sends for shape in SHAPES]
CASES += [(op, SHAPES[0]) for op in OPS if not op.sends]
CASES += [(op, SHAPES[0]) for op in ODD_INPUTS]


@pytest.mark.parametrize("op,shape", CASES, ids=[f"{op.name} / {shape.name}" for op, shape in CASES])
def test_same_as_the_official_sdk(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side], op: Op, shape: Shape) -> None:
    compare(_session_sim, sides, op, shape)


def test_every_shape_and_operation_is_compared() -> None:
    # Each operation of the official interface at least once; each shape on each request.
    names = {op.name.split(" ")[0].split("(")[0] for op in OPS}
    assert {"client.phlo.get", "phlo.run", "phlo.node", "phlo.multi_party_call", "phlo.member",
            "phlo.update", "node.update", "mpc.call", "mpc.warm_transfer", "mpc.cold_transfer",
            "mpc.member", "client.phlo.member", "client.phlo.multi_party_call"} <= names
    # The member actions of the official SDK's Member: those of the core's table.
    actions = {op["action"] for op in plivo_phlo.operations()
               if op["endpoint"] == "member_action" and op["action"]}
    assert len(actions) == 8
    for action in actions:
        assert f"member.{action}" in names
    assert len(CASES) >= 450


# --------------------------------------------------------------------------------------------
# The deliberate differences, each asserted both ways
# --------------------------------------------------------------------------------------------


def test_docs_list_every_deliberate_difference() -> None:
    doc = (REPO / "docs" / "python.md").read_text()
    for line in DELIBERATE_DIFFERENCES:
        assert f"- {line}\n" in doc, f"docs/python.md does not list: {line}"


def test_dot_dot_phlo_id(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    with pytest.raises(plivo.exceptions.ResourceNotFoundError):
        official.rest.phlo.get("../x")
    assert [r["path"] for r in sim.requests()] == ["/v1/x/"], "sent to another path"
    sim.reset()
    with pytest.raises(ours.InvalidArgumentError) as info:
        mine.rest.phlo.get("../x")
    assert isinstance(info.value, ours.ValidationError) and info.value.field == "phlo_id"
    assert sim.requests() == []


@pytest.mark.parametrize("call,field", [
    (lambda m: m.call(AGENT, NEW, None), "role"),
    (lambda m: m.call(AGENT, "", "agent"), "to"),
    (lambda m: m.member("a/b").hold(), "member_id"),
    (lambda m: m.member(".").hold(), "member_id"),
    (lambda m: m.cold_transfer(AGENT, "+1415\n2225555"), "to"),
], ids=["call without role", "empty to", "member with /", "member .", "control character"])
def test_certainly_invalid_values(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side],
                                  call: Callable[[Any], Any], field: str) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    mpc = get_mpc(official.rest)
    before = len(sim.requests())
    with pytest.raises(plivo.exceptions.PlivoRestError) as theirs:
        call(mpc)
    assert isinstance(theirs.value, (plivo.exceptions.ValidationError, plivo.exceptions.ResourceNotFoundError))
    assert len(sim.requests()) == before + 1, "the official SDK sent it"
    sim.reset()
    mpc = get_mpc(mine.rest)
    before = len(sim.requests())
    with pytest.raises(ours.InvalidArgumentError) as info:
        call(mpc)
    assert info.value.field == field
    assert len(sim.requests()) == before, "refused before sending"


def test_node_type_outside_the_two(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    with pytest.raises(plivo.exceptions.ResourceNotFoundError):
        official.rest.phlo.get(P).node("ivr", N)
    with pytest.raises(ours.InvalidArgumentError) as info:
        mine.rest.phlo.get(P).node("ivr", N)
    assert info.value.field == "node_type"


def test_node_update_on_a_bridge(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    with pytest.raises(plivo.exceptions.InvalidRequestError):
        official.rest.phlo.get(P).node("conference_bridge", C).update("call", AGENT, NEW, "agent")
    assert sim.requests()[-1]["status"] == 405
    sim.reset()
    bridge = mine.rest.phlo.get(P).node("conference_bridge", C)
    with pytest.raises(ours.InvalidArgumentError):
        bridge.update("call", AGENT, NEW, "agent")
    assert len(sim.requests()) == 2, "only the two reads"


@pytest.mark.parametrize("status", [204, 203])
def test_other_2xx(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side], status: int) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    sim.fault("raw_body", status=status, body="")
    with pytest.raises(plivo.exceptions.PlivoRestError) as info:
        official.rest.phlo.member(P, C, BRIDGE_MEMBER, "mute")
    assert str(status) in str(info.value)
    sim.reset()
    sim.fault("raw_body", status=status, body="")
    assert mine.rest.phlo.member(P, C, BRIDGE_MEMBER, "mute") is None


@pytest.mark.parametrize("body", ["OK", "<html>ok</html>", "[1, 2]"])
def test_2xx_body_not_a_json_object(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side], body: str) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    sim.fault("raw_body", status=201, body=body)
    got = official.rest.phlo.member(P, C, BRIDGE_MEMBER, "mute")
    assert got is None or isinstance(got, list)
    sim.reset()
    sim.fault("raw_body", status=201, body=body)
    with pytest.raises(ours.DecodeError) as info:
        mine.rest.phlo.member(P, C, BRIDGE_MEMBER, "mute")
    assert isinstance(info.value, ours.PlivoRestError) and info.value.status == 201


def test_reads_are_retried(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, _ = sides
    sim.reset()
    sim.fault("status", status=503, body="html")
    with pytest.raises(plivo.exceptions.PlivoRestError):
        official.rest.phlo.get(P)
    sim.reset()
    sim.fault("status", status=503, body="html")
    with dropin.RestClient(sim.auth_id, sim.auth_token, base_url=sim.base_url) as retrying:
        assert retrying.phlo.get(P).phlo_id == P
    assert [r["status"] for r in sim.requests()] == [503, 200]


@pytest.mark.parametrize("status,official_cls,our_cls", [
    (403, plivo.exceptions.PlivoRestError, ours.AuthenticationError),
    (429, plivo.exceptions.PlivoRestError, ours.RateLimitedError),
    (502, plivo.exceptions.PlivoRestError, ours.PlivoServerError),
    (504, plivo.exceptions.PlivoRestError, ours.PlivoServerError),
    (405, plivo.exceptions.InvalidRequestError, ours.ValidationError),
])
def test_more_specific_classes(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side],
                               status: int, official_cls: type, our_cls: type) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    sim.fault("status", status=status)
    with pytest.raises(plivo.exceptions.PlivoRestError) as theirs:
        official.rest.phlo.get(P)
    assert type(theirs.value) is official_cls
    sim.reset()
    sim.fault("status", status=status)
    with pytest.raises(our_cls) as info:
        mine.rest.phlo.get(P)
    assert_caught_alike(theirs.value, info.value, sim.base_url)


def test_messages(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    with pytest.raises(plivo.exceptions.ResourceNotFoundError) as theirs:
        official.rest.phlo.get(UNKNOWN_PHLO)
    assert str(theirs.value) == f"Resource not found at: {sim.base_url}/v1/phlo/{UNKNOWN_PHLO}/"
    with pytest.raises(ours.ResourceNotFoundError) as info:
        mine.rest.phlo.get(UNKNOWN_PHLO)
    assert str(info.value) == f"not_found: resource not found (404) at /v1/phlo/{UNKNOWN_PHLO} (HTTP 404)"
    assert sim.base_url not in str(info.value)


def test_connection_failures(_session_sim: plivo_phlo.Simulator) -> None:
    sim = _session_sim
    nowhere = f"http://127.0.0.1:{closed_port()}"
    official = plivo.phlo.RestClient(sim.auth_id, sim.auth_token)
    official.phlo_base_uri = f"{nowhere}/v1"
    with pytest.raises(requests.exceptions.ConnectionError):
        official.phlo.get(P)
    with dropin.RestClient(sim.auth_id, sim.auth_token, base_url=nowhere, max_retries=0) as mine:
        with pytest.raises(ours.PhloConnectionError) as info:
            mine.phlo.get(P)
    assert isinstance(info.value, ConnectionError) and isinstance(info.value, ours.PlivoRestError)


def test_auth_id_shape(_session_sim: plivo_phlo.Simulator) -> None:
    sim = _session_sim
    lower = "MA" + "x" * 18
    official = plivo.phlo.RestClient(lower, sim.auth_token)
    official.phlo_base_uri = f"{sim.base_url}/v1"
    with pytest.raises(plivo.exceptions.AuthenticationError):
        official.phlo.get(P)
    with pytest.raises(ours.AuthenticationError):
        dropin.RestClient(lower, sim.auth_token, base_url=sim.base_url)


def test_paths_have_no_trailing_slash(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    sim = _session_sim
    official, mine = sides
    sim.reset()
    official.rest.phlo.get(P)
    mine.rest.phlo.get(P)
    assert [r["path"] for r in sim.requests()] == [f"/v1/phlo/{P}/", f"/v1/phlo/{P}"]


def test_del_item(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    official, mine = sides
    _session_sim.reset()
    theirs = official.rest.phlo.get(P)
    del theirs["name"]
    assert "phlo_id" not in theirs, "the official SDK's removes every field"
    ours_phlo = mine.rest.phlo.get(P)
    del ours_phlo["name"]
    assert "name" not in ours_phlo and ours_phlo["phlo_id"] == P


def test_inherited_resource_methods(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    official, mine = sides
    _session_sim.reset()
    theirs = official.rest.phlo.get(P)
    with pytest.raises(AttributeError):
        theirs.get()
    with pytest.raises(AttributeError):
        theirs.delete()
    with pytest.raises(plivo.exceptions.InvalidRequestError):
        theirs.create({})
    ours_phlo = mine.rest.phlo.get(P)
    for name in ABSENT_ON_PURPOSE:
        assert not hasattr(ours_phlo, name)


def test_client_in_str(_session_sim: plivo_phlo.Simulator, sides: Tuple[Side, Side]) -> None:
    official, mine = sides
    _session_sim.reset()
    assert "'client': <plivo.rest.phlo_client.PhloClient object at 0x" in str(official.rest.phlo.get(P))
    shown = str(mine.rest.phlo.get(P))
    assert f"'client': RestClient(auth_id='{_session_sim.auth_id}', base_url='{_session_sim.base_url}')" in shown
    assert _session_sim.auth_token not in shown


def test_missing_item_is_both_key_and_attribute_error(_session_sim: plivo_phlo.Simulator,
                                                       sides: Tuple[Side, Side]) -> None:
    _, mine = sides
    _session_sim.reset()
    r = mine.rest.phlo.member(P, C, BRIDGE_MEMBER, "mute")
    with pytest.raises(dropin.MissingFieldError) as info:
        r["nope"]
    assert isinstance(info.value, KeyError) and isinstance(info.value, AttributeError)
    assert str(info.value) == "'ResponseObject' object has no field 'nope'"

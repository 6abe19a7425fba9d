"""Bad input and misuse: every public entry point of the package fed wrong types,
``None``, huge values, NUL and lone surrogates, unknown operations and parameters, a closed
client and a closed simulator. Each input must raise the documented exception, never crash the
interpreter, never raise ``SystemError`` (or a Rust panic), and never reach the simulator.

The rule (also stated in python/README.md):

- A value of the wrong Python *type* for a typed method or constructor argument (an ``int``,
  ``float``, ``list``, ``dict``, ``bytes``, ``bytearray``, ``object()``, or ``None`` where a
  ``str`` is required; anything but a mapping as a run payload or raw body; a ``str`` timeout)
  raises ``TypeError``: Python's own argument parsing, with a note naming the argument.
- A value of the right type that is not acceptable (empty, too long, NUL or another control
  character, a lone surrogate, not an id / address / role / action / method / path / URL, NaN,
  out of range, nested deeper than 100 levels or holding itself, an unknown operation or
  parameter) raises ``InvalidArgumentError`` (also a ``ValueError``) whose ``field`` names it,
  with ``attempts == 0``: nothing was sent.
- ``Client.call(name, **params)`` takes JSON values, so there a wrong type is also
  ``InvalidArgumentError`` naming the parameter.
- A closed client raises ``InvalidArgumentError`` with ``field == "client"``. Missing credentials
  (``""`` counts as not given) raise ``AuthenticationError``, as documented.
- ``RestClient`` (the drop-in) turns ids into ``str`` as the official SDK does and, like it, lets
  the service answer what it may accept (the core's ``validation="service"``): only an id,
  member or value that is unsafe in a URL or certainly invalid is an ``InvalidArgumentError``
  (the rest is sent: ``test_restclient_lets_the_service_answer``); member and shortcut actions
  are the SDK's method names, so an unknown one is the SDK's ``AttributeError`` (or
  ``TypeError`` for a name that is not a ``str``); its constructor reports a malformed auth id as
  ``AuthenticationError``, as the SDK does.
- ``Simulator`` is a test tool, not the client: a bad fixture, account or fault is a
  ``ValueError`` (for a non-JSON value, ``InvalidArgumentError``, which is one), a wrong type a
  ``TypeError``; after ``close()`` its methods raise ``RuntimeError`` and a client built from it
  gets ``PhloConnectionError`` (nothing listens any more).

Every input tried is counted; the total is printed after the run ("bad inputs").
"""

from __future__ import annotations

import datetime
import decimal
import inspect
import json
import types
import urllib.request
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from plivo_phlo import phlo as dropin
from conftest import AGENT, CUSTOMER, FIGURES, C, N, P

MIB = 1 << 20
HUGE = "a" * (8 * MIB)
HUGE_NUMBER = "+" + "1" * (8 * MIB)
HUGE_SIP = "sip:" + "a" * (8 * MIB) + "@example.com"
RUN = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
BRIDGE_MEMBER = "+14155550123"
NEW = "+14152225555"

#: Not a str: each is a TypeError where a typed method wants a str.
NOT_STR: List[Any] = [
    5, 5.5, True, 1j, [], ["x"], {}, {"k": "v"}, ("x",), {"x"}, b"x", bytearray(b"x"),
    memoryview(b"x"), object(), type, print, Ellipsis,
]
#: A str, but never an acceptable id, address, role, action, node type, method or path.
BAD_STR: List[str] = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\n", "a\rb", "\x7f", "\t", "../etc", "..",
    "a/b", "a?b", "a#b", "%2e%2e", "é", "\U0001f600", "\u202e", HUGE, HUGE_NUMBER, HUGE_SIP,
]
#: Near misses for particular parameters.
NEAR: Dict[str, List[str]] = {
    "id": [P + "/", P + "?x", "a" * 65, P.upper() + " ", P.replace("-", "_"), "3f8e6c4a.2b1d"],
    "address": [
        "+1234", "1234567890123456", "+1415555000a", "++14155550000", "sip:alice", "sip:@example.com",
        "sip:a@b/c", "sip:a b@c", "tel:+14155550000", "sips:a@b?c", "+" + "1" * 129,
    ],
    "role": ["Agent", "AGENT", " agent", "admin", "agent\x00"],
    "action": ["Hold", "hold!", "hold ", "a" * 129, "mute-all", "HANGUP"],
    "node_type": ["bridge", "MULTI_PARTY_CALL", "multi_party_call ", "conference-bridge"],
    "method": ["PATCH", "HEAD", "OPTIONS", "G E T", "TRACE"],
    "path": ["v1/phlo", "/v1/../x", "/v1/%2e%2e/x", "/v1/a b", "/v1/a#b", "/v1/é", "/v1/a\\b", "/v1/" + "a" * 3000],
}
KIND_OF_PARAM: Dict[str, str] = {
    "phlo_id": "id", "node_id": "id", "run_id": "id", "member_id": "address",
    "trigger_source": "address", "to": "address", "role": "role", "action": "action",
    "node_type": "node_type", "method": "method", "path": "path",
}


def deep_dict(levels: int) -> Dict[str, Any]:
    top: Dict[str, Any] = {}
    cur = top
    for _ in range(levels - 1):
        cur["a"] = {}
        cur = cur["a"]
    return top


def deep_list(levels: int) -> List[Any]:
    top: List[Any] = []
    cur = top
    for _ in range(levels - 1):
        cur.append([])
        cur = cur[0]
    return top


def _cyclic_dict() -> Dict[str, Any]:
    d: Dict[str, Any] = {}
    d["self"] = d
    return d


def _cyclic_list() -> Dict[str, Any]:
    items: List[Any] = []
    items.append(items)
    return {"k": items}


#: Not a mapping: each is a TypeError as a run payload or a raw body.
NOT_MAPPING: List[Any] = [
    5, 5.5, True, "x", "", [], [("k", "v")], ("k", "v"), b"x", bytearray(b"x"), object(), {1, 2},
    frozenset(), range(3), iter([("k", "v")]),
]
#: Mappings that are not JSON objects this client will send: InvalidArgumentError.
BAD_MAPPING: List[Any] = [
    {1: "v"}, {b"k": "v"}, {None: 1}, {(1,): 1}, {1.5: 1}, {"k": object()}, {"k": b"x"},
    {"k": bytearray(b"x")}, {"k": memoryview(b"x")}, {"k": {1}}, {"k": frozenset()}, {"k": 1j},
    {"k": float("nan")}, {"k": float("inf")}, {"k": -float("inf")}, {"k": 2**64}, {"k": -(2**63) - 1},
    {"k": 10**100}, {"\ud800": 1}, {"k": "\ud800"}, {"k": ["ok", "\udc00"]}, {"k": {"\udfff": 1}},
    {"k": [object()]}, {"k": decimal.Decimal("1.5")}, {"k": datetime.date(2024, 1, 1)},
    {"k": range(3)}, {"k": iter([])}, {"k": Ellipsis}, {"k": print}, {"k": type},
    {"k": (1, object())}, types.MappingProxyType({"k": object()}), deep_dict(101), deep_dict(1000),
    deep_dict(100_000), {"k": deep_list(100)}, {"k": deep_list(100_000)}, _cyclic_dict(), _cyclic_list(),
]

def _valid(op: Dict[str, Any], name: str) -> Any:
    """A valid argument for parameter `name` of operation `op` (a row of the core's table), by the
    parameter's name: the test knows good values, the table knows the operations."""
    bridge = op["node_type"] == "conference_bridge"
    return {
        "phlo_id": P,
        "run_id": RUN,
        "node_type": "multi_party_call",
        "node_id": C if bridge else N,
        "member_id": BRIDGE_MEMBER if bridge else CUSTOMER,
        "trigger_source": AGENT,
        "to": NEW,
        "role": "agent",
        "action": "call" if op["endpoint"] == "node_action" else "hold",
        "payload": {"from": AGENT},
        "method": "POST",
        "path": f"/v1/phlo/{P}/multi_party_call/{N}",
        "body": {"action": "hold"},
    }[name]


# The typed methods, one per row of the core's table: name -> (parameters in order, valid
# arguments); "payload"/"body" are mappings, a "?" marks an optional parameter (None is valid there).
METHODS: Dict[str, Tuple[Tuple[str, ...], Tuple[Any, ...]]] = {
    op["name"]: (
        tuple(op["params"]) + tuple(f"{p}?" for p in op["optional"]),
        tuple(_valid(op, p) for p in op["params"] + op["optional"]),
    )
    for op in plivo_phlo.operations()
}


def short(v: Any) -> str:
    if isinstance(v, str) and len(v) >= 64:
        return f"<str of {len(v)} chars: {v[:12]!r}...>"
    try:
        r = repr(v)
    except RecursionError:
        return f"<{type(v).__name__} nested too deep to print>"
    return r if len(r) < 80 else r[:77] + "..."


def later(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """``fn(*args)``, to be called later (binds the loop's current values)."""
    return lambda: fn(*args)


class Checker:
    """Runs one input, classifies what it raised, and keeps every mismatch."""

    total = 0

    def __init__(self) -> None:
        self.problems: List[str] = []

    def raises(self, label: str, want: type, fn: Callable[[], Any], field: Optional[str] = None) -> None:
        Checker.total += 1
        try:
            result = fn()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - every exception is judged below
            problem = judge(e, want, field)
            if problem:
                self.problems.append(f"{label}: {problem}")
        else:
            self.problems.append(f"{label}: no error, returned {short(result)}")

    def check(self) -> None:
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems[:60])


def judge(e: BaseException, want: type, field: Optional[str]) -> Optional[str]:
    got = f"{type(e).__module__}.{type(e).__qualname__}: {str(e)[:160]!r}"
    if isinstance(e, SystemError) or not isinstance(e, Exception):
        return f"must never happen: {got}"  # SystemError, or a Rust panic (PanicException)
    if want is TypeError:
        return None if type(e) is TypeError else f"want TypeError, got {got}"
    if want is ValueError or want is RuntimeError or want is AttributeError:
        ok = isinstance(e, want) and not isinstance(e, TypeError)
        return None if ok else f"want {want.__name__}, got {got}"
    if type(e) is not want:
        return f"want {want.__name__}, got {got}"
    assert isinstance(e, E.PhloError)
    if e.kind != want.KIND or e.status is not None or e.attempts != 0:  # type: ignore[attr-defined]
        return f"kind {e.kind}, status {e.status}, attempts {e.attempts}"
    if not str(e).startswith(f"{e.kind}: "):
        return f"str {short(str(e))}"
    if want is E.InvalidArgumentError and not isinstance(e, ValueError):
        return "not a ValueError"
    if field is not None and e.field != field:
        return f"field {e.field!r}, want {field!r} ({short(str(e))})"
    return None


@pytest.fixture(scope="module")
def quiet_sim() -> Iterator[plivo_phlo.Simulator]:
    """A simulator nothing may reach: every test here ends by checking its total is 0."""
    with plivo_phlo.Simulator() as sim:
        yield sim
    FIGURES["bad inputs"] = (
        f"{Checker.total} inputs tried, each a typed error (TypeError, InvalidArgumentError, "
        "AuthenticationError; AttributeError for a drop-in action that is no method; "
        "ValueError/RuntimeError from the Simulator), none sent"
    )


def sim_total(sim: plivo_phlo.Simulator) -> int:
    with urllib.request.urlopen(f"{sim.base_url}/_sim/requests", timeout=10) as r:
        total: int = json.load(r)["total"]
    return total


@pytest.fixture
def checker(quiet_sim: plivo_phlo.Simulator) -> Iterator[Checker]:
    quiet_sim.reset()
    c = Checker()
    yield c
    c.check()
    assert sim_total(quiet_sim) == 0, f"reached the simulator: {quiet_sim.requests()[:3]}"


@pytest.fixture
def qclient(quiet_sim: plivo_phlo.Simulator) -> Iterator[plivo_phlo.Client]:
    with quiet_sim.client(max_retries=0) as c:
        yield c


def bad_strings_for(param: str) -> List[str]:
    return BAD_STR + NEAR.get(KIND_OF_PARAM.get(param, ""), [])


def test_every_operation_has_a_typed_method() -> None:
    for op in plivo_phlo.operations():
        method = getattr(plivo_phlo.Client, op["name"])
        signature = inspect.signature(method)
        names = [p for p in signature.parameters if p != "self"]
        assert names == op["params"] + op["optional"], op["name"]
        optional = [p for p, v in signature.parameters.items() if v.default is None]
        assert optional == op["optional"], op["name"]
        assert " ".join(op["doc"].split()) in " ".join((method.__doc__ or "").split()), op["name"]


@pytest.mark.parametrize("method", sorted(METHODS))
def test_typed_methods(checker: Checker, qclient: plivo_phlo.Client, method: str) -> None:
    params, valid = METHODS[method]
    fn = getattr(qclient, method)
    for i, spec in enumerate(params):
        name, optional = spec.rstrip("?"), spec.endswith("?")

        def call_with(value: Any, i: int = i) -> Callable[[], Any]:
            args = list(valid)
            args[i] = value
            return lambda: fn(*args)

        def call_kw(value: Any, name: str = name) -> Callable[[], Any]:
            kwargs = dict(zip([p.rstrip("?") for p in params], valid))
            kwargs[name] = value
            return lambda: fn(**kwargs)

        if name in ("payload", "body"):
            for v in NOT_MAPPING:
                checker.raises(f"{method}({name}={short(v)})", TypeError, call_with(v))
            for v in BAD_MAPPING:
                checker.raises(f"{method}({name}={short(v)})", E.InvalidArgumentError, call_with(v), name)
            continue
        if not optional:
            checker.raises(f"{method}({name}=None)", TypeError, call_with(None))
        for v in NOT_STR:
            checker.raises(f"{method}({name}={short(v)})", TypeError, call_with(v))
        for s in bad_strings_for(name):
            checker.raises(f"{method}({name}={short(s)})", E.InvalidArgumentError, call_with(s), name)
        # The same by keyword.
        checker.raises(f"{method}({name}=5) by keyword", TypeError, call_kw(5))
        checker.raises(f"{method}({name}='\\ud800') by keyword", E.InvalidArgumentError, call_kw("\ud800"), name)
    # Arity and unknown keywords: Python's own argument parsing.
    checker.raises(f"{method}()", TypeError, lambda: fn())
    checker.raises(f"{method}(one too many)", TypeError, lambda: fn(*valid, "extra"))
    checker.raises(f"{method}(bogus=1)", TypeError, lambda: fn(*valid, bogus=1))


def test_call_by_name(checker: Checker, qclient: plivo_phlo.Client) -> None:
    for v in [5, None, b"get_phlo", bytearray(b"get_phlo"), ["get_phlo"], object(), 5.5]:
        checker.raises(f"call({short(v)})", TypeError, later(lambda v: qclient.call(v, phlo_id=P), v))
    checker.raises("call()", TypeError, lambda: qclient.call())  # type: ignore[call-arg]
    for s in ["", "nope", "GET_PHLO", "get_phlo ", " get_phlo", "get_phlo\x00", "\ud800", "get-phlo", HUGE,
              "__init__", "call", "close", "raw\n", "operations", "phlo"]:
        checker.raises(f"call({short(s)})", E.InvalidArgumentError, later(lambda s: qclient.call(s, phlo_id=P), s), "operation")
    checker.raises("call(get_phlo, **{'\\ud800': 1})", E.InvalidArgumentError,
                   lambda: qclient.call("get_phlo", **{"\ud800": 1}), "params")

    for op in plivo_phlo.operations():
        name: str = op["name"]
        params, valid_args = METHODS[name]
        valid: Dict[str, Any] = dict(zip([p.rstrip("?") for p in params], valid_args))
        if name == "raw":
            valid = {"method": "GET", "path": f"/v1/phlo/{P}"}  # a GET: any body is refused

        def run(kw: Dict[str, Any], name: str = name) -> Callable[[], Any]:
            return lambda: qclient.call(name, **kw)

        for p in op["params"]:
            missing = {k: v for k, v in valid.items() if k != p}
            checker.raises(f"call({name}) without {p}", E.InvalidArgumentError, run(missing), p)
            checker.raises(f"call({name}, {p}=None)", E.InvalidArgumentError, run({**valid, p: None}), p)
        checker.raises(f"call({name}, bogus=...)", E.InvalidArgumentError, run({**valid, "bogus": "x"}), "bogus")
        checker.raises(f"call({name}, PHLO_ID=...)", E.InvalidArgumentError, run({**valid, "PHLO_ID": P}), "PHLO_ID")
        for p in op["params"] + op["optional"]:
            not_json = [b"x", bytearray(b"x"), object(), {1}, 1j, float("nan"), 2**64, deep_list(101), _cyclic_dict()]
            for v in not_json:
                checker.raises(f"call({name}, {p}={short(v)})", E.InvalidArgumentError, run({**valid, p: v}), p)
            if p == "payload":
                wrong: List[Any] = [5, 5.5, True, "x", [], ["x"]]
            elif p == "body":
                wrong = [5, "x", True, [], {}]
            else:
                wrong = [5, 5.5, True, [], ["x"], {}, {"k": "v"}]
            for v in wrong:
                checker.raises(f"call({name}, {p}={short(v)})", E.InvalidArgumentError, run({**valid, p: v}), p)
            if p in ("payload", "body"):
                continue
            for s in bad_strings_for(p):
                checker.raises(f"call({name}, {p}={short(s)})", E.InvalidArgumentError, run({**valid, p: s}), p)


CREDS = ("MAXXXXXXXXXXXXXXXXXX", "token123")


def test_client_constructor(checker: Checker, quiet_sim: plivo_phlo.Simulator) -> None:
    A, T = CREDS
    U = quiet_sim.base_url
    Client = plivo_phlo.Client

    def make(**kw: Any) -> Callable[[], Any]:
        args: Dict[str, Any] = {"auth_id": A, "auth_token": T, "base_url": U}
        args.update(kw)
        return lambda: Client(**args).close()

    str_wrong = [5, 5.5, True, [], ["x"], {}, b"x", bytearray(b"x"), object(), 1j]
    for field in ("auth_id", "auth_token", "base_url", "proxy"):
        for v in str_wrong:
            checker.raises(f"Client({field}={short(v)})", TypeError, make(**{field: v}))
    for field in ("timeout", "connect_timeout"):
        for v in ["5", "", [], [5], {}, b"5", bytearray(b"5"), object(), 1j]:
            checker.raises(f"Client({field}={short(v)})", TypeError, make(**{field: v}))
        for v in [0, 0.0, -0.0, -1, -0.001, float("nan"), float("inf"), -float("inf"), 1e300, 2**1000, -(2**1000)]:
            checker.raises(f"Client({field}={short(v)})", E.InvalidArgumentError, make(**{field: v}), field)
    for v in ["2", 2.0, 2.5, [], b"2", object(), 1j]:
        checker.raises(f"Client(max_retries={short(v)})", TypeError, make(max_retries=v))
    for v in [-1, 2**32, 2**64, -(2**100), 10**100]:
        checker.raises(f"Client(max_retries={short(v)})", E.InvalidArgumentError, make(max_retries=v), "max_retries")
    for v in [5, 5.5, [], {}, bytearray(b"x"), memoryview(b"x"), object(), True]:
        checker.raises(f"Client(ca_cert_pem={short(v)})", TypeError, make(ca_cert_pem=v))
    pem_junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    for v in ["", b"", "garbage", b"\xff\xfe\x00", "\ud800", pem_junk, pem_junk.encode(), HUGE, b"\x00" * MIB]:
        checker.raises(f"Client(ca_cert_pem={short(v)})", E.InvalidArgumentError, make(ca_cert_pem=v), "ca_cert_pem")

    auth_ids = ["x", "MA", "ma0123456789ABCDEFGH", "MA0123456789ABCDEFG", "MA0123456789ABCDEFGHI",
                "XA0123456789ABCDEFGH", "MA\x00123456789ABCDEFG", "MA0123456789ABCDEFG\n", "\ud800",
                "MA0123456789ABCDEF\ud800", "MA0123456789ABCDEFGé", " MA0123456789ABCDEFG", HUGE]
    for v in auth_ids:
        checker.raises(f"Client(auth_id={short(v)})", E.InvalidArgumentError, make(auth_id=v), "auth_id")
    for v in ["t\x00", "t\n", "t\r\n", "\x7f", "tok\tx", "\x1b[31m", "\ud800", "tok\udfff"]:
        checker.raises(f"Client(auth_token={short(v)})", E.InvalidArgumentError, make(auth_token=v), "auth_token")
    base_urls = ["ftp://h", "http://", "https://", "not a url", "http://h?q", "http://h#f", "http://u:p@h",
                 "http://u@h", "http://h:99999", "http://[::1", "\ud800", "http://h\x00x", "http://h /",
                 "file:///etc/passwd", "javascript:alert(1)", f"{U}/v1", f"{U}/v1/", "//h", "h:80", HUGE]
    for v in base_urls:
        checker.raises(f"Client(base_url={short(v)})", E.InvalidArgumentError, make(base_url=v), "base_url")
    for v in [" ", "::", "http://h:99999", "\ud800", "http://\x00", "http://[::1"]:
        checker.raises(f"Client(proxy={short(v)})", E.InvalidArgumentError, make(proxy=v), "proxy")
    # Left to the core's URL parser, which is lenient in two ways (reported, not pinned here): a
    # leading or trailing control character or space is trimmed from base_url
    # ("http://h\x00" is "http://h", as the WHATWG URL standard says), and a proxy's host name is
    # not checked for length (an 8 MiB proxy host fails at the first call, PhloConnectionError).
    # Missing credentials ("" is "not given"): AuthenticationError, nothing sent.
    for kw in ({"auth_id": ""}, {"auth_token": ""}, {"auth_id": None}, {"auth_token": None}):
        checker.raises(f"Client({kw})", E.AuthenticationError, make(**kw))
    # Python's argument parsing.
    checker.raises("Client(7 positional)", TypeError, lambda: Client(A, T, U, 1.0, 1, 1.0, None))  # type: ignore[call-arg]
    checker.raises("Client(bogus=1)", TypeError, lambda: Client(A, T, U, bogus=1))  # type: ignore[call-arg]
    checker.raises("Client(connect_timeout positionally)", TypeError, lambda: Client(A, T, U, 1.0, 1, 1.0))  # type: ignore[call-arg]


def test_closed_client(checker: Checker, quiet_sim: plivo_phlo.Simulator) -> None:
    client = quiet_sim.client()
    client.close()
    client.close()  # idempotent
    assert client.closed and client.base_url == quiet_sim.base_url and client.max_retries == 2
    for method, (_, valid) in METHODS.items():
        fn = getattr(client, method)
        checker.raises(f"closed.{method}", E.InvalidArgumentError, later(lambda fn, valid: fn(*valid), fn, valid), "client")
    checker.raises("closed.call", E.InvalidArgumentError, lambda: client.call("get_phlo", phlo_id=P), "client")
    checker.raises("closed.call(unknown)", E.InvalidArgumentError, lambda: client.call("nope"))
    checker.raises("closed.get_phlo(bad id)", E.InvalidArgumentError, lambda: client.get_phlo("../x"))
    checker.raises("closed.get_phlo(5)", TypeError, lambda: client.get_phlo(5))  # type: ignore[arg-type]
    with client as again:  # entering a closed client is allowed; it stays closed
        checker.raises("closed in with", E.InvalidArgumentError, lambda: again.get_phlo(P), "client")
    # A client closed while another thread holds it: later calls fail the same way.
    other = quiet_sim.client()
    fn = other.get_phlo
    other.close()
    checker.raises("closed bound method", E.InvalidArgumentError, lambda: fn(P), "client")


def test_results_and_module_functions(checker: Checker) -> None:
    for cls in (plivo_phlo.Phlo, plivo_phlo.PhloRunStarted, plivo_phlo.PhloRun, plivo_phlo.Node,
                plivo_phlo.ActionResponse, plivo_phlo.Response):
        checker.raises(f"{cls.__name__}()", TypeError, later(lambda cls: cls(), cls))
        checker.raises(f"{cls.__name__}(json)", TypeError, later(lambda cls: cls('{"api_id": "x"}'), cls))
    checker.raises("operations(1)", TypeError, lambda: plivo_phlo.operations(1))  # type: ignore[call-arg]


def test_results_are_read_only(client: plivo_phlo.Client) -> None:
    r = client.get_phlo(P)
    for attr in ("status", "json", "api_id", "name"):
        with pytest.raises(AttributeError):
            setattr(r, attr, "x")
    assert r.json() == json.loads(r.text)
    r.json()["name"] = "changed"  # a new dict each time
    assert r.json()["name"] == "support line"


def test_simulator_misuse(checker: Checker, quiet_sim: plivo_phlo.Simulator) -> None:
    Sim = plivo_phlo.Simulator
    bad_fixtures: List[Any] = [
        5, "x", [1], {"phlos": 5}, {"phlos": [{"phlo_id": 5}]}, {"phlos": [{}]},
        {"phlos": [{"phlo_id": "p", "nodes": [{"node_id": "n", "node_type": "bogus"}]}]},
        {"phlos": [{"phlo_id": "p", "nodes": [{"node_id": "n", "node_type": "multi_party_call",
                                               "members": [{"address": "a", "state": "dancing"}]}]}]},
        {"k": object()}, {"k": b"x"}, deep_dict(1000), {"\ud800": 1}, _cyclic_dict(),
    ]
    for v in bad_fixtures:
        checker.raises(f"Simulator({short(v)})", ValueError, later(lambda v: Sim(v).close(), v))
    for v in [5, "ab", [5], [(1, 2)], [("a", None)], [b"ab"], {"a": "b"}, [["a", 5]]]:
        checker.raises(f"Simulator(accounts={short(v)})", TypeError, later(lambda v: Sim(accounts=v).close(), v))
    for v in [[("a",)], [("a", "b", "c")], [("\ud800", "t")], [("a", "\udfff")]]:
        checker.raises(f"Simulator(accounts={short(v)})", ValueError, later(lambda v: Sim(accounts=v).close(), v))
    for v in ["yes", 1, None, 1.0]:
        checker.raises(f"Simulator(status_200={short(v)})", TypeError, later(lambda v: Sim(status_200=v).close(), v))
    checker.raises("Simulator(bogus=1)", TypeError, lambda: Sim(bogus=1))  # type: ignore[call-arg]

    s = quiet_sim
    for v in [5, None, b"latency", object()]:
        checker.raises(f"fault({short(v)})", TypeError, later(lambda v: s.fault(v), v))
    checker.raises("fault()", TypeError, lambda: s.fault())  # type: ignore[call-arg]
    bad_faults: List[Tuple[str, Dict[str, Any]]] = [
        ("nope", {}), ("", {}), ("\ud800", {}), ("latency", {"ms": -1}), ("latency", {"ms": "x"}),
        ("latency", {"ms": object()}), ("latency", {"ms": 2**70}), ("latency", {"count": 0}),
        ("latency", {"count": -1}), ("latency", {"method": 5}), ("latency", {"path_prefix": 5}),
        ("status", {"status": 99}), ("status", {"body": "xml"}), ("redirect", {"status": 200}),
        ("huge_body", {"bytes": -1}), ("raw_body", {"body": 5}), ("rate_limit", {"retry_after": []}),
        ("latency", {"path_prefix": "\ud800"}),
    ]
    for kind, kw in bad_faults:
        checker.raises(f"fault({short(kind)}, {short(kw)})", ValueError, later(lambda kind, kw: s.fault(kind, **kw), kind, kw))
    for v in [5, None, b"x", object()]:
        checker.raises(f"node({short(v)})", TypeError, later(lambda v: s.node(v), v))
    checker.raises("node('\\ud800')", ValueError, lambda: s.node("\ud800"))
    for kw in ({"timeout": "x"}, {"max_retries": "x"}, {"max_retries": 1.5}, {"connect_timeout": []}):
        checker.raises(f"sim.client({kw})", TypeError, later(lambda kw: s.client(**kw), kw))
    for kw, field in (({"timeout": -1}, "timeout"), ({"max_retries": -1}, "max_retries"),
                      ({"connect_timeout": float("nan")}, "connect_timeout")):
        checker.raises(f"sim.client({kw})", E.InvalidArgumentError, later(lambda kw: s.client(**kw), kw), field)
    checker.raises("sim.client(positional)", TypeError, lambda: s.client(1.0))  # type: ignore[call-arg]
    with urllib.request.urlopen(f"{s.base_url}/_sim/faults", timeout=10) as r:
        assert json.load(r)["pending"] == 0, "a refused fault was queued"


def test_closed_simulator(checker: Checker) -> None:
    sim = plivo_phlo.Simulator()
    client = sim.client(max_retries=0)
    sim.close()
    sim.close()  # idempotent
    assert sim.closed
    calls: List[Tuple[str, Callable[[], Any]]] = [
        ("state", sim.state), ("node", lambda: sim.node(N)), ("requests", sim.requests),
        ("fault", lambda: sim.fault("latency")), ("reset", sim.reset),
    ]
    for label, fn in calls:
        checker.raises(f"closed sim.{label}", RuntimeError, fn)
    # Clients of a stopped simulator: nothing listens any more.
    for c in (client, sim.client(max_retries=0)):
        with pytest.raises(E.PhloConnectionError) as info:
            c.get_phlo(P)
        assert info.value.attempts == 1 and info.value.status is None
        c.close()
    with sim:  # entering a closed simulator is harmless
        pass


def test_restclient(checker: Checker, quiet_sim: plivo_phlo.Simulator) -> None:
    A, T = CREDS
    U = quiet_sim.base_url
    Rest = plivo_phlo.RestClient

    def make(*args: Any, **kw: Any) -> Callable[[], Any]:
        kw.setdefault("base_url", U)
        return lambda: Rest(*args, **kw).close()

    for v in [5, 5.5, [], b"x", object()]:
        checker.raises(f"RestClient(auth_id={short(v)})", TypeError, make(v, T))
        checker.raises(f"RestClient(auth_token={short(v)})", TypeError, make(A, v))
        checker.raises(f"RestClient(base_url={short(v)})", TypeError, make(A, T, base_url=v))
    for v in ["x", "XA0123456789ABCDEFGH", "\ud800", HUGE]:
        checker.raises(f"RestClient(auth_id={short(v)})", E.AuthenticationError, make(v, T))
    for v in ["t\x00", "\ud800"]:
        checker.raises(f"RestClient(auth_token={short(v)})", E.InvalidArgumentError, make(A, v), "auth_token")
    for v in [5, ["http://p"], object(), b"http://p", {"https": 5}, {"https": b"http://p"}]:
        checker.raises(f"RestClient(proxies={short(v)})", TypeError, make(A, T, v))
    for v in ["::", {"https": "::"}, {"http": "\ud800"}]:
        checker.raises(f"RestClient(proxies={short(v)})", E.InvalidArgumentError, make(A, T, v), "proxy")
    for v in [[1, 2], object(), {}, 1j, ([], 1)]:
        checker.raises(f"RestClient(timeout={short(v)})", TypeError, make(A, T, None, v))
    for v in ["abc", "", (1,), (1, 2, 3), (), -1, 0, float("nan"), (1, -5), ("x", 1), 10**400]:
        checker.raises(f"RestClient(timeout={short(v)})", E.InvalidArgumentError, make(A, T, None, v))
    for v in [-1, 2**40]:
        checker.raises(f"RestClient(max_retries={short(v)})", E.InvalidArgumentError, make(A, T, max_retries=v))

    rest = Rest(A, T, base_url=U, max_retries=0)
    # Ids are turned into str as the SDK does; these are refused whatever their type: missing,
    # empty, not Unicode, a control character, a path changer, longer than a path segment may be.
    not_ids: List[Any] = [None, "", "\ud800", "a\x00", "../etc", "..", "a/b", HUGE]
    for v in not_ids:
        checker.raises(f"rest.phlo.get({short(v)})", E.InvalidArgumentError, later(lambda v: rest.phlo.get(v), v), "phlo_id")
    phlo = dropin.Phlo(rest, {"phlo_id": P})
    mpc = dropin.MultiPartyCall(rest, {"phlo_id": P, "node_id": N, "node_type": "multi_party_call"})
    for v in not_ids:
        checker.raises(f"phlo.node(node_id={short(v)})", E.InvalidArgumentError,
                       later(lambda v: phlo.node("multi_party_call", v), v), "node_id")
        checker.raises(f"phlo.multi_party_call({short(v)})", E.InvalidArgumentError,
                       later(lambda v: phlo.multi_party_call(v), v), "node_id")
        checker.raises(f"mpc.member({short(v)}).hold()", E.InvalidArgumentError,
                       later(lambda v: mpc.member(v).hold(), v), "member_id")
        checker.raises(f"rest.phlo.member(member_id={short(v)})", E.InvalidArgumentError,
                       later(lambda v: rest.phlo.member(P, C, v, "mute"), v), "member_id")
    for v in [5, None, "", "Teleport!", "\ud800", b"hold", HUGE]:
        # The SDK's Member method of that name: none for these.
        checker.raises(f"member action {short(v)}", AttributeError if isinstance(v, str) else TypeError,
                       later(lambda v: rest.phlo.member(P, C, BRIDGE_MEMBER, v), v))
        checker.raises(f"phlo.node(node_type={short(v)})", E.InvalidArgumentError,
                       later(lambda v: phlo.node(v, N), v), "node_type")
    for v in [None, "", 5, "\ud800", "a\x01"]:
        checker.raises(f"mpc.cold_transfer(to={short(v)})", E.InvalidArgumentError,
                       later(lambda v: mpc.cold_transfer(AGENT, v), v), "to")
        checker.raises(f"mpc.call(role={short(v)})", E.InvalidArgumentError,
                       later(lambda v: mpc.call(AGENT, NEW, v), v), "role")
        checker.raises(f"shortcut(trigger_source={short(v)})", E.InvalidArgumentError,
                       later(lambda v: rest.phlo.multi_party_call(P, N, "cold_transfer", trigger_source=v, to=NEW), v),
                       "trigger_source")
    checker.raises("shortcut member without member_id", E.InvalidArgumentError,
                   lambda: rest.phlo.multi_party_call(P, N, "member"), "member_id")
    checker.raises("bridge node update", E.InvalidArgumentError,
                   lambda: dropin.Node(rest, {"phlo_id": P, "node_id": C, "node_type": "conference_bridge"})
                   .update("call", AGENT, NEW, "agent"), "node_type")
    for v in BAD_MAPPING[:12] + [deep_dict(1000), _cyclic_dict()]:
        checker.raises(f"phlo.run(x={short(v)})", E.InvalidArgumentError, later(lambda v: phlo.run(x=v), v), "payload")
    rest.close()
    checker.raises("closed rest.phlo.get", E.InvalidArgumentError, lambda: rest.phlo.get(P), "client")


def test_restclient_lets_the_service_answer(sim: plivo_phlo.Simulator) -> None:
    """What the official SDK would send, the drop-in sends too, and raises the service's answer:
    ids of other types turned into ``str`` (percent-encoded in the path), a member id of the
    SDK's own tests, addresses and roles the service refuses, however long."""
    with plivo_phlo.RestClient(*CREDS, base_url=sim.base_url, max_retries=0) as rest:
        phlo = dropin.Phlo(rest, {"phlo_id": P})
        mpc = dropin.MultiPartyCall(rest, {"phlo_id": P, "node_id": N, "node_type": "multi_party_call"})
        calls = 0
        for v in [5.5, [], {}, b"x", bytearray(b"x"), object(), "656432-xxxxx-xxxxx-xxxxx", "a b?c#d"]:
            for f in (lambda: rest.phlo.get(v), lambda: phlo.node("multi_party_call", v),
                      lambda: phlo.multi_party_call(v), lambda: mpc.member(v).hold(),
                      lambda: rest.phlo.member(P, C, v, "mute")):
                with pytest.raises(E.NotFoundError) as info:
                    f()
                assert info.value.status == 404 and info.value.attempts == 1
                calls += 1
        for v in ["nobody", "x" * 129, HUGE]:
            for f in (lambda: mpc.cold_transfer(AGENT, v), lambda: mpc.call(AGENT, NEW, v),
                      lambda: rest.phlo.multi_party_call(P, N, "cold_transfer", trigger_source=v, to=NEW)):
                with pytest.raises(E.BadRequestError) as bad:
                    f()
                assert bad.value.status == 400 and bad.value.message.startswith("Invalid value provided for ")
                calls += 1
    assert len(sim.requests()) == calls, "each sent once"
    assert sim.requests()[-1]["path"] == f"/v1/phlo/{P}/multi_party_call/{N}"


def test_a_payload_changed_while_it_is_read(checker: Checker, qclient: plivo_phlo.Client) -> None:
    """Converting a payload may run the user's Python code (a list subclass's ``__iter__``); if
    that code changes a dict being converted, the conversion goes on from a snapshot of its items
    (it used to be a Rust panic: ``PanicException``, "dictionary changed size during iteration").
    The value still holds an object() then: InvalidArgumentError, nothing sent."""

    def payload(mutate: Callable[[Dict[str, Any]], None]) -> Dict[str, Any]:
        d: Dict[str, Any] = {}

        class Sneaky(list):  # type: ignore[type-arg]
            def __iter__(self) -> Any:
                mutate(d)
                return super().__iter__()

        d.update({"a": Sneaky([1]), "b": 2, "c": object()})
        return d

    grow: Callable[[Dict[str, Any]], None] = lambda d: d.update({f"n{i}": i for i in range(50)})  # noqa: E731
    mutations: List[Callable[[Dict[str, Any]], None]] = [grow, lambda d: d.clear(), lambda d: d.pop("b", None)]
    for i, mutate in enumerate(mutations):
        checker.raises(f"run_phlo(payload mutated {i})", E.InvalidArgumentError,
                       later(lambda m: qclient.run_phlo(P, payload(m)), mutate), "payload")
        checker.raises(f"call(run_phlo, payload mutated {i})", E.InvalidArgumentError,
                       later(lambda m: qclient.call("run_phlo", phlo_id=P, payload=payload(m)), mutate), "payload")
        checker.raises(f"raw(body mutated {i})", E.InvalidArgumentError,
                       later(lambda m: qclient.raw("POST", f"/v1/phlo/{P}/multi_party_call/{N}", payload(m)), mutate),
                       "body")


def test_huge_but_valid_values_are_sent_once_and_intact(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    """Large values the core accepts (it caps ids, addresses and paths, not a run payload's size)
    are sent exactly once and arrive intact; the nesting cap lets 100 levels through."""
    payloads: List[Dict[str, Any]] = [
        {"big": "x" * (8 * MIB)},
        {f"k{i}": i for i in range(100_000)},
        deep_dict(100),
        {"k": deep_list(99)},
        {"text": "\x00 é \U0001f600 \u202e"},  # any str that is Unicode text is fine in a payload
    ]
    for payload in payloads:
        sim.reset()
        r = client.run_phlo(P, payload)
        assert r.status == 201 and r.run_id
        (req,) = sim.requests()
        # The request log keeps a prefix of each body and its whole length; the run the simulator
        # stored holds the payload whole.
        sent = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        assert req["body_bytes"] == len(sent)
        assert req["body"].encode() == sent[: len(req["body"].encode())]
        assert sim.state()["runs"][r.run_id]["payload"] == payload

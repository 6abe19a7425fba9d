"""Concurrency and load.

1. One client shared by 8 threads, 500 mixed calls each (reads, runs, multi-party-call and
   conference-bridge member actions, 404s, invalid arguments), with faults interleaved: 503s on
   reads (once: retried to success; every attempt: ``ServerError`` after 3), 503 on an action
   (not retried), 429 with ``Retry-After: 0`` (once: retried to success; every attempt:
   ``RateLimitedError`` after 3), connection resets before the request is read (a read is
   retried to success; an action is not). No crash, no call lost, and the simulator's request
   count equals the attempts the client made.

   How the attempt count of every call is known, successes included: each thread has a PHLO of
   its own (a fixture of 8), and a thread queues a fault with ``path_prefix`` of its PHLO (and the
   method of its next call) just before that call. A thread's calls are sequential and no other
   thread's request matches the prefix, so the fault catches exactly the next attempts of that one
   call. The plan therefore fixes each call's outcome (success or error class) and its attempts;
   errors must report that ``attempts``, and the sum over all calls must equal the simulator's
   ``total`` (requests it logged) plus ``resets_before`` (requests it reset unread).

2. A long loop on one client: 100,000 real calls (member hold, unhold, get_phlo and a 404,
   in turn) each followed by an invalid-argument call (100,000 more, nothing sent), with the
   process's RSS flat after warm-up: less than 5 MiB growth between call 10,000 and call 100,000.
   The loop runs in a fresh interpreter (the simulator stays in this one), so that the RSS
   measured is the client's alone: neither the simulator's request log nor memory freed by
   earlier tests (which a slow leak could reuse unseen) is in it. The simulator counts exactly
   100,000 requests.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from conftest import AGENT, CUSTOMER, FIGURES, N, P

THREADS = 8
CALLS = 500
BRIDGE_A, BRIDGE_B = "+14155550123", "+14155550124"
NOBODY = "+19995550000"

#: How many calls of each kind a thread makes (500 in all), in a shuffled order.
PLAN: Dict[str, int] = {
    "read_phlo": 150,
    "read_node": 50,
    "run": 10,
    "hold_toggle": 120,  # hold / unhold the customer, alternately
    "bridge_toggle": 40,  # mute / unmute a bridge member, alternately
    "not_found": 40,  # hold on a member not in the call: 404
    "invalid": 30,  # InvalidArgumentError, nothing sent
    "wrong_type": 10,  # TypeError, nothing sent
    "read_503_once": 10,  # 503 then 200: 2 attempts
    "read_503_always": 5,  # ServerError after 3 attempts
    "action_503": 10,  # ServerError, 1 attempt (an action is not retried on 5xx)
    "action_429_once": 10,  # 429 (Retry-After: 0) then 201: 2 attempts
    "action_429_always": 5,  # RateLimitedError after 3 attempts
    "read_reset_once": 5,  # reset unread, then 200: 2 attempts, 1 logged
    "action_reset": 5,  # PhloConnectionError, 1 attempt, nothing logged or applied
}
assert sum(PLAN.values()) == CALLS


def ids(t: int) -> Tuple[str, str, str]:
    """Thread t's PHLO, multi-party-call node and bridge node (fixed width: no id is a prefix of
    another, so a path_prefix picks one thread's requests)."""
    return (
        f"{t:08x}-0000-4000-8000-000000000001",
        f"{t:08x}-0000-4000-8000-000000000002",
        f"{t:08x}-0000-4000-8000-000000000003",
    )


def fixture() -> Dict[str, Any]:
    phlos = []
    for t in range(THREADS):
        p, n, c = ids(t)
        phlos.append({
            "phlo_id": p,
            "name": f"load {t}",
            "nodes": [
                {"node_id": n, "node_type": "multi_party_call",
                 "members": [{"address": AGENT, "role": "agent"}, {"address": CUSTOMER, "role": "customer"}]},
                {"node_id": c, "node_type": "conference_bridge",
                 "members": [{"address": BRIDGE_A}, {"address": BRIDGE_B}]},
            ],
        })
    return {"phlos": phlos}


@dataclass
class Outcome:
    kind: str
    want: str  # "ok", or the exception class name
    want_attempts: int
    want_logged: int  # requests the simulator logs for this call
    want_resets: int  # requests it resets unread
    got: str = ""
    attempts: Optional[int] = None  # from the exception; None for a success
    note: str = ""


@dataclass
class Worker:
    t: int
    client: plivo_phlo.Client
    sim: plivo_phlo.Simulator
    outcomes: List[Outcome] = field(default_factory=list)
    held: bool = False  # next hold_toggle: unhold when True
    muted: bool = False
    customer: str = "connected"  # expected final states
    bridge_a: str = "connected"

    def run(self, barrier: threading.Barrier) -> None:
        kinds = [k for k, n in PLAN.items() for _ in range(n)]
        random.Random(self.t).shuffle(kinds)
        barrier.wait()
        for i, kind in enumerate(kinds):
            self.step(i, kind)

    def step(self, i: int, kind: str) -> None:
        p, n, c = ids(self.t)
        client, sim = self.client, self.sim
        prefix = f"/v1/phlo/{p}"

        def hold_toggle() -> Tuple[Callable[[], Any], str]:
            self.held = not self.held
            if self.held:
                return (lambda: client.mpc_member_hold(p, n, CUSTOMER)), "on_hold"
            return (lambda: client.mpc_member_unhold(p, n, CUSTOMER)), "connected"

        applies: Optional[str] = None  # the customer's state if the call succeeds
        call: Callable[[], Any]
        if kind == "read_phlo":
            o, call = Outcome(kind, "ok", 1, 1, 0), lambda: client.get_phlo(p)
        elif kind == "read_node":
            o, call = Outcome(kind, "ok", 1, 1, 0), lambda: client.get_multi_party_call(p, n)
        elif kind == "run":
            o, call = Outcome(kind, "ok", 1, 1, 0), lambda: client.run_phlo(p, {"i": i, "t": self.t})
        elif kind == "hold_toggle":
            call, applies = hold_toggle()
            o = Outcome(kind, "ok", 1, 1, 0)
        elif kind == "bridge_toggle":
            self.muted = not self.muted
            if self.muted:
                call = lambda: client.bridge_member_mute(p, c, BRIDGE_A)  # noqa: E731
            else:
                call = lambda: client.bridge_member_unmute(p, c, BRIDGE_A)  # noqa: E731
            self.bridge_a = "muted" if self.muted else "connected"
            o = Outcome(kind, "ok", 1, 1, 0)
        elif kind == "not_found":
            o, call = Outcome(kind, "NotFoundError", 1, 1, 0), lambda: client.mpc_member_hold(p, n, NOBODY)
        elif kind == "invalid":
            bad: List[Callable[[], Any]] = [
                lambda: client.get_phlo("../x"),
                lambda: client.mpc_member_hold(p, n, "nobody"),
                lambda: client.call("no_such_operation"),
                lambda: client.run_phlo(p, {"k": object()}),
                lambda: client.call("get_phlo", phlo_id=p, bogus=1),
            ]
            o, call = Outcome(kind, "InvalidArgumentError", 0, 0, 0), bad[i % len(bad)]
        elif kind == "wrong_type":
            o, call = Outcome(kind, "TypeError", 0, 0, 0), lambda: client.get_phlo(5)  # type: ignore[arg-type]
        elif kind == "read_503_once":
            sim.fault("status", status=503, method="GET", path_prefix=prefix)
            o, call = Outcome(kind, "ok", 2, 2, 0), lambda: client.get_phlo(p)
        elif kind == "read_503_always":
            sim.fault("status", status=503, method="GET", path_prefix=prefix, count=3)
            o, call = Outcome(kind, "ServerError", 3, 3, 0), lambda: client.get_multi_party_call(p, n)
        elif kind == "action_503":
            sim.fault("status", status=503, method="POST", path_prefix=prefix)
            call, _ = hold_toggle()
            o = Outcome(kind, "ServerError", 1, 1, 0)
        elif kind == "action_429_once":
            sim.fault("rate_limit", retry_after="0", method="POST", path_prefix=prefix)
            call, applies = hold_toggle()
            o = Outcome(kind, "ok", 2, 2, 0)
        elif kind == "action_429_always":
            sim.fault("rate_limit", retry_after="0", method="POST", path_prefix=prefix, count=3)
            call, _ = hold_toggle()
            o = Outcome(kind, "RateLimitedError", 3, 3, 0)
        elif kind == "read_reset_once":
            sim.fault("reset_before", method="GET", path_prefix=prefix)
            o, call = Outcome(kind, "ok", 2, 1, 1), lambda: client.get_phlo(p)
        elif kind == "action_reset":
            sim.fault("reset_before", method="POST", path_prefix=prefix)
            call, _ = hold_toggle()
            o = Outcome(kind, "PhloConnectionError", 1, 0, 1)
        else:  # pragma: no cover
            raise AssertionError(kind)
        try:
            call()
        except E.PhloError as e:
            o.got, o.attempts, o.note = type(e).__name__, e.attempts, str(e)[:120]
            if kind == "action_429_always" and e.retry_after != 0.0:
                o.note = f"retry_after {e.retry_after}"
        except TypeError as e:
            o.got, o.attempts, o.note = "TypeError", 0, str(e)[:120]
        except BaseException as e:  # noqa: BLE001 - anything else is a finding
            o.got, o.note = f"unexpected {type(e).__name__}", str(e)[:120]
        else:
            o.got = "ok"
            if applies is not None:
                self.customer = applies
        self.outcomes.append(o)


def sim_log(sim: plivo_phlo.Simulator) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{sim.base_url}/_sim/requests", timeout=30) as r:
        log: Dict[str, Any] = json.load(r)
    return log


@pytest.fixture(scope="module")
def load_sim() -> Iterator[plivo_phlo.Simulator]:
    with plivo_phlo.Simulator(fixture()) as sim:
        yield sim


@pytest.mark.load
def test_eight_threads_one_client_faults_interleaved(load_sim: plivo_phlo.Simulator) -> None:
    sim = load_sim
    sim.reset()
    barrier = threading.Barrier(THREADS)
    t0 = time.monotonic()
    with sim.client() as client:
        assert client.max_retries == 2
        workers = [Worker(t, client, sim) for t in range(THREADS)]
        threads = [threading.Thread(target=w.run, args=(barrier,), name=f"load-{w.t}") for w in workers]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=300)
        assert not any(th.is_alive() for th in threads), "a thread hung"
    elapsed = time.monotonic() - t0

    outcomes = [o for w in workers for o in w.outcomes]
    assert len(outcomes) == THREADS * CALLS, "a call was lost"
    wrong = [o for o in outcomes
             if o.got != o.want or (o.attempts is not None and o.attempts != o.want_attempts)
             or o.note.startswith("retry_after")]
    assert not wrong, "\n".join(f"{o.kind}: want {o.want}/{o.want_attempts}, got {o.got}/{o.attempts} {o.note}"
                                for o in wrong[:20])

    # Every attempt accounted for: what the simulator saw equals what the client made.
    log = sim_log(sim)
    attempts = sum(o.want_attempts if o.got == "ok" else (o.attempts or 0) for o in outcomes)
    assert log["total"] + log["resets_before"] == attempts
    assert log["total"] == sum(o.want_logged for o in outcomes)
    assert log["resets_before"] == sum(o.want_resets for o in outcomes)
    assert log["total"] <= 10_000, "the log ring holds every request, so it can be split by thread"
    with urllib.request.urlopen(f"{sim.base_url}/_sim/faults", timeout=10) as r:
        assert json.load(r)["pending"] == 0, "every fault was used by the call it was meant for"

    # Per thread: its requests, by method, and no action sent twice.
    for w in workers:
        p, n, c = ids(w.t)
        mine = [r for r in log["requests"] if r["path"].startswith(f"/v1/phlo/{p}") or r["path"].endswith(f"/phlo/{p}")]
        assert len(mine) == sum(o.want_logged for o in w.outcomes), w.t
        posts = [r for r in mine if r["method"] == "POST"]
        want_posts = sum(o.want_logged for o in w.outcomes
                         if o.kind in ("run", "hold_toggle", "bridge_toggle", "not_found")
                         or o.kind.startswith("action_"))
        assert len(posts) == want_posts, w.t
        node = sim.node(n)
        bridge = sim.node(c)
        assert node is not None and bridge is not None
        assert node["members"][CUSTOMER]["state"] == w.customer, w.t
        assert node["members"][AGENT]["state"] == "connected"
        assert bridge["members"][BRIDGE_A]["state"] == w.bridge_a, w.t
        runs = [r for r in sim.state()["runs"].values() if r["phlo_id"] == p]
        assert len(runs) == PLAN["run"]

    by = Counter(o.got for o in outcomes)
    FIGURES["threads"] = (
        f"{THREADS} threads x {CALLS} calls on one client = {len(outcomes)} calls in {elapsed:.1f} s, "
        f"none lost: {dict(sorted(by.items()))}; {attempts} attempts = simulator total "
        f"{log['total']} + resets_before {log['resets_before']}"
    )
    print(FIGURES["threads"])


#: The long loop, run in a fresh interpreter so that its RSS is the client's alone: memory freed
#: by earlier tests in this process would otherwise hide a slow leak. Prints one JSON line.
LOOP = r"""
import gc, json, sys, time
import plivo_phlo
from plivo_phlo import exceptions as E

base_url, P, N, member, nobody, real = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])

def rss_mib():
    import os
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)

marks, errors = {}, {"not_found": 0, "invalid_argument": 0}
auth = (plivo_phlo.Simulator.DEFAULT_AUTH_ID, plivo_phlo.Simulator.DEFAULT_AUTH_TOKEN)
t0 = time.monotonic()
with plivo_phlo.Client(*auth, base_url) as client:
    ok_calls = (
        lambda: client.mpc_member_hold(P, N, member),
        lambda: client.mpc_member_unhold(P, N, member),
        lambda: client.get_phlo(P),
    )
    for i in range(1, real + 1):
        k = i % 4
        if k == 3:
            try:
                client.mpc_member_hold(P, N, nobody)
            except E.NotFoundError:
                errors["not_found"] += 1
        else:
            ok_calls[k]()
        try:
            client.get_phlo("../x")
        except E.InvalidArgumentError:
            errors["invalid_argument"] += 1
        if i % 10_000 == 0:
            gc.collect()
            marks[i] = rss_mib()
print(json.dumps({"marks": marks, "errors": errors, "elapsed": time.monotonic() - t0}))
"""


@pytest.mark.load
def test_100k_calls_memory_stays_flat(sim: plivo_phlo.Simulator) -> None:
    real = 100_000
    args = [sim.base_url, P, N, CUSTOMER, NOBODY, str(real)]
    proc = subprocess.run([sys.executable, "-c", LOOP, *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    marks = {int(k): v for k, v in out["marks"].items()}
    assert out["errors"] == {"not_found": real // 4, "invalid_argument": real}
    log = sim_log(sim)
    assert (log["total"], log["resets_before"]) == (real, 0), "each real call sent exactly once"
    growth = marks[real] - marks[10_000]
    FIGURES["100k loop"] = (
        f"{real} real calls + {real} invalid-argument calls on one client in {out['elapsed']:.1f} s "
        f"(a fresh interpreter; the simulator counted {log['total']} requests); RSS "
        f"{marks[10_000]:.2f} MiB at 10k, {marks[real]:.2f} MiB at 100k (growth {growth:+.2f} MiB); "
        "every 10k: " + " ".join(f"{v:.2f}" for v in marks.values())
    )
    print(FIGURES["100k loop"])
    assert growth < 5.0, FIGURES["100k loop"]

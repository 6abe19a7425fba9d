"""The engine as a Python program meets it: signals (Ctrl-C) during a call, fork with a client
made before it (os.fork and a multiprocessing fork pool), and the timeout bounding a whole
answer that trickles in. Every test talks to the simulator over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import plivo_phlo
from conftest import CUSTOMER, N, P


class Alarm(Exception):
    """Raised by the test's SIGALRM handler."""


def _posts(sim: plivo_phlo.Simulator) -> int:
    return sum(1 for r in sim.requests() if r["method"] == "POST")


def test_a_signal_handler_that_raises_ends_the_call_within_100_ms(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    def on_alarm(signum: int, frame: Any) -> None:
        raise Alarm()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for call in (lambda: client.mpc_member_hold(P, N, CUSTOMER), lambda: client.get_phlo(P)):
            sim.reset()
            sim.fault("latency", ms=3000)
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            t0 = time.monotonic()
            with pytest.raises(Alarm):
                call()
            late = time.monotonic() - t0 - 0.3
            assert late < 0.1, f"the handler's exception came {late * 1000:.0f} ms after the signal"
        # The interrupted action was sent once and never again; the client works at once.
        assert client.get_phlo(P).phlo_id == P
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    time.sleep(3.1)
    assert _posts(sim) == 0  # the last reset came before the read; the hold was in the first run


def test_an_interrupted_action_is_not_retried(sim: plivo_phlo.Simulator) -> None:
    def on_alarm(signum: int, frame: Any) -> None:
        raise Alarm()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        with sim.client(max_retries=5) as c:
            sim.fault("latency", ms=1000)
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            with pytest.raises(Alarm):
                c.mpc_member_hold(P, N, CUSTOMER)
            time.sleep(1.2)
            assert _posts(sim) == 1
            assert c.mpc_member_unhold(P, N, CUSTOMER).error == ""
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _run(script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_ctrl_c_raises_keyboard_interrupt_not_another_error() -> None:
    # A real SIGINT in a program of its own: the default handler raises KeyboardInterrupt, which
    # must come out of the call as itself (no RuntimeError, no PhloError), promptly.
    out = _run(
        """
        import os, signal, threading, time, plivo_phlo
        P, N = plivo_phlo.Simulator.DEMO_PHLO_ID, plivo_phlo.Simulator.DEMO_MPC_NODE_ID
        with plivo_phlo.Simulator() as sim, sim.client() as c:
            sim.fault("latency", ms=5000)
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
            t0 = time.monotonic()
            try:
                c.mpc_member_hold(P, N, "+14153336666")
            except KeyboardInterrupt:
                print("KeyboardInterrupt after %.0f ms" % ((time.monotonic() - t0) * 1000))
            except BaseException as e:
                print("wrong exception:", type(e).__name__, e)
            else:
                print("no exception")
        """
    )
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert line.startswith("KeyboardInterrupt after "), line
    assert int(line.split()[2]) < 400, line


def test_a_client_used_before_os_fork_works_in_the_child(
    sim: plivo_phlo.Simulator, client: plivo_phlo.Client
) -> None:
    client.get_phlo(P)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            ok = client.get_phlo(P).phlo_id == P and client.mpc_member_hold(P, N, CUSTOMER).error == ""
            client.close()  # silent and safe in the child
            code = 0 if ok else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    # The parent's client and its connection are untouched.
    client.get_phlo(P)
    conns = [r["connection"] for r in sim.requests()]
    assert len(conns) == 4, conns
    assert conns[3] == conns[0], "the parent kept its connection"
    assert conns[1] != conns[0] and conns[2] != conns[0], "the child opened its own"


def test_a_multiprocessing_fork_pool_shares_a_module_level_client(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(
        textwrap.dedent(
            """
            import multiprocessing, plivo_phlo
            P = plivo_phlo.Simulator.DEMO_PHLO_ID
            sim = plivo_phlo.Simulator()
            client = sim.client()          # module level, used before the pool forks
            client.get_phlo(P)

            def work(i):
                return client.get_phlo(P).phlo_id

            if __name__ == "__main__":
                with multiprocessing.get_context("fork").Pool(3) as pool:
                    got = pool.map(work, range(30), chunksize=1)
                assert got == [P] * 30, got
                client.get_phlo(P)
                conns = {r["connection"] for r in sim.requests()}
                print("ok", len(conns))
                client.close()
                sim.close()
            """
        )
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    word, conns = out.stdout.split()
    assert word == "ok" and int(conns) >= 2, out.stdout


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "latency", "ms": 3000},
        {"kind": "slow_body", "interval_ms": 150},
        {"kind": "slow_body", "interval_ms": 150, "chunked": False},
        {"kind": "slow_body", "delay_ms": 700, "interval_ms": 150, "chunked": False},
    ],
    ids=["headers late", "chunked body", "sized body", "late headers then slow body"],
)
def test_the_timeout_bounds_the_whole_answer(sim: plivo_phlo.Simulator, fault: dict[str, Any]) -> None:
    with sim.client(timeout=1.0, max_retries=0) as c:
        for call in (lambda: c.get_phlo(P), lambda: c.mpc_member_hold(P, N, CUSTOMER)):
            kind = fault["kind"]
            sim.fault(kind, **{k: v for k, v in fault.items() if k != "kind"})
            t0 = time.monotonic()
            with pytest.raises(plivo_phlo.exceptions.PhloTimeoutError):
                call()
            took = time.monotonic() - t0
            assert 1.0 <= took < 1.4, took

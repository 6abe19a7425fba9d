"""One client shared by threads, against a slow simulator: the calls overlap, which they can only
do if every blocking call releases the GIL; and a pure-Python thread keeps running meanwhile."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import plivo_phlo
from conftest import CUSTOMER, N, P

LATENCY_MS = 400
THREADS = 6


def test_threads_make_progress_at_once(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    sim.fault("latency", ms=LATENCY_MS, count=THREADS)
    barrier = threading.Barrier(THREADS)

    def one(_: int) -> str:
        barrier.wait()
        return client.get_phlo(P).name

    t0 = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        names = list(pool.map(one, range(THREADS)))
    elapsed = time.monotonic() - t0
    assert names == ["support line"] * THREADS
    delayed = [r for r in sim.requests() if r["fault"] == "latency"]
    assert len(delayed) == THREADS
    # Serialised, the calls would take THREADS * 0.4 s = 2.4 s; overlapped, about 0.4 s.
    assert elapsed < (THREADS * LATENCY_MS / 1000) / 2, f"calls did not overlap: {elapsed:.2f}s"


def test_python_runs_while_a_call_waits(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    sim.fault("latency", ms=600)
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        before = ticks
        r = client.mpc_member_hold(P, N, CUSTOMER)
        during = ticks - before
    finally:
        done.set()
        spinner.join()
    assert r.error == ""
    # With the GIL held for the 0.6 s call, the spinner would barely move (a switch interval at
    # most); released, it counts for the whole wait.
    print(f"spinner steps during the call: {during}")
    assert during > 100_000, f"the Python thread made {during} steps during the call"


def test_mixed_operations_from_many_threads(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(10):
                client.get_phlo(P)
                client.get_multi_party_call(P, N)
                client.mpc_member_mute(P, N, CUSTOMER)
                client.mpc_member_unmute(P, N, CUSTOMER)
        except BaseException as e:  # noqa: BLE001 - collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(sim.requests()) == 8 * 10 * 4


def test_simulator_and_client_close_while_other_threads_run(sim: plivo_phlo.Simulator) -> None:
    with plivo_phlo.Simulator() as other, other.client() as c:
        sim.fault("latency", ms=300)
        slow = threading.Thread(target=lambda: sim.client().get_phlo(P))
        slow.start()
        assert c.get_phlo(P).status == 200
        slow.join()

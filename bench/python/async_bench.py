"""The async Python paths of the benchmark: the seed cold transfer, N concurrent calls from one
event loop, in batches.

    python async_bench.py PATH --url BASE [--calls N] [--batches B] [--warmup W] [--loop L]
                          [--threads T] [--seconds S]

Each batch starts N calls at once (one task each) on one client and waits for all of them; W
untimed batches warm the client up (connections, caches), then B timed ones run (default: 1,000
calls, 1 warm-up batch, 3 timed). --loop is asyncio (default) or uvloop. --threads and --seconds
are accepted for the harness's protocol: --threads is the thread pool of the phlo-threads path
(default 32), --seconds bounds the timed batches.

Paths (each imports only what it uses):
  phlo-async       ours: await plivo_phlo.AsyncClient().mpc_cold_transfer(...)
  phlo-threads     ours, blocking, the way async code uses a blocking client: plivo_phlo.Client
                   in a thread pool (loop.run_in_executor)
  aiohttp          aiohttp.ClientSession(connector=TCPConnector(limit=100)) posting the same bytes
  httpx            httpx.AsyncClient posting the same bytes (its default pool: 100 connections)
  pyreqwest        pyreqwest's async Client posting the same bytes (max_connections=100)

Prints one JSON line in the protocol of bench/harness.py ("calls" counts the timed calls,
"elapsed_s" and "cpu_s" their batches), plus "calls_per_s", "cpu_us_per_call" and "loop".
Latencies are from a call's start to its answer, inside a batch (so they include the wait for a
connection slot).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any, Awaitable, Callable, List, Tuple

# The blocking worker beside this one: the same request and credentials, and its RSS reader.
from bench import AUTH_ID, AUTH_TOKEN, BASIC, BODY, NODE, PHLO, USER_AGENT, peak_rss_kib
HEADERS = {"Authorization": BASIC, "Accept": "application/json", "User-Agent": USER_AGENT,
           "Content-Type": "application/json"}
LIMIT = 100  # connections (or requests in flight) per client, for every path

Call = Callable[[], Awaitable[Any]]


async def make_call(path: str, url: str, threads: int) -> Tuple[Call, Callable[[], Awaitable[None]]]:
    """Returns (call, close): call() does one cold transfer and raises on failure."""
    target = f"{url}/v1/phlo/{PHLO}/multi_party_call/{NODE}"
    if path == "phlo-async":
        import plivo_phlo

        client = plivo_phlo.AsyncClient(AUTH_ID, AUTH_TOKEN, url, max_in_flight=LIMIT)

        def call() -> Awaitable[Any]:
            return client.mpc_cold_transfer(PHLO, NODE, "+14152223333", "+14152225555", "agent")

        return call, client.aclose
    if path == "phlo-threads":
        from concurrent.futures import ThreadPoolExecutor

        import plivo_phlo

        blocking = plivo_phlo.Client(AUTH_ID, AUTH_TOKEN, url)
        pool = ThreadPoolExecutor(threads)
        loop = asyncio.get_running_loop()

        def one() -> Any:
            return blocking.mpc_cold_transfer(PHLO, NODE, "+14152223333", "+14152225555", "agent")

        def call() -> Awaitable[Any]:
            return loop.run_in_executor(pool, one)

        async def close() -> None:
            pool.shutdown()
            blocking.close()

        return call, close
    if path == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=LIMIT), headers=HEADERS)

        async def call() -> Any:
            async with session.post(target, data=BODY) as r:
                body = await r.read()
                if not 200 <= r.status < 300:
                    raise RuntimeError(f"HTTP {r.status}")
                return json.loads(body)

        return call, session.close
    if path == "httpx":
        import httpx

        client = httpx.AsyncClient(headers=HEADERS, limits=httpx.Limits(max_connections=LIMIT), timeout=60)

        async def call() -> Any:
            r = await client.post(target, content=BODY)
            if not 200 <= r.status_code < 300:
                raise RuntimeError(f"HTTP {r.status_code}")
            return json.loads(r.content)

        return call, client.aclose
    if path == "pyreqwest":
        from pyreqwest.client import ClientBuilder

        rq = ClientBuilder().default_headers(HEADERS).max_connections(LIMIT).build()

        async def call() -> Any:
            r = await rq.post(target).body_bytes(BODY).build().send()
            body = await r.bytes()
            if not 200 <= r.status < 300:
                raise RuntimeError(f"HTTP {r.status}")
            return json.loads(bytes(body))

        return call, rq.close
    raise SystemExit(f"async_bench.py: unknown path {path}")


async def batch(call: Call, n: int, lat: List[float], errs: List[str]) -> None:
    pc = time.perf_counter

    async def one() -> None:
        t0 = pc()
        try:
            await call()
        except Exception as e:  # noqa: BLE001 - every failure counts
            errs.append(f"{type(e).__name__}: {e}")
        else:
            lat.append(pc() - t0)

    await asyncio.gather(*(one() for _ in range(n)))


async def run(path: str, url: str, calls: int, batches: int, warmup: int, threads: int,
              seconds: float) -> dict:
    call, close = await make_call(path, url, threads)
    werrs: List[str] = []
    for _ in range(warmup):
        await batch(call, calls, [], werrs)
    lat: List[float] = []
    errs: List[str] = []
    elapsed = cpu = 0.0
    done = 0
    deadline = time.perf_counter() + seconds
    for _ in range(batches):
        t0, c0 = time.perf_counter(), time.process_time()
        await batch(call, calls, lat, errs)
        elapsed += time.perf_counter() - t0
        cpu += time.process_time() - c0
        done += calls
        if time.perf_counter() > deadline:
            break
    await close()
    lat.sort()

    def pct(q: float) -> float:
        if not lat:
            return 0.0
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1e6

    first = (errs or werrs or [None])[0]
    return {"path": path, "threads": threads if path == "phlo-threads" else 1, "calls": done,
            "errors": len(errs) + len(werrs), "elapsed_s": elapsed, "cpu_s": cpu,
            "calls_per_s": round(done / elapsed, 1) if elapsed else 0.0,
            "cpu_us_per_call": round(cpu / done * 1e6, 1) if done else 0.0,
            "p50_us": round(pct(0.50), 1), "p99_us": round(pct(0.99), 1), "rss_kib": peak_rss_kib(),
            "first_error": first}


def main(argv: List[str]) -> None:
    path = argv[0]
    opts = {"--url": None, "--calls": "1000", "--batches": "3", "--warmup": "1", "--loop": "asyncio",
            "--threads": "32", "--seconds": "60"}
    i = 1
    while i < len(argv):
        if argv[i] not in opts or i + 1 >= len(argv):
            raise SystemExit(f"async_bench.py: bad argument {argv[i]}")
        opts[argv[i]] = argv[i + 1]
        i += 2
    if not opts["--url"]:
        raise SystemExit("async_bench.py: --url is required")
    args = (path, opts["--url"], int(opts["--calls"]), int(opts["--batches"]), int(opts["--warmup"]),
            max(1, int(opts["--threads"])), float(opts["--seconds"]))
    if opts["--loop"] == "uvloop":
        import uvloop

        out = uvloop.run(run(*args))
    elif opts["--loop"] == "asyncio":
        out = asyncio.run(run(*args))
    else:
        raise SystemExit(f"async_bench.py: unknown loop {opts['--loop']}")
    out["loop"] = opts["--loop"]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The Python paths of the benchmark: the seed cold transfer, N calls on one reused client.

    python bench.py PATH --url BASE [--calls N] [--threads T] [--seconds S] [--warmup W]

Paths (each imports only what it uses):
  phlo          ours: plivo_phlo.Client().mpc_cold_transfer(...)
  phlo-dropin   ours, the drop-in: plivo_phlo.RestClient().phlo.multi_party_call(..., 'cold_transfer', ...)
  plivo         the official SDK as its users write it: client.phlo.multi_party_call(P, N, 'cold_transfer', ...)
  plivo-obj     the official SDK with the PHLO and node objects kept: mpc.cold_transfer(...)
  requests      requests.Session posting the same bytes with the same headers
  http.client   http.client.HTTPConnection sending the same bytes
  pycurl        pycurl (libcurl) on one reused handle (keep-alive, TCP_NODELAY), the same bytes

Every peer reads the whole answer and decodes it with `json`, as its caller would.

Prints one JSON line (the protocol shared by every worker, see bench/harness.py).

The official SDK has no base-URL option for PHLO: its runner address is the module constant
plivo.rest.phlo_client.PHLO_API, copied into each client's `phlo_base_uri` attribute at
construction. We set that attribute on the client (the documented-by-source way to point it
elsewhere); nothing else of the SDK is changed.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time

AUTH_ID = "MAXXXXXXXXXXXXXXXXXX"
AUTH_TOKEN = "token123"
PHLO = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b"
NODE = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d"
BODY = b'{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}'
BASIC = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM="
USER_AGENT = "phlo-bench/0.1.0"


def make_call(path: str, url: str):
    """Returns (call, thread_safe): call() does one cold transfer and raises on failure."""
    if path == "phlo":
        import plivo_phlo

        client = plivo_phlo.Client(AUTH_ID, AUTH_TOKEN, url)

        def call():
            client.mpc_cold_transfer(PHLO, NODE, "+14152223333", "+14152225555", "agent")

        return call, True
    if path == "phlo-dropin":
        import plivo_phlo

        rc = plivo_phlo.RestClient(AUTH_ID, AUTH_TOKEN, base_url=url)

        def call():
            rc.phlo.multi_party_call(PHLO, NODE, "cold_transfer", trigger_source="+14152223333",
                                     to="+14152225555", role="agent")

        return call, True
    if path in ("plivo", "plivo-obj"):
        import plivo

        client = plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN)
        client.phlo_base_uri = url + "/v1"  # see the module docstring
        if path == "plivo":
            def call():
                client.phlo.multi_party_call(PHLO, NODE, "cold_transfer", trigger_source="+14152223333",
                                             to="+14152225555", role="agent")
        else:
            mpc = client.phlo.get(PHLO).multi_party_call(NODE)  # two GETs, once

            def call():
                mpc.cold_transfer("+14152223333", "+14152225555", "agent")

        return call, False
    if path == "requests":
        import requests

        s = requests.Session()
        s.headers.update({"Authorization": BASIC, "Accept": "application/json",
                          "User-Agent": USER_AGENT, "Content-Type": "application/json"})
        target = f"{url}/v1/phlo/{PHLO}/multi_party_call/{NODE}"

        def call():
            r = s.post(target, data=BODY)
            if not 200 <= r.status_code < 300:
                raise RuntimeError(f"HTTP {r.status_code}")
            json.loads(r.content)

        return call, False
    if path == "http.client":
        import http.client
        import urllib.parse

        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port)
        target = f"/v1/phlo/{PHLO}/multi_party_call/{NODE}"
        headers = {"Authorization": BASIC, "Accept": "application/json", "User-Agent": USER_AGENT,
                   "Content-Type": "application/json"}

        def call():
            conn.request("POST", target, body=BODY, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if not 200 <= r.status < 300:
                raise RuntimeError(f"HTTP {r.status}")
            json.loads(data)

        return call, False
    if path == "pycurl":
        import pycurl

        c = pycurl.Curl()
        c.setopt(pycurl.URL, f"{url}/v1/phlo/{PHLO}/multi_party_call/{NODE}")
        c.setopt(pycurl.HTTPHEADER, [f"Authorization: {BASIC}", "Accept: application/json",
                                     "Content-Type: application/json", "Expect:"])
        c.setopt(pycurl.USERAGENT, USER_AGENT)
        c.setopt(pycurl.POSTFIELDS, BODY)
        c.setopt(pycurl.TCP_NODELAY, 1)
        c.setopt(pycurl.NOSIGNAL, 1)
        chunks = []
        c.setopt(pycurl.WRITEFUNCTION, chunks.append)
        code = pycurl.RESPONSE_CODE

        def call():
            chunks.clear()
            c.perform()
            status = c.getinfo(code)
            if not 200 <= status < 300:
                raise RuntimeError(f"HTTP {status}")
            json.loads(b"".join(chunks))

        return call, False
    raise SystemExit(f"bench.py: unknown path {path}")


def peak_rss_kib() -> int:
    """VmHWM of this process in KiB (reset by exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(call, calls: int, deadline: float, lat: list, errs: list):
    pc = time.perf_counter
    for _ in range(calls):
        t0 = pc()
        try:
            call()
        except Exception as e:  # noqa: BLE001 - every failure counts
            errs.append(f"{type(e).__name__}: {e}")
            t1 = pc()
        else:
            t1 = pc()
            lat.append(t1 - t0)
        if t1 > deadline:
            break


def main(argv):
    path = argv[0]
    opts = {"--url": None, "--calls": "1000", "--threads": "1", "--seconds": "30", "--warmup": None}
    i = 1
    while i < len(argv):
        if argv[i] not in opts or i + 1 >= len(argv):
            raise SystemExit(f"bench.py: bad argument {argv[i]}")
        opts[argv[i]] = argv[i + 1]
        i += 2
    url = opts["--url"]
    calls, threads, seconds = int(opts["--calls"]), max(1, int(opts["--threads"])), float(opts["--seconds"])
    warmup = int(opts["--warmup"]) if opts["--warmup"] is not None else max(1, min(200, calls // 10))
    call, thread_safe = make_call(path, url)
    if threads > 1 and not thread_safe:
        raise SystemExit(f"bench.py: {path} is not run on several threads")

    per = -(-calls // threads)
    warm_per = -(-warmup // threads)

    def cpu():
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return ru.ru_utime, ru.ru_stime

    lats = [[] for _ in range(threads)]
    errs = [[] for _ in range(threads)]
    werrs = [[] for _ in range(threads)]
    if threads == 1:
        run(call, warmup, time.perf_counter() + seconds, [], werrs[0])
        (u0, s0), t0 = cpu(), time.perf_counter()
        run(call, per, time.perf_counter() + seconds, lats[0], errs[0])
        elapsed, (u1, s1) = time.perf_counter() - t0, cpu()
    else:
        # Each thread warms up (opening what it keeps per thread), then all start the timed calls
        # together.
        warm_done = threading.Barrier(threads + 1)
        start = threading.Barrier(threads + 1)

        def worker(k):
            run(call, warm_per, time.perf_counter() + seconds, [], werrs[k])
            warm_done.wait()
            start.wait()
            run(call, per, time.perf_counter() + seconds, lats[k], errs[k])

        ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        warm_done.wait()
        (u0, s0), t0 = cpu(), time.perf_counter()
        start.wait()
        for t in ts:
            t.join()
        elapsed, (u1, s1) = time.perf_counter() - t0, cpu()
    lat = sorted(x for l in lats for x in l)
    all_errs = [e for l in errs for e in l]
    warm_errs = [e for l in werrs for e in l]

    def pct(q):
        if not lat:
            return 0.0
        k = min(len(lat), max(1, -(-int(q * len(lat) * 1000) // 1000))) - 1
        return lat[k] * 1e6

    first = (all_errs or warm_errs or [None])[0]
    print(json.dumps({"path": path, "threads": threads, "calls": len(lat) + len(all_errs),
                      "errors": len(all_errs) + len(warm_errs), "elapsed_s": elapsed,
                      "cpu_s": (u1 - u0) + (s1 - s0), "user_s": u1 - u0, "sys_s": s1 - s0,
                      "p50_us": round(pct(0.50), 1), "p99_us": round(pct(0.99), 1), "rss_kib": peak_rss_kib(),
                      "first_error": first}))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The benchmark's driver, run by bench/run once everything is installed and built.

It starts the servers (nginx with a fixed response, the PHLO simulator for a correctness check),
measures every path on the seed cold transfer, and prints one table. Standard library only.

Every loop worker (bench/rust, bench/c, bench/python/bench.py, bench/perl/bench.pl) takes
    PATH --url BASE --calls N --threads T --seconds S [--warmup W]
makes W untimed warm-up calls then N timed ones on one client (shared by T threads, each making
its share of both), and prints one JSON line:
    {"path","threads","calls","errors","elapsed_s","cpu_s","p50_us","p99_us","rss_kib","first_error"}
(optionally "user_s" and "sys_s": cpu_s is their sum, the process's CPU time over the timed calls).

Every async worker (the "async" group: bench/rust's async-* paths, bench/python/async_bench.py)
takes
    PATH --url BASE --calls N --batches B --seconds S [--warmup W]
and, on one event loop or runtime, runs one untimed warm-up batch of W concurrent calls (default
N; 0 for none) then B timed batches of N calls started at once, and prints the same JSON line:
calls is the timed calls (N x B), elapsed_s the sum of the batches' wall times, cpu_s the
process's CPU time over them, and the latencies count from each batch's start.

Peak RSS is the worker's own VmHWM (rss_kib), else its ru_maxrss read here from wait4().
One-shot processes (start, one call, exit) are timed with hyperfine.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
REL = os.path.join(TARGET, "release")
WORK = os.path.join(TARGET, "bench")
VENV_PY = os.path.join(WORK, "venv", "bin", "python")

AUTH_ID = "MAXXXXXXXXXXXXXXXXXX"
AUTH_TOKEN = "token123"
PHLO = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b"
NODE = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d"
SEED = {"action": "cold_transfer", "to": "+14152225555", "role": "agent", "trigger_source": "+14152223333"}
SEED_BYTES = json.dumps(SEED, separators=(",", ":"))
ACTION_JSON = '{"api_id":"8c0f5e2a-9b7d-4c31-a6e4-2f1b0d9c7e58","error":""}'
PHLO_JSON = ('{"api_id":"d4a1c2b3-5e6f-4a7b-8c9d-0e1f2a3b4c5e","phlo_id":"%s","name":"support line",'
             '"created_on":"2024-05-14 09:31:07.114209+00:00"}' % PHLO)
NODE_JSON = ('{"api_id":"2c8e4a6b-1d3f-4e5a-9b7c-8d0e2f4a6b13","node_id":"%s","phlo_id":"%s",'
             '"name":"Multi-Party Call_1","node_type":"multi_party_call",'
             '"created_on":"2024-05-14 09:31:07.180553+00:00"}' % (NODE, PHLO))


# ------------------------------------------------------------------------------------------------
# The paths
# ------------------------------------------------------------------------------------------------

class P:
    """One way of sending the seed call."""

    def __init__(self, key, label, lang, ours, loop, oneshot, threads=False, max_calls=None,
                 needs=(), note="", group="loop", instr=True):
        self.key, self.label, self.lang, self.ours = key, label, lang, ours
        self.loop = loop            # fn(url) -> argv prefix (the worker adds --url/--calls/...)
        self.oneshot = oneshot      # fn(url) -> argv, or None
        self.threads = threads      # also run with 4 threads sharing the client
        self.max_calls = max_calls  # cap for paths that are slow by design
        self.needs = needs          # files that must exist
        self.note = note
        self.group = group          # "loop" (calls one after another) or "async" (concurrent batches)
        self.instr = instr          # counted under callgrind with --instructions


def py(code):
    return lambda url: [VENV_PY, "-c", code.replace("BASE", url)]


PY_ONESHOT_PHLO = ("import plivo_phlo; plivo_phlo.Client('%s','%s','BASE').mpc_cold_transfer("
                   "'%s','%s','+14152223333','+14152225555','agent')" % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_DROPIN = ("import plivo_phlo; plivo_phlo.RestClient('%s','%s',base_url='BASE').phlo.multi_party_call("
                     "'%s','%s','cold_transfer',trigger_source='+14152223333',to='+14152225555',role='agent')"
                     % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_PLIVO = ("import plivo; c=plivo.phlo.RestClient('%s','%s'); c.phlo_base_uri='BASE/v1'; "
                    "c.phlo.multi_party_call('%s','%s','cold_transfer',trigger_source='+14152223333',"
                    "to='+14152225555',role='agent')" % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_PLIVO_OBJ = ("import plivo; c=plivo.phlo.RestClient('%s','%s'); c.phlo_base_uri='BASE/v1'; "
                        "c.phlo.get('%s').multi_party_call('%s').cold_transfer('+14152223333','+14152225555','agent')"
                        % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_REQUESTS = ("import requests; r=requests.post('BASE/v1/phlo/%s/multi_party_call/%s',data=%r,"
                       "auth=('%s','%s'),headers={'Content-Type':'application/json'}); "
                       "assert r.ok, r.status_code; r.json()" % (PHLO, NODE, SEED_BYTES, AUTH_ID, AUTH_TOKEN))
PY_ONESHOT_HTTPCLIENT = ("import http.client, json; c=http.client.HTTPConnection('HOST'); "
                         "c.request('POST','/v1/phlo/%s/multi_party_call/%s',body=%r,headers={"
                         "'Authorization':'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=',"
                         "'Content-Type':'application/json'}); r=c.getresponse(); "
                         "assert r.status//100==2, r.status; json.loads(r.read())" % (PHLO, NODE, SEED_BYTES))
PY_ONESHOT_PYCURL = ("import pycurl, json, io; b=io.BytesIO(); c=pycurl.Curl(); "
                     "c.setopt(pycurl.URL,'BASE/v1/phlo/%s/multi_party_call/%s'); c.setopt(pycurl.HTTPHEADER,["
                     "'Authorization: Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=','Content-Type: application/json',"
                     "'Expect:']); c.setopt(pycurl.POSTFIELDS,%r); c.setopt(pycurl.WRITEDATA,b); c.perform(); "
                     "assert c.getinfo(pycurl.RESPONSE_CODE)//100==2; json.loads(b.getvalue())"
                     % (PHLO, NODE, SEED_BYTES))

PL_ONESHOT_PHLO = ("use Plivo::PHLO; Plivo::PHLO->new(auth_id=>'%s',auth_token=>'%s',base_url=>'BASE')"
                   "->mpc_cold_transfer('%s','%s',to=>'+14152225555',role=>'agent',trigger_source=>'+14152223333')"
                   % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PL_ONESHOT_TINY = ("use HTTP::Tiny; use JSON::PP; my $r=HTTP::Tiny->new->request('POST',"
                   "'BASE/v1/phlo/%s/multi_party_call/%s',{headers=>{Authorization=>'Basic "
                   "TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=','Content-Type'=>'application/json'},"
                   "content=>'%s'}); die $r->{status} unless $r->{success}; decode_json($r->{content})"
                   % (PHLO, NODE, SEED_BYTES))
PL_ONESHOT_LWP = ("use LWP::UserAgent; use JSON::PP; my $ua=LWP::UserAgent->new; "
                  "my $r=$ua->post('BASE/v1/phlo/%s/multi_party_call/%s','Content-Type'=>'application/json',"
                  "Authorization=>'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=',Content=>'%s'); "
                  "die $r->status_line unless $r->is_success; decode_json($r->decoded_content)"
                  % (PHLO, NODE, SEED_BYTES))
PL_ONESHOT_CURL = ("use WWW::Curl::Easy; use Cpanel::JSON::XS; my $b=''; my $c=WWW::Curl::Easy->new; "
                   "$c->setopt(CURLOPT_URL,'BASE/v1/phlo/%s/multi_party_call/%s'); $c->setopt(CURLOPT_HTTPHEADER,"
                   "['Authorization: Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=','Content-Type: application/json',"
                   "'Expect:']); $c->setopt(CURLOPT_POSTFIELDS,'%s'); $c->setopt(CURLOPT_WRITEDATA,\\$b); "
                   "$c->perform==0 or die; $c->getinfo(CURLINFO_HTTP_CODE)=~/^2/ or die; decode_json($b)"
                   % (PHLO, NODE, SEED_BYTES))


def perl(code):
    return lambda url: ["perl", "-I" + os.path.join(ROOT, "perl", "lib"), "-e", code.replace("BASE", url)]


def host_of(url):
    return url.split("://", 1)[1]


BENCH_RS = os.path.join(REL, "phlo-bench")
BENCH_C_PHLO = os.path.join(WORK, "c", "phlo_bench")
BENCH_C_CURL = os.path.join(WORK, "c", "curl_bench")
PY_WORKER = os.path.join(ROOT, "bench", "python", "bench.py")
PY_ASYNC_WORKER = os.path.join(ROOT, "bench", "python", "async_bench.py")
PL_WORKER = os.path.join(ROOT, "bench", "perl", "bench.pl")
CLI = os.path.join(REL, "phlo")

# The async group's batches: this many calls started at once, this many timed batches.
ASYNC_CONCURRENCY = 1000
ASYNC_BATCHES = 3


def paths():
    rs = lambda k: (lambda url: [BENCH_RS, k])  # noqa: E731
    rs1 = lambda k: (lambda url: [BENCH_RS, k, "--url", url, "--oneshot"])  # noqa: E731
    pyw = lambda k: (lambda url: [VENV_PY, PY_WORKER, k])  # noqa: E731
    pyaw = lambda k: (lambda url: [VENV_PY, PY_ASYNC_WORKER, k])  # noqa: E731
    plw = lambda k: (lambda url: ["perl", "-I" + os.path.join(ROOT, "perl", "lib"), PL_WORKER, k])  # noqa: E731
    out = [
        P("rust", "Rust core (plivo_phlo::Client)", "Rust", True, rs("core"), rs1("core"), threads=True,
          needs=[BENCH_RS]),
        P("reqwest-rt", "reqwest async on the calling thread (floor)", "Rust", False, rs("reqwest-rt"),
          rs1("reqwest-rt"), threads=True, needs=[BENCH_RS],
          note="current-thread runtime and pool per calling thread, as the core's engine"),
        P("reqwest", "reqwest (blocking)", "Rust", False, rs("reqwest"), rs1("reqwest"),
          threads=True, needs=[BENCH_RS], note="the engine the core had before: a runtime thread per client"),
        P("ureq", "ureq 3", "Rust", False, rs("ureq"), rs1("ureq"), threads=True, needs=[BENCH_RS]),
        P("c", "C ABI (libphlo)", "C", True, lambda url: [BENCH_C_PHLO],
          lambda url: [BENCH_C_PHLO, "--url", url, "--oneshot"], threads=True, needs=[BENCH_C_PHLO]),
        P("curl", "libcurl, reused handle (one per thread)", "C", False, lambda url: [BENCH_C_CURL],
          lambda url: [BENCH_C_CURL, "--url", url, "--oneshot"], threads=True, needs=[BENCH_C_CURL]),
        P("py", "Python plivo_phlo.Client", "Python", True, pyw("phlo"), py(PY_ONESHOT_PHLO), threads=True,
          needs=[VENV_PY]),
        P("py-dropin", "Python plivo_phlo.RestClient (drop-in)", "Python", True, pyw("phlo-dropin"),
          py(PY_ONESHOT_DROPIN), needs=[VENV_PY]),
        P("pycurl", "Python pycurl, one reused handle", "Python", False, pyw("pycurl"), py(PY_ONESHOT_PYCURL),
          needs=[VENV_PY]),
        P("plivo", "Python official SDK, shortcut", "Python", False, pyw("plivo"), py(PY_ONESHOT_PLIVO),
          needs=[VENV_PY]),
        P("plivo-obj", "Python official SDK, objects kept", "Python", False, pyw("plivo-obj"),
          py(PY_ONESHOT_PLIVO_OBJ), needs=[VENV_PY]),
        P("requests", "Python requests.Session", "Python", False, pyw("requests"), py(PY_ONESHOT_REQUESTS),
          needs=[VENV_PY]),
        P("http.client", "Python http.client", "Python", False, pyw("http.client"),
          lambda url: [VENV_PY, "-c", PY_ONESHOT_HTTPCLIENT.replace("HOST", host_of(url))], needs=[VENV_PY]),
        P("pl", "Perl Plivo::PHLO", "Perl", True, plw("phlo"), perl(PL_ONESHOT_PHLO)),
        P("pl-obj", "Perl Plivo::PHLO, node object kept", "Perl", True, plw("phlo-obj"), None),
        P("pl-typed", "Perl → libphlo typed call, direct FFI (experiment)", "Perl", False, plw("ffi-typed"), None,
          note="what Plivo::PHLO could reach: typed C call, no params JSON, XS decode"),
        P("pl-curl", "Perl WWW::Curl::Easy, one reused handle", "Perl", False, plw("curl"), perl(PL_ONESHOT_CURL)),
        P("furl", "Perl Furl", "Perl", False, plw("furl"), None),
        P("tiny", "Perl HTTP::Tiny as users get it", "Perl", False, plw("tiny"), perl(PL_ONESHOT_TINY),
          max_calls=(100, 25), note="no TCP_NODELAY: Nagle + delayed ACK on every POST"),
        P("tiny-nodelay", "Perl HTTP::Tiny + TCP_NODELAY", "Perl", False, plw("tiny-nodelay"), None),
        P("lwp", "Perl LWP::UserAgent", "Perl", False, plw("lwp"), perl(PL_ONESHOT_LWP)),
        P("cli", "CLI `phlo mpc cold-transfer`", "CLI", True, None,
          lambda url: [CLI, "-q", "--base-url", url, "mpc", "cold-transfer", PHLO, NODE,
                       "--to", "+14152225555", "--trigger-source", "+14152223333", "--role", "agent"],
          needs=[CLI]),
        # The async group: batches of concurrent calls from one event loop or runtime.
        P("rust-async", "Rust plivo_phlo::AsyncClient", "Rust", True, rs("async-core"), None,
          needs=[BENCH_RS], group="async"),
        P("reqwest-async", "reqwest async client, 100 in flight", "Rust", False, rs("async-reqwest"), None,
          needs=[BENCH_RS], group="async"),
    ]
    # The Python async rows come with their worker, bench/python/async_bench.py; its path names
    # are the second field.
    if os.path.exists(PY_ASYNC_WORKER):
        for key, worker_path, label, ours in PY_ASYNC_PATHS:
            out.append(P(key, label, "Python", ours, pyaw(worker_path), None, needs=[VENV_PY], group="async",
                         instr=False))
    return out


# The order paths are measured in within a round (the table keeps the order above): each of our
# paths next to the peers its targets compare it with, so that a pair is measured seconds apart.
MEASURE_ORDER = ["ureq", "rust", "curl", "c", "reqwest-rt", "reqwest", "pycurl", "py", "plivo", "py-dropin",
                 "plivo-obj", "requests", "http.client", "pl-curl", "pl", "furl", "pl-obj", "pl-typed", "tiny-nodelay",
                 "tiny", "lwp", "reqwest-async", "rust-async", "aiohttp", "py-async", "pyreqwest", "httpx", "py-pool"]


# (key, async_bench.py path, label, ours)
PY_ASYNC_PATHS = [
    ("py-async", "phlo-async", "Python plivo_phlo.AsyncClient", True),
    ("py-pool", "phlo-threads", "Python plivo_phlo.Client, 32-thread pool", True),
    ("aiohttp", "aiohttp", "Python aiohttp, TCPConnector(limit=100)", False),
    ("httpx", "httpx", "Python httpx.AsyncClient", False),
    ("pyreqwest", "pyreqwest", "Python pyreqwest async client", False),
]


# ------------------------------------------------------------------------------------------------
# CPU pinning
# ------------------------------------------------------------------------------------------------

# Where the server and the clients run: {"server": CPUS, "client": CPUS, "mode": ...} (taskset CPU
# lists), or None when not pinned (the default). On a 2-core machine a sequential loop is a
# ping-pong between the client and nginx, and its rate depends on where the scheduler puts the
# two: `--pin split` gives nginx the last CPU and every client (loops, one-shots, wrk, start-up
# timings) the others; `--pin same` puts them all on one CPU, so that a sequential call is two
# context switches and the two sides' own work, with no wake-up of another CPU. See
# docs/benchmarks.md (CPU placement) for what each did on the 2-core machine of bench/results.md.
PIN = None


def choose_pinning(mode):
    """The CPU lists for --pin MODE ("none", "split" or "same"), or None."""
    if mode == "none" or not shutil.which("taskset"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if mode == "same":
        return {"server": str(cpus[-1]), "client": str(cpus[-1]), "mode": mode}
    if len(cpus) < 2:
        return None
    return {"server": str(cpus[-1]), "client": ",".join(str(c) for c in cpus[:-1]), "mode": mode}


def pinned(argv, role="client"):
    """argv run on the CPUs of `role` when pinning is on."""
    return ["taskset", "-c", PIN[role], *argv] if PIN else list(argv)


# ------------------------------------------------------------------------------------------------
# Servers
# ------------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout}s")


def start_nginx():
    d = os.path.join(WORK, "nginx")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    port = free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""# Generated by bench/harness.py: a fixed-response PHLO runner on loopback.
worker_processes 1;
worker_rlimit_nofile 8192;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
# The async rows keep up to a thousand connections open at once.
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 600s;
    server_tokens off;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        # GET PHLO and GET node answer their objects (the official SDK's object form reads them
        # once); every other request, the cold transfer included, gets the fixed 201.
        location ~ ^/v1/phlo/[^/]+/?$ {{
            if ($request_method = GET) {{ return 200 '{PHLO_JSON}'; }}
            return 201 '{ACTION_JSON}';
        }}
        location ~ ^/v1/phlo/[^/]+/(multi_party_call|conference_bridge)/[^/]+/?$ {{
            if ($request_method = GET) {{ return 200 '{NODE_JSON}'; }}
            return 201 '{ACTION_JSON}';
        }}
        location / {{ return 201 '{ACTION_JSON}'; }}
    }}
}}
""")
    proc = subprocess.Popen(pinned(["nginx", "-c", conf, "-p", d + "/", "-e", os.path.join(d, "error.log")],
                                   "server"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_port(port, proc, "nginx")
    return proc, f"http://127.0.0.1:{port}"


def start_sim():
    proc = subprocess.Popen([os.path.join(REL, "phlo-sim"), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        raise RuntimeError("phlo-sim did not print its URL")
    return proc, url


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def http_json(method, url, body=None):
    req = urllib.request.Request(url, method=method, data=body)
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def wrk_ceiling(url, seconds, conns, threads):
    script = os.path.join(WORK, "wrk-post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'%s\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
                'wrk.headers["Authorization"] = "Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM="\n'
                % SEED_BYTES)
    out = subprocess.run(pinned(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "-s", script,
                                 f"{url}/v1/phlo/{PHLO}/multi_party_call/{NODE}"]),
                         capture_output=True, text=True, timeout=seconds + 30)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    if out.returncode != 0 or not m:
        raise RuntimeError("wrk failed: " + out.stdout + out.stderr)
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    return float(m.group(1)), int(errs.group(1)) if errs else 0


# ------------------------------------------------------------------------------------------------
# Measuring
# ------------------------------------------------------------------------------------------------

def run_worker(argv, env, timeout):
    """Runs a loop worker; returns (result dict, peak RSS in KiB, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(pinned(argv), stdout=out, stderr=err, env=env)
        deadline = time.time() + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise RuntimeError(f"timed out after {timeout}s")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {stderr.strip()[-500:]}")
    lines = [l for l in stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"no result line; stderr: {stderr.strip()[-500:]}")
    return json.loads(lines[-1]), ru.ru_maxrss, stderr


def hyperfine(argv, env, runs, warmup):
    """Median and mean wall time (ms) of a one-shot command, from hyperfine."""
    out = os.path.join(WORK, "hyperfine.json")
    cmd = pinned(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                  "--export-json", out, shlex.join(argv)])
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("hyperfine: " + (r.stderr.strip() or r.stdout.strip())[-500:])
    with open(out) as f:
        res = json.load(f)["results"][0]
    return res["median"] * 1e3, res["mean"] * 1e3


def instructions_per_call(p, url, env, n1, n2):
    """Client-side instructions per call, counted by callgrind (repeatable on a noisy machine):
    the difference between a run of n2 and one of n1 calls, over n2 - n1. The n2 profile is kept
    in target/bench/callgrind/ for callgrind_annotate."""
    d = os.path.join(WORK, "callgrind")
    os.makedirs(d, exist_ok=True)
    totals = []
    for n in (n1, n2):
        out = os.path.join(d, f"{p.key}.{n}.out")
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        if p.lang == "Python":
            argv.append("--trace-children=no")
        argv += p.loop(url) + ["--url", url, "--calls", str(n), "--seconds", "600"]
        # An async path: one batch of n concurrent calls after a warm-up batch that opens its
        # connections (100 in flight at most).
        argv += ["--warmup", "100", "--batches", "1"] if p.group == "async" else ["--warmup", "20"]
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1200)
        m = re.search(r"Collected : (\d+)", r.stderr)
        if r.returncode != 0 or not m:
            raise RuntimeError(f"callgrind: exit {r.returncode}: {r.stderr.strip()[-300:]}")
        res = json.loads([l for l in r.stdout.splitlines() if l.startswith("{")][-1])
        if res["errors"]:
            raise RuntimeError(f"callgrind: {res['errors']} errors: {res['first_error']}")
        totals.append(int(m.group(1)))
    return (totals[1] - totals[0]) / (n2 - n1)


def startup_cost(base, cmd, env, runs):
    """(median wall ms of `base`, median of cmd-minus-base over interleaved runs) in ms."""
    def once(argv):
        t0 = time.perf_counter()
        r = subprocess.run(pinned(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)}: {r.stderr.decode(errors='replace').strip()[-300:]}")
        return (time.perf_counter() - t0) * 1e3

    once(base), once(cmd)  # warm the page cache
    b, d = [], []
    for _ in range(max(runs, 5)):
        tb = once(base)
        tc = once(cmd)
        b.append(tb)
        d.append(tc - tb)
    b.sort()
    d.sort()
    return b[len(b) // 2], d[len(d) // 2]


def check_on_sim(p, sim_url, env):
    """Runs the path's one-shot against the simulator; the seed call must land as a 2xx POST."""
    http_json("POST", sim_url + "/_sim/reset", b"")
    if p.oneshot:
        argv = p.oneshot(sim_url)
    else:
        argv = p.loop(sim_url) + ["--url", sim_url, "--calls", "1", "--warmup", "0"]
        if p.group == "async":
            argv += ["--batches", "1"]
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: {(r.stderr or r.stdout).strip()[-500:]}")
    log = http_json("GET", sim_url + "/_sim/requests")["requests"]
    posts = [q for q in log if q["method"] == "POST" and "/multi_party_call/" in q["path"]]
    if len(posts) != 1:
        raise RuntimeError(f"expected one cold-transfer POST on the simulator, saw {len(posts)}")
    q = posts[0]
    if not (q["status"] and 200 <= q["status"] < 300):
        raise RuntimeError(f"simulator answered {q['status']}")
    if json.loads(q["body"]) != SEED:
        raise RuntimeError(f"body differs from the seed: {q['body']}")
    return q["body"] == SEED_BYTES


def env_for():
    env = dict(os.environ)
    env.update({"PLIVO_AUTH_ID": AUTH_ID, "PLIVO_AUTH_TOKEN": AUTH_TOKEN,
                "PLIVO_PHLO_LIB": os.path.join(REL, "libphlo.so"),
                "LD_LIBRARY_PATH": REL + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else ""),
                "PYTHONDONTWRITEBYTECODE": "", "PERL5LIB": os.path.join(ROOT, "perl", "lib")})
    env.pop("PYTHONDONTWRITEBYTECODE")
    for k in ("PLIVO_PHLO_BASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
              "all_proxy"):
        env.pop(k, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------

def fnum(x, fmt="{:,.0f}"):
    return "—" if x is None else fmt.format(x)


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "kernel": platform.release(),
            "os": _os_name()}


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def versions():
    def cmd(argv, pat=None):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
            s = (out.stdout + out.stderr).strip()
            if pat:
                m = re.search(pat, s)
                return m.group(1) if m else s.splitlines()[0]
            return s.splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    pyv = lambda mod: cmd([VENV_PY, "-c", f"import importlib.metadata as m; print(m.version('{mod}'))"])  # noqa
    plv = lambda mod: cmd(["perl", f"-M{mod}", "-e", f"print ${mod}::VERSION"])  # noqa
    return {
        "phlo": cmd([CLI, "--version"], r"phlo (\S+)"),
        "rustc": cmd(["rustc", "--version"], r"rustc (\S+)"),
        "python": cmd([VENV_PY, "--version"], r"Python (\S+)"),
        "plivo (official SDK)": pyv("plivo"),
        "requests": pyv("requests"),
        "pycurl": cmd([VENV_PY, "-c", "import pycurl; print(pycurl.version)"]),
        "perl": cmd(["perl", "-e", "printf '%vd', $^V"]),
        "HTTP::Tiny": plv("HTTP::Tiny"),
        "LWP::UserAgent": plv("LWP::UserAgent"),
        "FFI::Platypus": plv("FFI::Platypus"),
        "Cpanel::JSON::XS": plv("Cpanel::JSON::XS"),
        "WWW::Curl": plv("WWW::Curl"),
        "Furl": plv("Furl"),
        "libcurl": cmd(["curl-config", "--version"], r"libcurl (\S+)"),
        "gcc": cmd(["gcc", "-dumpfullversion"]),
        "nginx": cmd(["nginx", "-v"], r"nginx/(\S+)"),
        "wrk": cmd(["wrk", "-v"], r"wrk (\S+)"),
        "hyperfine": cmd(["hyperfine", "--version"], r"hyperfine (\S+)"),
        # The async peers, installed with bench/python/async_bench.py.
        **({m: pyv(m) for m in ("aiohttp", "httpx", "pyreqwest")} if os.path.exists(PY_ASYNC_WORKER) else {}),
    }


def main():
    ap = argparse.ArgumentParser(prog="bench/run")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--calls", type=int)
    ap.add_argument("--repeat", type=int)
    ap.add_argument("--seconds", type=float, help="time cap of one measurement")
    ap.add_argument("--only", help="comma-separated path keys")
    ap.add_argument("--oneshot-runs", type=int)
    ap.add_argument("--instructions", action="store_true",
                    help="also count client instructions per call under callgrind (slow)")
    ap.add_argument("--pin", choices=("none", "split", "same"), default="none",
                    help="CPU placement: none (the scheduler's), split (nginx on the last CPU, the clients on "
                         "the others) or same (nginx and the clients on one CPU)")
    ap.add_argument("--async-calls", type=int, help="calls started at once in each async batch")
    a = ap.parse_args()
    quick = a.quick
    global PIN
    PIN = choose_pinning(a.pin)
    async_calls = a.async_calls or (200 if quick else ASYNC_CONCURRENCY)
    async_batches = 1 if quick else ASYNC_BATCHES
    # Many short rounds rather than a few long ones: a target is the median of per-round ratios,
    # and on 2 shared cores a pair measured seconds apart moves by ±0.1; ten rounds of 10,000
    # calls take the time five of 20,000 did, and keep each pair closer in time.
    calls = a.calls or (300 if quick else 10000)
    repeat = a.repeat or (1 if quick else 10)
    # Each measurement stops at N calls or this many seconds, whichever comes first, so that
    # a round over every path is short and the paths compared are measured close in time.
    seconds = a.seconds or (10 if quick else 5)
    os_runs = a.oneshot_runs or (3 if quick else 30)
    os_warm = 1 if quick else 3
    env = env_for()
    all_paths = paths()
    if a.only:
        keep = set(a.only.split(","))
        unknown = keep - {p.key for p in all_paths}
        if unknown:
            ap.error(f"unknown path(s) {', '.join(sorted(unknown))}; known: {' '.join(p.key for p in all_paths)}")
        all_paths = [p for p in all_paths if p.key in keep]

    # The async rows hold a thousand sockets and more open at once.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(8192, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    t_start = time.time()
    load_start = os.getloadavg()[0]
    ngx = sim = None
    results = {}
    failures = {}
    extra = {}
    ceil1 = ceil4 = None
    try:
        ngx, url = start_nginx()
        sim, sim_url = start_sim()
        wrk_s = 1 if quick else 3
        ceil1, e1 = wrk_ceiling(url, wrk_s, 1, 1)
        ceil4, e4 = wrk_ceiling(url, wrk_s, 4, 2)
        if e1 or e4:
            failures["nginx"] = f"wrk saw {e1 + e4} non-2xx answers"
        print(f"server: nginx on {url}; wrk ceiling {ceil1:,.0f} calls/s on 1 connection, "
              f"{ceil4:,.0f} on 4" + (f"; nginx on CPU {PIN['server']}, clients on CPU {PIN['client']}"
                                      if PIN else "; not pinned to CPUs"), flush=True)

        # 1. Correctness: each path's one-shot sends the seed call to the simulator.
        live = []
        for p in all_paths:
            results[p.key] = {"p": p}
            missing = [f for f in p.needs if not os.path.exists(f)]
            try:
                if missing:
                    raise RuntimeError("not built: " + ", ".join(missing))
                results[p.key]["canonical"] = check_on_sim(p, sim_url, env)
                live.append(p)
            except Exception as e:  # noqa: BLE001 - a path's failure is reported, the run goes on
                failures[p.key] = f"simulator check: {e}"
                print(f"  {p.key:13} FAILED {failures[p.key]}", flush=True)

        # 2. Loops, round-robin over the paths `repeat` times (so drift on a shared machine hits
        #    every path alike); each round's rate and CPU per call of every path is kept.
        def loop(p, threads):
            n = calls
            if p.max_calls:
                n = min(n, p.max_calls[1 if quick else 0])
            argv = p.loop(url) + ["--url", url, "--calls", str(n), "--seconds", str(seconds)]
            if threads > 1:
                argv += ["--threads", str(threads)]
            return measure(argv, threads)

        def batches(p):
            argv = p.loop(url) + ["--url", url, "--calls", str(async_calls), "--batches", str(async_batches),
                                  "--seconds", str(seconds * 6)]
            return measure(argv, 1)

        def measure(argv, threads):
            res, rss, _err = run_worker(argv, env, seconds * 6 * 3 + 60)
            if res["errors"]:
                raise RuntimeError(f"{threads} thread(s): {res['errors']} errors, first: {res['first_error']}")
            if not res["calls"] or res["elapsed_s"] <= 0:
                raise RuntimeError("no timed calls")
            res["rate"] = res["calls"] / res["elapsed_s"]
            res["rss_kib"] = res.get("rss_kib") or rss
            if res.get("cpu_s") is not None:
                res["cpu_us"] = res["cpu_s"] / res["calls"] * 1e6
            return res

        rank = {k: i for i, k in enumerate(MEASURE_ORDER)}
        order = sorted(live, key=lambda p: rank.get(p.key, len(rank)))
        for rep in range(repeat):
            print(f"round {rep + 1}/{repeat}", flush=True)
            # Every other round in reverse order: a drift within a round (the machine's other
            # work) then favours no path's place in the order.
            for p in (order if rep % 2 == 0 else order[::-1]):
                if p.key in failures or not p.loop:
                    continue
                r = results[p.key]
                try:
                    if p.group == "async":
                        runs = [(batches, "seq")]
                    else:
                        runs = [(lambda p: loop(p, 1), "seq")]
                        if p.threads:
                            runs.append((lambda p: loop(p, 4), "t4"))
                    for fn, slot in runs:
                        res = fn(p)
                        r.setdefault("rates", {}).setdefault(slot, []).append(res["rate"])
                        r.setdefault("cpus", {}).setdefault(slot, []).append(res.get("cpu_us"))
                        if slot not in r or res["rate"] > r[slot]["rate"]:
                            r[slot] = res
                    line = f"  {p.key:13} {r['seq']['rate']:>9,.0f} calls/s  p50 {r['seq']['p50_us']:,.0f} µs"
                    if "t4" in r:
                        line += f"  4 threads {r['t4']['rate']:>9,.0f} calls/s"
                    print(line + "  (best so far)", flush=True)
                except Exception as e:  # noqa: BLE001
                    failures[p.key] = str(e)
                    print(f"  {p.key:13} FAILED {e}", flush=True)

        # Every round's rate of every path, for a closer look than the table's medians.
        with open(os.path.join(WORK, "rates.json"), "w") as f:
            json.dump({k: {"rates": r["rates"], "cpu_us": r["cpus"]} for k, r in results.items() if "rates" in r},
                      f, indent=1)

        # 3. One-shot processes, with hyperfine.
        print("one-shot processes (hyperfine)", flush=True)
        for p in live:
            if p.key in failures or not p.oneshot:
                continue
            try:
                results[p.key]["oneshot_ms"], _ = hyperfine(p.oneshot(url), env, os_runs, os_warm)
                print(f"  {p.key:13} {results[p.key]['oneshot_ms']:.1f} ms", flush=True)
            except Exception as e:  # noqa: BLE001
                failures[p.key] = f"one-shot: {e}"
                print(f"  {p.key:13} FAILED {failures[p.key]}", flush=True)

        # Start-up: the interpreters alone and with our module or the SDK loaded. Each import is
        # timed against a bare start in the same round (paired), and the median of the
        # differences is its cost, robust to the load of a shared machine.
        try:
            pairs = [("import plivo_phlo", [VENV_PY, "-c", "pass"], [VENV_PY, "-c", "import plivo_phlo"]),
                     ("import plivo", [VENV_PY, "-c", "pass"], [VENV_PY, "-c", "import plivo"]),
                     ("use Plivo::PHLO", ["perl", "-e", "1"], ["perl", "-e", "use Plivo::PHLO"])]
            for name, base, cmd in pairs:
                extra[name] = startup_cost(base, cmd, env, os_runs)
        except Exception as e:  # noqa: BLE001
            failures["startup"] = str(e)

        # 4. Optional, last (it is slow): instructions per call (callgrind), the repeatable figure.
        if a.instructions:
            print("instructions per call (callgrind)", flush=True)
            for p in live:
                if p.key in failures or not p.loop or p.key == "tiny" or not p.instr:
                    continue
                try:
                    n1, n2 = (100, 300) if quick else (300, 1300)
                    results[p.key]["instr"] = instructions_per_call(p, url, env, n1, n2)
                    print(f"  {p.key:13} {results[p.key]['instr']:,.0f} instructions/call", flush=True)
                except Exception as e:  # noqa: BLE001
                    failures[p.key] = str(e)
                    print(f"  {p.key:13} FAILED {e}", flush=True)
    except Exception as e:  # noqa: BLE001 - the servers: nothing can be measured without them
        failures["server"] = str(e)
        print(f"FAILED to start the servers: {e}", flush=True)
    finally:
        stop(sim)
        stop(ngx)

    report = render(results, failures, extra, ceil1, ceil4, calls, repeat, seconds,
                    quick, time.time() - t_start, (load_start, os.getloadavg()[0]), (async_calls, async_batches))
    print()
    print(report["table"])
    if a.write:
        write_results(report, calls, repeat)
    ran = [p for p in all_paths if p.key not in failures and p.key in results]
    print(f"bench: {len(ran)} passed, {len(all_paths) - len(ran)} failed")
    return 1 if failures else 0


def render(results, failures, extra, ceil1, ceil4, calls, repeat, seconds, quick, elapsed, load, batch):
    def g(key, *ks):
        r = results.get(key)
        if not r or key in failures:
            return None
        cur = r
        for k in ks:
            if not isinstance(cur, dict) or k not in cur:
                return None
            cur = cur[k]
        return cur

    def ratios(a, b, sa="seq", sb="seq", what="rates"):
        """a's figure over b's in each round (paired, so that drift between rounds cancels),
        sorted; [] when either is missing. `what` is "rates" (calls/s) or "cpus" (CPU µs/call)."""
        ra, rb = g(a, what, sa), g(b, what, sb)
        if not ra or not rb:
            return []
        return sorted(x / y for x, y in zip(ra, rb) if x is not None and y)

    def median(xs):
        if not xs:
            return None
        xs = sorted(xs)
        m = len(xs) // 2
        return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2

    def quartiles(rs):
        """The middle half of sorted per-round ratios (first and third quartile), when there are
        4 or more rounds."""
        if len(rs) < 4:
            return None
        return rs[len(rs) // 4], rs[(3 * len(rs) - 1) // 4]

    def R(a, b, sa="seq", sb="seq", what="rates"):
        """A paired figure: (median of the per-round ratios, their quartiles or None)."""
        rs = ratios(a, b, sa, sb, what)
        return median(rs), quartiles(rs)

    def cpu(key, slot="seq"):
        """A path's CPU µs per call: the median over its rounds."""
        return median([c for c in (g(key, "cpus", slot) or []) if c is not None])

    def shown(val, q):
        """A ratio with the middle half of its per-round ratios, and how far that half reaches
        from the median."""
        if val is None:
            return "—"
        if not q:
            return f"{val:.2f}×"
        dev = max(val - q[0], q[1] - val) / val * 100
        return f"{val:.2f}× ({q[0]:.2f}–{q[1]:.2f}, ±{dev:.0f}%)"

    # The peer each language's users would otherwise use, and the floor of the engine.
    peer = {"rust": "ureq", "c": "curl", "py": "pycurl", "py-dropin": "plivo", "pl": "pl-curl",
            "pl-obj": "pl-curl", "rust-async": "reqwest-async", "py-async": "aiohttp", "py-pool": "aiohttp"}
    floor = "reqwest-rt"
    with_instr = any("instr" in r for r in results.values())

    def label(key):
        p = results[key]["p"]
        return f"**{p.label}**" if p.ours else p.label

    def vs(key, other, sa="seq", sb="seq"):
        val = R(key, other, sa, sb)[0] if other else None
        return fnum(val, "{:.2f}×") + (f" {other}" if val and other != floor else "")

    lines = []
    hdr = ("| path | calls/s | p50 µs | p99 µs | CPU µs/call | " + ("instr/call | " if with_instr else "")
           + "4 threads calls/s | 4T CPU µs/call | 4T/1T | peak RSS MiB | one-shot ms | ÷ language peer | ÷ floor |")
    cols = hdr.count("|") - 1
    lines += [hdr, "|" + "---|" * cols]
    for key, r in results.items():
        p = r["p"]
        if p.group != "loop":
            continue
        if key in failures:
            lines.append(f"| {p.label} | FAILED: {failures[key][:80]} |" + "|" * (cols - 2))
            continue
        seq = r.get("seq")
        lines.append("| " + " | ".join([
            label(key),
            fnum(seq and seq["rate"]),
            fnum(seq and seq["p50_us"], "{:,.0f}"),
            fnum(seq and seq["p99_us"], "{:,.0f}"),
            fnum(cpu(key), "{:,.1f}"),
            *([fnum(r.get("instr"), "{:,.0f}")] if with_instr else []),
            fnum(g(key, "t4", "rate")),
            fnum(cpu(key, "t4"), "{:,.1f}"),
            fnum(R(key, key, "t4", "seq")[0], "{:.2f}×"),
            fnum(seq and seq["rss_kib"] / 1024, "{:.1f}"),
            fnum(r.get("oneshot_ms"), "{:.1f}"),
            vs(key, peer.get(key)) if key in peer else "—",
            vs(key, floor) if p.ours and key != "cli" else "—",
        ]) + " |")

    alines = []
    if any(r["p"].group == "async" for r in results.values()):
        ahdr = ("| path | calls/s | p50 µs | p99 µs | CPU µs/call | " + ("instr/call | " if with_instr else "")
                + "peak RSS MiB | ÷ peer |")
        acols = ahdr.count("|") - 1
        alines += [ahdr, "|" + "---|" * acols]
        for key, r in results.items():
            p = r["p"]
            if p.group != "async":
                continue
            if key in failures:
                alines.append(f"| {p.label} | FAILED: {failures[key][:80]} |" + "|" * (acols - 2))
                continue
            seq = r.get("seq")
            alines.append("| " + " | ".join([
                label(key),
                fnum(seq and seq["rate"]),
                fnum(seq and seq["p50_us"], "{:,.0f}"),
                fnum(seq and seq["p99_us"], "{:,.0f}"),
                fnum(cpu(key), "{:,.1f}"),
                *([fnum(r.get("instr"), "{:,.0f}")] if with_instr else []),
                fnum(seq and seq["rss_kib"] / 1024, "{:.1f}"),
                vs(key, peer.get(key)) if key in peer else "—",
            ]) + " |")

    # The targets: informational, never failing the run. (name, (value, quartiles), op, goal, unit)
    imp = extra["import plivo_phlo"][1] if "import plivo_phlo" in extra else None
    CPU = lambda a, b, s="seq": R(a, b, s, s, "cpus")  # noqa: E731
    targets = [
        ("Rust core ≥ 1.0× libcurl, 1 thread", R("rust", "curl"), ">=", 1.0, "×"),
        ("Rust core ≥ 1.0× libcurl, 4 threads", R("rust", "curl", "t4", "t4"), ">=", 1.0, "×"),
        ("Rust core ≥ 0.95× ureq, 1 thread", R("rust", "ureq"), ">=", 0.95, "×"),
        ("Rust core ≥ 0.95× ureq, 4 threads", R("rust", "ureq", "t4", "t4"), ">=", 0.95, "×"),
        ("Rust core CPU/call ≤ libcurl's, 1 thread (ratio)", CPU("rust", "curl"), "<=", 1.0, "×"),
        ("Rust core CPU/call ≤ libcurl's, 4 threads (ratio)", CPU("rust", "curl", "t4"), "<=", 1.0, "×"),
        ("C ABI (libphlo) ≥ 1.0× libcurl", R("c", "curl"), ">=", 1.0, "×"),
        ("Python Client ≥ 1.2× pycurl", R("py", "pycurl"), ">=", 1.2, "×"),
        ("Python Client CPU/call ≤ pycurl's (ratio)", CPU("py", "pycurl"), "<=", 1.0, "×"),
        ("Python Client ≥ 10× official SDK (shortcut)", R("py", "plivo"), ">=", 10.0, "×"),
        ("Perl Plivo::PHLO ≥ 1.2× WWW::Curl::Easy", R("pl", "pl-curl"), ">=", 1.2, "×"),
        ("Perl Plivo::PHLO CPU/call ≤ WWW::Curl::Easy's (ratio)", CPU("pl", "pl-curl"), "<=", 1.0, "×"),
        ("Rust AsyncClient ≥ 0.95× bare async reqwest", R("rust-async", "reqwest-async"), ">=", 0.95, "×"),
        ("Python AsyncClient ≥ 1.5× aiohttp", R("py-async", "aiohttp"), ">=", 1.5, "×"),
        ("Python AsyncClient ≥ 1.0× pyreqwest async", R("py-async", "pyreqwest"), ">=", 1.0, "×"),
        ("Python AsyncClient CPU/call ≤ aiohttp's (ratio)", CPU("py-async", "aiohttp"), "<=", 1.0, "×"),
        ("C ABI within 5% of the Rust core", R("c", "rust"), ">=", 0.95, "×"),
        ("Python Client within 15% of the Rust core", R("py", "rust"), ">=", 0.85, "×"),
        ("Perl Plivo::PHLO within 15% of the Rust core", R("pl", "rust"), ">=", 0.85, "×"),
        ("C ABI: 4 threads ≥ 1.4× one thread", R("c", "c", "t4", "seq"), ">=", 1.4, "×"),
        ("Python Client: 4 threads ≥ 1.4× one thread", R("py", "py", "t4", "seq"), ">=", 1.4, "×"),
        ("CLI one-shot median < 5 ms", (g("cli", "oneshot_ms"), None), "<", 5.0, " ms"),
        ("`import plivo_phlo` < 30 ms (over `python -c pass`)", (imp, None), "<", 30.0, " ms"),
    ]
    info = [
        ("Rust core ÷ its floor (reqwest on the calling thread), 1 thread", R("rust", floor)),
        ("Rust core ÷ its floor, 4 threads", R("rust", floor, "t4", "t4")),
        ("Rust core ÷ reqwest (blocking), 1 thread: the engine change", R("rust", "reqwest")),
        ("Rust core ÷ reqwest (blocking), 4 threads", R("rust", "reqwest", "t4", "t4")),
        ("Rust core CPU/call ÷ ureq's (ratio)", CPU("rust", "ureq")),
        ("Rust core: 4 threads ÷ one thread", R("rust", "rust", "t4", "seq")),
        ("libcurl: 4 threads ÷ one thread", R("curl", "curl", "t4", "seq")),
        ("C ABI ÷ libcurl, 4 threads", R("c", "curl", "t4", "t4")),
        ("Python Client ÷ http.client", R("py", "http.client")),
        ("Python Client ÷ requests.Session", R("py", "requests")),
        ("Python Client ÷ official SDK (objects kept)", R("py", "plivo-obj")),
        ("Python drop-in RestClient ÷ official SDK (shortcut)", R("py-dropin", "plivo")),
        ("Perl Plivo::PHLO ÷ Furl", R("pl", "furl")),
        ("Perl Plivo::PHLO ÷ HTTP::Tiny + TCP_NODELAY", R("pl", "tiny-nodelay")),
        ("Perl Plivo::PHLO ÷ LWP::UserAgent", R("pl", "lwp")),
        ("Perl Plivo::PHLO ÷ HTTP::Tiny as users get it", R("pl", "tiny")),
        ("Perl typed FFI experiment ÷ WWW::Curl::Easy", R("pl-typed", "pl-curl")),
        ("Perl typed FFI experiment ÷ Rust core", R("pl-typed", "rust")),
        ("Python AsyncClient ÷ Client from a thread pool", R("py-async", "py-pool")),
        ("Python AsyncClient ÷ httpx.AsyncClient", R("py-async", "httpx")),
    ]
    tl = ["| target | measured (middle half of the rounds) | |", "|---|---|---|"]
    met = missed = steady = spread_n = 0
    for name, (val, q), op, goal, unit in targets:
        if val is None:
            continue  # a row that did not run (--only, or a worker not there)
        ok = {">=": val >= goal, "<=": val <= goal, "<": val < goal}[op]
        met += ok
        missed += not ok
        if q:
            spread_n += 1
            steady += max(val - q[0], q[1] - val) <= 0.10 * val
        text = shown(val, q) if unit == "×" else f"{val:.1f}{unit}"
        tl.append(f"| {name} | {text} | {'met' if ok else '**missed**'} |")
    for name, (val, q) in info:
        if val is not None:
            tl.append(f"| {name} | {shown(val, q)} | info |")
    startup = ", ".join(f"`{k}` +{v[1]:.1f} ms" for k, v in extra.items())
    if "import plivo_phlo" in extra and "use Plivo::PHLO" in extra:
        startup = (f"bare `python -c pass` {extra['import plivo_phlo'][0]:.1f} ms, `perl -e 1` "
                   f"{extra['use Plivo::PHLO'][0]:.1f} ms; on top of that: " + startup)

    pin = (f"nginx pinned to CPU {PIN['server']} and every client (loops, one-shots, wrk) to CPU {PIN['client']}"
           f" (--pin {PIN['mode']})" if PIN else "nginx and the clients placed by the scheduler")
    head = (f"Seed cold transfer (`POST /v1/phlo/{{P}}/multi_party_call/{{N}}`): sequential calls on one reused "
            f"client ({calls:,} calls or {seconds:g} s per measurement, whichever comes first), and the same "
            f"from 4 threads sharing the client; {repeat} rounds over every path. calls/s, latencies and RSS "
            f"are from each path's best round, CPU µs/call is the median over the rounds (user + system time of "
            f"the whole process over the timed calls); ratios are medians of per-round ratios (paired, so drift "
            f"between rounds cancels; every other round runs the paths in reverse order), with the "
            f"middle half of the per-round ratios in brackets. Server: nginx on 127.0.0.1 with the fixed 201; "
            f"its ceiling (wrk): {fnum(ceil1)} calls/s on one connection, {fnum(ceil4)} on four; {pin}. "
            f"Our paths in bold. Every path's request was checked on the simulator first.")
    ahead = (f"Async: {batch[0]:,} seed calls started at once on one event loop or runtime, {batch[1]} timed "
             f"batch{'es' if batch[1] != 1 else ''} after an untimed warm-up batch, once per round; calls/s over "
             f"the batches' wall time, latencies from each batch's start (a wait for a free connection "
             f"included).")
    out = [head, "", *lines]
    if alines:
        out += ["", ahead, "", *alines]
    if not quick:
        out += ["", *tl]
    out += ["", f"Start-up (medians of paired runs): {startup}." if startup else ""]
    if quick:
        out.append(f"Smoke run (--quick): numbers are rough and no target is judged. Run took {elapsed:.0f} s.")
    else:
        out.append(f"Targets: {met} met, {missed} missed (informational); the middle half of the rounds within "
                   f"±10% of the median for {steady} of {spread_n}. Run took {elapsed:.0f} s; 1-minute load "
                   f"average {load[0]:.2f} at the start, {load[1]:.2f} at the end (on {os.cpu_count()} cores: "
                   f"other work on the machine skews every figure).")
    return {"table": "\n".join(out), "met": met, "missed": missed}


def write_results(report, calls, repeat):
    m = machine()
    v = versions()
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"Written by `{shlex.join(['bench/run'] + sys.argv[1:])}` on {now}. Reproduce with `bench/run` (see "
        "[docs/benchmarks.md](../docs/benchmarks.md) for what is measured and how to read it).",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['ram']} RAM; {m['os']}, Linux {m['kernel']}.",
        "",
        "Versions: " + "; ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        report["table"],
        "",
    ]
    with open(os.path.join(ROOT, "bench", "results.md"), "w") as f:
        f.write("\n".join(out))
    print("wrote bench/results.md")


if __name__ == "__main__":
    sys.exit(main())

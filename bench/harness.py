"""The benchmark's driver, run by bench/run once everything is installed and built.

It starts the servers (nginx with a fixed response, the PHLO simulator for a correctness check),
measures every path on the seed cold transfer, and prints one table. Standard library only.

Every loop worker (bench/rust, bench/c, bench/python/bench.py, bench/perl/bench.pl) takes
    PATH --url BASE --calls N --threads T --seconds S [--warmup W]
makes W untimed warm-up calls then N timed ones on one client (shared by T threads), and prints
one JSON line: {"path","threads","calls","errors","elapsed_s","p50_us","p99_us","first_error"}.
Peak RSS is the worker's ru_maxrss, read here from wait4(). One-shot processes (start, one call,
exit) are timed with hyperfine.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
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
                 needs=(), note=""):
        self.key, self.label, self.lang, self.ours = key, label, lang, ours
        self.loop = loop            # fn(url) -> argv prefix (the worker adds --url/--calls/...)
        self.oneshot = oneshot      # fn(url) -> argv, or None
        self.threads = threads      # also run with 4 threads sharing the client
        self.max_calls = max_calls  # cap for paths that are slow by design
        self.needs = needs          # files that must exist
        self.note = note


def py(code):
    return lambda url: [VENV_PY, "-c", code.replace("URL", url)]


PY_ONESHOT_PHLO = ("import plivo_phlo; plivo_phlo.Client('%s','%s','URL').mpc_cold_transfer("
                   "'%s','%s','+14152223333','+14152225555','agent')" % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_DROPIN = ("import plivo_phlo; plivo_phlo.RestClient('%s','%s',base_url='URL').phlo.multi_party_call("
                     "'%s','%s','cold_transfer',trigger_source='+14152223333',to='+14152225555',role='agent')"
                     % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_PLIVO = ("import plivo; c=plivo.phlo.RestClient('%s','%s'); c.phlo_base_uri='URL/v1'; "
                    "c.phlo.multi_party_call('%s','%s','cold_transfer',trigger_source='+14152223333',"
                    "to='+14152225555',role='agent')" % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_PLIVO_OBJ = ("import plivo; c=plivo.phlo.RestClient('%s','%s'); c.phlo_base_uri='URL/v1'; "
                        "c.phlo.get('%s').multi_party_call('%s').cold_transfer('+14152223333','+14152225555','agent')"
                        % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PY_ONESHOT_REQUESTS = ("import requests; r=requests.post('URL/v1/phlo/%s/multi_party_call/%s',data=%r,"
                       "auth=('%s','%s'),headers={'Content-Type':'application/json'}); "
                       "assert r.ok, r.status_code; r.json()" % (PHLO, NODE, SEED_BYTES, AUTH_ID, AUTH_TOKEN))
PY_ONESHOT_HTTPCLIENT = ("import http.client, json; c=http.client.HTTPConnection('HOST'); "
                         "c.request('POST','/v1/phlo/%s/multi_party_call/%s',body=%r,headers={"
                         "'Authorization':'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=',"
                         "'Content-Type':'application/json'}); r=c.getresponse(); "
                         "assert r.status//100==2, r.status; json.loads(r.read())" % (PHLO, NODE, SEED_BYTES))

PL_ONESHOT_PHLO = ("use Plivo::PHLO; Plivo::PHLO->new(auth_id=>'%s',auth_token=>'%s',base_url=>'URL')"
                   "->mpc_cold_transfer('%s','%s',to=>'+14152225555',role=>'agent',trigger_source=>'+14152223333')"
                   % (AUTH_ID, AUTH_TOKEN, PHLO, NODE))
PL_ONESHOT_TINY = ("use HTTP::Tiny; use JSON::PP; my $r=HTTP::Tiny->new->request('POST',"
                   "'URL/v1/phlo/%s/multi_party_call/%s',{headers=>{Authorization=>'Basic "
                   "TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=','Content-Type'=>'application/json'},"
                   "content=>'%s'}); die $r->{status} unless $r->{success}; decode_json($r->{content})"
                   % (PHLO, NODE, SEED_BYTES))
PL_ONESHOT_LWP = ("use LWP::UserAgent; use JSON::PP; my $ua=LWP::UserAgent->new; "
                  "my $r=$ua->post('URL/v1/phlo/%s/multi_party_call/%s','Content-Type'=>'application/json',"
                  "Authorization=>'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=',Content=>'%s'); "
                  "die $r->status_line unless $r->is_success; decode_json($r->decoded_content)"
                  % (PHLO, NODE, SEED_BYTES))


def perl(code):
    return lambda url: ["perl", "-I" + os.path.join(ROOT, "perl", "lib"), "-e", code.replace("URL", url)]


def host_of(url):
    return url.split("://", 1)[1]


BENCH_RS = os.path.join(REL, "phlo-bench")
BENCH_C_PHLO = os.path.join(WORK, "c", "phlo_bench")
BENCH_C_CURL = os.path.join(WORK, "c", "curl_bench")
PY_WORKER = os.path.join(ROOT, "bench", "python", "bench.py")
PL_WORKER = os.path.join(ROOT, "bench", "perl", "bench.pl")
CLI = os.path.join(REL, "phlo")


def paths():
    rs = lambda k: (lambda url: [BENCH_RS, k])  # noqa: E731
    rs1 = lambda k: (lambda url: [BENCH_RS, k, "--url", url, "--oneshot"])  # noqa: E731
    pyw = lambda k: (lambda url: [VENV_PY, PY_WORKER, k])  # noqa: E731
    plw = lambda k: (lambda url: ["perl", "-I" + os.path.join(ROOT, "perl", "lib"), PL_WORKER, k])  # noqa: E731
    return [
        P("rust", "Rust core (plivo_phlo::Client)", "Rust", True, rs("core"), rs1("core"), threads=True,
          needs=[BENCH_RS]),
        P("reqwest", "reqwest::blocking alone (floor)", "Rust", False, rs("reqwest"), rs1("reqwest"),
          threads=True, needs=[BENCH_RS]),
        P("ureq", "ureq 3", "Rust", False, rs("ureq"), rs1("ureq"), threads=True, needs=[BENCH_RS]),
        P("c", "C ABI (libphlo)", "C", True, lambda url: [BENCH_C_PHLO],
          lambda url: [BENCH_C_PHLO, "--url", url, "--oneshot"], threads=True, needs=[BENCH_C_PHLO]),
        P("curl", "libcurl, one reused handle", "C", False, lambda url: [BENCH_C_CURL],
          lambda url: [BENCH_C_CURL, "--url", url, "--oneshot"], needs=[BENCH_C_CURL]),
        P("py", "Python plivo_phlo.Client", "Python", True, pyw("phlo"), py(PY_ONESHOT_PHLO), threads=True,
          needs=[VENV_PY]),
        P("py-dropin", "Python plivo_phlo.RestClient (drop-in)", "Python", True, pyw("phlo-dropin"),
          py(PY_ONESHOT_DROPIN), needs=[VENV_PY]),
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
        P("tiny", "Perl HTTP::Tiny as users get it", "Perl", False, plw("tiny"), perl(PL_ONESHOT_TINY),
          max_calls=(100, 25), note="no TCP_NODELAY: Nagle + delayed ACK on every POST"),
        P("tiny-nodelay", "Perl HTTP::Tiny + TCP_NODELAY", "Perl", False, plw("tiny-nodelay"), None),
        P("lwp", "Perl LWP::UserAgent", "Perl", False, plw("lwp"), perl(PL_ONESHOT_LWP)),
        P("cli", "CLI `phlo mpc cold-transfer`", "CLI", True, None,
          lambda url: [CLI, "-q", "--base-url", url, "mpc", "cold-transfer", PHLO, NODE,
                       "--to", "+14152225555", "--trigger-source", "+14152223333", "--role", "agent"],
          needs=[CLI]),
    ]


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
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
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
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", d + "/", "-e", os.path.join(d, "error.log")],
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
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "-s", script,
                          f"{url}/v1/phlo/{PHLO}/multi_party_call/{NODE}"],
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
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
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
    cmd = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
           "--export-json", out, shlex.join(argv)]
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
        argv += p.loop(url) + ["--url", url, "--calls", str(n), "--warmup", "20", "--seconds", "600"]
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
        r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
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
    argv = p.oneshot(sim_url) if p.oneshot else p.loop(sim_url) + ["--url", sim_url, "--calls", "1",
                                                                    "--warmup", "0"]
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
        "perl": cmd(["perl", "-e", "printf '%vd', $^V"]),
        "HTTP::Tiny": plv("HTTP::Tiny"),
        "LWP::UserAgent": plv("LWP::UserAgent"),
        "FFI::Platypus": plv("FFI::Platypus"),
        "libcurl": cmd(["curl-config", "--version"], r"libcurl (\S+)"),
        "gcc": cmd(["gcc", "-dumpfullversion"]),
        "nginx": cmd(["nginx", "-v"], r"nginx/(\S+)"),
        "wrk": cmd(["wrk", "-v"], r"wrk (\S+)"),
        "hyperfine": cmd(["hyperfine", "--version"], r"hyperfine (\S+)"),
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
    a = ap.parse_args()
    quick = a.quick
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
              f"{ceil4:,.0f} on 4", flush=True)

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
        #    every path alike); the best run of each is kept.
        def loop(p, threads):
            n = calls
            if p.max_calls:
                n = min(n, p.max_calls[1 if quick else 0])
            argv = p.loop(url) + ["--url", url, "--calls", str(n), "--seconds", str(seconds)]
            if threads > 1:
                argv += ["--threads", str(threads)]
            res, rss, _err = run_worker(argv, env, seconds * 3 + 60)
            if res["errors"]:
                raise RuntimeError(f"{threads} thread(s): {res['errors']} errors, first: {res['first_error']}")
            res["rate"] = res["calls"] / res["elapsed_s"]
            res["rss_kib"] = res.get("rss_kib") or rss
            return res

        for rep in range(repeat):
            print(f"round {rep + 1}/{repeat}", flush=True)
            # Every other round in reverse order: a drift within a round (the machine's other
            # work) then favours no path's place in the order.
            for p in (live if rep % 2 == 0 else live[::-1]):
                if p.key in failures or not p.loop:
                    continue
                r = results[p.key]
                try:
                    for threads, slot in ((1, "seq"), (4, "t4")):
                        if threads > 1 and not p.threads:
                            continue
                        res = loop(p, threads)
                        r.setdefault("rates", {"seq": [], "t4": []})[slot].append(res["rate"])
                        if slot not in r or res["rate"] > r[slot]["rate"]:
                            r[slot] = res
                        if threads == 1 and res.get("cpu_s") is not None:
                            cpu = res["cpu_s"] / res["calls"] * 1e6
                            r["cpu_us"] = min(cpu, r.get("cpu_us", cpu))
                    line = f"  {p.key:13} {r['seq']['rate']:>9,.0f} calls/s  p50 {r['seq']['p50_us']:,.0f} µs"
                    if "t4" in r:
                        line += f"  4 threads {r['t4']['rate']:>9,.0f} calls/s"
                    print(line + "  (best so far)", flush=True)
                except Exception as e:  # noqa: BLE001
                    failures[p.key] = str(e)
                    print(f"  {p.key:13} FAILED {e}", flush=True)

        # Every round's rate of every path, for a closer look than the table's medians.
        with open(os.path.join(WORK, "rates.json"), "w") as f:
            json.dump({k: r["rates"] for k, r in results.items() if "rates" in r}, f, indent=1)

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
                if p.key in failures or not p.loop or p.key == "tiny":
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
                    quick, time.time() - t_start, (load_start, os.getloadavg()[0]))
    print()
    print(report["table"])
    if a.write:
        write_results(report, calls, repeat)
    ran = [p for p in all_paths if p.key not in failures and p.key in results]
    print(f"bench: {len(ran)} passed, {len(all_paths) - len(ran)} failed")
    return 1 if failures else 0


def render(results, failures, extra, ceil1, ceil4, calls, repeat, seconds, quick, elapsed, load):
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

    rate = lambda k: g(k, "seq", "rate")  # noqa: E731

    def ratios(a, b, sa="seq", sb="seq"):
        """a's rate over b's rate in each round (paired, so that drift between rounds cancels),
        sorted; [] when either is missing."""
        ra, rb = g(a, "rates", sa), g(b, "rates", sb)
        if not ra or not rb:
            return []
        return sorted(x / y for x, y in zip(ra, rb) if y)

    def pr(a, b, sa="seq", sb="seq"):
        """The median over rounds of a's rate over b's rate in the same round; None when either
        is missing."""
        rs = ratios(a, b, sa, sb)
        if not rs:
            return None
        m = len(rs) // 2
        return rs[m] if len(rs) % 2 else (rs[m - 1] + rs[m]) / 2

    def spread(a, b, sa="seq", sb="seq"):
        """The middle half of the per-round ratios (quartiles), as text, when there are 4 or more."""
        rs = ratios(a, b, sa, sb)
        if len(rs) < 4:
            return ""
        q1, q3 = rs[len(rs) // 4], rs[(3 * len(rs) - 1) // 4]
        return f" ({q1:.2f}–{q3:.2f})"

    def scale(k):
        return pr(k, k, "t4", "seq")

    peer = {"rust": "reqwest", "c": "curl", "py": "plivo", "py-dropin": "plivo", "pl": "tiny-nodelay",
            "pl-obj": "tiny-nodelay"}

    lines = []
    with_instr = any("instr" in r for r in results.values())
    hdr = ("| path | calls/s | p50 µs | p99 µs | CPU µs/call | " + ("instr/call | " if with_instr else "")
           + "4 threads calls/s | 4T/1T | peak RSS MiB | one-shot ms | ÷ language peer | ÷ floor |")
    lines.append(hdr)
    lines.append("|" + "---|" * (12 if with_instr else 11))
    for key, r in results.items():
        p = r["p"]
        if key in failures:
            lines.append(f"| {p.label} | FAILED: {failures[key][:80]} |" + "|" * (10 if with_instr else 9))
            continue
        seq = r.get("seq")
        name = f"**{p.label}**" if p.ours else p.label
        vs_peer = pr(key, peer[key]) if key in peer else None
        vs_floor = pr(key, "reqwest") if p.ours and key != "cli" else None
        lines.append("| " + " | ".join([
            name,
            fnum(seq and seq["rate"]),
            fnum(seq and seq["p50_us"], "{:,.0f}"),
            fnum(seq and seq["p99_us"], "{:,.0f}"),
            fnum(r.get("cpu_us"), "{:,.1f}"),
            *([fnum(r.get("instr"), "{:,.0f}")] if with_instr else []),
            fnum(g(key, "t4", "rate")),
            fnum(scale(key), "{:.2f}×"),
            fnum(seq and seq["rss_kib"] / 1024, "{:.1f}"),
            fnum(r.get("oneshot_ms"), "{:.1f}"),
            (fnum(vs_peer, "{:.2f}×") + f" {peer[key]}") if vs_peer else "—",
            fnum(vs_floor, "{:.2f}×"),
        ]) + " |")

    # The targets of the issue: informational, never failing the run.
    imp = extra["import plivo_phlo"][1] if "import plivo_phlo" in extra else None
    # A ratio target's value and the middle half of its per-round ratios, shown with it: how
    # far apart the rounds were is part of the result.
    R = lambda a, b, sa="seq", sb="seq": (pr(a, b, sa, sb), spread(a, b, sa, sb))  # noqa: E731
    S = lambda k: R(k, k, "t4", "seq")  # noqa: E731
    targets = [
        ("Python package ≥ 5× official SDK (shortcut)", *R("py", "plivo"), ">=", 5.0, "×"),
        ("Python package ≥ 1.2× http.client", *R("py", "http.client"), ">=", 1.2, "×"),
        ("Perl module ≥ 1.2× HTTP::Tiny + TCP_NODELAY", *R("pl", "tiny-nodelay"), ">=", 1.2, "×"),
        ("Perl module ≥ 3× LWP::UserAgent", *R("pl", "lwp"), ">=", 3.0, "×"),
        ("C ABI within 5% of the Rust core", *R("c", "rust"), ">=", 0.95, "×"),
        ("Python within 15% of the Rust core", *R("py", "rust"), ">=", 0.85, "×"),
        ("Perl within 15% of the Rust core", *R("pl", "rust"), ">=", 0.85, "×"),
        ("Rust core within 10% of reqwest::blocking", *R("rust", "reqwest"), ">=", 0.90, "×"),
        ("C ABI: 4 threads ≥ 1.4× one thread", *S("c"), ">=", 1.4, "×"),
        ("Python: 4 threads ≥ 1.4× one thread", *S("py"), ">=", 1.4, "×"),
        ("CLI one-shot median < 5 ms", g("cli", "oneshot_ms"), "", "<", 5.0, " ms"),
        ("`import plivo_phlo` < 30 ms (over `python -c pass`)", imp, "", "<", 30.0, " ms"),
    ]
    info = [
        ("Rust core ÷ libcurl", *R("rust", "curl"), "×"),
        ("Rust core ÷ ureq", *R("rust", "ureq"), "×"),
        ("Perl module ÷ HTTP::Tiny as users get it", *R("pl", "tiny"), "×"),
        ("Python drop-in RestClient ÷ official SDK (shortcut)", *R("py-dropin", "plivo"), "×"),
        ("Python package ÷ official SDK (objects kept)", *R("py", "plivo-obj"), "×"),
        ("Python package ÷ requests.Session", *R("py", "requests"), "×"),
        ("Rust core: 4 threads ÷ one thread", *S("rust"), "×"),
        ("reqwest::blocking floor: 4 threads ÷ one thread", *S("reqwest"), "×"),
        ("Perl typed FFI experiment ÷ HTTP::Tiny + TCP_NODELAY", *R("pl-typed", "tiny-nodelay"), "×"),
        ("Perl typed FFI experiment ÷ Rust core", *R("pl-typed", "rust"), "×"),
    ]
    tl = ["| target | measured | |", "|---|---|---|"]
    met = missed = 0
    for name, val, rng, op, goal, unit in targets:
        if val is None:
            verdict = "not measured"
        else:
            ok = val >= goal if op == ">=" else val < goal
            verdict = "met" if ok else "**missed**"
            met += ok
            missed += not ok
        shown = "—" if val is None else (f"{val:.2f}{unit}{rng}" if unit == "×" else f"{val:.1f}{unit}")
        tl.append(f"| {name} | {shown} | {verdict} |")
    for name, val, rng, unit in info:
        tl.append(f"| {name} | {'—' if val is None else f'{val:.2f}{unit}{rng}'} | info |")
    startup = ", ".join(f"`{k}` +{v[1]:.1f} ms" for k, v in extra.items())
    if "import plivo_phlo" in extra and "use Plivo::PHLO" in extra:
        startup = (f"bare `python -c pass` {extra['import plivo_phlo'][0]:.1f} ms, `perl -e 1` "
                   f"{extra['use Plivo::PHLO'][0]:.1f} ms; on top of that: " + startup)

    head = (f"Seed cold transfer (`POST /v1/phlo/{{P}}/multi_party_call/{{N}}`): sequential calls on one reused "
            f"client ({calls:,} calls or {seconds:g} s per measurement, whichever comes first), and the same "
            f"from 4 threads sharing the client; {repeat} rounds over every path. calls/s, latencies and RSS "
            f"are from each path's best round; ratios are medians of per-round ratios (paired, so drift "
            f"between rounds cancels; every other round runs the paths in reverse order), with the "
            f"middle half of the per-round ratios in brackets. Server: nginx on 127.0.0.1 with the fixed 201; its ceiling (wrk): "
            f"{fnum(ceil1)} calls/s on one connection, {fnum(ceil4)} on four. Our paths in bold. "
            f"Every path's request was checked on the simulator first.")
    # A smoke run's few hundred calls say nothing about a target: it shows none.
    if quick:
        tl = []
    table = "\n".join([head, "", *lines, "", *tl, "",
                       f"Start-up (medians of paired runs): {startup}." if startup else "",
                       ("" if quick else f"Targets: {met} met, {missed} missed (informational). ")
                       + f"Run took {elapsed:.0f} s; "
                       f"1-minute load average {load[0]:.2f} at the start, {load[1]:.2f} at the end "
                       f"(on {os.cpu_count()} cores: other work on the machine skews every figure)."
                       + (" (--quick: smoke run, numbers are rough)" if quick else "")])
    return {"table": table, "met": met, "missed": missed}


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

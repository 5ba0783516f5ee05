#!/usr/bin/env python3
"""Fault runs against the real `leerroute` binary (issue 11), each bounded in time:

1. PostgreSQL restart under load: writes (createRegion, one at a time) while the server of a
   throwaway cluster restarts; acknowledged writes, lost writes (acknowledged but not stored) and
   the recovery time (restart begun → first write acknowledged again).
2. Kill during import (SQLite and PostgreSQL): `leerroute import` killed with SIGKILL halfway;
   the file's rows must be all there or none.
3. Concurrent imports: two disjoint files at once; the leavers must add up.
4. Read latency during a large SQLite import: p50/p99 of a catalogue read and of a pupil read
   (audited) while the CLI imports ROWS leavers, against the same reads idle (target: p99 within
   3x of idle).

Usage: scripts/faults.py [--rows N] [--binary target/debug/leerroute]
Prints one line per measurement and exits non-zero when an invariant (nothing lost, all or
nothing, counts add up) fails. Latency above the target is reported, not fatal.
Standard library only; needs PostgreSQL's binaries (scripts/pg-test-cluster.sh installs them).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VO_HEADER = "pgn,school_brin,leerweg,profiel,school_year,exam_date,choice_crebo,choice_date,leerlab_code"
# 32 bytes or more: shorter secrets are refused.
SECRETS = {"LEERROUTE_JWT_SECRET": "faults-jwt-secret-of-at-least-32-bytes", "LEERROUTE_LINK_SECRET": "faults-link-secret-of-at-least-32-bytes"}
failures = []


def report(name, value):
    print(f"{name}: {value}", flush=True)


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAILED: {what}", flush=True)


def bsn(n):
    """A valid BSN derived from n (the same as tests/src/lib.rs `bsn`)."""
    first = 20_000_000 + n * 16
    for body in range(first, first + 16):
        digits = [int(c) for c in f"{body:08}"]
        check_digit = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check_digit < 10:
            return f"{body:08}{check_digit}"
    raise ValueError(n)


def leavers_file(path, first, count, brin="11AA"):
    with open(path, "w") as f:
        f.write(VO_HEADER + "\n")
        for n in range(first, first + count):
            f.write(f"{bsn(n)},{brin},TL,E&O,2023-2024,2024-06-03,25180,2024-03-01,\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`leerroute serve` on `url`, with a token for admin."""

    def __init__(self, binary, url, extra_env=None):
        self.binary, self.url = binary, url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, **SECRETS, LEERROUTE_DATABASE_URL=url, RUST_LOG="error", LEERROUTE_RATE_LIMIT="0", **(extra_env or {}))
        self.env = env
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}"], env=env,
            stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        else:
            raise RuntimeError("the service never became ready")
        self.admin = self.cli("token", "--role", "admin", "--subject", "faults").strip()

    def cli(self, *args, check_exit=True):
        out = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True, timeout=600)
        if check_exit and out.returncode != 0:
            raise RuntimeError(f"leerroute {' '.join(args)}: {out.stderr}")
        return out.stdout

    def gql(self, query, variables=None, timeout=30):
        """(HTTP status, body) of one GraphQL request as admin; (None, error) on no answer."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.base + "/graphql", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.admin}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            return None, str(e)

    def region_with_school(self, code="FLT"):
        self.gql("mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }", {"c": code})
        self.gql('mutation($c: String!) { createSchool(input: {regionCode: $c, brin: "11AA", name: "Vo", sector: VO}) { school { id } } }', {"c": code})

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def scalar(service, query, variables=None):
    status, body = service.gql(query, variables)
    return body["data"] if status == 200 and isinstance(body, dict) and not body.get("errors") else None


def count_leavers(service):
    data = scalar(service, '{ students(filter: {schoolBrin: "11AA"}, first: 1) { totalCount } }')
    return data["students"]["totalCount"] if data else None


def postgres_cluster():
    out = subprocess.run([os.path.join(ROOT, "scripts/pg-test-cluster.sh"), "start"], capture_output=True, text=True, check=True)
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.stdout.splitlines() if line.startswith("export "))
    return env["PG_TEST_ROOT"], env["LEERROUTE_TEST_POSTGRES_URL"]


def pg_ctl(root, *args):
    pg_bin = sorted(p for p in os.listdir("/usr/lib/postgresql"))[-1]
    command = f"/usr/lib/postgresql/{pg_bin}/bin/pg_ctl -D {root}/data -l {root}/log -w {' '.join(args)}"
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, capture_output=True)


def new_database(server_url, name):
    psql = shutil.which("psql") or "/usr/bin/psql"
    subprocess.run([psql, server_url, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return server_url.rsplit("/", 1)[0] + "/" + name


def restart_under_load(binary, root, server_url, seconds):
    service = Service(binary, new_database(server_url, "faults_restart"))
    acknowledged, refused, no_answer = [], 0, 0
    codes = {}
    stop = threading.Event()
    timeline = []

    def writer():
        nonlocal refused, no_answer
        n = 0
        while not stop.is_set():
            code = f"R{n}"
            n += 1
            status, body = service.gql("mutation($c: String!) { createRegion(input: {code: $c, name: $c}) { region { id } } }", {"c": code}, timeout=40)
            now = time.time()
            if status == 200 and isinstance(body, dict) and not body.get("errors"):
                acknowledged.append(code)
                timeline.append((now, True))
            else:
                if status is None:
                    no_answer += 1
                else:
                    refused += 1
                    error = (body.get("errors") or [{}])[0] if isinstance(body, dict) else {}
                    code_seen = error.get("extensions", {}).get("code", str(status))
                    codes[code_seen] = codes.get(code_seen, 0) + 1
                timeline.append((now, False))

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(seconds / 3)
    restart_at = time.time()
    pg_ctl(root, "-m", "fast", "restart")
    restarted_at = time.time()
    time.sleep(seconds * 2 / 3)
    stop.set()
    thread.join(timeout=60)
    recovered = next((t for t, ok in timeline if ok and t > restarted_at), None)
    stored = scalar(service, "{ regions(first: 100) { totalCount } }")
    stored = stored["regions"]["totalCount"] if stored else None
    lost = len(acknowledged) - stored if stored is not None else "unknown"
    report("pg restart: writes acknowledged", len(acknowledged))
    report("pg restart: writes refused (by code)", f"{refused} {codes}")
    report("pg restart: writes without an answer", no_answer)
    report("pg restart: acknowledged writes lost", lost)
    report("pg restart: restart took (s)", f"{restarted_at - restart_at:.2f}")
    report("pg restart: recovery (restart begun -> first write acknowledged, s)",
           f"{recovered - restart_at:.2f}" if recovered else "never")
    check(lost == 0, "an acknowledged write was lost in the PostgreSQL restart")
    check(recovered is not None, "writes never recovered after the PostgreSQL restart")
    if not set(codes) <= {"UNAVAILABLE"}:
        report("pg restart: NOTE writes failed with codes other than UNAVAILABLE", codes)
    service.stop()


def kill_during_import(binary, url, rows, label):
    service = Service(binary, url)
    service.region_with_school()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "leavers.csv")
        leavers_file(path, 0, rows)
        before = count_leavers(service)
        importer = subprocess.Popen([binary, "import", "vo-leavers", path], env=service.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Halfway, roughly: the import of the same file took `took` seconds before.
        time.sleep(kill_after(rows))
        importer.kill()
        importer.wait()
        after = count_leavers(service)
        report(f"kill during import ({label}, {rows} rows): leavers before/after", f"{before}/{after}")
        check(after in (before, before + rows), f"a killed import on {label} left part of its file")
        # The next import marks the dead run failed and imports the file whole.
        out = subprocess.run([binary, "import", "vo-leavers", path], env=service.env, capture_output=True, text=True, timeout=900)
        check(out.returncode == 0, f"the import after a kill failed on {label}: {out.stderr[-300:]}")
        check(count_leavers(service) == before + rows, f"the import after a kill did not import everything on {label}")
    service.stop()


def kill_after(rows):
    return max(1.0, rows / 40_000)


def concurrent_imports(binary, url, rows, label):
    service = Service(binary, url)
    service.region_with_school()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a.csv"), os.path.join(tmp, "b.csv")
        leavers_file(a, 1_000_000, rows // 2)
        leavers_file(b, 2_000_000, rows // 2)
        started = time.time()
        runs = [subprocess.Popen([binary, "import", "vo-leavers", f], env=service.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for f in (a, b)]
        outs = [r.communicate(timeout=900) for r in runs]
        took = time.time() - started
        total = count_leavers(service)
        report(f"concurrent imports ({label}): 2 x {rows // 2} rows in (s)", f"{took:.1f}; leavers {total}")
        check(all(r.returncode == 0 for r in runs), f"a concurrent import failed on {label}: {[o[1][-200:] for o in outs]}")
        check(total == 2 * (rows // 2), f"concurrent imports on {label} do not add up ({total})")
    service.stop()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def read_latency(binary, rows):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/latency.db"
        service = Service(binary, url)
        service.cli("seed", "--demo")
        service.region_with_school()
        catalogue = '{ schools(first: 20) { nodes { brin name city } } }'
        pupils = '{ students(first: 20) { totalCount nodes { id leerweg schoolYear } } }'

        def sample(query, until=None, count=200):
            latencies, errors = [], 0
            while (until is None and len(latencies) + errors < count) or (until is not None and until()):
                started = time.time()
                status, body = service.gql(query, timeout=60)
                if status == 200 and not body.get("errors"):
                    latencies.append(time.time() - started)
                else:
                    errors += 1
            return latencies, errors

        idle = {name: sample(q)[0] for name, q in (("catalogue", catalogue), ("pupils", pupils))}
        path = os.path.join(tmp, "large.csv")
        leavers_file(path, 0, rows)
        importer = subprocess.Popen([binary, "import", "vo-leavers", path], env=service.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        busy = {}
        results = {}

        def measure(name, query):
            results[name] = sample(query, until=lambda: importer.poll() is None)

        threads = [threading.Thread(target=measure, args=(n, q)) for n, q in (("catalogue", catalogue), ("pupils", pupils))]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=1800)
        took = time.time() - started
        report(f"sqlite import of {rows} rows while reading (s)", f"{took:.1f} (exit {importer.wait()})")
        for name in ("catalogue", "pupils"):
            during, errors = results[name]
            busy[name] = during
            idle_p50, idle_p99 = percentile(idle[name], 50) * 1000, percentile(idle[name], 99) * 1000
            p50, p99 = percentile(during, 50) * 1000, percentile(during, 99) * 1000
            ratio = p99 / idle_p99 if idle_p99 else float("nan")
            report(f"read latency {name}: idle p50/p99 (ms)", f"{idle_p50:.1f}/{idle_p99:.1f}")
            report(f"read latency {name}: during import p50/p99 (ms), answered/failed",
                   f"{p50:.1f}/{p99:.1f}, {len(during)}/{errors}; p99 {ratio:.1f}x idle (target <= 3x)")
        service.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large import (CI: 100k)")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/debug/leerroute"))
    parser.add_argument("--restart-seconds", type=float, default=9.0)
    args = parser.parse_args()
    # `timeout` sends SIGTERM: end through `finally`, so the throwaway cluster is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    started = time.time()
    root, server_url = postgres_cluster()
    try:
        restart_under_load(args.binary, root, server_url, args.restart_seconds)
        small = min(args.rows, 50_000)
        with tempfile.TemporaryDirectory() as tmp:
            kill_during_import(args.binary, f"sqlite://{tmp}/kill.db", small, "SQLite")
        kill_during_import(args.binary, new_database(server_url, "faults_kill"), small, "PostgreSQL")
        with tempfile.TemporaryDirectory() as tmp:
            concurrent_imports(args.binary, f"sqlite://{tmp}/concurrent.db", small, "SQLite")
        concurrent_imports(args.binary, new_database(server_url, "faults_concurrent"), small, "PostgreSQL")
        read_latency(args.binary, args.rows)
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-test-cluster.sh"), "stop", root], capture_output=True)
    report("fault runs took (s)", f"{time.time() - started:.0f}")
    if failures:
        print(f"{len(failures)} invariant(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

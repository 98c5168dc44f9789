"""Load the production server with the key pages, each against the plain "ok" view (/healthz) in the same run.

    .venv/bin/python bench/load.py [--scale N] [--server gunicorn|granian|both] [--threads 4] [--seconds 3]
    .venv/bin/python bench/load.py --processes 1,2,3,4 [--database-url postgres://…/tx_load_bench]

Builds (or reuses) an SQLite database of the demo county at the given scale under var/bench/, starts the server
itself on 127.0.0.1 as production runs it (DEBUG off, 2 workers), logs in as the demo roles and, page by page,
alternates batches of /healthz and of the page. For each page it prints requests per second, their ratio to the
"ok" view's, median and p95 latency under load, and — measured once in this process with Django's test client,
not on the server — the page's SQL query count and its time alone. Bounded: every batch stops at --seconds or
--max-requests, the whole run at --budget seconds; it only ever talks to 127.0.0.1 and stops the server it started.

--processes 1,2,3,4 runs the same pages once per number of app processes (gunicorn or granian workers), each
server started afresh, and ends with a table of req/s per page and process count and the gain over one process.
--database-url measures on PostgreSQL instead of SQLite: a database whose name contains "bench", wiped and built
once per scale (a marker under var/bench/ says it was).
"""

import argparse
import datetime as dt
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "tongxin2026"  # tongxin.demo.DEMO_PASSWORD (imported only once Django is set up)


@dataclass
class Page:
    label: str
    user: str
    path: str = ""
    queries: int | None = None
    alone_ms: float | None = None
    size: int = 0


@dataclass
class Batch:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def add(self, other: "Batch") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


# ------------------------------------------------------------------------------------------- database and server

def bench_env(db_url: str) -> dict[str, str]:
    """The environment of production (DEBUG off, own keys) on the bench's database."""
    keys = ROOT / "var" / "bench" / "keys.env"
    if not keys.exists():
        from cryptography.fernet import Fernet

        keys.parent.mkdir(parents=True, exist_ok=True)
        keys.write_text(f"TONGXIN_SECRET_KEY={secrets.token_urlsafe(50)}\n"
                        f"TONGXIN_FIELD_KEYS={Fernet.generate_key().decode()}\n"
                        f"TONGXIN_HASH_KEY={secrets.token_urlsafe(32)}\n")
        keys.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_") and k != "DATABASE_URL"}
    for line in keys.read_text().split():
        name, value = line.split("=", 1)
        env[name] = value
    env.update(DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="tongxin.settings", TONGXIN_LOG_LEVEL="ERROR")
    if not db_url.startswith("sqlite"):
        env["TONGXIN_DB_CONN_MAX_AGE"] = "60"  # as production runs PostgreSQL (README 「生产部署」)
    return env


def wipe_postgres(db_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(db_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urllib.parse.urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build_database(scale: int, seed: int, postgres_url: str = "") -> tuple[str, str]:
    """The bench's database, built once per scale: (its URL, how to name it in the report)."""
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    keys_made = (folder / "keys.env").exists()
    if postgres_url:
        name = urllib.parse.urlsplit(postgres_url).path.lstrip("/")
        db_url, label, done = postgres_url, f"PostgreSQL {name}", folder / f"{name}-scale-{scale}.done"
    else:
        db = folder / f"scale-{scale}.sqlite3"
        db_url, label, done = f"sqlite:///{db}", str(db.relative_to(ROOT)), folder / f"scale-{scale}.done"
    env = bench_env(db_url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not (done.exists() and keys_made and (postgres_url or Path(db_url[len("sqlite:///"):]).exists())):
        done.unlink(missing_ok=True)
        if postgres_url:
            wipe_postgres(postgres_url)
        else:
            for f in folder.glob(f"scale-{scale}.sqlite3*"):
                f.unlink()
        print(f"building the county at scale {scale} in {label} …", flush=True)
        started = time.monotonic()
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "load_demo", "--scale", str(scale), "--seed", str(seed)], cwd=ROOT, env=env, check=True)
        done.write_text(f"built in {time.monotonic() - started:.0f} s\n")
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # a reused one too
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    # One round of the scheduled custody work, as the production worker runs it beside the server: today's
    # alerts, and the programmes' figures the county overview reads.
    subprocess.run([*manage, "custody_scan", "-v", "0"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return db_url, label


def pad(text: str, width: int) -> str:
    """Left-justify by display width (a CJK character takes two columns)."""
    return text + " " * max(0, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(kind: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    if kind == "gunicorn":
        cmd = [str(bin_dir / "gunicorn"), "tongxin.wsgi:application", "--workers", str(workers), "--bind", f"{HOST}:{port}",
               "--log-level", "warning"]
    else:
        cmd = [str(bin_dir / "granian"), "--interface", "wsgi", "--workers", str(workers), "--host", HOST, "--port",
               str(port), "--backpressure", "16", "--log-level", "warning", "--no-access-log", "tongxin.wsgi:application"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{kind} exited at start (code {proc.returncode})")
        try:
            status, _, _ = request(port, "/healthz", "")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"{kind} did not answer /healthz within 30 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group: it and its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ------------------------------------------------------------------------------------------- HTTP client

def request(port: int, path: str, cookie: str, method: str = "GET", body: str | None = None,
            conn: http.client.HTTPConnection | None = None) -> tuple[int, dict[str, str], bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders() if k.lower() != "set-cookie"} | {
            "set-cookie": "; ".join(v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie")}, data
    finally:
        if own:
            conn.close()


def login(port: int, username: str) -> str:
    """The session cookie of a demo login, through the login form as a person signs in."""
    status, headers, page = request(port, "/login/", "")
    csrf_cookie = headers["set-cookie"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token or not csrf_cookie:
        raise SystemExit(f"login page: status {status}, no CSRF token")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD})
    status, headers, _ = request(port, "/login/", csrf_cookie, "POST", form)
    session = [c for c in headers["set-cookie"].split("; ") if c.startswith("sessionid=")]
    if status != 302 or not session:
        raise SystemExit(f"login as {username} failed: status {status}")
    return session[0]


def hammer(port: int, path: str, cookie: str, *, threads: int, seconds: float, max_requests: int) -> Batch:
    """GET path from `threads` clients until `seconds` have passed or `max_requests` were sent."""
    lock = threading.Lock()
    sent = [0]
    results: list[Batch] = []
    deadline = time.monotonic() + seconds

    def client() -> None:
        mine = Batch()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            start = time.perf_counter()
            try:
                status, _, _ = request(port, path, cookie, conn=conn)
            except (OSError, http.client.HTTPException):
                conn.close()  # reopened by the next request
                status = 0
            mine.latencies.append(time.perf_counter() - start)
            mine.requests += 1
            mine.errors += status != 200
        conn.close()
        with lock:
            results.append(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total = Batch(seconds=time.perf_counter() - started)
    for r in results:
        total.requests += r.requests
        total.errors += r.errors
        total.latencies += r.latencies
    return total


# ------------------------------------------------------------------------------------------- the pages

def key_pages(repeat: int) -> tuple[list[Page], str]:
    """The key pages with their SQL query count and time alone, measured here with Django's test client."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tongxin.custody.models import Programme
    from tongxin.custody.selectors import period_days
    from tongxin.orgs.models import User

    school = "3611990001"  # 青溪县实验小学, where the demo's programmes are
    running = Programme.objects.get(school__code=school, kind=Programme.Kind.AFTER_SCHOOL)
    summer = Programme.objects.get(school__code=school, kind=Programme.Kind.SUMMER)
    today = timezone.localdate()
    custody_day = any(today in period_days(p) for p in running.periods.all())
    note = (f"today {today}: {running.name} ({running.get_status_display()}) "
            + ("holds custody today" if custody_day else "holds NO custody today: the duty page shows an empty day"))
    pages = [
        Page("child list", "teacher", "/children/"),
        Page("child list", "county_civil", "/children/"),
        Page("custody hub", "leader", "/custody/"),
        Page("custody hub", "county_edu", "/custody/"),
        Page("duty page 今日托管", "leader", f"/custody/p/{running.pk}/today/"),
        Page("programme summary", "leader", f"/custody/p/{summer.pk}/report/"),
        Page("county summary", "county_edu", "/custody/county/"),
        Page("API /api/children", "county_civil", "/api/children"),
    ]
    for page in pages:
        client = Client(HTTP_HOST=HOST)
        client.force_login(User.objects.get(username=page.user))
        response = client.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} as {page.user}: status {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        page.queries = len(queries.captured_queries)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(page.path)
            times.append((time.perf_counter() - start) * 1000)
        page.alone_ms = statistics.median(times)
        page.size = len(response.content)
    connection.close()
    return pages, note


def run_server(kind: str, args, env: dict[str, str], pages: list[Page], deadline: float,
               workers: int | None = None) -> dict[str, float]:
    workers = workers or args.workers
    port = args.port or free_port()
    proc = start_server(kind, port, env, workers)
    rates: dict[str, float] = {}
    try:
        cookies = {user: login(port, user) for user in dict.fromkeys(p.user for p in pages)}
        hammer(port, "/healthz", "", threads=args.threads, seconds=0.5, max_requests=200)  # warm up both workers
        print(f"\n{kind}, {workers} workers on {HOST}:{port}, {args.threads} client threads, "
              f"{args.rounds} rounds of ok/page batches of ≤{args.seconds:g} s or ≤{args.max_requests} requests each")
        print(f"{'page':<22}{'user':<14}{'req/s':>8}{'ok req/s':>10}{'vs ok':>8}{'median ms':>11}{'p95 ms':>8}"
              f"{'SQL':>6}{'alone ms':>10}{'KB':>7}{'errors':>8}")
        all_ok = Batch()
        for page in pages:
            if time.monotonic() > deadline:
                print(f"{pad(page.label, 22)}{page.user:<14} skipped: the run's --budget is spent")
                continue
            ok, load = Batch(), Batch()
            for _ in range(args.rounds):
                ok.add(hammer(port, "/healthz", "", threads=args.threads, seconds=args.seconds, max_requests=args.max_requests))
                load.add(hammer(port, page.path, cookies[page.user], threads=args.threads, seconds=args.seconds,
                                max_requests=args.max_requests))
            all_ok.add(ok)
            rates[f"{page.label} / {page.user}"] = load.rate
            print(f"{pad(page.label, 22)}{page.user:<14}{load.rate:>8.1f}{ok.rate:>10.0f}{load.rate / ok.rate:>8.1%}"
                  f"{load.percentile(0.5):>11.1f}{load.percentile(0.95):>8.1f}{page.queries:>6}{page.alone_ms:>10.1f}"
                  f"{page.size / 1024:>7.0f}{load.errors + ok.errors:>8}", flush=True)
        rates["ok"] = all_ok.rate
        print(f"{'ok (/healthz)':<22}{'-':<14}{all_ok.rate:>8.0f}{'':>10}{'100%':>8}{all_ok.percentile(0.5):>11.1f}"
              f"{all_ok.percentile(0.95):>8.1f}{0:>6}")
    finally:
        stop_server(proc)
    return rates


def print_scaling(kind: str, by_count: dict[int, dict[str, float]]) -> None:
    """req/s per page for each number of app processes, and the gain of the most over the fewest."""
    counts = sorted(by_count)
    first, last = counts[0], counts[-1]
    print(f"\n{kind}: req/s by app processes (each run on a fresh server; the client threads share the machine)")
    print(pad("", 37) + "".join(f"{f'×{n}':>9}" for n in counts) + f"{f'×{last}/×{first}':>10}")
    for key in by_count[first]:
        rates = [by_count[n].get(key, float("nan")) for n in counts]
        gain = rates[-1] / rates[0] if rates[0] else float("nan")
        print(pad(key, 37) + "".join(f"{r:>9.1f}" for r in rates) + f"{gain:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="county scale for load_demo --scale (default 1)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--server", choices=["gunicorn", "granian", "both"], default="gunicorn")
    parser.add_argument("--host", default=HOST, help="must be 127.0.0.1: this bench loads only a server it started")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--seconds", type=float, default=3.0, help="longest batch")
    parser.add_argument("--max-requests", type=int, default=3000, help="most requests in one batch")
    parser.add_argument("--rounds", type=int, default=2, help="ok/page batch pairs per page")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page for the time alone")
    parser.add_argument("--budget", type=float, default=900, help="seconds the load part of the run may take")
    parser.add_argument("--processes", default="",
                        help="e.g. 1,2,3,4: the pages once per number of app processes, and how throughput grows")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL instead of SQLite: postgres://…/NAME, NAME containing 'bench' (it is wiped)")
    args = parser.parse_args()
    if args.host != HOST:
        parser.error(f"--host must be {HOST}: the bench loads only the server it starts on this machine")
    if not (1 <= args.threads <= 32 and 0 < args.seconds <= 60 and 1 <= args.max_requests <= 100_000
            and 1 <= args.rounds <= 10 and 1 <= args.workers <= 8 and 1 <= args.repeat <= 100):
        parser.error("threads 1–32, seconds ≤ 60, max-requests ≤ 100000, rounds 1–10, workers 1–8, repeat 1–100")
    try:
        processes = [int(n) for n in args.processes.split(",") if n.strip()]
    except ValueError:
        processes = [0]
    if processes and (not all(1 <= n <= 8 for n in processes) or args.server == "both"):
        parser.error("--processes: numbers 1–8 separated by commas, with --server gunicorn or granian")
    if args.database_url:
        parts = urllib.parse.urlsplit(args.database_url)
        if parts.scheme not in ("postgres", "postgresql") or "bench" not in parts.path or parts.hostname not in (
                HOST, "localhost"):
            parser.error("--database-url: PostgreSQL on this machine, a database whose name contains 'bench'")

    db_url, label = build_database(args.scale, args.seed, args.database_url)
    env = bench_env(db_url)
    os.environ.update(env)
    for k in [k for k in os.environ if k.startswith("TONGXIN_") and k not in env]:
        del os.environ[k]
    sys.path.insert(0, str(ROOT))
    pages, note = key_pages(args.repeat)
    print(f"\ntongxin load bench {dt.datetime.now():%Y-%m-%d %H:%M}: scale {args.scale}, {label}, DEBUG off")
    print(note)
    print("SQL and 'alone ms' are measured once per page in this process (Django test client, median of "
          f"{args.repeat}); req/s, ratio and latencies on the server under load.")
    deadline = time.monotonic() + args.budget
    if processes:
        by_count = {n: run_server(args.server, args, env, pages, deadline, workers=n) for n in processes}
        print_scaling(args.server, by_count)
        return
    kinds = ["gunicorn", "granian"] if args.server == "both" else [args.server]
    results = {kind: run_server(kind, args, env, pages, deadline) for kind in kinds}
    if len(results) == 2:
        g, r = results["gunicorn"], results["granian"]
        print(f"\n{'':<37}{'gunicorn':>10}{'granian':>10}{'granian/gunicorn':>18}")
        for key in g:
            if key in r and g[key]:
                print(f"{pad(key, 37)}{g[key]:>10.1f}{r[key]:>10.1f}{r[key] / g[key]:>18.2f}")


if __name__ == "__main__":
    main()

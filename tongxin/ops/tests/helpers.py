"""What the backup and durability drills share: the demo county, a wiped database, a file copy of the SQLite test
database, a real server process and a client that logs in and posts forms to it."""

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tongxin.ops import archive


def ensure_demo() -> None:
    from tongxin.demo import demo_exists

    if not demo_exists():  # a transactional test before this one flushed the database
        call_command("load_demo", verbosity=0)


def wipe_database() -> None:
    """Drop every table of the test database."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    assert connection.introspection.table_names() == []


def read_backup(path: Path, workdir: Path) -> tuple[dict, Path]:
    workdir.mkdir(exist_ok=True)
    return archive.read(path, workdir)


def sqlite_site_copy(target: Path) -> Path:
    """A WAL-mode file copy of the (in-memory) SQLite test database, for a separate process to serve."""
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)
        out.execute("PRAGMA journal_mode = WAL")
    finally:
        out.close()
    return target


def database_url() -> str:
    """The URL of the database a server process should use: the live test database's on PostgreSQL."""
    s = connection.settings_dict
    quote = urllib.parse.quote
    return (f"postgres://{quote(s['USER'], safe='')}:{quote(s['PASSWORD'] or '', safe='')}@{s['HOST'] or '127.0.0.1'}"
            f":{s['PORT'] or 5432}/{quote(s['NAME'], safe='')}")


def process_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"DATABASE_URL": database_url, "TONGXIN_DEBUG": "1", "TONGXIN_SECRET_KEY": settings.SECRET_KEY,
                "TONGXIN_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"})
    return env


def manage(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=process_env(database_url),
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`manage.py runserver --noreload` in a process group of its own, so that SIGKILL ends all of it at once."""

    def __init__(self, database_url: str, port: int, log: Path):
        self.database_url, self.port, self.log = database_url, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"],
                cwd=settings.BASE_DIR, env=process_env(self.database_url), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"服务器启动失败：{self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
                time.sleep(0.1)
        raise AssertionError(f"服务器 {timeout} 秒内未就绪：{self.log.read_text(errors='replace')[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no request finishes, nothing is flushed or closed."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """Cookies and CSRF like a browser, without following redirects (a redirect is the acknowledgement)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        return next(c.value or "" for c in self.jar if c.name == settings.CSRF_COOKIE_NAME)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        """Status and, for a redirect, where to."""
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    def login(self, username: str, password: str) -> None:
        status, page = self.get("/login/")
        assert status == 200, status
        assert re.search(r'name="csrfmiddlewaretoken"', page)
        status, where = self.post("/login/", {"username": username, "password": password})
        assert status == 302, f"登录失败：{status}"

"""Smoke test of production on PostgreSQL: `scripts/dev.sh prod` as deployed, driven end to end.

    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/tongxin .venv/bin/python scripts/smoke_prod.py

Makes a fresh database beside the one DATABASE_URL names (its name + "_smoke", dropped first; the role needs
CREATEDB), loads the demo county, starts `scripts/dev.sh prod` in the background on a free loopback port with the
database task backend, one web process, one task worker and the scheduler's periods scaled down
(TONGXIN_SCHEDULE_SCALE), then: /healthz answers, the school leader logs in through the login form, a child of the
running after-school programme is checked in on the duty page (scanned code) shortly before the session ends, and
once the session's end and the pick-up grace have passed, the worker's scheduled scan raises the late pick-up
alert. Then it stops the whole thing with SIGTERM and checks that every process it started is gone.

Each step is one function in STEPS, run in order; any miss stops the run with the step's name, the tail of the
server's log (var/smoke/prod.log) and exit code 1. Add a step by writing a function taking the run's `Smoke`
and appending it to STEPS before `stop_prod`.
"""

import datetime as dt
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "tongxin2026"  # the demo county's password (tongxin.demo.DEMO_PASSWORD)
LEADER = "leader"  # 青溪县实验小学's leader, organiser of the running after-school programme
SCALE = os.environ.get("TONGXIN_SMOKE_SCHEDULE_SCALE", "0.05")  # a minute's period becomes 3 seconds
SESSION_LEFT = 30  # seconds between setting the scene and the session's end: time to log in and check in
LOG = ROOT / "var" / "smoke" / "prod.log"
FAKES_RECORD = ROOT / "var" / "smoke" / "fake-provider.jsonl"


class Miss(Exception):
    """A step found something other than what production should do."""


@dataclass
class Smoke:
    base_url: str  # DATABASE_URL as given: the server; the smoke's own database sits beside it
    db_url: str = ""
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: secrets.token_hex(8))
    proc: subprocess.Popen | None = None
    opener: urllib.request.OpenerDirector | None = None
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    scene: dict = field(default_factory=dict)
    fakes: subprocess.Popen | None = None

    # ----------------------------------------------------------------------------------- HTTP

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def get(self, path: str) -> tuple[int, str, str]:
        assert self.opener is not None
        with self.opener.open(self.url(path), timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        assert self.opener is not None
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.url(path), data=body, headers={"Referer": self.url(path)})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()


def say(text: str) -> None:
    print(f"smoke: {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(smoke: Smoke, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=smoke.env, check=True)


def local_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime()


# --------------------------------------------------------------------------------------------------- the steps

def make_database(smoke: Smoke) -> None:
    """A fresh database beside DATABASE_URL's, and the environment production runs with."""
    import psycopg
    from cryptography.fernet import Fernet

    parts = urllib.parse.urlsplit(smoke.base_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise Miss("DATABASE_URL must name a PostgreSQL server (postgres://user:pass@host:port/db)")
    name = (parts.path.lstrip("/") or "tongxin") + "_smoke"
    maintenance = urllib.parse.urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    smoke.db_url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    smoke.port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_") and k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=smoke.db_url,
        DJANGO_SETTINGS_MODULE="tongxin.settings",
        TONGXIN_SECRET_KEY=secrets.token_urlsafe(50),
        TONGXIN_FIELD_KEYS=Fernet.generate_key().decode(),
        TONGXIN_HASH_KEY=secrets.token_urlsafe(32),
        TONGXIN_TASK_BACKEND="database",
        TONGXIN_SCHEDULE_SCALE=SCALE,
        TONGXIN_BIND=f"{HOST}:{smoke.port}",
        TONGXIN_WEB_PROCESSES="1",
        TONGXIN_TASK_WORKERS="1",
        TONGXIN_STOP_SECONDS="20",
        TONGXIN_SMOKE_RUN=smoke.run_id,  # marks every process of this run, to check that none is left
    )
    if "TONGXIN_VENV" in os.environ:
        env["TONGXIN_VENV"] = os.environ["TONGXIN_VENV"]
    env.update(start_fake_providers(smoke, env))
    smoke.env = env
    say(f"database {name}, port {smoke.port}")


def start_fake_providers(smoke: Smoke, env: dict[str, str]) -> dict[str, str]:
    """The loopback fakes of Aliyun SMS and WeChat (tongxin.notifications.testing.fakes), recording what they are
    sent; returns the variables that point production at them."""
    FAKES_RECORD.parent.mkdir(parents=True, exist_ok=True)
    FAKES_RECORD.unlink(missing_ok=True)
    quiet = {k: v for k, v in env.items() if k != "TONGXIN_SMOKE_RUN"}
    out = FAKES_RECORD.with_suffix(".out")
    smoke.fakes = subprocess.Popen(
        [sys.executable, "-m", "tongxin.notifications.testing.fakes", "--sms-port", str(free_port()),
         "--wechat-port", str(free_port()), "--record", str(FAKES_RECORD)],
        cwd=ROOT, env=quiet, stdout=out.open("w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    found: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and smoke.fakes.poll() is None:
        lines = out.read_text().splitlines()
        if any(line.startswith("#") for line in lines):
            for line in lines:
                if line.startswith("export "):
                    name, _, value = line[len("export "):].strip().partition("=")
                    found[name] = value.strip("'")
            break
        time.sleep(0.2)
    if "TONGXIN_SMS_ENDPOINT" not in found:
        raise Miss("the fake providers did not start")
    say(f"fake SMS provider at {found['TONGXIN_SMS_ENDPOINT']}")
    return found


def load_demo(smoke: Smoke) -> None:
    started = time.monotonic()
    manage(smoke, "migrate", "--noinput", "-v", "0")
    manage(smoke, "load_demo", "-v", "0")
    say(f"demo county loaded in {time.monotonic() - started:.0f} s")
    os.environ.update(smoke.env)  # this process reads the same database to set scenes and check outcomes
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_prod(smoke: Smoke) -> None:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log = LOG.open("w")
    smoke.proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "dev.sh"), "prod"], cwd=ROOT, env=smoke.env,
                                  stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    say(f"scripts/dev.sh prod started (pid {smoke.proc.pid}), log in {LOG.relative_to(ROOT)}")


def check_healthz(smoke: Smoke) -> None:
    deadline = time.monotonic() + 600  # a first run installs .[prod] into the virtualenv
    assert smoke.proc is not None
    while time.monotonic() < deadline:
        if smoke.proc.poll() is not None:
            raise Miss(f"scripts/dev.sh prod exited (code {smoke.proc.returncode}) before answering /healthz")
        try:
            with urllib.request.urlopen(smoke.url("/healthz"), timeout=5) as response:
                if response.status == 200 and response.read() == b"ok":
                    say("/healthz answers ok")
                    return
        except OSError:
            pass
        time.sleep(1)
    raise Miss("/healthz did not answer within 600 s")


def log_in(smoke: Smoke) -> None:
    smoke.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(smoke.jar))
    _, _, page = smoke.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise Miss("the login page has no CSRF token")
    status, landed, _ = smoke.post("/login/", {"csrfmiddlewaretoken": token.group(1), "username": LEADER,
                                               "password": PASSWORD})
    if "/login/" in landed or not any(c.name == "sessionid" for c in smoke.jar):
        raise Miss(f"logging in as {LEADER} failed (status {status}, at {landed})")
    say(f"logged in as {LEADER}")


def set_late_pickup_scene(smoke: Smoke) -> None:
    """Today a custody day of the running after-school programme, whose session ends SESSION_LEFT seconds from
    now with no pick-up grace; a placed child not yet checked in today."""
    from tongxin.custody.models import Attendance, Placement, Programme
    from tongxin.orgs.models import CalendarDay

    now = local_now()
    end_of_day = now.replace(hour=23, minute=59, second=59, microsecond=0)
    if (end_of_day - now).total_seconds() < SESSION_LEFT + 120:  # the session must end today: wait for tomorrow
        pause = (end_of_day - now).total_seconds() + 5
        say(f"too close to midnight: waiting {pause:.0f} s")
        time.sleep(pause)
        now = local_now()
    today = now.date()
    programme = Programme.objects.get(school__code="3611990001", kind=Programme.Kind.AFTER_SCHOOL)  # 青溪县实验小学
    period = programme.periods.order_by("start").first()
    if period is None:
        raise Miss(f"{programme.name} has no period")
    if not period.start <= today <= period.end:
        period.start, period.end = min(period.start, today), max(period.end, today)
        period.save(update_fields=["start", "end"])
    CalendarDay.objects.update_or_create(date=today, defaults={"workday": True, "name": "冒烟测试"})
    day_end = (now + dt.timedelta(seconds=SESSION_LEFT)).time().replace(microsecond=0)
    Programme.objects.filter(pk=programme.pk).update(day_start=dt.time(0, 0), day_end=day_end, pickup_grace_minutes=0)
    taken = Attendance.objects.filter(date=today).values("placement_id")
    placement = (Placement.objects.filter(period=period, state=Placement.State.PLACED).exclude(pk__in=taken)
                 .order_by("pk").first())
    if placement is None:
        raise Miss("no placed child of the after-school programme is free today")
    smoke.scene = {"programme": programme.pk, "placement": placement.pk, "code": placement.qr_token,
                   "today": today, "day_end": day_end}
    say(f"{programme.name}: session today until {day_end:%H:%M:%S}, no grace; child placement {placement.pk}")


def check_in_on_the_duty_page(smoke: Smoke) -> None:
    from tongxin.custody.models import Attendance

    today_path = f"/custody/p/{smoke.scene['programme']}/today/"
    status, _, page = smoke.get(today_path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        raise Miss(f"the duty page {today_path} answered {status} without a form")
    _, _, page = smoke.post(f"{today_path}act/", {"csrfmiddlewaretoken": token.group(1), "action": "code",
                                                   "code": smoke.scene["code"]})
    if "扫码入托成功" not in page:
        raise Miss("the duty page did not confirm the check-in (扫码入托成功)")
    attendance = Attendance.objects.filter(placement_id=smoke.scene["placement"], date=smoke.scene["today"]).first()
    if attendance is None or attendance.check_in_at is None:
        raise Miss("the check-in is not in the database")
    local_in = attendance.check_in_at.astimezone(local_now().tzinfo).time()
    if local_in >= smoke.scene["day_end"]:
        raise Miss(f"checked in at {local_in}, after the session's end: the scene took too long to set")
    smoke.scene["checked_in_at"] = attendance.check_in_at
    say(f"checked in at {local_in:%H:%M:%S} on the duty page")


def wait_for_late_pickup_alert(smoke: Smoke) -> None:
    """The scheduler enqueues the scan every 60 × TONGXIN_SCHEDULE_SCALE seconds and the worker runs it: once the
    session's end has passed, the next round raises the late pick-up alert."""
    from tongxin.custody.models import Alert

    ends = dt.datetime.combine(smoke.scene["today"], smoke.scene["day_end"], tzinfo=local_now().tzinfo)
    deadline = time.monotonic() + max(0.0, (ends - local_now()).total_seconds()) + 90
    while time.monotonic() < deadline:
        alert = Alert.objects.filter(placement_id=smoke.scene["placement"], date=smoke.scene["today"],
                                     kind=Alert.Kind.LATE_PICKUP).first()
        if alert is not None:
            late = (alert.raised_at - ends).total_seconds()
            smoke.scene["alert"] = alert.pk
            say(f"late pick-up alert raised {late:.1f} s after the session's end: {alert.message}")
            return
        if smoke.proc is not None and smoke.proc.poll() is not None:
            raise Miss(f"scripts/dev.sh prod exited (code {smoke.proc.returncode}) while waiting for the alert")
        time.sleep(1)
    raise Miss("no late pick-up alert within 90 s of the session's end")


def check_the_worker_ran_the_scan(smoke: Smoke) -> None:
    """The alert came from a task the scheduler queued in the database and a db_worker process ran."""
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(task_path="tongxin.custody.tasks.scan_alerts_task", status="SUCCESSFUL",
                                       finished_at__gte=smoke.scene["checked_in_at"])
    if not runs.exists() or not any(runs.values_list("worker_ids", flat=True)):
        raise Miss("no scan_alerts_task run by a worker is recorded in the task table")
    say(f"{runs.count()} scans run by the worker since the check-in")


def wait_for_late_pickup_sms(smoke: Smoke) -> None:
    """The alert's SMS to the child's guardians was queued in the outbox with the alert, and the worker's next
    delivery round sent it to the (fake) provider: state sent, and the provider recorded it once under its key."""
    import json

    from tongxin.notifications.models import OutboundMessage

    deadline = time.monotonic() + 60
    prefix = f"custody-alert-{smoke.scene['alert']}-"
    while time.monotonic() < deadline:
        sent = list(OutboundMessage.objects.filter(key__startswith=prefix, channel="sms", state="sent"))
        if sent:
            recorded = [json.loads(line) for line in FAKES_RECORD.read_text().splitlines() if line.strip()]
            keys = [r.get("out_id") for r in recorded]
            for m in sent:
                if keys.count(m.key) != 1:
                    raise Miss(f"the provider recorded message {m.key} {keys.count(m.key)} times")
            say(f"late pick-up SMS sent to {len(sent)} recipient(s) through the worker: {sent[0].text}")
            return
        time.sleep(1)
    states = list(OutboundMessage.objects.filter(key__startswith=prefix).values_list("channel", "state", "reason"))
    raise Miss(f"no late pick-up SMS sent within 60 s of the alert (outbox: {states or 'nothing queued'})")


def stop_prod(smoke: Smoke) -> None:
    proc = smoke.proc
    assert proc is not None
    if proc.poll() is not None:
        raise Miss(f"scripts/dev.sh prod had already exited (code {proc.returncode})")
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        raise Miss("scripts/dev.sh prod did not stop within 60 s of SIGTERM") from None
    if code != 143:
        raise Miss(f"scripts/dev.sh prod exited with {code} on SIGTERM (expected 143)")
    deadline = time.monotonic() + 10
    while (left := run_processes(smoke)) and time.monotonic() < deadline:
        time.sleep(0.5)
    if left:
        raise Miss(f"processes left running after the stop: {left}")
    say("stopped cleanly: no process of the run is left")


STEPS: list[Callable[[Smoke], None]] = [
    make_database, load_demo, start_prod, check_healthz, log_in, set_late_pickup_scene, check_in_on_the_duty_page,
    wait_for_late_pickup_alert, check_the_worker_ran_the_scan, wait_for_late_pickup_sms,
    stop_prod,  # last: the lead's steps go before it
]


# --------------------------------------------------------------------------------------------------- the run

def run_processes(smoke: Smoke) -> list[str]:
    """Processes still running with this run's marker in their environment."""
    found = []
    marker = f"TONGXIN_SMOKE_RUN={smoke.run_id}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(f"{entry.name} {(entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode()[:120]}")
        except OSError:
            continue
    return found


def kill_everything(smoke: Smoke) -> None:
    if smoke.fakes is not None and smoke.fakes.poll() is None:
        smoke.fakes.terminate()
    if smoke.proc is not None and smoke.proc.poll() is None:
        smoke.proc.send_signal(signal.SIGTERM)
        try:
            smoke.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pass
    for line in run_processes(smoke):
        try:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        except OSError:
            pass


def show_log() -> None:
    if LOG.exists():
        lines = LOG.read_text(errors="replace").splitlines()
        print(f"---- last {min(150, len(lines))} lines of {LOG.relative_to(ROOT)} ----")
        print("\n".join(lines[-150:]))
        print("----")


def main() -> int:
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        print("smoke: set DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db (the smoke makes db_smoke beside it)",
              file=sys.stderr)
        return 2
    smoke = Smoke(base_url=base)
    started = time.monotonic()
    for step in STEPS:
        say(f"-- {step.__name__}")
        try:
            step(smoke)
        except Exception as exc:
            print(f"smoke: FAILED at {step.__name__}: {exc}", file=sys.stderr)
            if not isinstance(exc, Miss):
                traceback.print_exc()
            kill_everything(smoke)
            show_log()
            return 1
    if smoke.fakes is not None:
        smoke.fakes.terminate()
    say(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

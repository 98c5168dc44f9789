"""A server killed (SIGKILL) in the middle of a stream of writes loses none that it acknowledged.

A real server process (`manage.py runserver --noreload`; gunicorn is not installed here) serves the test database
— on PostgreSQL the live test database itself, on SQLite (whose test database lives in memory) a WAL-mode file copy
of it. A teacher logs in and records care contacts from a thread, one after another; each redirect back to the
child's file is an acknowledged write. The server is killed mid-loop, started again, takes one more write, and
every acknowledged record is in the database together with its audit entry (written in the same transaction)."""

import sqlite3
import threading
import time
import urllib.error
from http.client import HTTPException

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from tongxin.care import access
from tongxin.care.models import CareFile, ContactRecord
from tongxin.orgs.models import RoleAssignment, User

from .helpers import Browser, Server, database_url, ensure_demo, free_port, sqlite_site_copy

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Drill-2026-kill"


def _teacher_with_a_file() -> tuple[User, int]:
    """A class teacher like the demo's 王老师 (same class), with a password the server's own hasher reads."""
    model = RoleAssignment.objects.filter(user__username="teacher", active=True).first()
    assert model is not None
    user = User.objects.create(username="kill_drill", real_name="演练 王老师",
                               password=make_password(PASSWORD, hasher="argon2"))
    RoleAssignment.objects.create(user=user, role=model.role, school_class=model.school_class)
    file = next(f for f in CareFile.objects.order_by("pk")[:400] if access.may_read_notes(user, f))
    return user, file.pk


def _stored(user: User, site) -> tuple[set[str], int]:
    """The summaries of the user's stored records, and how many of them have their audit entry."""
    records, audit = ContactRecord._meta.db_table, "audit_auditentry"
    by_user = f"SELECT id, summary FROM {records} WHERE by_id = %s"
    audited = (f"SELECT COUNT(*) FROM {audit} WHERE target_type = 'care.ContactRecord' AND actor_id = %s "
               f"AND action = 'create'")
    if site is None:
        with connection.cursor() as cursor:
            cursor.execute(by_user, [user.pk])
            rows = cursor.fetchall()
            cursor.execute(audited, [user.pk])
            count = cursor.fetchone()[0]
    else:
        with sqlite3.connect(site) as plain:
            rows = plain.execute(by_user.replace("%s", "?"), [user.pk]).fetchall()
            count = plain.execute(audited.replace("%s", "?"), [user.pk]).fetchone()[0]
    return {summary for _, summary in rows}, count


def test_every_acknowledged_write_survives_a_killed_server(tmp_path):
    ensure_demo()
    user, file_id = _teacher_with_a_file()
    if connection.vendor == "sqlite":
        site = sqlite_site_copy(tmp_path / "site.sqlite3")
        url = f"sqlite:///{site}"
    else:
        site, url = None, database_url()
    server = Server(url, free_port(), tmp_path / "server.log")
    acknowledged: list[str] = []
    refused: list[int] = []
    killed = threading.Event()
    today = timezone.localdate().isoformat()
    path = f"/care/files/{file_id}/record/"

    def write(browser: Browser, n: int) -> None:
        marker = f"断电演练 第{n}条"
        status, where = browser.post(path, {"kind": "talk", "party": "child", "day": today, "summary": marker})
        if status == 302 and where.rstrip("/").endswith(f"/care/files/{file_id}"):
            acknowledged.append(marker)
        else:
            refused.append(status)

    def loop(browser: Browser) -> None:
        n = 0
        while not killed.is_set():
            n += 1
            try:
                write(browser, n)
            except (urllib.error.URLError, ConnectionError, HTTPException, TimeoutError):
                if killed.is_set():
                    return  # the request in flight when the server died: not acknowledged
                raise

    try:
        server.start()
        browser = Browser(server.base)
        browser.login(user.username, PASSWORD)
        writer = threading.Thread(target=loop, args=(browser,), daemon=True)
        writer.start()
        deadline = time.monotonic() + 90  # a liveness bound, not a speed test: a loaded machine may be slow
        while len(acknowledged) < 15 and time.monotonic() < deadline and writer.is_alive():
            time.sleep(0.02)
        killed.set()
        server.kill()
        writer.join(timeout=15)
        assert not writer.is_alive()
        assert not refused, f"写入被拒绝：{refused}"
        assert len(acknowledged) >= 15, f"90 秒内只确认了 {len(acknowledged)} 条写入"

        server.start()  # recovers on its own: SQLite replays its WAL, PostgreSQL never lost a committed row
        write(browser, 10_000)  # the session survived too
        assert acknowledged[-1] == "断电演练 第10000条"
    finally:
        server.kill()

    stored, audited = _stored(user, site)
    lost = [m for m in acknowledged if m not in stored]
    assert not lost, f"已确认的写入丢失：{lost}"
    # The one in flight at the kill may or may not have been committed; nothing else was written, and every stored
    # record has its audit entry (one transaction).
    assert len(stored) - len(acknowledged) in (0, 1)
    assert audited == len(stored)

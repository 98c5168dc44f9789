"""A backup of a site that keeps writing is one moment of it: every transaction wholly in or wholly out, and the
manifest's checksums describe exactly the dump.

The writer commits two session rows per transaction (`pair-N-a`, `pair-N-b`) as fast as it can; the backup must hold
both rows of every pair it holds, pairs 1…k with none missing, while the writer went on past k."""

import io
import re
import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection

from tongxin.ops import archive, postgres
from tongxin.ops.checksums import sqlite_sums

from .helpers import manage, read_backup, sqlite_site_copy

pytestmark = pytest.mark.django_db(transaction=True)

_EXPIRES = "2099-01-01 00:00:00"


class PairWriter(threading.Thread):
    def __init__(self, connect: Callable, mark: str, begin: str | None):
        super().__init__(daemon=True)
        self.connect, self.mark, self.begin = connect, mark, begin
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        conn = self.connect()
        insert = f"INSERT INTO django_session (session_key, session_data, expire_date) VALUES ({self.mark}, 'x', {self.mark})"
        try:
            while not self.stop.is_set():
                n = self.committed + 1
                if self.begin:
                    conn.execute(self.begin)
                conn.execute(insert, [f"pair-{n}-a", _EXPIRES])
                conn.execute(insert, [f"pair-{n}-b", _EXPIRES])
                conn.commit()
                self.committed = n
                time.sleep(0.002)  # a busy site, leaving the machine's other core to the backup
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            conn.close()

    def wait_for(self, n: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.committed < n and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.01)
        assert self.committed >= n, self.error

    def finish(self) -> int:
        self.stop.set()
        self.join(timeout=20)
        assert self.error is None, self.error
        return self.committed


def _pairs(keys: list[str]) -> int:
    """The number of whole pairs among the writer's keys, checking there are no halves and no gaps."""
    seen: dict[int, set[str]] = {}
    for key in keys:
        match = re.fullmatch(r"pair-(\d+)-([ab])", key)
        assert match, key
        seen.setdefault(int(match.group(1)), set()).add(match.group(2))
    halves = [n for n, sides in seen.items() if sides != {"a", "b"}]
    assert not halves, f"只备份了半个事务：{halves[:5]}"
    assert sorted(seen) == list(range(1, len(seen) + 1)), "备份中的事务有缺口"
    return len(seen)


def test_a_sqlite_backup_while_another_connection_writes_is_one_moment(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 的在线备份")
    site = sqlite_site_copy(tmp_path / "site.sqlite3")
    writer = PairWriter(lambda: sqlite3.connect(site, timeout=20, isolation_level=None), "?", "BEGIN IMMEDIATE")
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.committed
        done = manage("backup", str(tmp_path / "running.tar"), database_url=f"sqlite:///{site}")
        after = writer.committed
    finally:
        last = writer.finish()
    assert done.returncode == 0, done.stderr

    manifest, dump = read_backup(tmp_path / "running.tar", tmp_path / "look")
    copy = tmp_path / "copy.sqlite3"
    archive.copy_gunzip(dump, copy)
    with sqlite3.connect(copy) as plain:
        keys = [k for (k,) in plain.execute("SELECT session_key FROM django_session WHERE session_key LIKE 'pair-%'")]
        sums = sqlite_sums(plain)
    in_backup = _pairs(keys)
    assert before <= in_backup < after <= last, (before, in_backup, after)
    assert {name: {"rows": s.rows, "sha256": s.sha256} for name, s in sums.items()} == manifest["tables"]


def test_a_postgresql_backup_while_another_connection_writes_is_one_snapshot(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 的快照备份")
    writer = PairWriter(lambda: postgres.connect(connection.settings_dict), "%s", None)
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.committed
        call_command("backup", str(tmp_path / "running.tar"), stdout=io.StringIO())
        after = writer.committed
    finally:
        last = writer.finish()

    out = io.StringIO()
    call_command("restore", str(tmp_path / "running.tar"), "--noinput", stdout=out)
    assert "行数和校验和与备份一致" in out.getvalue()  # the manifest describes exactly what was dumped
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM django_session WHERE session_key LIKE 'pair-%%'")
        in_backup = _pairs([k for (k,) in cursor.fetchall()])
    assert before <= in_backup < after <= last, (before, in_backup, after)

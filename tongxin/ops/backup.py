"""Back up and restore the database (SQLite or PostgreSQL) with a manifest that lets a restore be checked.

Backup: SQLite through sqlite3's online backup API (one read snapshot of the WAL database while the site keeps
writing), PostgreSQL through `pg_dump --format=custom` of a snapshot exported from a REPEATABLE READ transaction
whose rows the manifest's checksums are read from, so both describe the same moment.

Restore: refuses a file that is not a backup or is damaged, one from the other database vendor, one whose keys are
not all configured here, and one from a newer program (migrations this code does not have); then replaces the whole
database — schema and data, so the database is at the backup's migration state afterwards — and checks every
table's rows and checksum against the manifest."""

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
import psycopg
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import archive, keys, postgres
from .archive import BackupError
from .checksums import TableSum, pg_migrations, pg_sums, sqlite_migrations, sqlite_sums

VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_SQLITE_MEMBER = "database.sqlite3.gz"
_PG_MEMBER = "database.pgdump"


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise BackupError(f"不支持备份 {vendor} 数据库：只支持 SQLite 和 PostgreSQL")
    return vendor


def _sums_json(sums: dict[str, TableSum]) -> dict[str, dict[str, Any]]:
    return {name: {"rows": s.rows, "sha256": s.sha256} for name, s in sums.items()}


def database_label() -> str:
    name = str(connection.settings_dict.get("NAME") or "")
    return "内存数据库（测试）" if "mode=memory" in name or name == ":memory:" else name


# ---------------------------------------------------------------- backup

def make_backup(*, destination: Path) -> dict[str, Any]:
    """Write a backup of the whole database to `destination` (atomically, mode 600); returns its manifest."""
    vendor = _vendor()
    if destination.exists():
        raise BackupError(f"文件已存在，不会覆盖：{destination}")
    if not destination.parent.is_dir():
        raise BackupError(f"目录不存在：{destination.parent}")
    with archive.workdir(destination.parent) as tmp:
        if vendor == "sqlite":
            dump, member = Path(tmp) / "copy.sqlite3.gz", _SQLITE_MEMBER
            facts = _sqlite_backup(Path(tmp), dump)
        else:
            dump, member = Path(tmp) / "dump.pgcustom", _PG_MEMBER
            facts = _pg_backup(dump)
        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
            "vendor": vendor,
            "database": database_label(),
            "django": django.get_version(),
            "keys": keys.current(),
            **facts,
        }
        archive.write(destination, manifest, dump, member)
    manifest["bytes"] = destination.stat().st_size
    return manifest


def _sqlite_backup(tmp: Path, dump: Path) -> dict[str, Any]:
    copy = tmp / "copy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        # One step (pages=-1): the whole database copied within one read transaction, a consistent snapshot even
        # while other connections write (WAL).
        connection.connection.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"复制 SQLite 数据库失败：{exc}") from exc
    finally:
        target.close()
    plain = sqlite3.connect(copy)
    try:
        _sqlite_integrity(plain, "数据库副本")
        plain.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        facts = {"server_version": sqlite3.sqlite_version, "tables": _sums_json(sqlite_sums(plain)),
                 "migrations": sqlite_migrations(plain)}
    finally:
        plain.close()
    archive.copy_gzip(copy, dump)
    copy.unlink()
    return facts


def _sqlite_integrity(conn: sqlite3.Connection, what: str) -> None:
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what}不是有效的 SQLite 数据库：{exc}") from exc
    if result != ["ok"]:
        raise BackupError(f"{what}未通过完整性检查：{'；'.join(result[:5])}")


def _pg_backup(dump: Path) -> dict[str, Any]:
    settings_dict = connection.settings_dict
    conn = postgres.connect(settings_dict)
    try:
        server = postgres.server_major(conn)
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        process = postgres.dump(settings_dict, server, row[0], dump)
        try:
            # Read while pg_dump dumps: the same snapshot, the second core.
            tables = pg_sums(conn)
            migrations = pg_migrations(conn)
        except BaseException:
            process.kill()
            process.wait()
            raise
        postgres.finish(process, "pg_dump 备份")
        conn.rollback()
        return {"server_version": conn.info.parameter_status("server_version") or str(server),
                "tables": _sums_json(tables), "migrations": migrations}
    finally:
        conn.close()


# ---------------------------------------------------------------- reading the database now

@contextmanager
def _plain_connection() -> Iterator[Any]:
    """A connection of the database's own driver, outside Django's connection and its adapters."""
    if _vendor() == "sqlite":
        conn: Any = sqlite3.connect(str(connection.settings_dict["NAME"]), uri=True, timeout=20)
    else:
        conn = postgres.connect(connection.settings_dict)
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for every table
    try:
        yield conn
    finally:
        conn.close()


def current_sums() -> dict[str, TableSum]:
    """Every table's rows and checksum in the database now."""
    with _plain_connection() as conn:
        return sqlite_sums(conn) if _vendor() == "sqlite" else pg_sums(conn)


def current_migrations() -> dict[str, list[str]]:
    with _plain_connection() as conn:
        return sqlite_migrations(conn) if _vendor() == "sqlite" else pg_migrations(conn)


# ---------------------------------------------------------------- restore

@dataclass
class Plan:
    """A backup read, checked against this installation, and ready to restore."""

    manifest: dict[str, Any]
    dump: Path
    notes: list[str] = field(default_factory=list)  # what the operator should know before and after

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    @property
    def created_local(self) -> str:
        try:
            when = dt.datetime.fromisoformat(self.manifest["created_at"])
        except ValueError:
            return self.manifest["created_at"]
        return timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S")


@contextmanager
def opened(path: Path) -> Iterator[Plan]:
    """Read a backup file and check that it may be restored here (BackupError, in Chinese, when not); the dump is
    kept in a private scratch directory for the block's duration."""
    with archive.workdir(None) as tmp:
        manifest, dump = archive.read(path, Path(tmp))
        plan = Plan(manifest=manifest, dump=dump)
        _check_vendor(manifest)
        _check_keys(manifest)
        plan.notes += _migration_notes(manifest["migrations"], current_migrations())
        if manifest["vendor"] == "sqlite":
            plan.dump = _sqlite_prepare(dump, manifest)
        else:
            conn = postgres.connect(connection.settings_dict)
            try:
                server = postgres.server_major(conn)
            finally:
                conn.close()
            postgres.check_dump(connection.settings_dict, server, dump)
        yield plan


def _check_vendor(manifest: dict[str, Any]) -> None:
    here = _vendor()
    if manifest["vendor"] != here:
        theirs = VENDORS.get(manifest["vendor"], manifest["vendor"])
        raise BackupError(f"这是 {theirs} 数据库的备份，当前数据库是 {VENDORS[here]}：不能跨数据库类型恢复。"
                          f"请在 {theirs} 上恢复。数据库未改动。")


def _check_keys(manifest: dict[str, Any]) -> None:
    found = keys.mismatches(manifest["keys"], keys.current())
    if found:
        settings_named = "、".join(dict.fromkeys(m.which for m in found))
        raise BackupError(
            "当前配置的密钥与备份时不同，拒绝恢复：" + "；".join(m.text for m in found) + "。"
            f"密钥不在备份中：请先从单独保管密钥的地方（如服务的 EnvironmentFile）恢复备份时的 "
            f"{settings_named}，再恢复数据库。数据库未改动。")


def _migration_notes(state: dict[str, list[str]], now: dict[str, list[str]]) -> list[str]:
    """What a restore does to the migration state (the backup's replaces the database's, schema included), and
    BackupError when the backup has migrations this program does not know."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in state.items() for name in names}
    installed = {config.label for config in apps.get_app_configs()}
    unknown = sorted(f"{app}.{name}" for app, name in applied - set(loader.disk_migrations) if app in installed)
    if unknown:
        shown = "、".join(unknown[:8]) + ("等" if len(unknown) > 8 else "")
        raise BackupError(f"备份来自更新的程序版本：其中有本程序没有的数据库迁移（{shown}），恢复后网站无法正常运行。"
                          "请先部署做这份备份时的程序版本，再恢复。数据库未改动。")
    pending = []
    for key in loader.graph.nodes:
        migration = loader.graph.nodes[key]
        if key not in applied and not (migration.replaces and all(tuple(r) in applied for r in migration.replaces)):
            pending.append(f"{key[0]}.{key[1]}")
    here = {(app, name) for app, names in now.items() for name in names}
    if here == applied:
        notes = ["当前数据库与备份处于同一迁移状态。"]
    else:
        notes = [f"当前数据库的迁移状态与备份不同（当前多 {len(here - applied)} 个、少 {len(applied - here)} 个迁移）："
                 "恢复会连同表结构一起替换，恢复后数据库处于备份时的迁移状态。"]
    if pending:
        notes.append(f"备份比当前程序旧，缺 {len(pending)} 个迁移（{'、'.join(sorted(pending)[:5])}"
                     f"{'等' if len(pending) > 5 else ''}）：恢复并核对后请运行 manage.py migrate。")
    return notes


def _sqlite_prepare(dump: Path, manifest: dict[str, Any]) -> Path:
    """Unpack the SQLite copy and check it against the manifest before the live database is touched."""
    copy = dump.with_name("restore.sqlite3")
    archive.copy_gunzip(dump, copy)
    dump.unlink()
    plain = sqlite3.connect(copy)
    try:
        _sqlite_integrity(plain, "备份中的 SQLite 数据库")
        sums = sqlite_sums(plain)
    finally:
        plain.close()
    if _sums_json(sums) != manifest["tables"]:
        raise BackupError("备份文件已损坏：数据库副本的表与清单中的行数、校验和不符，不能恢复。数据库未改动。")
    return copy


@dataclass(frozen=True)
class Verification:
    tables: int
    rows: int
    differing: list[str]  # "表名：说明"

    @property
    def ok(self) -> bool:
        return not self.differing


def restore(plan: Plan) -> Verification:
    """Replace the whole database with the backup's contents, then compare every table with the manifest."""
    if connection.in_atomic_block:
        raise BackupError("不能在事务中恢复数据库")
    if plan.manifest["vendor"] == "sqlite":
        source = sqlite3.connect(plan.dump)
        try:
            connection.ensure_connection()
            # One step, one transaction on the destination (rolled back if it fails); waits while another
            # connection writes.
            source.backup(connection.connection)
        except sqlite3.Error as exc:
            raise BackupError(f"恢复 SQLite 数据库失败（{exc}），数据库未改动") from exc
        finally:
            source.close()
    else:
        connection.close()  # nothing of ours holds a lock or a cached plan on the tables being replaced
        conn = postgres.connect(connection.settings_dict)
        try:
            server = postgres.server_major(conn)
        finally:
            conn.close()
        postgres.restore(connection.settings_dict, server, plan.dump)
        conn = postgres.connect(connection.settings_dict)
        try:
            conn.autocommit = True
            conn.execute("ANALYZE")  # the planner's statistics, which a restore does not bring
        finally:
            conn.close()
    ContentType.objects.clear_cache()
    return verify(plan.manifest)


def verify(manifest: dict[str, Any]) -> Verification:
    now = _sums_json(current_sums())
    expected = manifest["tables"]
    differing = []
    for table in sorted(set(expected) | set(now)):
        if table not in now:
            differing.append(f"{table}：恢复后缺少此表")
        elif table not in expected:
            differing.append(f"{table}：备份中没有此表")
        elif now[table]["rows"] != expected[table]["rows"]:
            differing.append(f"{table}：行数 {now[table]['rows']}，备份时 {expected[table]['rows']}")
        elif now[table]["sha256"] != expected[table]["sha256"]:
            differing.append(f"{table}：行数相同（{now[table]['rows']}）但内容校验和不同")
    return Verification(tables=len(now), rows=sum(t["rows"] for t in now.values()), differing=differing)

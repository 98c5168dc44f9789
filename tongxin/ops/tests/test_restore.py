"""Backups that restore: the restore drill, and the backups a restore must refuse. Every test replaces or reads the
live test database (settings.DATABASES as seen inside the test), so each is transactional."""

import io
import json
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tongxin.ops import archive, backup
from tongxin.orgs.models import User
from tongxin.people import crypto
from tongxin.people.models import Child

from .helpers import ensure_demo, read_backup, wipe_database

pytestmark = pytest.mark.django_db(transaction=True)


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def _restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--noinput", stdout=out)
    return out.getvalue()


def _sums() -> dict:
    return {name: (s.rows, s.sha256) for name, s in backup.current_sums().items()}


def test_restore_drill_brings_back_every_table_row_for_row(tmp_path, monkeypatch):
    ensure_demo()
    commands: list[tuple[list[str], dict]] = []
    real_popen = subprocess.Popen

    def recording_popen(args, *rest, **kwargs):
        commands.append((list(map(str, args)), kwargs.get("env") or {}))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    before = _sums()
    path = tmp_path / "drill.tar"

    said = _backup(path)

    assert f"{len(before)} 张表" in said
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    manifest, _ = read_backup(path, tmp_path / "look")
    assert manifest["vendor"] == connection.vendor
    assert {name: (t["rows"], t["sha256"]) for name, t in manifest["tables"].items()} == before
    assert manifest["migrations"]["care"] and manifest["migrations"]["orgs"]
    # The keys stay out of the backup: the manifest holds fingerprints, not the key material.
    text = json.dumps(manifest)
    assert manifest["keys"]["field_keys"] and manifest["keys"]["hash_key"]
    for secret in [crypto._derive(b"encrypt").hex(), crypto._derive(b"lookup-hash").hex(), *crypto._keyring().by_id]:
        assert (secret if isinstance(secret, str) else secret.hex()) not in text
    from django.conf import settings

    assert settings.SECRET_KEY not in text
    if connection.vendor == "postgresql":
        # The password goes in the child's environment; nothing on a command line names the connection.
        password = connection.settings_dict["PASSWORD"]
        assert commands and all(env.get("PGPASSWORD") == password for _, env in commands)
        assert not [a for args, _ in commands for a in args if "://" in a or "password=" in a.lower() or a == password]

    wipe_database()
    said = _restore(path)

    assert "行数和校验和与备份一致" in said
    assert _sums() == before
    # The site works on the restored database: personal fields decrypt, IDs continue after the highest.
    child = Child.objects.order_by("pk").first()
    assert child is not None and child.id_number
    newest = User.objects.order_by("-pk").first()
    assert newest is not None
    assert User.objects.create(username="after_restore").pk > newest.pk


@pytest.fixture
def keys_changed_later(settings):
    yield settings
    crypto.clear_key_cache()


def _some_rows() -> None:
    if not User.objects.filter(username="drill_row").exists():
        User.objects.create(username="drill_row", real_name="演练")


@pytest.mark.parametrize("setting, named", [("FIELD_ENCRYPTION_KEYS", "字段加密密钥"), ("FIELD_HASH_KEY", "查找哈希密钥")])
def test_a_backup_made_under_other_keys_is_refused_and_the_database_left_alone(tmp_path, keys_changed_later,
                                                                              setting, named):
    _some_rows()
    path = tmp_path / "keys.tar"
    _backup(path)
    User.objects.create(username="written_after_the_backup")
    if setting == "FIELD_ENCRYPTION_KEYS":
        keys_changed_later.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    else:
        keys_changed_later.FIELD_HASH_KEY = "another-hash-key"
    crypto.clear_key_cache()
    before = _sums()

    with pytest.raises(CommandError) as refused:
        _restore(path)

    message = str(refused.value)
    assert "密钥与备份时不同，拒绝恢复" in message and named in message
    assert "单独保管密钥的地方" in message and "数据库未改动" in message
    assert _sums() == before
    assert User.objects.filter(username="written_after_the_backup").exists()


def _dump_offset(path: Path) -> tuple[int, int]:
    with tarfile.open(path) as tar:
        member = tar.getmembers()[1]
        return member.offset_data, member.size


def test_a_damaged_file_is_refused_and_the_database_left_alone(tmp_path):
    _some_rows()
    path = tmp_path / "good.tar"
    _backup(path)
    data = path.read_bytes()
    offset, size = _dump_offset(path)
    flipped = bytearray(data)
    flipped[offset + size // 2] ^= 0xFF
    damaged = {
        "flipped.tar": (bytes(flipped), "校验和与清单不符"),
        "truncated.tar": (data[: offset + size // 2], "文件已损坏"),
        "other.tar": (b"just some text\n" * 100, "不是童心的备份文件"),
    }
    before = _sums()
    for name, (content, says) in damaged.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CommandError, match=says):
            _restore(tmp_path / name)
        assert _sums() == before, name
    with pytest.raises(CommandError, match="找不到备份文件"):
        _restore(tmp_path / "missing.tar")


def _rewritten(path: Path, tmp_path: Path, change) -> Path:
    manifest, dump = read_backup(path, tmp_path / "rewrite")
    change(manifest)
    target = tmp_path / f"rewritten-{len(list(tmp_path.glob('rewritten-*')))}.tar"
    archive.write(target, manifest, dump, manifest["dump"]["member"])
    dump.unlink()
    return target


def test_a_backup_from_elsewhere_is_refused_and_an_older_one_says_to_migrate(tmp_path):
    _some_rows()
    path = tmp_path / "base.tar"
    _backup(path)
    before = _sums()
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    with pytest.raises(CommandError, match="不能跨数据库类型恢复"):
        _restore(_rewritten(path, tmp_path, lambda m: m.update(vendor=other)))
    with pytest.raises(CommandError, match="备份来自更新的程序版本.*care.9999_from_the_future"):
        _restore(_rewritten(path, tmp_path, lambda m: m["migrations"]["care"].append("9999_from_the_future")))
    assert _sums() == before

    last = sorted(m for m in json.loads(_manifest_text(path))["migrations"]["care"])[-1]
    older = _rewritten(path, tmp_path, lambda m: m["migrations"]["care"].remove(last))
    with backup.opened(older) as plan:
        assert any("manage.py migrate" in note and f"care.{last}" in note for note in plan.notes)
        assert any("当前多 1 个、少 0 个迁移" in note for note in plan.notes)


def _manifest_text(path: Path) -> str:
    with tarfile.open(path) as tar:
        raw = tar.extractfile(archive.MANIFEST)
        assert raw is not None
        return raw.read().decode()


def test_restore_asks_first_and_stops_on_anything_but_yes(tmp_path, monkeypatch):
    _some_rows()
    path = tmp_path / "ask.tar"
    _backup(path)
    User.objects.create(username="kept_when_declined")
    monkeypatch.setattr("builtins.input", lambda question: "no")

    with pytest.raises(CommandError, match="已取消，数据库未改动"):
        call_command("restore", str(path), stdout=io.StringIO())

    assert User.objects.filter(username="kept_when_declined").exists()


def test_a_postgresql_dump_that_ends_early_is_rolled_back_whole(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 的恢复事务")
    from tongxin.ops import postgres

    _some_rows()
    path = tmp_path / "whole.tar"
    _backup(path)
    _, dump = read_backup(path, tmp_path / "look")
    cut = tmp_path / "cut.pgdump"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])  # its table of contents still reads
    User.objects.create(username="written_after_the_backup")
    before = _sums()
    conn = postgres.connect(connection.settings_dict)
    server = postgres.server_major(conn)
    conn.close()
    connection.close()

    # Where the cut falls decides who stops first: psql at a COPY cut short, or pg_restore between two statements.
    with pytest.raises(archive.BackupError, match="事务已回滚，数据库未改动"):
        postgres.restore(connection.settings_dict, server, cut)

    assert _sums() == before


def test_a_postgresql_restore_commits_nothing_when_pg_restore_fails_after_clean_sql(tmp_path, monkeypatch):
    """pg_restore may stop between two whole statements: psql sees no error, but without COMMIT nothing counts,
    not even the drop of every table that starts the transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 的恢复事务")
    from tongxin.ops import postgres

    _some_rows()
    fake = tmp_path / "pg_restore"
    fake.write_text("#!/bin/sh\necho 'CREATE TABLE ops_half_restored (id int);'\n"
                    "echo 'pg_restore: error: could not read input file: end of file' >&2\nexit 1\n")
    fake.chmod(0o700)
    real = postgres.binary
    monkeypatch.setattr(postgres, "binary", lambda name, server: str(fake) if name == "pg_restore" else real(name, server))
    before = _sums()
    conn = postgres.connect(connection.settings_dict)
    server = postgres.server_major(conn)
    conn.close()
    connection.close()

    with pytest.raises(archive.BackupError, match="pg_restore.*事务已回滚，数据库未改动.*end of file"):
        postgres.restore(connection.settings_dict, server, tmp_path / "any.pgdump")

    assert _sums() == before
    assert "ops_half_restored" not in connection.introspection.table_names()

"""PostgreSQL: pg_dump and pg_restore of the server's own version, the password passed in the child's environment
(PGPASSWORD), never on its command line."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from .archive import BackupError

# Connection OPTIONS that libpq also reads from the environment.
_OPTION_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
               "service": "PGSERVICE", "passfile": "PGPASSFILE", "connect_timeout": "PGCONNECT_TIMEOUT",
               "target_session_attrs": "PGTARGETSESSIONATTRS"}


def client_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for a PostgreSQL client program connecting where Django does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, name in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"),
                      ("PORT", "PGPORT")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    for option, name in _OPTION_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[name] = str(settings_dict["OPTIONS"][option])
    env["PGAPPNAME"] = "tongxin-backup"
    return env


def connect(settings_dict: dict[str, Any]) -> psycopg.Connection:
    """A plain psycopg connection (no Django adapters) to the database, in UTC."""
    params: dict[str, Any] = {"dbname": settings_dict.get("NAME") or "", "application_name": "tongxin-backup"}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    params.update({k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k in _OPTION_ENV})
    conn = psycopg.connect(**params)
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()
    return conn


def _major(text: str) -> int | None:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(match.group(1)) if match else None


def binary(name: str, server_major: int) -> str:
    """The path of a client program able to work with a server of this major version: Debian's
    /usr/lib/postgresql/<version>/bin (the server's version first, then newer ones), else the one on PATH if it is
    as new as the server."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}"]
    installed = sorted(((_major(p.split("/")[-3]) or 0, p) for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}")),
                       reverse=True)
    candidates += [p for version, p in installed if version > server_major]
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if found:
        try:
            out = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        version = _major(out.rsplit(" ", 1)[-1]) if out else None
        if version is not None and version >= server_major:
            return found
        raise BackupError(f"{found} 的版本（{out.strip() or '未知'}）低于 PostgreSQL 服务器 {server_major}：请安装 "
                          f"postgresql-client-{server_major}（Debian：apt-get install postgresql-client-{server_major}）")
    raise BackupError(f"找不到 PostgreSQL 客户端程序 {name}：请安装与服务器版本一致的 postgresql-client-{server_major}"
                      f"（Debian：apt-get install postgresql-client-{server_major}），它装在 "
                      f"/usr/lib/postgresql/{server_major}/bin/")


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def _failed(what: str, stderr: str, then: str = "") -> BackupError:
    detail = stderr.strip().splitlines()
    return BackupError(f"{what}失败{then}：{'；'.join(detail[-5:]) or '没有输出'}")


def dump(settings_dict: dict[str, Any], server: int, snapshot: str, target: Path) -> subprocess.Popen:
    """Start pg_dump of the whole database as it was in the exported `snapshot` (so the manifest's checksums,
    read in the same snapshot, describe exactly what it dumps). Returns the running process: see `finish`."""
    command = [binary("pg_dump", server), "--format=custom", "--no-password", f"--snapshot={snapshot}",
               f"--file={target}"]
    return subprocess.Popen(command, env=client_env(settings_dict), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=tempfile.TemporaryFile())


def finish(process: subprocess.Popen, what: str) -> None:
    process.wait()
    if process.returncode:
        stderr = process.stderr
        stderr.seek(0)  # type: ignore[union-attr]
        raise _failed(what, stderr.read().decode(errors="replace"))  # type: ignore[union-attr]


def check_dump(settings_dict: dict[str, Any], server: int, path: Path) -> None:
    """pg_restore can read the dump's table of contents (before anything is dropped)."""
    result = subprocess.run([binary("pg_restore", server), "--list", str(path)], env=client_env(settings_dict),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode:
        raise _failed("备份文件中的 PostgreSQL 转储无法读取（pg_restore --list）", result.stderr)


# Every view, table and sequence of the schema Django uses, dropped in the restore's transaction before the dump's
# objects are created, so tables that newer migrations made do not outlive the restore. A table's own sequences go
# with it (the loop's list was read before, hence IF EXISTS).
_DROP_ALL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END, c.relname
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                  ELSE 'TABLE' END,
                   current_schema(), r.relname);
  END LOOP;
END $$;
"""


_ROLLED_BACK = "，事务已回滚，数据库未改动"


def restore(settings_dict: dict[str, Any], server: int, path: Path) -> None:
    """Replace the database's contents with the dump's in one transaction. psql runs BEGIN, drops every table of the
    schema, then the SQL `pg_restore --clean --if-exists` writes from the dump (schema and data; owners and grants
    left to the restoring user), and COMMIT only once pg_restore has written all of it: on any error, or a dump that
    ends early, the transaction is rolled back and nothing has changed."""
    env = client_env(settings_dict)
    committed = False
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        consumer = subprocess.Popen(
            [binary("psql", server), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--file=-"],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err)
        producer = subprocess.Popen(
            [binary("pg_restore", server), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-",
             str(path)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=restore_err)
        assert consumer.stdin is not None and producer.stdout is not None
        try:
            consumer.stdin.write(f"SET client_min_messages = warning;\nBEGIN;\n{_DROP_ALL}\n".encode())
            while chunk := producer.stdout.read(1024 * 1024):
                consumer.stdin.write(chunk)
            if producer.wait() == 0:
                consumer.stdin.write(b"\nCOMMIT;\n")
                committed = True
        except BrokenPipeError:  # psql stopped at an error; its message says which
            pass
        finally:
            try:
                consumer.stdin.close()
            except BrokenPipeError:
                pass
            consumer.wait()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
        if consumer.returncode:
            psql_err.seek(0)
            raise _failed("恢复 PostgreSQL 数据库（psql）", psql_err.read().decode(errors="replace"), _ROLLED_BACK)
        if not committed:
            restore_err.seek(0)
            raise _failed("读取 PostgreSQL 转储（pg_restore）", restore_err.read().decode(errors="replace"), _ROLLED_BACK)

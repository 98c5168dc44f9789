"""Row counts and checksums of every table, the same on a database and on its restored copy.

A table's checksum is SHA-256 over its rows in primary-key order (all columns when a table has no primary key),
each row written as a canonical text: its columns in name order, each value tagged with its kind (a text, a number,
a time…) so that no two different rows read alike. Encrypted fields are compared as the ciphertext stored.

The values are read through a plain DB-API connection (sqlite3 without type detection, psycopg without Django's
adapters) so that the text depends on what is stored alone, not on a connection's settings: times with a zone are
written in UTC, JSON with sorted keys."""

import datetime as dt
import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_FETCH = 2000


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def canonical(value: Any) -> Any:
    """A JSON-ready form of one stored value that says what kind of value it was."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return {"dt": value.isoformat()}
    if isinstance(value, (dt.date, dt.time)):
        return {"d": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": bytes(value).hex()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, (dict, list)):  # jsonb, arrays
        return {"j": json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)}
    return {type(value).__name__: str(value)}


def row_text(row: tuple) -> bytes:
    return json.dumps([canonical(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _sum_rows(cursor, sql: str) -> TableSum:
    cursor.execute(sql)
    digest = hashlib.sha256()
    rows = 0
    while batch := cursor.fetchmany(_FETCH):
        rows += len(batch)
        for row in batch:
            digest.update(row_text(row))
    return TableSum(rows=rows, sha256=digest.hexdigest())


# ---------------------------------------------------------------- SQLite

def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]


def sqlite_sums(conn: sqlite3.Connection) -> dict[str, TableSum]:
    """Every table's rows and checksum; `conn` is a plain sqlite3 connection (no `detect_types`)."""
    sums: dict[str, TableSum] = {}
    cursor = conn.cursor()
    for table in sqlite_tables(conn):
        info = conn.execute(f"PRAGMA table_info({_sqlite_quote(table)})").fetchall()  # cid, name, type, notnull, dflt, pk
        columns = sorted(row[1] for row in info)
        key = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])] or columns
        select = ", ".join(_sqlite_quote(c) for c in columns)
        order = ", ".join(_sqlite_quote(c) for c in key)
        sums[table] = _sum_rows(cursor, f"SELECT {select} FROM {_sqlite_quote(table)} ORDER BY {order}")
    cursor.close()
    return sums


def sqlite_migrations(conn: sqlite3.Connection) -> dict[str, list[str]]:
    if "django_migrations" not in sqlite_tables(conn):
        return {}
    return _group(conn.execute("SELECT app, name FROM django_migrations").fetchall())


# ---------------------------------------------------------------- PostgreSQL

_PG_TABLES = """
    SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname"""
_PG_COLUMNS = """
    SELECT attname, attcollation <> 0 FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped
    ORDER BY attname"""
_PG_KEY = """
    SELECT a.attname, a.attcollation <> 0 FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = %s AND i.indisprimary ORDER BY k.pos"""


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_tables(conn) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute(_PG_TABLES)
        return [name for _, name in cursor.fetchall()]


def pg_sums(conn) -> dict[str, TableSum]:
    """Every table of the current schema with its rows and checksum, read in `conn`'s transaction (one snapshot
    when it is REPEATABLE READ); `conn` is a plain psycopg connection."""
    sums: dict[str, TableSum] = {}
    with conn.cursor() as cursor:
        cursor.execute(_PG_TABLES)
        tables = cursor.fetchall()
        for oid, table in tables:
            cursor.execute(_PG_COLUMNS, [oid])
            columns = cursor.fetchall()
            cursor.execute(_PG_KEY, [oid])
            key = cursor.fetchall() or columns
            select = ", ".join(_pg_quote(c) for c, _ in columns)
            # Text keys in byte order, whatever collation the database was created with.
            order = ", ".join(_pg_quote(c) + (' COLLATE "C"' if text else "") for c, text in key)
            # A server-side cursor: a table of millions of rows (the audit log) is never held in memory at once.
            with conn.cursor(name=f"tongxin_sum_{oid}") as rows:
                sums[table] = _sum_rows(rows, f"SELECT {select} FROM {_pg_quote(table)} ORDER BY {order}")
    return sums


def pg_migrations(conn) -> dict[str, list[str]]:
    if "django_migrations" not in pg_tables(conn):
        return {}
    with conn.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return _group(cursor.fetchall())


def _group(rows) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}

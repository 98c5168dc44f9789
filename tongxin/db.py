"""Database helpers shared by the apps."""

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], **same: Any) -> None:
    """Insert many rows of values into `model`'s table in one statement, with the
    `same` fields (e.g. a period, a run, the time) equal on every row and prepared once.

    For the tens of thousands of rows of a placement run: `bulk_create` builds a model object per row and
    prepares every field of every row through the ORM, which costs far more than the database does. Nothing
    is returned (no ids: see `reserve_ids`), no signals are sent and no defaults are applied: give every column
    without a database default. Dates, JSON and encrypted text are prepared by their fields. PostgreSQL gets one INSERT … SELECT FROM unnest(one array per column); SQLite one
    executemany."""
    if not rows:
        return
    meta = model._meta
    fields = [cast(models.Field, meta.get_field(name)) for name in columns]
    fixed = [cast(models.Field, meta.get_field(name)) for name in same]
    fixed_values = [f.get_db_prep_save(same[f.name], connection) for f in fixed]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in [*fields, *fixed])
    # Plain ints, text and booleans go as they are; anything the database needs prepared (dates, JSON, encrypted
    # text) is prepared by its field, once per value.
    cols = [list(col) for col in zip(*rows, strict=True)]
    for i, f in enumerate(fields):
        if type(f) not in _PLAIN:
            cols[i] = [None if v is None else f.get_db_prep_save(v, connection) for v in cols[i]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection)}[])" for f in fields)
            consts = "".join(f", CAST(%s AS {f.db_type(connection)})" for f in fixed)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT u.*{consts} FROM unnest({arrays}) AS u",
                           [*fixed_values, *cols])
        else:
            marks = ", ".join(["%s"] * (len(fields) + len(fixed)))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                               [(*row, *fixed_values) for row in zip(*cols, strict=True)])


# Fields whose Python values the drivers take as they are (exactly these types: a subclass such as an encrypted
# text field prepares its values).
_PLAIN = frozenset({models.IntegerField, models.BigIntegerField, models.PositiveIntegerField,
                    models.PositiveSmallIntegerField, models.SmallIntegerField, models.AutoField, models.BigAutoField,
                    models.ForeignKey, models.BooleanField, models.CharField, models.TextField})


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n primary keys for rows about to be inserted with `insert_rows` (which returns none), so a bulk write can
    link its rows (families, then their children, then their guardians) without reading them back.

    PostgreSQL draws them from the table's sequence (never handed out twice, even to a concurrent writer). On SQLite
    a write transaction holds the database's only write lock from its BEGIN (IMMEDIATE mode), so the keys above the
    highest used one are this transaction's; must be called inside `transaction.atomic`."""
    if n <= 0:
        return []
    table = model._meta.db_table
    column = cast(str, model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, n])
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids must run inside a transaction")
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + n))


def stored_text(value: str | None, *, label: str, max_length: int) -> str:
    """A person's free text, stripped and checked as PostgreSQL will store it: no NUL character (SQLite keeps it,
    PostgreSQL refuses it) and not over the column; refused in Chinese, naming the field."""
    from django.core.exceptions import ValidationError

    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"{label}含有无效字符")
    if len(value) > max_length:
        raise ValidationError(f"{label}最多 {max_length} 个字")
    return value

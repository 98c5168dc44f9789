"""Database helpers shared by the apps."""

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], **same: Any) -> None:
    """Insert many rows of plain values (ints, text, None) into `model`'s table in one statement, with the
    `same` fields (e.g. a period, a run, the time) equal on every row and prepared once.

    For the tens of thousands of rows of a placement run: `bulk_create` builds a model object per row and
    prepares every field of every row through the ORM, which costs far more than the database does. Nothing
    is returned (no ids), no signals are sent and no defaults are applied: give every column without a
    database default. PostgreSQL gets one INSERT … SELECT FROM unnest(one array per column); SQLite one
    executemany."""
    if not rows:
        return
    meta = model._meta
    fields = [cast(models.Field, meta.get_field(name)) for name in columns]
    fixed = [cast(models.Field, meta.get_field(name)) for name in same]
    fixed_values = [f.get_db_prep_save(same[f.name], connection) for f in fixed]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in [*fields, *fixed])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection)}[])" for f in fields)
            consts = "".join(f", CAST(%s AS {f.db_type(connection)})" for f in fixed)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT u.*{consts} FROM unnest({arrays}) AS u",
                           [*fixed_values, *[list(col) for col in zip(*rows, strict=True)]])
        else:
            marks = ", ".join(["%s"] * (len(fields) + len(fixed)))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                               [(*row, *fixed_values) for row in rows])

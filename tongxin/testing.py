"""Helpers the tests share."""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import connection

from tongxin.people import crypto


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Counts the SQL statements run and the personal values decrypted inside the block."""
    seen = {"queries": 0, "decrypted": 0}

    def wrapper(execute, sql, params, many, context):
        seen["queries"] += 1
        return execute(sql, params, many, context)

    real = crypto.decrypt

    def decrypt(token):
        seen["decrypted"] += 1
        return real(token)

    with connection.execute_wrapper(wrapper), mock.patch.object(crypto, "decrypt", decrypt):
        yield seen

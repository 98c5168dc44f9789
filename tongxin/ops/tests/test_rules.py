"""The parts of backup and restore that need no database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongxin.ops import keys
from tongxin.ops.checksums import row_text


def test_a_backup_from_before_a_key_rotation_still_restores_and_one_after_it_needs_the_new_key():
    old = {"field_keys": ["k1"], "field_keys_from": keys.FIELD_KEYS, "hash_key": "h", "hash_key_from": keys.HASH_KEY}
    rotated = {**old, "field_keys": ["k2", "k1"]}
    assert keys.mismatches(old, rotated) == []
    assert [m.which for m in keys.mismatches(rotated, old)] == [keys.FIELD_KEYS]
    assert [m.which for m in keys.mismatches(old, {**old, "hash_key": "x"})] == [keys.HASH_KEY]


def test_key_fingerprints_depend_on_the_key_and_do_not_contain_it():
    a, b = keys.fingerprint(b"key-one" * 4), keys.fingerprint(b"key-two" * 4)
    assert a != b and len(a) == 64 and "key-one" not in a


def test_row_text_tells_apart_values_that_print_alike():
    texts = [row_text(row) for row in [(1,), ("1",), (1.0,), (Decimal("1"),), (True,), (None,), ("None",),
                                       ("a", "b"), ("a,b",), (dt.date(2026, 1, 1),), ("2026-01-01",)]]
    assert len(set(texts)) == len(texts)
    aware = dt.datetime(2026, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert row_text((aware,)) == row_text((dt.datetime(2026, 1, 1, tzinfo=dt.UTC),))


def test_backup_never_overwrites_a_file(tmp_path):
    path = tmp_path / "there.tar"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="文件已存在"):
        call_command("backup", str(path))
    assert path.read_bytes() == b"x"

"""Time the whole import of a county's ledger (issue 8's target: within 3× of calamine's own read of the file).

    python bench/care_import.py [ROWS] [--scale N]

Builds a fresh database (a temporary SQLite file, or with DATABASE_URL a PostgreSQL database whose name contains
"bench"; its public schema is dropped) with the demo county multiplied N times (default 10: 40 schools, 480
classes), writes a ledger of ROWS new children (default 20,000) spread over the county's real classes and villages
with `write_ledger`, then times: calamine's own read of the file; the import by the administrator (read and
validate every row, resolve classes and villages, check scope, write children, families, parents and carers,
open the files, derive every category, audit); and the same file imported again (nothing changes).
"""

import argparse
import datetime as dt
import io
import random
import time

import _django  # noqa: E402, F401  (sets Django up for a bench first: bench/_django.py)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from tongxin.care import services  # noqa: E402
from tongxin.care.choices import Category  # noqa: E402
from tongxin.care.ledger_io import LedgerRow, write_ledger  # noqa: E402
from tongxin.orgs import selectors as orgs  # noqa: E402
from tongxin.orgs.models import User  # noqa: E402
from tongxin.people.validators import id_check_char  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "子涵浩然欣怡宇轩梓萱一诺雨桐思远若曦俊杰嘉怡明轩佳琪晨阳诗涵博文雅静天佑"
CITIES = ["广州", "深圳", "东莞", "杭州", "宁波", "上海", "苏州", "厦门", "佛山", "长沙"]


fresh_database = _django.fresh_database


def ledger(n: int, rng: random.Random, today: dt.date) -> list[LedgerRow]:
    counties = orgs.county_paths(User.objects.get(username="admin"))
    classes = list(orgs.classes_by_label(counties))
    villages = orgs.communities_of(counties)
    rows = []
    for i in range(n):
        school, label = rng.choice(classes)
        village = rng.choice(villages)
        birth = dt.date(2014, 9, 1) + dt.timedelta(days=i // 100)  # (birth date, order code) differs on every row
        male = rng.random() < 0.52
        first17 = f"369998{birth:%Y%m%d}{i % 100:02d}{rng.randrange(1, 10, 2) if male else rng.randrange(0, 10, 2)}"
        surname = rng.choice(SURNAMES)
        both = rng.random() < 0.7
        rows.append(LedgerRow(
            line=0, name=surname + rng.choice(GIVEN) + rng.choice(GIVEN), gender="M" if male else "F",
            id_number=first17 + id_check_char(first17), school=school, school_class=label,
            hukou_address=f"{village[2]}{village[1]}{rng.randrange(1, 12)}组", address=f"{village[2]}{village[1]}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
            category=Category.LEFT_BEHIND if both else Category.VULNERABLE,
            father_name=surname + rng.choice(GIVEN), father_work_city=rng.choice(CITIES),
            father_phone=f"13{rng.randrange(10**9):09d}", mother_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            mother_work_city=rng.choice(CITIES) if both else "", mother_phone=f"15{rng.randrange(10**9):09d}",
            away_since=dt.date(2023, 1 + i % 12, 1), guardian_name=surname + rng.choice(GIVEN) + "（祖）",
            guardian_relation="grandparent", guardian_age=rng.randrange(55, 80), guardian_phone=f"18{rng.randrange(10**9):09d}",
            guardian_health=rng.choice(["良好", "一般", "高血压"]), boarding=rng.random() < 0.1, health="健康", note=""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=20_000)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    fresh_database(args.scale)
    today = timezone.localdate()
    data = write_ledger(ledger(args.rows, random.Random(8), today))
    admin = User.objects.get(username="admin")
    reads = []
    for _ in range(3):
        start = time.perf_counter()
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        reads.append(time.perf_counter() - start)
    read = min(reads)
    start = time.perf_counter()
    first = services.ledger_import(admin, data=data, on=today, source="bench.xlsx")
    took = time.perf_counter() - start
    assert not first.errors, first.errors[:5]
    start = time.perf_counter()
    again = services.ledger_import(admin, data=data, on=today, source="bench.xlsx")
    took_again = time.perf_counter() - start
    print(f"database: {connection.vendor}; {args.rows} rows, file {len(data) / 1e6:.1f} MB")
    print(f"calamine read: {read * 1000:.0f} ms")
    print(f"import (new children): {took * 1000:.0f} ms = {took / read:.1f}x; opened {first.opened}, registered {first.created}")
    print(f"import again (no change): {took_again * 1000:.0f} ms = {took_again / read:.1f}x; changed {again.changed}")


if __name__ == "__main__":
    main()

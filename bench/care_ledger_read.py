"""Time reading a ledger exchange file against calamine's own read of it.

    python bench/care_ledger_read.py [ROWS] [--repeat N]

Writes a realistic ledger of ROWS children (default 20,000: a county's left-behind and vulnerable children over
12 schools) with `write_ledger` to a temporary directory, then times, N times each (default 3; the minimum is
printed, wall-clock and CPU): calamine's own read of the file
(`CalamineWorkbook.from_filelike(...).get_sheet_by_index(0).to_python()`), and `read_ledger` of it (that read plus the validation of every cell, the duplicate check and
the school/class check against the county's classes). Issue 8's target for the whole import is within 3× of
calamine's read; `read_ledger` aims under 2×. No database is used.
"""

import argparse
import datetime as dt
import gc
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from python_calamine import CalamineWorkbook  # noqa: E402

from tongxin.care.choices import Category  # noqa: E402
from tongxin.care.ledger_io import LedgerRow, RowError, read_ledger, write_ledger  # noqa: E402
from tongxin.people.validators import id_check_char  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国春梅林云浩宇轩子涵欣怡梓睿博雨晨"
TOWNS = ["城关镇", "石门乡", "青溪镇", "白沙乡", "河口镇", "龙潭乡"]
CITIES = ["广州", "深圳", "东莞", "杭州", "宁波", "上海", "苏州", "温州", "厦门", "北京", "佛山", "长沙"]
HEALTH = ["良好", "健康", "体弱", "患有哮喘，需定期复查", "近视", ""]
GUARDIAN_HEALTH = ["良好", "一般", "高血压", "腿脚不便", "慢性病，需长期服药", ""]
RELATIONS = ["祖父母/外祖父母", "爷爷", "奶奶", "外婆", "外公", "母亲", "父亲", "其他亲属", "委托监护人"]
RELATION_VALUES = {"祖父母/外祖父母": "grandparent", "爷爷": "grandparent", "奶奶": "grandparent",
                   "外婆": "grandparent", "外公": "grandparent", "母亲": "mother", "父亲": "father",
                   "其他亲属": "relative", "委托监护人": "entrusted"}
NOTES = ["", "", "", "父母离异，随祖父母生活", "性格内向，需多沟通", "成绩中等，喜欢画画", "每月与父母视频一次"]


def name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def id_number(rng: random.Random, birth: dt.date, male: bool, serial: int) -> str:
    sex = rng.randrange(1, 10, 2) if male else rng.randrange(0, 10, 2)
    first17 = f"522623{birth:%Y%m%d}{serial % 100:02d}{sex}"
    return first17 + id_check_char(first17)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def ledger(rows: int, rng: random.Random) -> tuple[list[LedgerRow], dict[tuple[str, str], int]]:
    schools = [f"青溪县{town}{kind}" for town in TOWNS for kind in ("中心小学", "中学")]
    classes: dict[tuple[str, str], int] = {}
    for school in schools:
        for grade in "一二三四五六":
            for class_number in range(1, 5):
                classes[(school, f"{grade}年级（{class_number}）班")] = len(classes) + 1
    keys = list(classes)
    out: list[LedgerRow] = []
    seen: set[str] = set()
    for i in range(rows):
        male = rng.random() < 0.52
        number = ""
        while not number or number in seen:
            birth = dt.date(2011, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
            number = id_number(rng, birth, male, rng.randrange(100))
        seen.add(number)
        surname = rng.choice(SURNAMES)
        school, label = rng.choice(keys)
        town = school[3:6]
        village = f"{town}{rng.choice('东南西北上下')}{rng.choice('坪湾坝村寨')}村"
        category = rng.choices(list(Category), weights=(70, 15, 10, 5))[0]
        father_away = category == Category.LEFT_BEHIND or rng.random() < 0.3
        mother_away = category == Category.LEFT_BEHIND and rng.random() < 0.7
        guardian = rng.random() < 0.9
        relation = rng.choice(RELATIONS) if guardian else ""
        out.append(LedgerRow(
            line=i + 2, name=name(rng, surname), gender="M" if male else "F", id_number=number,
            school=school, school_class=label, hukou_address=f"贵州省青溪县{village}{rng.randrange(1, 99)}组",
            address=f"青溪县{village}{rng.randrange(1, 200)}号" if rng.random() < 0.8 else "",
            category=category, father_name=name(rng, surname),
            father_work_city=rng.choice(CITIES) if father_away else "", father_phone=phone(rng),
            mother_name=name(rng), mother_work_city=rng.choice(CITIES) if mother_away else "",
            mother_phone=phone(rng) if rng.random() < 0.85 else "",
            away_since=dt.date(rng.randrange(2018, 2026), rng.randrange(1, 13), 1) if father_away else None,
            guardian_name=name(rng, surname) if guardian else "", guardian_relation=RELATION_VALUES.get(relation, ""),
            guardian_age=rng.randrange(30, 80) if guardian else None,
            guardian_phone=phone(rng) if guardian and rng.random() < 0.8 else "",
            guardian_health=rng.choice(GUARDIAN_HEALTH) if guardian else "", boarding=rng.random() < 0.3,
            health=rng.choice(HEALTH), note=rng.choice(NOTES),
        ))
    return out, classes


def best[T](repeat: int, fn: Callable[[], T]) -> tuple[float, float, T]:
    """The minimum wall-clock and the minimum CPU time (of this process: steadier on a shared machine) of
    `repeat` runs, and the last result."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(8)
    rows, classes = ledger(args.rows, rng)

    with tempfile.TemporaryDirectory(prefix="care-ledger-") as tmp:
        path = Path(tmp) / "台账.xlsx"
        start = time.perf_counter()
        path.write_bytes(write_ledger(rows))
        written = time.perf_counter() - start
        size = path.stat().st_size
        data = path.read_bytes()

        def calamine() -> list[list[Any]]:
            return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

        def ours() -> tuple[list[LedgerRow], list[RowError]]:
            return read_ledger(data, classes=classes, today=dt.date(2026, 6, 1))

        wall_calamine, cpu_calamine, table = best(args.repeat, calamine)
        wall_ours, cpu_ours, (parsed, errors) = best(args.repeat, ours)

    assert len(table) == args.rows + 1, len(table)
    assert not errors and len(parsed) == args.rows, errors[:5]
    assert [dataclass_tuple(r) for r in parsed] == [dataclass_tuple(r) for r in rows], "round trip differs"
    print(f"ledger of {args.rows:,} rows × 23 columns: {size / 1e6:.1f} MB, written by write_ledger in {written:.2f} s")
    print(f"min of {args.repeat}:                    wall        CPU")
    print(f"  calamine read (to_python)   {wall_calamine:7.3f} s  {cpu_calamine:7.3f} s")
    print(f"  read_ledger (read+validate) {wall_ours:7.3f} s  {cpu_ours:7.3f} s")
    print(f"  ratio                       {wall_ours / wall_calamine:7.2f}×   {cpu_ours / cpu_calamine:7.2f}×")


def dataclass_tuple(row: LedgerRow) -> tuple:
    return tuple(getattr(row, f) for f in LedgerRow.__dataclass_fields__ if f != "line")


if __name__ == "__main__":
    main()

"""Time the custody placement run of one period at county scale.

    python bench/placement.py [APPLICATIONS] [--analyze]

APPLICATIONS (default 556: every pupil of 青溪县实验小学) approved applications to one period of one programme,
with groups of 40 holding seats for about 57 % of them. Past the demo school's pupils, households of one to
three children are added across the county's classes and communities in the demo county's proportions (about
one pupil in twelve entitled to the C-08 fee waiver, so the waivers are written too). Times the run (priority, lottery, siblings, seats, state sync, waivers, audit)
and prints its SQL statements (each with its time with BENCH_TRACE=1).

The database is built fresh: a temporary SQLite file, or with DATABASE_URL a PostgreSQL database whose name
contains "bench" (its public schema is dropped and made anew). On PostgreSQL autovacuum is switched off for the
bench's tables before the bulk load, so the planner has no statistics of the bulk-loaded rows (`--stale`: those
of the demo-sized tables): the run must not depend on fresh statistics. `--analyze` runs ANALYZE before the run,
for comparison only.
"""

import argparse
import contextlib
import datetime as dt
import gc
import os
import random
import time
from collections.abc import Iterator
from decimal import Decimal

import _django  # noqa: E402, F401  (sets Django up for a bench first: bench/_django.py)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongxin.custody import rules, services  # noqa: E402
from tongxin.custody.models import Application, Group, Period, Programme  # noqa: E402
from tongxin.orgs.models import Region, School, SchoolClass, Site, User  # noqa: E402
from tongxin.people.models import Child, Family, pinyin_initials  # noqa: E402
from tongxin.people.selectors import PriorityFacts  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "子涵浩然欣怡宇轩梓萱一诺雨桐思远若曦俊杰嘉怡明轩佳琪晨阳诗涵博文雅静天佑"
BENCH_TABLES = ("custody_application", "custody_application_periods", "custody_placement", "custody_group",
                "custody_feeexemption", "custody_attendance", "custody_alert", "custody_healthcheck",
                "people_child", "people_family", "audit_auditentry")


@contextlib.contextmanager
def counting() -> Iterator[list[int]]:
    """Count the SQL statements run inside (a one-item list, filled as they run)."""
    n = [0]

    trace = os.environ.get("BENCH_TRACE")

    def count(execute, sql, params, many, context):
        n[0] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if trace:
                print(f"  {(time.perf_counter() - started) * 1000:8.1f} ms  {' '.join(sql.split())[:110]}")

    with connection.execute_wrapper(count):
        yield n


def fresh_database() -> None:
    """Migrate an empty database and load the demo county; on PostgreSQL, freeze the planner's statistics."""
    _django.fresh_database()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in BENCH_TABLES:
                cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def stats_note() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
                       [["custody_application", "people_child"]])
        return ", planner's row estimates " + ", ".join(f"{n} {t}" for n, t in cursor.fetchall())


def add_children(n: int, rng: random.Random) -> list[Child]:
    """n more pupils in households of one to three children, spread over the county's classes and communities."""
    classes = list(SchoolClass.objects.filter(grade__year__lte=5).values_list("pk", "school_id", "grade__year"))
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY).values_list("pk", flat=True))
    families, members, total = [], [], 0
    while total < n:  # the demo county's mix: 14 % of households with two children, etc.
        families.append(Family(head_name=rng.choice(SURNAMES) + rng.choice(GIVEN), community_id=rng.choice(communities),
                               low_income=rng.random() < 0.047, extreme_poverty=rng.random() < 0.008,
                               dual_earner=rng.random() < 0.35, migrant_worker=rng.random() < 0.1))
        members.append([rng.choice(classes) for _ in range(rng.choices((1, 2, 3), (85, 14, 1))[0])])
        total += len(members[-1])
    Family.objects.bulk_create(families, batch_size=2000)
    children, serial = [], Child.objects.count()
    for family, classes_of in zip(families, members, strict=True):
        surname = family.head_name[0]
        for class_id, school_id, year in classes_of:
            if len(children) == n:
                break
            serial += 1
            name = surname + rng.choice(GIVEN) + rng.choice(GIVEN)
            child = Child(name=name, initials=pinyin_initials(name), gender=rng.choice("MF"),
                          birth_date=dt.date(2020 - year, 1 + serial % 12, 1 + serial % 28), family=family,
                          school_id=school_id, school_class_id=class_id,
                          care_status=rng.choices(["none", "left_behind", "vulnerable"], (85, 12, 3))[0],
                          id_number=f"369999{2020 - year}{serial % 12 + 1:02d}{serial:06d}"[:18], health_notes="无")
            child.sync_id_columns()
            children.append(child)
    Child.objects.bulk_create(children, batch_size=2000)
    return children


def facts_of(child: Child, family: Family) -> PriorityFacts:
    return PriorityFacts(disabled=child.disability, left_behind=child.care_status == "left_behind",
                         vulnerable=child.care_status == "vulnerable", low_income=family.low_income,
                         extreme_poverty=family.extreme_poverty, military=family.military,
                         migrant_worker=family.migrant_worker, dual_earner=family.dual_earner)


def applications(n: int, seed: int = 7) -> tuple[User, Period]:
    """A programme of 青溪县实验小学 with one period; n approved applications; seats for about 57 % of them."""
    rng = random.Random(seed)
    leader = User.objects.get(username="leader")
    school: School = leader.assignments.get().school
    programme = services.create_programme(leader, name="基准测试托管", school=school, fee_per_day=Decimal("20"),
                                           eligible_grades=[1, 2, 3, 4, 5, 6], status=Programme.Status.OPEN)
    period = services.add_period(leader, programme, name="第一期", start=dt.date(2027, 7, 5), end=dt.date(2027, 7, 16))
    site = Site.objects.filter(school=school).first()
    Group.objects.bulk_create([Group(period=period, site=site, name=f"{i + 1}组", capacity=40)
                               for i in range(max(8, round(n * 0.575 / 40)))])
    pupils = list(Child.objects.filter(school=school).select_related("family").order_by("pk")[:n])
    if len(pupils) < n:
        extra = add_children(n - len(pupils), rng)
        pupils += extra
    now = timezone.now()
    apps = []
    for child in pupils:
        tier, reasons = rules.priority(facts_of(child, child.family))
        apps.append(Application(programme=programme, child=child, applicant=leader, agreement_signed_at=now,
                                commitment_signed_at=now, signature="x", state=Application.State.APPROVED, tier=tier,
                                tier_reasons=reasons))
    Application.objects.bulk_create(apps, batch_size=2000)
    through = Application.periods.through
    through.objects.bulk_create([through(application_id=a.pk, period_id=period.pk) for a in apps], batch_size=5000)
    return leader, period


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("applications", nargs="?", type=int, default=556)
    parser.add_argument("--analyze", action="store_true", help="ANALYZE before the run (for comparison only)")
    parser.add_argument("--stale", action="store_true",
                        help="ANALYZE the demo county before the bulk load: the planner plans with the statistics of "
                             "demo-sized tables (the case that took the old candidate query minutes)")
    args = parser.parse_args()
    fresh_database()
    if args.stale:
        analyze()
    leader, period = applications(args.applications)
    if args.analyze:
        analyze()
    gc.collect()
    gc.freeze()  # the build's objects stay out of the collector's way, as in a server process that did not build them
    with counting() as queries:
        start = time.perf_counter()
        run = services.run_placement(leader, period, seed="bench")
        took = time.perf_counter() - start
    print(f"database: {connection.vendor}{' (analysed)' if args.analyze else stats_note()}"
          f"{' (statistics of the demo county)' if args.stale else ''}")
    print(f"run_placement: {args.applications} applications, {run.placed} placed, {run.waiting} waiting "
          f"in {took * 1000:.0f} ms, {queries[0]} SQL statements")
    start = time.perf_counter()
    again = services.run_placement(leader, period, seed="again")
    print(f"run_placement again (nothing left to place, {again.placed + again.waiting} placed): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

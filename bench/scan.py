"""Time the alert scan of a whole county (every programme running today), as the background task runs it.

    python bench/scan.py [PROGRAMMES] [CHILDREN_EACH]

Default: 40 programmes of 120 placed children each (4,800 children in custody on the day: about ten times the
demo county's summer), spread over the county's schools, each with a leader on duty. On the day, 60 % of the
children have checked in (a third of them already picked up), 10 % are excused and 30 % are missing; every
sixth present child has had the afternoon health check. Scans at 09:30 (missing-child alerts), again at 09:35
(nothing new), and at 17:50 (late pickups and incomplete health checks), printing each scan's time and SQL
statements. The database is built as in `bench/placement.py` (a temporary SQLite file, or DATABASE_URL).
"""

import datetime as dt
import gc
import random
import sys
import time
import zoneinfo
from decimal import Decimal

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from placement import add_children, counting, facts_of, fresh_database  # noqa: I001 - bench/ is on the path first

from tongxin.custody import rules, services  # noqa: E402
from tongxin.custody.models import Application, Attendance, Group, HealthCheck, Placement, Programme, RosterShift  # noqa: E402
from tongxin.custody.services.daily import scan_running_programmes  # noqa: E402
from tongxin.orgs.models import Role, RoleAssignment, School, Site, User  # noqa: E402
from tongxin.people.models import Child  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2027, 3, 15)  # a Monday no demo programme runs on


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=TZ)


def county(programmes: int, each: int, rng: random.Random) -> int:
    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="leader")
    leaders = {a.school_id: a.user for a in RoleAssignment.objects.filter(role=Role.SCHOOL_LEADER).select_related("user")}
    schools = [s for s in School.objects.order_by("pk") if s.pk in leaders]
    needed = programmes * each - Child.objects.count()
    if needed > 0:
        add_children(needed, rng)
    pupils = list(Child.objects.select_related("family").order_by("?")[:programmes * each])
    now = timezone.now()
    for i in range(programmes):
        school = schools[i % len(schools)]
        leader = leaders[school.pk]
        programme = services.create_programme(leader, name=f"县域托管{i + 1}", kind=Programme.Kind.SUMMER, school=school,
                                              fee_per_day=Decimal("20"), status=Programme.Status.OPEN)
        period = services.add_period(leader, programme, name="本期", start=DAY, end=DAY + dt.timedelta(days=11))
        site = Site.objects.filter(school=school).first()
        Group.objects.bulk_create([Group(period=period, site=site, name=f"{g + 1}组", capacity=40)
                                   for g in range((each + 39) // 40)])
        apps = []
        for child in pupils[i * each:(i + 1) * each]:
            tier, reasons = rules.priority(facts_of(child, child.family))
            apps.append(Application(programme=programme, child=child, applicant=leader, agreement_signed_at=now,
                                    commitment_signed_at=now, signature="x", state=Application.State.APPROVED,
                                    tier=tier, tier_reasons=reasons))
        Application.objects.bulk_create(apps)
        Application.periods.through.objects.bulk_create(
            [Application.periods.through(application_id=a.pk, period_id=period.pk) for a in apps])
        services.run_placement(leader, period, seed=f"县域{i}")
        RosterShift.objects.create(programme=programme, staff=leader, date=DAY, duty=RosterShift.Duty.LEADER,
                                   rostered_by=admin)
    placed = list(Placement.objects.filter(period__start=DAY, state="placed").values_list("pk", flat=True))
    days, checks = [], []
    for pid in placed:
        roll = rng.random()
        if roll < 0.6:
            days.append(Attendance(placement_id=pid, date=DAY, check_in_at=at(8, rng.randint(20, 59)),
                                   check_out_at=at(17, rng.randint(0, 20)) if rng.random() < 0.33 else None))
            if rng.random() < 1 / 6:
                checks.append(HealthCheck(placement_id=pid, date=DAY, slot="afternoon", temperature=Decimal("36.6")))
        elif roll < 0.7:
            days.append(Attendance(placement_id=pid, date=DAY, absence_reason="病假"))
    Attendance.objects.bulk_create(days, batch_size=2000)
    HealthCheck.objects.bulk_create(checks, batch_size=2000)
    return len(placed)


def scan(label: str, moment: dt.datetime) -> None:
    with counting() as queries:
        start = time.perf_counter()
        raised = scan_running_programmes(now=moment)
        took = time.perf_counter() - start
    kinds = {}
    for a in raised:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    print(f"{label}: {len(raised)} alerts {kinds} in {took * 1000:.0f} ms, {queries[0]} SQL statements")


def main() -> None:
    programmes = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    each = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    fresh_database()
    children = county(programmes, each, random.Random(11))
    gc.collect()
    gc.freeze()  # the build's objects stay out of the collector's way, as in the worker that runs the task
    print(f"database: {connection.vendor}; {programmes} programmes running on {DAY}, {children} children placed")
    scan("scan 09:30", at(9, 30))
    scan("scan 09:35 (nothing new)", at(9, 35))
    scan("scan 17:50", at(17, 50))
    # The scan of one programme (what the duty page used to run on every GET) for comparison.
    one = Programme.objects.filter(name="县域托管1").get()
    start = time.perf_counter()
    services.scan_alerts(one, now=at(17, 55))
    print(f"scan of one programme (nothing new): {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""The summary pages read their figures in a fixed number of queries whatever the data size and however many
programmes, schools and townships there are; the figures are those of one programme read alone."""

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongxin.custody.models import (
    Application,
    Attendance,
    Evaluation,
    FeeExemption,
    Group,
    Incident,
    Period,
    Placement,
    PriorityTier,
    Programme,
    RosterShift,
)
from tongxin.orgs.models import CalendarDay, School, Site
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db
SUMMER = "青溪县实验小学2026年暑期托管"
TZ = timezone.get_fixed_timezone(8 * 60)


def _grow(user, programmes: int = 3, periods: int = 2, seed: int = 7) -> list[Programme]:
    """More of the county: finished summer programmes in the schools that run none yet (in several townships),
    with periods, groups, applications in every state and tier, placements, attendance, duty, fees, incidents
    and evaluations, written in bulk."""
    rng = random.Random(seed)
    busy = Programme.objects.filter(school__isnull=False).values("school")
    schools = list(School.objects.exclude(pk__in=busy).filter(pupils__isnull=False).distinct().order_by("code"))
    assert len({s.region_id for s in schools}) > 1, "the schools without a programme lie in one township"
    CalendarDay.objects.get_or_create(date=dt.date(2026, 7, 22), defaults={"workday": False, "name": "测试假日"})
    made = []
    for n in range(programmes):
        school = schools[n % len(schools)]
        site = Site.objects.filter(school=school).first() or Site.objects.first()
        programme = Programme.objects.create(name=f"{school.name}测试托管{n + 1}", school=school, status=Programme.Status.FINISHED,
                                             eligible_grades=[1, 2, 3, 4, 5], fee_per_day=Decimal("18.50"),
                                             lunch_price=Decimal("11.00"))
        made.append(programme)
        spans = [(dt.date(2026, 7, 6) + dt.timedelta(weeks=2 * i), dt.date(2026, 7, 17) + dt.timedelta(weeks=2 * i))
                 for i in range(periods)]
        ps = [Period.objects.create(programme=programme, name=f"第{i + 1}期", start=s, end=e) for i, (s, e) in enumerate(spans)]
        groups = {p.pk: [Group.objects.create(period=p, site=site, name=f"{n}组", capacity=40) for n in "一二"] for p in ps}
        children = list(Child.objects.filter(school=school).values_list("pk", flat=True)[:120])
        now = timezone.now()
        apps = []
        for child in children:
            state = rng.choice([Application.State.PLACED] * 5 + [Application.State.WAITING, Application.State.REJECTED,
                                                                Application.State.SUBMITTED, Application.State.WITHDRAWN])
            tier = rng.choice(list(PriorityTier))
            reasons = rng.choice([["留守儿童"], ["困境儿童", "低保家庭"], ["残疾儿童"]]) if tier == PriorityTier.SPECIAL else []
            apps.append(Application(programme=programme, child_id=child, applicant=user, lunch=rng.random() < 0.6,
                                    agreement_signed_at=now, commitment_signed_at=now, signature="家长", state=state,
                                    tier=tier, tier_reasons=reasons))
        # A few children applied twice: the first withdrawn, the latest counts.
        for child in children[:5]:
            apps.insert(0, Application(programme=programme, child_id=child, applicant=user, agreement_signed_at=now,
                                       commitment_signed_at=now, signature="家长", state=Application.State.WITHDRAWN))
        Application.objects.bulk_create(apps)
        apps = list(Application.objects.filter(programme=programme).order_by("pk"))
        placements = []
        for a in apps:
            for p in ps:
                if a.state == Application.State.PLACED and rng.random() < 0.8:
                    placements.append(Placement(application=a, child_id=a.child_id, period=p, group=rng.choice(groups[p.pk]),
                                                state=Placement.State.PLACED))
                elif a.state in (Application.State.PLACED, Application.State.WAITING):
                    placements.append(Placement(application=a, child_id=a.child_id, period=p, state=Placement.State.WAITING))
        Placement.objects.bulk_create(placements)
        placed = list(Placement.objects.filter(period__programme=programme, state=Placement.State.PLACED)
                      .select_related("period").only("pk", "period__start", "period__end", "application_id"))
        rows, evaluations, incidents = [], [], []
        for pl in placed:
            day = pl.period.start
            while day <= pl.period.end:
                if day.weekday() < 5 and day != dt.date(2026, 7, 22):
                    if rng.random() < 0.9:
                        rows.append(Attendance(placement=pl, date=day, check_in_at=dt.datetime(day.year, day.month, day.day, 8, 20, tzinfo=TZ)))
                    else:
                        rows.append(Attendance(placement=pl, date=day, absence_reason=rng.choice(["", "病假", "事假"])))
                day += dt.timedelta(days=1)
            if rng.random() < 0.5:
                evaluations.append(Evaluation(placement=pl, safety=rng.randint(3, 5), homework=rng.randint(2, 5),
                                              activities=rng.randint(3, 5), staff=rng.randint(4, 5), overall=rng.randint(3, 5),
                                              comment=rng.choice(["", "", "很好", "希望多些活动"]), submitted_by=user))
            if rng.random() < 0.05:
                incidents.append(Incident(placement=pl, occurred_at=now, kind=rng.choice(list(Incident.Kind)),
                                          description="测试", guardian_informed_at=now, state=Incident.State.CLOSED))
        Attendance.objects.bulk_create(rows)
        Evaluation.objects.bulk_create(evaluations)
        Incident.objects.bulk_create(incidents)
        placed_apps = sorted({pl.application_id for pl in placed})
        FeeExemption.objects.bulk_create(
            [FeeExemption(application_id=a, percent=p, reason="困难", state=s, basis=b) for a, (p, s, b) in zip(placed_apps, [
                (50, FeeExemption.State.APPROVED, FeeExemption.Basis.REQUEST),
                (100, FeeExemption.State.APPROVED, FeeExemption.Basis.ENTITLEMENT),
                (33, FeeExemption.State.APPROVED, FeeExemption.Basis.REQUEST),
                (30, FeeExemption.State.REQUESTED, FeeExemption.Basis.REQUEST),
                (20, FeeExemption.State.REFUSED, FeeExemption.Basis.REQUEST),
            ], strict=False)])
        staff = [user]
        shifts = []
        for p, who in itertools.product(ps, staff):
            day = p.start
            while day <= p.end:
                if day.weekday() < 5:
                    signed = rng.random() < 0.8
                    shifts.append(RosterShift(programme=programme, date=day, staff=who, duty=RosterShift.Duty.LEADER,
                                              signed_in_at=dt.datetime(day.year, day.month, day.day, 8, 10, tzinfo=TZ) if signed else None,
                                              signed_out_at=dt.datetime(day.year, day.month, day.day, 16, 47, tzinfo=TZ) if signed else None))
                day += dt.timedelta(days=1)
        RosterShift.objects.bulk_create(shifts)
    return made


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_measure(login, demo_user):
    import time
    summer = Programme.objects.get(name=SUMMER)
    client = login("county_edu")
    for label in ("demo", "grown"):
        for url in (f"/custody/p/{summer.pk}/report/", "/custody/county/", "/custody/county.xlsx",
                    f"/custody/p/{summer.pk}/report.xlsx"):
            t = time.perf_counter()
            n = _count(client, url)
            print(label, url, n, f"{(time.perf_counter() - t) * 1000:.0f} ms")
        if label == "demo":
            _grow(demo_user("leader"), programmes=6)
            print(Programme.objects.count(), "programmes", Attendance.objects.count(), "attendance")

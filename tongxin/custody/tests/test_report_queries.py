"""The summary pages read their figures in a fixed number of queries whatever the data size and however many
programmes, schools and townships there are; the figures are those of one programme read alone."""

import datetime as dt
import itertools
import random
import re
from collections import Counter
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tongxin.custody import selectors
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
from tongxin.custody.selectors.reports import _OUTCOME_OF, _TIER_SHORT, OUTCOMES
from tongxin.custody.views.reports import PAGE_SIZE
from tongxin.orgs.models import CalendarDay, School, Site
from tongxin.orgs.services import issue_api_token
from tongxin.people import crypto
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db
SUMMER = "青溪县实验小学2026年暑期托管"
TZ = timezone.get_fixed_timezone(8 * 60)


def _grow(user, programmes: int = 3, periods: int = 2, seed: int = 7) -> list[Programme]:
    """More of the county: finished summer programmes in the schools that run none yet (in several townships),
    with periods, groups, applications in every state and tier, placements, attendance, duty, fees, incidents
    and evaluations, written in bulk."""
    rng = random.Random(seed)
    busy = Programme.objects.filter(school__isnull=False).exclude(name__contains="测试托管").values("school")
    schools = list(School.objects.exclude(pk__in=busy).filter(pupils__isnull=False).distinct().order_by("code"))
    assert len({s.region_id for s in schools}) > 1, "the schools without a programme lie in one township"
    CalendarDay.objects.get_or_create(date=dt.date(2026, 7, 22), defaults={"workday": False, "name": "测试假日"})
    made = []
    for n in range(programmes):
        school = schools[n % len(schools)]
        site = Site.objects.filter(school=school).first() or Site.objects.first()
        programme = Programme.objects.create(name=f"{school.name}测试托管{seed}-{n + 1}", school=school, status=Programme.Status.FINISHED,
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


def _old_summary(programme: Programme, upto: dt.date) -> dict:
    """The figures as `programme_summary` read them before it was batched: one programme, query by query."""
    latest: dict[int, tuple[str, int, list]] = {}
    for child_id, state, tier, reasons in (Application.objects.filter(programme=programme).order_by("created_at", "pk")
                                           .values_list("child_id", "state", "tier", "tier_reasons")):
        latest[child_id] = (state, tier, reasons)
    outcomes = Counter(_OUTCOME_OF[state] for state, _, _ in latest.values())
    tiers = []
    for tier in PriorityTier:
        of_tier = Counter(_OUTCOME_OF[state] for state, t, _ in latest.values() if t == tier)
        tiers.append({"tier": tier.label, "short": _TIER_SHORT[tier], "applied": sum(of_tier.values()),
                      **{key: of_tier[key] for key, _, _ in OUTCOMES}})
    reasons = Counter(r for _, t, rs in latest.values() if t == PriorityTier.SPECIAL for r in rs)
    placements = Placement.objects.filter(period__programme=programme)
    periods, expected = [], 0
    for period in programme.periods.prefetch_related("groups"):
        days = selectors.period_days(period)
        counts = dict(placements.filter(period=period).values_list("state").annotate(n=Count("id")))
        placed = counts.get(Placement.State.PLACED, 0)
        expected += sum(1 for d in days if d <= upto) * placed
        periods.append({"period": period, "days": len(days),
                        "groups": [{"name": g.name, "capacity": g.capacity, "placed": g.seats_taken} for g in period.groups.all()],
                        "placed": placed, "waiting": counts.get(Placement.State.WAITING, 0)})
    day_rows = Attendance.objects.filter(placement__period__programme=programme, placement__state=Placement.State.PLACED,
                                         date__lte=upto)
    work = selectors.workload(programme)
    _, fees = selectors._bills(programme, Application.objects.filter(programme=programme),
                               {p["period"].pk: p["days"] for p in periods})
    return {
        "applicants": len(latest), "outcomes": {key: outcomes[key] for key, _, _ in OUTCOMES}, "by_tier": tiers,
        "tier_reasons": dict(reasons), "expected": expected, "periods": periods,
        "attended": day_rows.filter(check_in_at__isnull=False).count(),
        "absent_days": day_rows.filter(check_in_at__isnull=True).exclude(absence_reason="").count(),
        "staff_hours": sum((w["hours"] for w in work), Decimal("0")), "staff_people": len(work),
        "fees": {k: str(v) for k, v in fees.items()},
        "incidents": dict(Incident.objects.filter(placement__period__programme=programme).values_list("kind").annotate(n=Count("id"))),
        "satisfaction": selectors.satisfaction(programme),
    }


def _figures(s) -> dict:
    return {
        "applicants": s.applicants, "outcomes": s.outcomes, "by_tier": s.by_tier,
        "tier_reasons": dict(getattr(s, "tier_reasons", {})), "expected": s.expected, "periods": getattr(s, "periods", []), "attended": s.attended, "absent_days": s.absent_days,
        "staff_hours": s.staff_hours, "staff_people": s.staff_people, "fees": {k: str(v) for k, v in s.fees.items()},
        "incidents": s.incidents, "satisfaction": s.satisfaction,
    }


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def decrypted(monkeypatch):
    """How many personal fields were decrypted since the test began."""
    calls = Counter()
    real = crypto.decrypt

    def counting(token):
        calls["n"] += 1
        return real(token)

    monkeypatch.setattr(crypto, "decrypt", counting)
    return calls


def test_the_figures_of_one_programme_are_those_read_the_old_way(demo_user):
    grown = _grow(demo_user("leader"), programmes=3)
    programmes = [*Programme.objects.exclude(pk__in=[p.pk for p in grown]), random.Random(11).choice(grown)]
    for programme in programmes:
        for upto in (dt.date(2026, 7, 15), dt.date(2026, 9, 1), timezone.localdate() - dt.timedelta(days=1)):
            assert _figures(selectors.programme_summary(programme, upto=upto)) == _old_summary(programme, upto), programme


def test_the_area_rows_carry_each_programmes_own_figures(demo_user):
    _grow(demo_user("leader"), programmes=3)
    programmes = list(Programme.objects.order_by("pk"))
    for f in selectors.programme_figures(programmes, upto=dt.date(2026, 9, 1)):
        s = selectors.programme_summary(f.programme, upto=dt.date(2026, 9, 1))
        assert _figures(f) == {**_figures(s), "tier_reasons": {}, "periods": [], "satisfaction": {"overall": s.satisfaction["overall"]}}


def test_programme_summary_page_reads_as_many_queries_whatever_the_data_size(login, demo_user, decrypted):
    summer = Programme.objects.get(name=SUMMER)
    client = login("county_edu")
    before = _queries(client, f"/custody/p/{summer.pk}/report/")
    export_before = _queries(client, f"/custody/p/{summer.pk}/report.xlsx")
    grown = _grow(demo_user("leader"), programmes=4, periods=3)
    assert _queries(client, f"/custody/p/{summer.pk}/report/") == before
    assert _queries(client, f"/custody/p/{grown[0].pk}/report/") == before
    assert _queries(client, f"/custody/p/{grown[0].pk}/report.xlsx") == export_before
    assert decrypted["n"] == 0


def test_summary_api_reads_as_many_queries_whatever_the_data_size(demo_user, decrypted):
    _, key = issue_api_token(demo_user("county_edu"), "t")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    summer = Programme.objects.get(name=SUMMER)
    api.get("/api/custody/programmes")  # the token's first use writes its time
    before = _queries(api, f"/api/custody/programmes/{summer.pk}/summary")
    grown = _grow(demo_user("leader"), programmes=4, periods=3)
    assert _queries(api, f"/api/custody/programmes/{grown[-1].pk}/summary") == before
    assert decrypted["n"] == 0


def test_county_page_and_export_read_at_most_16_queries_whatever_the_number_of_programmes(login, demo_user, decrypted):
    client = login("county_edu")
    page, export = _queries(client, "/custody/county/"), _queries(client, "/custody/county.xlsx")
    assert page <= 16  # 15 for the page, one for the top bar's unread messages
    _grow(demo_user("leader"), programmes=8, periods=3)
    assert _queries(client, "/custody/county/") == page
    assert _queries(client, "/custody/county.xlsx") == export
    assert len(selectors.area_overview(demo_user("county_edu")).townships) > 2  # several townships and schools
    # The same page for a township; its top bar also counts the mandatory reports waiting for its acknowledgement.
    assert _queries(login("township"), "/custody/county/") == page + 1
    assert decrypted["n"] == 0


def _cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="list" id="{table}">(.*?)</table>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)][1:]


def test_county_page_shows_totals_that_add_up_by_township_and_pages_the_programmes(login, demo_user):
    user = demo_user("leader")
    _grow(user, programmes=3)
    leader = demo_user("leader")
    Programme.objects.bulk_create([Programme(name=f"空项目{n}", school_id=Programme.objects.get(name=SUMMER).school_id,
                                             created_by=leader) for n in range(PAGE_SIZE)])
    client = login("county_edu")
    html = client.get("/custody/county/").text
    o = selectors.area_overview(demo_user("county_edu"))
    assert o.total.programmes == Programme.objects.count() == len(o.rows) > PAGE_SIZE
    for key in ("programmes", "applicants", "placed", "waiting", "attended", "expected", "incidents", "evaluations"):
        assert getattr(o.total, key) == sum(getattr(t, key) for t in o.townships)
    assert o.total.fee_total == sum(t.fee_total for t in o.townships) == sum(f.fees["total"] for _, f in o.rows)
    assert o.total.applicants == sum(f.applicants for _, f in o.rows)
    townships = _cells(html, "townships")
    assert [r[0] for r in townships[:-1]] == [t.label for t in o.townships] and townships[-1][0] == "合计"
    assert townships[-1][2] == str(o.total.applicants) == str(sum(int(r[2]) for r in townships[:-1]))
    assert len(_cells(html, "county")) == PAGE_SIZE and "第 1 / 2 页" in html
    assert html.index('id="totals"') < html.index('id="townships"') < html.index('id="county"')
    second = client.get("/custody/county/?page=2").text
    assert len(_cells(second, "county")) == len(o.rows) - PAGE_SIZE


def test_county_export_lists_every_programme_with_the_total_and_the_townships(login, demo_user):
    _grow(demo_user("leader"), programmes=3)
    wb = load_workbook(BytesIO(login("county_edu").get("/custody/county.xlsx").content))
    rows = list(wb["托管汇总"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == Programme.objects.count() + 1 and rows[-1][0] == "合计"
    assert rows[-1][5] == sum(r[5] for r in rows[:-1])  # applicants
    towns = list(wb["分乡镇"].iter_rows(min_row=4, values_only=True))
    assert towns[-1][0] == "合计" and towns[-1][1] == Programme.objects.count() == sum(r[1] for r in towns[:-1])
    assert towns[-1][2] == rows[-1][5]

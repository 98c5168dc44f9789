"""Placement and the alert scan at county scale: their SQL does not grow with the data, they never decrypt a
child's personal fields, and their results are those of the rules."""

import datetime as dt
import io
import random
import threading
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.custody import rules, services
from tongxin.custody.models import (
    Alert,
    Application,
    Attendance,
    FeeExemption,
    Group,
    HealthCheck,
    Placement,
    Programme,
    RosterShift,
)
from tongxin.custody.services.daily import scan_running_programmes
from tongxin.orgs.models import Site
from tongxin.people import crypto
from tongxin.people.models import Child
from tongxin.people.selectors import priority_facts

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2027, 3, 15)  # a Monday no demo programme runs on


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=TZ)


def county_children(n: int) -> list[Child]:
    """n pupils of the county in whole households, hard-up ones (C-08 waivers) and siblings among them."""
    chosen: list[Child] = []
    seen: set[int] = set()
    entitled = Child.objects.filter(family__low_income=True, school__isnull=False).order_by("pk")[:3]
    pairs = Child.objects.values("family").annotate(n=Count("pk")).filter(n=2).values("family")
    siblings = Child.objects.filter(family__in=pairs, school__isnull=False).order_by("family_id", "pk")[:4]
    for child in [*entitled, *siblings, *Child.objects.filter(school__isnull=False).order_by("pk")]:
        if child.pk not in seen and len(chosen) < n:
            chosen.append(child)
            seen.add(child.pk)
    return chosen


def enrol(leader, school, name: str, children: list[Child], *, start: dt.date = DAY, seats: int | None = None):
    """A programme with one period, groups holding about half the applicants, and their approved applications."""
    programme = services.create_programme(leader, name=name, kind=Programme.Kind.SUMMER, school=school,
                                          fee_per_day=Decimal("20"), status=Programme.Status.OPEN)
    period = services.add_period(leader, programme, name="第一期", start=start, end=start + dt.timedelta(days=11))
    site = Site.objects.filter(school=school).first()
    seats = len(children) // 2 if seats is None else seats
    Group.objects.bulk_create([Group(period=period, site=site, name=f"{i + 1}组", capacity=min(40, seats - 40 * i))
                               for i in range((seats + 39) // 40)])
    now = timezone.now()
    apps = []
    for child in children:
        tier, reasons = rules.priority(priority_facts(child))
        apps.append(Application(programme=programme, child=child, applicant=leader, agreement_signed_at=now,
                                commitment_signed_at=now, signature="x", state=Application.State.APPROVED, tier=tier,
                                tier_reasons=reasons))
    Application.objects.bulk_create(apps)
    Application.periods.through.objects.bulk_create(
        [Application.periods.through(application_id=a.pk, period_id=period.pk) for a in apps])
    return period


def scanning_assign_seats(ordered, free):
    """The first version of `rules.assign_seats` (every group scanned for every unit), kept as the reference."""
    placed, waiting = {}, []
    for unit in ordered:
        size = len(unit.members)
        target = next((gid for gid, seats in free.items() if seats >= size), None)
        if target is None:
            waiting.append(unit)
            continue
        free[target] -= size
        placed[unit.key] = target
    return placed, waiting


@pytest.fixture
def decrypts():
    with mock.patch("tongxin.people.crypto.decrypt", wraps=crypto.decrypt) as spy:
        yield spy


# ------------------------------------------------------------------ the rules


def test_first_fit_cursors_assign_exactly_as_scanning_every_group():
    rng = random.Random(20270315)
    for case in range(300):
        units = [rules.Unit(f"family:{i}", rng.randint(1, 3), tuple(range(10 * i, 10 * i + rng.choice((1, 1, 1, 2, 2, 3, 5)))))
                 for i in range(rng.randint(0, 120))]
        free = {100 + g: rng.randint(0, 12) for g in range(rng.randint(0, 15))}
        ordered = rules.draw_order(units, f"seed-{case}")
        new_free, old_free = dict(free), dict(free)
        assert rules.assign_seats(ordered, new_free) == scanning_assign_seats(ordered, old_free)
        assert new_free == old_free


# ------------------------------------------------------------------ placement


def test_placement_runs_the_same_statements_for_40_and_200_applications(leader, school):
    counts = []
    for n in (40, 200):
        period = enrol(leader, school, f"规模测试{n}", county_children(n))
        with CaptureQueriesContext(connection) as queries:
            run = services.run_placement(leader, period, seed=f"size-{n}")
        assert run.placed + run.waiting == n and 0 < run.placed <= n // 2 <= run.waiting
        assert FeeExemption.objects.filter(application__programme=period.programme).exists()  # waivers written
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_placement_decrypts_no_child_and_places_as_the_published_rules_say(leader, school, decrypts):
    children = county_children(200)
    period = enrol(leader, school, "规则核对", children)
    groups = list(Group.objects.filter(period=period).order_by("name", "pk"))
    apps = list(Application.objects.filter(programme=period.programme).select_related("child"))
    by_family = defaultdict(list)
    for a in apps:
        by_family[a.child.family_id].append(a)
    units = [rules.Unit(f"family:{f}", min(a.tier for a in m), tuple(sorted(a.pk for a in m))) for f, m in by_family.items()]
    ordered = rules.draw_order(units, "核对")
    placed, _ = scanning_assign_seats(ordered, {g.pk: g.seats_free for g in groups})
    expected = {app_id: (placed.get(u.key), rules.lottery_key("核对", u.key)) for u in ordered for app_id in u.members}
    decrypts.reset_mock()

    run = services.run_placement(leader, period, seed="核对")

    assert decrypts.call_count == 0
    rows = Placement.objects.filter(period=period).values_list("application_id", "group_id", "state", "lottery_key", "run_id")
    assert {a: (g, k) for a, g, _, k, _ in rows} == expected
    assert all(s == ("placed" if g else "waiting") and r == run.pk for _, g, s, _, r in rows)
    assert len({q for q in Placement.objects.filter(period=period).values_list("qr_token", flat=True)}) == len(apps)
    for g in Group.objects.filter(period=period):
        assert g.seats_taken == g.placements.filter(state="placed").count() <= g.capacity
    states = dict(Application.objects.filter(programme=period.programme).values_list("pk", "state"))
    assert all(states[a] == ("placed" if g else "waiting") for a, (g, _) in expected.items())
    # Siblings share a group (or wait together).
    for members in by_family.values():
        assert len({expected[a.pk][0] for a in members}) == 1
    # One audit entry for the run, and one per fee waiver against the child.
    assert AuditEntry.objects.filter(target_type="custody.PlacementRun", target_id=str(run.pk)).count() == 1
    waived = FeeExemption.objects.filter(application__programme=period.programme).select_related("application")
    assert waived and all(w.percent == 100 and w.basis == "entitlement" for w in waived)
    entries = AuditEntry.objects.filter(target_type="custody.FeeExemption", target_id__in=[str(w.pk) for w in waived])
    assert sorted(e.child_id for e in entries) == sorted(w.application.child_id for w in waived)
    assert {e.target_repr for e in entries} == {str(w) for w in waived}


def test_waivers_in_bulk_replace_a_pending_request_and_skip_one_already_waived(leader, school, teacher_of):
    poor = list(Child.objects.filter(family__low_income=True, school=school).order_by("pk")[:3])
    period = enrol(leader, school, "减免核对", poor, seats=3)
    apps = {a.child_id: a for a in Application.objects.filter(programme=period.programme)}
    Application.objects.filter(programme=period.programme).update(state=Application.State.PLACED)
    pending = FeeExemption.objects.create(application=apps[poor[0].pk], percent=30, reason="家里困难",
                                          state=FeeExemption.State.REQUESTED)
    first = services.waive_as_of_right(application_ids=[a.pk for a in apps.values()])
    assert len(first) == 3
    pending.refresh_from_db()
    assert (pending.percent, pending.state, pending.basis) == (100, "approved", "entitlement")
    assert pending.reason.startswith("依规全免：低保家庭")
    assert AuditEntry.objects.filter(target_type="custody.FeeExemption", action="update", target_id=str(pending.pk)).exists()
    assert services.waive_as_of_right(application_ids=[a.pk for a in apps.values()]) == []  # idempotent


def test_a_run_of_one_period_counts_a_seat_in_another_period_as_placed(leader, school):
    children = county_children(6)
    first = enrol(leader, school, "两期", children, seats=6)
    services.run_placement(leader, first, seed="一")
    second = services.add_period(leader, first.programme, name="第二期", start=DAY + dt.timedelta(days=14),
                                 end=DAY + dt.timedelta(days=18))
    Group.objects.create(period=second, site=Site.objects.filter(school=school).first(), name="1组", capacity=2)
    for app in Application.objects.filter(programme=first.programme):
        app.periods.add(second)
    run = services.run_placement(leader, second, seed="二")
    assert (run.placed, run.waiting) == (2, 4)
    assert set(Application.objects.filter(programme=first.programme).values_list("state", flat=True)) == {"placed"}


# ------------------------------------------------------------------ the alert scan


def running(leader, school, name: str, n: int):
    """A programme running on DAY with n children placed, a leader on duty, a third of them checked in."""
    period = enrol(leader, school, name, county_children(n), seats=n)
    services.run_placement(leader, period, seed=name)
    RosterShift.objects.create(programme=period.programme, staff=leader, date=DAY, duty=RosterShift.Duty.LEADER)
    placed = list(Placement.objects.filter(period=period, state="placed").order_by("pk"))
    Attendance.objects.bulk_create([Attendance(placement=p, date=DAY, check_in_at=at(8, 10)) for p in placed[::3]])
    HealthCheck.objects.bulk_create([HealthCheck(placement=p, date=DAY, slot="afternoon", temperature=Decimal("36.6"))
                                     for p in placed[::6]])
    Attendance.objects.bulk_create([Attendance(placement=p, date=DAY, absence_reason="病假") for p in placed[1::3]])
    return period


def test_the_county_scan_runs_the_same_statements_for_one_small_and_three_larger_programmes(leader, school):
    small = running(leader, school, "一个项目", 12)
    counts = {}
    for moment in (at(9, 30), at(17, 50)):
        with CaptureQueriesContext(connection) as queries:
            services.scan_alerts(small.programme, now=moment)
        counts[("one", moment)] = len(queries)
    Alert.objects.all().delete()
    running(leader, school, "二号项目", 40)
    running(leader, school, "三号项目", 60)
    for moment in (at(9, 30), at(17, 50)):
        with CaptureQueriesContext(connection) as queries:
            raised = scan_running_programmes(now=moment)
        assert raised
        counts[("county", moment)] = len(queries)
    assert counts[("one", at(9, 30))] == counts[("county", at(9, 30))]
    assert counts[("one", at(17, 50))] == counts[("county", at(17, 50))]


def test_the_scan_decrypts_no_child_and_raises_each_alert_once(leader, school, decrypts):
    period = running(leader, school, "预警核对", 30)
    placed = list(Placement.objects.filter(period=period, state="placed").order_by("pk").select_related("child"))
    decrypts.reset_mock()

    morning = scan_running_programmes(now=at(9, 30))
    evening = scan_running_programmes(now=at(17, 50))

    assert decrypts.call_count == 0
    absent = {p.pk for p in placed[2::3]}  # neither checked in nor excused
    present = placed[::3]
    assert {a.placement_id for a in morning} == absent and {a.kind for a in morning} == {"missing"}
    assert all(a.notify_id == leader.pk and a.message.startswith(placed[[p.pk for p in placed].index(a.placement_id)]
                                                                  .child.name) for a in morning)
    late = {a.placement_id for a in evening if a.kind == "late_pickup"}
    checks = {a.placement_id: a.message for a in evening if a.kind == "checks_missing"}
    assert late == {p.pk for p in present} == set(checks)
    assert "缺晨检、午检" in checks[placed[0].pk]  # the afternoon check was done
    assert scan_running_programmes(now=at(17, 55)) == []  # once per child, day and kind
    entries = AuditEntry.objects.filter(target_type="custody.Alert", action="create")
    assert entries.count() == Alert.objects.count() == len(morning) + len(evening)


def test_a_second_scan_with_the_same_alerts_pending_falls_back_without_failing(leader, school):
    period = running(leader, school, "并发预警", 9)
    first = Placement.objects.filter(period=period, state="placed").order_by("pk")[2]
    Alert.objects.create(programme=period.programme, placement=first, date=DAY, kind="missing", message="另一次检查发出")
    real_filter = Alert.objects.filter

    def read_before_the_other_scan(*args, **kwargs):  # this scan read the day's alerts before the other one wrote
        found = real_filter(*args, **kwargs)
        return found.none() if "programme_id__in" in kwargs else found

    with mock.patch.object(Alert.objects, "filter", side_effect=read_before_the_other_scan):
        raised = scan_running_programmes(now=at(9, 30))
    assert first.pk not in {a.placement_id for a in raised} and len(raised) == 2
    assert Alert.objects.filter(kind="missing", date=DAY).count() == 3


# ------------------------------------------------------------------ the scan loop


def test_the_scan_command_loops_until_asked_to_stop(leader, school):
    running(leader, school, "常驻检查", 6)
    rounds = []

    def one_round_then_stop(event, timeout=None):
        rounds.append(timeout)
        event.set()  # what SIGTERM or Ctrl+C does
        return True

    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=at(9, 30)), \
            mock.patch.object(threading.Event, "wait", one_round_then_stop):
        call_command("custody_scan", every=60, stdout=out)
    assert rounds == [60]
    assert "新发出预警 2 条" in out.getvalue() and "已停止" in out.getvalue()
    with pytest.raises(CommandError, match="至少为 10 秒"):
        call_command("custody_scan", every=1)


def test_qr_tokens_made_in_bulk_are_distinct_and_shaped_like_one_made_alone():
    from tongxin.custody.models import new_qr_token, new_qr_tokens

    tokens = new_qr_tokens(1000)
    assert len(set(tokens)) == 1000
    assert {len(t) for t in tokens} == {len(new_qr_token())} == {22}
    assert all(set(t) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for t in tokens)

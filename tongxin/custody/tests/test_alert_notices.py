"""Custody's alerts reach people outside the page: a missing child and a late pick-up go to the leader on duty
(inbox, and SMS whatever they chose) and the child's guardians (SMS), once each however often the scan runs."""

import datetime as dt
import zoneinfo

import pytest

from tongxin.custody import services
from tongxin.custody.models import Alert, Placement, RosterShift
from tongxin.notifications import rules
from tongxin.notifications import selectors as notice_selectors
from tongxin.notifications.models import Notice, OutboundMessage
from tongxin.people.selectors import guardians_to_notify

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def sms_on(monkeypatch):
    monkeypatch.setattr(notice_selectors, "enabled_channels", lambda: frozenset({rules.SMS, rules.WECHAT}))


@pytest.fixture
def running(leader, period, group_factory, pupils, approved, demo_user):
    group_factory()
    approved(pupils(4, only_children=True))
    services.run_placement(leader, period, seed="n")
    duty = demo_user("t221")
    services.add_shift(leader, period.programme, staff=leader, date=dt.date(2027, 1, 18), duty=RosterShift.Duty.LEADER)
    shift = services.add_shift(leader, period.programme, staff=duty, date=dt.date(2027, 1, 18),
                               duty=RosterShift.Duty.TEACHER)
    services.answer_shift(duty, shift, accept=True)
    return duty, list(Placement.objects.filter(period=period, state="placed").select_related("child"))


def test_a_missing_child_is_sent_to_the_leader_on_duty_and_the_guardians_once(running, leader, period):
    duty, placements = running
    for p in placements[1:]:
        services.check_in(duty, p, now=at(18, 8, 20))
    missing = placements[0]
    services.scan_alerts(period.programme, now=at(18, 9, 5))
    services.scan_alerts(period.programme, now=at(18, 9, 10))
    alert = Alert.objects.get(placement=missing, kind=Alert.Kind.MISSING)
    notice = Notice.objects.get(user=leader, key=f"custody-alert-{alert.pk}")
    assert notice.urgent and missing.child.name in notice.title
    to_leader = OutboundMessage.objects.get(key__startswith=f"custody-alert-{alert.pk}-sms-")
    assert to_leader.address == leader.phone and to_leader.next_attempt_at == at(18, 9, 5)
    family = guardians_to_notify([missing.child_id])[missing.child_id]
    sms = OutboundMessage.objects.filter(key__startswith=f"custody-alert-{alert.pk}-family-sms-")
    assert sorted(m.address for m in sms) == sorted(g.phone for g in family) and 1 <= len(family) <= 2
    assert all(m.params["child"] == missing.child.name for m in sms)
    assert not OutboundMessage.objects.filter(kind="custody.missing").exclude(
        key__startswith=f"custody-alert-{alert.pk}").exists()


def test_a_late_pickup_names_the_time_the_day_ended(running, leader, period):
    duty, placements = running
    p = placements[0]
    services.check_in(duty, p, now=at(18, 8, 20))
    services.scan_alerts(period.programme, now=at(18, 17, 50))
    alert = Alert.objects.get(placement=p, kind=Alert.Kind.LATE_PICKUP)
    m = OutboundMessage.objects.filter(key__startswith=f"custody-alert-{alert.pk}-family-sms-").first()
    assert m is not None and m.urgent
    assert f"{period.programme.day_end:%H:%M}" in m.text and m.params["time"] == f"{period.programme.day_end:%H:%M}"


def test_health_check_alerts_stay_on_the_hub(running, period):
    duty, placements = running
    for p in placements:
        services.check_in(duty, p, now=at(18, 8, 20))
        services.check_out(duty, p, guardian=services.authorised_pickups(p.child).first(), now=at(18, 17, 0))
    raised = services.scan_alerts(period.programme, now=at(18, 17, 50))
    assert raised and {a.kind for a in raised} == {Alert.Kind.CHECKS_MISSING}
    assert not OutboundMessage.objects.filter(kind__startswith="custody.").exists()

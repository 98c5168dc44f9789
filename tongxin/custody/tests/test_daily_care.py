"""The day's care: hand-over names nobody outside the family, incidents close only once the guardian was informed
(C-29), three health checks (C-30), illness absences with cause and follow-up (C-31), alerts inside the
session window, and temperatures that are numbers."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongxin.custody import rules, selectors, services
from tongxin.custody.models import Alert, Attendance, HealthCheck, Incident, Placement, RosterShift
from tongxin.people.models import Guardian

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MON = dt.date(2027, 1, 18)


def at(hour, minute=0, day=18):
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def running(leader, period, group_factory, pupils, approved, demo_user):
    """Six placed children, the leader and an accepted duty teacher on Monday 2027-01-18 (08:30-17:30)."""
    group = group_factory()
    approved(pupils(6, only_children=True))
    services.run_placement(leader, period, seed="care")
    duty = demo_user("t221")
    services.add_shift(leader, period.programme, staff=leader, date=MON, duty=RosterShift.Duty.LEADER)
    shift = services.add_shift(leader, period.programme, staff=duty, date=MON, duty=RosterShift.Duty.TEACHER, group=group)
    services.answer_shift(duty, shift, accept=True)
    return duty, list(Placement.objects.filter(period=period, state="placed").select_related("child").order_by("pk"))


# ---------------------------------------------------------------- pure rules


def test_the_session_window_rules_at_any_date():
    start, end = dt.time(8, 30), dt.time(17, 30)
    day = dt.datetime(2030, 7, 8, tzinfo=TZ)
    assert not rules.is_missing_now(day.replace(hour=8, minute=50), start, end)
    assert rules.is_missing_now(day.replace(hour=9, minute=5), start, end)
    assert not rules.is_missing_now(day.replace(hour=19, minute=41), start, end)  # the day is over
    came = day.replace(hour=8, minute=20)
    assert not rules.is_late_pickup_of(came, day.replace(hour=17, minute=40), end, 15)
    assert rules.is_late_pickup_of(came, day.replace(hour=17, minute=50), end, 15)
    evening = day.replace(hour=19, minute=41)
    assert not rules.is_late_pickup_of(evening, evening, end, 15)  # registered after the end: not "late"


def test_required_health_checks_depend_on_the_kind_of_programme():
    assert rules.missing_health_slots({"morning"}, "winter") == ["noon", "afternoon"]
    assert rules.missing_health_slots({"morning", "noon", "afternoon"}, "summer") == []
    assert rules.missing_health_slots(set(), "after_school") == ["afternoon"]


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "sNaN", "abc", "", Decimal("NaN")])
def test_a_temperature_that_is_not_a_number_is_refused_in_chinese(value):
    with pytest.raises(ValidationError, match="体温须为数字"):
        rules.check_temperature(value)


def test_a_temperature_is_rounded_to_a_tenth():
    assert rules.check_temperature("36.64") == Decimal("36.6")
    with pytest.raises(ValidationError, match="不合理"):
        rules.check_temperature("33.9")


# ---------------------------------------------------------------- hand-over


def test_handing_over_to_a_guardian_outside_the_family_names_nobody(running, leader):
    duty, placements = running
    p = placements[0]
    services.check_in(duty, p, now=at(8, 20))
    stranger = Guardian.objects.exclude(guardianships__child=p.child).order_by("pk").first()
    with pytest.raises(PermissionDenied) as refused:
        services.check_out(duty, p, guardian=stranger, now=at(17, 10))
    assert str(refused.value) == services.OUTSIDER_REFUSAL.format(child=p.child.name)
    assert stranger.name not in str(refused.value)
    alert = Alert.objects.get(placement=p, kind=Alert.Kind.UNAUTHORISED_PICKUP)
    assert stranger.name not in alert.message and alert.notify == leader
    assert Attendance.objects.get(placement=p).check_out_at is None


# ---------------------------------------------------------------- C-29 incidents


def test_a_leader_on_duty_sees_the_open_incidents_of_the_days_they_lead_by_local_date(running, leader, demo_user):
    duty, placements = running
    other = demo_user("t222")  # leads on Monday without running the programme (written as a row: the roster
    programme = placements[0].period.programme  # service lets only the organiser's leaders lead)
    RosterShift.objects.create(programme=programme, date=MON, staff=other, duty=RosterShift.Duty.LEADER,
                               state=RosterShift.State.ACCEPTED)
    early = services.record_incident(duty, placements[0], kind="injury", description="早到摔倒", now=at(0, 30))
    tuesday = services.record_incident(leader, placements[1], kind="injury", description="周二摔倒", now=at(0, 30, day=19))
    assert early.occurred_at.astimezone(dt.UTC).date() == MON - dt.timedelta(days=1)  # Sunday in UTC
    assert list(selectors.open_incidents(other)) == [early]
    assert set(selectors.open_incidents(leader)) == {early, tuesday}


def test_an_incident_stays_open_on_the_leaders_list_until_the_guardian_was_informed(running, leader, demo_user):
    duty, placements = running
    incident = services.record_incident(duty, placements[0], kind="injury", description="摔倒擦伤膝盖",
                                        action_taken="消毒包扎", now=at(14))
    assert incident.state == Incident.State.OPEN
    assert list(selectors.open_incidents(leader)) == [incident]
    assert list(selectors.open_incidents(duty)) == []  # a teacher on duty is not the leader
    with pytest.raises(PermissionDenied):
        services.close_incident(duty, incident, guardian_informed_at=at(14, 10), now=at(14, 20))
    with pytest.raises(ValidationError, match="须先通知监护人"):
        services.close_incident(leader, incident, now=at(14, 20))
    with pytest.raises(ValidationError, match="不能早于事件发生时间"):
        services.close_incident(leader, incident, guardian_informed_at=at(13), now=at(14, 20))
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.OPEN
    services.close_incident(leader, incident, guardian_informed_at=at(14, 10), informed_note="电话告知母亲", now=at(14, 20))
    closed = Incident.objects.get(pk=incident.pk)
    assert (closed.state, closed.closed_by, closed.informed_note) == ("closed", leader, "电话告知母亲")
    assert list(selectors.open_incidents(leader)) == []
    assert Alert.objects.get(placement=placements[0], kind="incident").handled_at is not None
    with pytest.raises(ValidationError, match="已结案"):
        services.close_incident(leader, closed, now=at(14, 30))


def test_the_database_refuses_a_closed_incident_without_the_guardian_informed(running):
    duty, placements = running
    incident = services.record_incident(duty, placements[0], kind="other", description="情绪低落", now=at(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(state=Incident.State.CLOSED)


def test_the_leader_closes_an_incident_on_the_incidents_page(running, leader, client):
    duty, placements = running
    incident = services.record_incident(duty, placements[0], kind="injury", description="手指夹伤", now=at(11))
    url = f"/custody/p/{incident.placement.period.programme_id}/incidents/"
    with mock.patch("django.utils.timezone.now", return_value=at(11, 30)):  # the page is used that day
        client.force_login(leader)
        assert "尚未通知" in client.get(url).text
        response = client.post(f"/custody/incidents/{incident.pk}/close/", {"informed_note": "x"}, follow=True)
        assert "须先通知监护人" in response.text and Incident.objects.get(pk=incident.pk).state == "open"
        client.post(f"/custody/incidents/{incident.pk}/close/", {"guardian_informed_at": "2027-01-18T11:15",
                                                                  "informed_note": "电话告知父亲"})
        assert Incident.objects.get(pk=incident.pk).state == "closed"
        client.force_login(duty)
        assert client.post(f"/custody/incidents/{incident.pk}/close/", {}).status_code == 404


# ---------------------------------------------------------------- C-30 three checks


def test_a_present_child_without_all_three_checks_is_flagged_at_day_end(running, leader, period):
    duty, placements = running
    complete, partial, absent = placements[:3]
    for p in (complete, partial):
        services.check_in(duty, p, now=at(8, 20))
    services.mark_absent(duty, absent, reason="家中有事", now=at(8, 25))
    for slot, hour in (("morning", 8), ("noon", 12), ("afternoon", 16)):
        services.record_health_check(duty, complete, slot=slot, temperature=Decimal("36.5"), now=at(hour, 40))
    services.record_health_check(duty, partial, slot="morning", temperature=Decimal("36.7"), now=at(8, 45))
    gaps = selectors.health_check_gaps(period.programme, MON)
    assert gaps == {partial.pk: ["noon", "afternoon"]}
    flags = selectors.duty_day(leader, period.programme, MON, 0).check_flags  # the duty page's list
    assert [(f.placement, f.labels) for f in flags] == [(partial, "午检、晚检")]
    assert not [a for a in services.scan_alerts(period.programme, now=at(17, 0)) if a.kind == "checks_missing"]
    raised = [a for a in services.scan_alerts(period.programme, now=at(17, 40)) if a.kind == Alert.Kind.CHECKS_MISSING]
    assert [a.placement for a in raised] == [partial] and "缺午检、晚检" in raised[0].message
    assert raised[0].notify == leader


# ---------------------------------------------------------------- C-31 illness


def test_an_illness_absence_asks_for_symptoms_and_sets_a_follow_up(running, leader, period):
    duty, placements = running
    p = placements[0]
    with pytest.raises(ValidationError, match="选择症状"):
        services.mark_absent(duty, p, kind="illness", now=at(8, 40))
    with pytest.raises(ValidationError, match="症状选项无效"):
        services.mark_absent(duty, p, kind="illness", symptoms=["plague"], now=at(8, 40))
    att = services.mark_absent(duty, p, kind="illness", symptoms=["fever", "respiratory"], now=at(8, 40))
    assert att.absence_reason == "因病：发热、咳嗽、咽痛等呼吸道症状"
    assert att.follow_up_on == dt.date(2027, 1, 19)  # the next custody day
    assert list(selectors.illness_follow_ups(leader, period.programme, dt.date(2027, 1, 18))) == []
    assert list(selectors.illness_follow_ups(leader, period.programme, dt.date(2027, 1, 19))) == [att]
    with pytest.raises(ValidationError, match="追踪结果"):
        services.record_follow_up(duty, att, outcome=" ", now=at(9, day=18))
    services.record_follow_up(duty, att, outcome="确诊流感，居家休息三天", now=at(9, day=18))
    att.refresh_from_db()
    assert att.follow_up_outcome == "确诊流感，居家休息三天" and att.followed_up_by == duty
    assert list(selectors.illness_follow_ups(leader, period.programme, dt.date(2027, 1, 19))) == []
    # A Friday illness is followed up on Monday, the next custody day.
    services.add_shift(leader, period.programme, staff=leader, date=dt.date(2027, 1, 22), duty="leader")
    friday = services.mark_absent(leader, placements[1], kind="illness", symptoms=["digestive"], now=at(9, day=22))
    assert friday.follow_up_on == dt.date(2027, 1, 25)


def test_a_personal_absence_has_no_symptoms(running):
    duty, placements = running
    with pytest.raises(ValidationError, match="只有因病"):
        services.mark_absent(duty, placements[0], reason="外出", symptoms=["fever"], now=at(8, 40))
    att = services.mark_absent(duty, placements[0], reason="随家长外出", now=at(8, 40))
    assert att.absence_kind == "personal" and att.follow_up_on is None


# ---------------------------------------------------------------- the session window


def test_no_missing_alerts_after_the_day_ends(running, period):
    assert services.scan_alerts(period.programme, now=at(19, 41)) == []
    assert not Alert.objects.filter(programme=period.programme, kind="missing").exists()


def test_a_check_in_after_the_day_ends_is_recorded_without_a_late_alert(running, period):
    duty, placements = running
    p = placements[0]
    services.check_in(duty, p, now=at(19, 41))
    assert Attendance.objects.get(placement=p).check_in_at == at(19, 41)
    assert [a for a in services.scan_alerts(period.programme, now=at(19, 45)) if a.kind == "late_pickup"] == []
    services.check_out(duty, p, guardian=services.authorised_pickups(p.child).first(), now=at(19, 50))
    assert not Alert.objects.filter(placement=p, kind="late_pickup").exists()


def test_a_child_who_came_during_the_session_and_is_still_there_is_late(running, period):
    duty, placements = running
    p = placements[0]
    services.check_in(duty, p, now=at(8, 20))
    assert [a for a in services.scan_alerts(period.programme, now=at(17, 40)) if a.kind == "late_pickup"] == []
    late = [a for a in services.scan_alerts(period.programme, now=at(17, 50)) if a.kind == "late_pickup"]
    assert [a.placement for a in late] == [p]


# ---------------------------------------------------------------- health check input


@pytest.mark.parametrize("value", ["NaN", "inf", Decimal("NaN"), "36,5"])
def test_a_health_check_with_a_temperature_that_is_not_a_number_stores_nothing(running, value):
    duty, placements = running
    services.check_in(duty, placements[0], now=at(8, 20))
    with pytest.raises(ValidationError, match="体温须为数字"):
        services.record_health_check(duty, placements[0], slot="morning", temperature=value, now=at(8, 40))
    assert not HealthCheck.objects.filter(placement=placements[0]).exists()


def test_a_health_check_slot_outside_its_choices_is_refused(running):
    duty, placements = running
    with pytest.raises(ValidationError, match="检查时段无效"):
        services.record_health_check(duty, placements[0], slot="midnight", temperature="36.5", now=at(8, 40))

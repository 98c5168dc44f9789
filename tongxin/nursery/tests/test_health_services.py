"""Admission and health through the services: the vaccination and entry-check gates on contracts and bookings, the
re-check after three months away, the certificate gate on the roster, the 晨午检 by exception and its notice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.audit.models import AuditEntry
from tongxin.notifications.models import Notice
from tongxin.nursery.choices import CareType
from tongxin.nursery.models import Booking, CheckFinding, Contract, DutyShift, HealthCertificate, RoomCheck
from tongxin.nursery.selectors.health import attendance_refusal
from tongxin.nursery.services import health
from tongxin.nursery.services import roster as roster_svc

from .conftest import TODAY, at
from .test_services import book, refusal, sign

pytestmark = pytest.mark.django_db
TUE = TODAY + dt.timedelta(days=1)


def _nothing_written(before):
    return (Contract.objects.count(), Booking.objects.count(), AuditEntry.objects.count()) == before


def _counts():
    return Contract.objects.count(), Booking.objects.count(), AuditEntry.objects.count()


def test_a_contract_for_a_child_with_an_overdue_dose_is_refused_and_nothing_stored(net):
    from tongxin.nursery import rules_health as rh
    child = net.infant(14, healthy=False)
    net.give_health(child, checked_on=TODAY - dt.timedelta(days=10), doses=False)
    first = rh.SCHEDULE[0]  # the certificate entered with its first dose only
    health.doses_record(net.manager, centre_id=net.centre.pk, child_id=child.pk, today=TODAY, now=at(TODAY),
                        given={f"{first.vaccine}:{first.number}": child.birth_date})
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        sign(net, child)
    assert "逾期未接种的疫苗（卡介苗" in refusal(exc) and rh.dose_label(first) not in refusal(exc)
    assert _nothing_written(before)


def test_a_child_with_no_dose_entered_is_asked_for_the_certificate_not_told_every_dose_is_missed(net):
    child = net.infant(14, healthy=False)
    net.give_health(child, checked_on=TODAY - dt.timedelta(days=10), doses=False)
    with pytest.raises(ValidationError) as exc:
        sign(net, child)
    assert refusal(exc) == "尚未登记该幼儿的预防接种证，请携带接种证到园登记后再入托"


def test_entering_the_doses_lets_the_child_in(net):
    child = net.infant(14, healthy=False)
    net.give_health(child, checked_on=TODAY - dt.timedelta(days=10), doses=False)
    from tongxin.nursery import rules_health as rh
    given = {f"{d.vaccine}:{d.number}": rh.add_months(child.birth_date, d.months) for d in rh.SCHEDULE
             if d.months <= 14}
    assert health.doses_record(net.manager, centre_id=net.centre.pk, child_id=child.pk, given=given, today=TODAY,
                               now=at(TODAY)) == len(given)
    assert sign(net, child).child_id == child.pk


def test_a_booking_for_a_child_without_an_entry_check_is_refused_and_nothing_stored(net):
    net.shift("托小班", TUE, 0, "07:30", "16:30")
    child = net.infant(14, healthy=False)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        book(net, child)
    # every reason at once: this child has neither an entry check nor any vaccination entered
    assert refusal(exc) == ("该幼儿尚无合格的入托体检记录，请先到医疗卫生机构完成入托体检；"
                            "尚未登记该幼儿的预防接种证，请携带接种证到园登记后再入托")
    assert _nothing_written(before)


def test_a_failed_entry_check_does_not_admit(net):
    child = net.infant(14, healthy=False)
    health.check_record(net.manager, centre_id=net.centre.pk, child_id=child.pk, kind="entry",
                        checked_on=TODAY - dt.timedelta(days=3), clinic="县妇幼保健院", passed=False, today=TODAY,
                        now=at(TODAY))
    assert "入托体检" in attendance_refusal(child_id=child.pk, on=TODAY)


def _away_since(net, child, last_day: dt.date) -> None:
    """A contract the child had until `last_day` (written as it stood: the services sign no past months)."""
    Contract.objects.create(centre=net.centre, room=net.rooms["托小班"], child=child, care_type=CareType.FULL_DAY,
                            starts_on=last_day - dt.timedelta(days=60), ends_on=last_day, drop_off=dt.time(8),
                            pick_up=dt.time(17), created_by=net.manager, created_at=at(last_day))


def test_a_child_away_three_months_is_rechecked_before_returning(net):
    child = net.infant(20, healthy=False)
    net.give_health(child, checked_on=dt.date(2026, 8, 1))
    _away_since(net, child, dt.date(2026, 11, 30))  # 3 months to the day before 1 March
    with pytest.raises(ValidationError) as exc:
        sign(net, child)
    assert "已离园 3 个月以上（最后在园 11月30日），须重新体检合格后返园" in refusal(exc)
    health.check_record(net.manager, centre_id=net.centre.pk, child_id=child.pk, kind="recheck",
                        checked_on=dt.date(2027, 2, 26), clinic="县妇幼保健院", passed=True, today=TODAY,
                        now=at(TODAY))
    assert sign(net, child).child_id == child.pk


def test_a_child_away_less_than_three_months_returns_without_a_recheck(net):
    child = net.infant(20, healthy=False)
    net.give_health(child, checked_on=dt.date(2026, 8, 1))
    _away_since(net, child, dt.date(2026, 12, 2))
    assert attendance_refusal(child_id=child.pk, on=TODAY) is None


def test_a_carer_without_a_current_certificate_cannot_be_rostered(net):
    HealthCertificate.objects.filter(user=net.carers[3]).update(issued_on=dt.date(2026, 2, 28))  # to 2027-02-27
    before = DutyShift.objects.count()
    with pytest.raises(ValidationError) as exc:
        net.shift("托小班", TUE, 3, "07:30", "16:30")
    assert refusal(exc) == "测试保育员3的健康证已于2027年02月27日过期，须重新体检取得健康证后才能排班"
    assert DutyShift.objects.count() == before


def test_a_carer_never_certified_cannot_be_rostered(net):
    HealthCertificate.objects.filter(user=net.carers[3]).delete()
    with pytest.raises(ValidationError) as exc:
        net.shift("托小班", TUE, 3, "07:30", "16:30")
    assert "没有登记健康证" in refusal(exc)


def test_copying_a_roster_leaves_out_a_carer_whose_certificate_runs_out(net):
    HealthCertificate.objects.filter(user=net.carers[1]).update(issued_on=dt.date(2026, 3, 3))  # to 2027-03-02
    net.shift("托小班", TODAY, 0, "07:30", "16:30")
    net.shift("托小班", TODAY, 1, "07:30", "16:30")
    roster_svc.roster_repeat(net.manager, room_id=net.rooms["托小班"].pk, day=TODAY, until=TODAY + dt.timedelta(days=3),
                             today=TODAY)
    on = {d: set(DutyShift.objects.filter(day=d).values_list("carer_id", flat=True))
          for d in (TUE, TODAY + dt.timedelta(days=2))}
    assert on[TUE] == {net.carers[0].pk, net.carers[1].pk}
    assert on[TODAY + dt.timedelta(days=2)] == {net.carers[0].pk}


def test_a_certificate_already_expired_is_not_recorded(net):
    with pytest.raises(ValidationError) as exc:
        health.certificate_record(net.manager, centre_id=net.centre.pk, user_id=net.carers[0].pk,
                                  issued_on=dt.date(2026, 2, 1), issuer="县疾控中心", today=TODAY, now=at(TODAY))
    assert "已过期" in refusal(exc)


def test_a_carer_cannot_record_certificates(net):
    with pytest.raises(PermissionDenied):
        health.certificate_record(net.carers[0], centre_id=net.centre.pk, user_id=net.carers[0].pk,
                                  issued_on=TODAY, issuer="县疾控中心", today=TODAY, now=at(TODAY))


def _in_care(net):
    child = net.infant(18)
    sign(net, child)
    return child


def test_an_abnormal_child_at_the_morning_check_tells_the_parents(net):
    child = _in_care(net)
    health.finding_add(net.carers[0], room_id=net.rooms["托小班"].pk, day=TODAY, session="morning",
                       child_id=child.pk, temperature=Decimal("38.1"), symptom="", action="sent_home", today=TODAY,
                       now=at(TODAY, 8, 30))
    notice = Notice.objects.get(user=net.parent, kind="nursery.health")
    assert notice.title == f"{child.name}晨检异常" and "体温 38.1℃" in notice.text and "请尽快来园接孩子" in notice.text


def test_a_normal_reading_is_not_recorded_one_by_one(net):
    child = _in_care(net)
    before = (CheckFinding.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as exc:
        health.finding_add(net.carers[0], room_id=net.rooms["托小班"].pk, day=TODAY, session="morning",
                           child_id=child.pk, temperature=Decimal("36.8"), symptom="", action="observe",
                           today=TODAY, now=at(TODAY, 8, 30))
    assert "只记录异常幼儿" in refusal(exc)
    assert (CheckFinding.objects.count(), Notice.objects.count()) == before


def test_a_child_not_in_the_room_today_is_not_recorded(net):
    child = net.infant(18)
    with pytest.raises(ValidationError) as exc:
        health.finding_add(net.carers[0], room_id=net.rooms["托小班"].pk, day=TODAY, session="morning",
                           child_id=child.pk, temperature=None, symptom="咳嗽", action="observe", today=TODAY,
                           now=at(TODAY, 8, 30))
    assert refusal(exc) == "该幼儿今天不在托小班"


def test_the_whole_room_is_checked_in_one_tap_once_a_session(net):
    room = net.rooms["托小班"].pk
    health.room_check_done(net.carers[0], room_id=room, day=TODAY, session="morning", today=TODAY, now=at(TODAY))
    health.room_check_done(net.carers[0], room_id=room, day=TODAY, session="midday", today=TODAY, now=at(TODAY, 12))
    with pytest.raises(ValidationError) as exc:
        health.room_check_done(net.carers[1], room_id=room, day=TODAY, session="morning", today=TODAY, now=at(TODAY))
    assert refusal(exc) == "托小班今天的晨检已记录"
    assert RoomCheck.objects.filter(room_id=room).count() == 2

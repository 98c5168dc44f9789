"""The care line's messages outside its pages: a mandatory report to the township's contact and the police at once,
its escalations to the leader and the county, an unexplained absence to the guardians, the weekly digest."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from tongxin.care.absence_choices import Reason
from tongxin.care.report_models import ReportRoute
from tongxin.care.services import absence as absence_svc
from tongxin.care.services import reports as report_svc
from tongxin.care.services.digest import digest_send
from tongxin.care.tests.test_absence import _class, _pupils
from tongxin.care.tests.test_reports import MIN, T0, _raise, _teacher_and_pupil
from tongxin.notifications import rules
from tongxin.notifications import selectors as notice_selectors
from tongxin.notifications.models import Notice, OutboundMessage, Preference
from tongxin.people.selectors import guardians_to_notify

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def sms_on(monkeypatch):
    monkeypatch.setattr(notice_selectors, "enabled_channels", lambda: frozenset({rules.SMS, rules.WECHAT}))


def test_a_report_reaches_the_township_contact_and_the_police_mobile_at_once(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    route = ReportRoute.objects.get(township__name="石门乡")
    ReportRoute.objects.filter(pk=route.pk).update(police_phone="13907951100")
    report = _raise(teacher, child)
    contact = route.government_contact
    notice = Notice.objects.get(user=contact, key=f"care-report-{report.pk}")
    assert notice.urgent and child.name in notice.title and notice.link.endswith(f"/reports/{report.pk}/")
    sms = {m.address: m for m in OutboundMessage.objects.filter(key__startswith=f"care-report-{report.pk}-sms-")}
    assert set(sms) == {"13907951100", contact.phone}
    assert all(m.next_attempt_at == T0 and child.id_number not in m.text for m in sms.values())


def test_a_report_in_a_township_without_a_route_goes_to_every_officer(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    ReportRoute.objects.filter(township__name="石门乡").delete()
    report = _raise(teacher, child)
    officers = set(Notice.objects.filter(key=f"care-report-{report.pk}").values_list("user__username", flat=True))
    assert officers and all(u.startswith("tw") or u.startswith("tl") or u == "township" for u in officers)


def test_escalations_go_to_the_leader_then_the_county_once_each(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    report = _raise(teacher, child)
    report_svc.reports_escalate(now=T0 + 121 * MIN)
    report_svc.reports_escalate(now=T0 + 122 * MIN)
    up1 = Notice.objects.filter(key=f"care-report-{report.pk}-up1")
    assert list(up1.values_list("user__username", flat=True)) == ["tl200"]
    assert "2小时" in up1.get().text or "120分钟" in up1.get().text
    report_svc.reports_escalate(now=T0 + 241 * MIN)
    up2 = set(Notice.objects.filter(key=f"care-report-{report.pk}-up2").values_list("user__username", flat=True))
    assert up2 == {"county_civil"}
    assert OutboundMessage.objects.filter(key__startswith=f"care-report-{report.pk}-up", urgent=True).count() == 2


def test_an_unexplained_absence_is_sent_to_the_guardians_once(demo_user):
    teacher, klass = demo_user("teacher"), _class()
    pupil, sick = _pupils(klass, 2)
    now = dt.datetime(2025, 3, 3, 8, 10, tzinfo=TZ)
    for _ in range(2):  # saved twice: told once
        absence_svc.register_save(actor=teacher, class_id=klass.pk, day=dt.date(2025, 3, 3),
                                  marks={pupil.pk: Reason.UNEXPLAINED, sick.pk: Reason.SICK}, today=dt.date(2025, 3, 3),
                                  now=now)
    family = guardians_to_notify([pupil.pk]).get(pupil.pk, [])
    sms = OutboundMessage.objects.filter(kind="care.absence")
    assert sorted(sms.values_list("address", flat=True)) == sorted(g.phone for g in family)
    assert all(pupil.name in m.text and not m.urgent for m in sms)
    assert not OutboundMessage.objects.filter(kind="care.absence", params__child=sick.name).exists()


def test_an_absence_marked_at_night_waits_for_the_morning(demo_user):
    teacher, klass = demo_user("teacher"), _class()
    (pupil,) = _pupils(klass, 1)
    night = dt.datetime(2025, 3, 3, 22, 30, tzinfo=TZ)
    absence_svc.register_save(actor=teacher, class_id=klass.pk, day=dt.date(2025, 3, 3),
                              marks={pupil.pk: Reason.UNEXPLAINED}, today=dt.date(2025, 3, 3), now=night)
    assert set(OutboundMessage.objects.filter(kind="care.absence").values_list("next_attempt_at", flat=True)) == {
        dt.datetime(2025, 3, 4, 7, 0, tzinfo=TZ)}


def test_the_weekly_digest_goes_once_a_week_to_helpers_with_work(demo_user):
    monday = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 0))
    assert digest_send(now=monday - dt.timedelta(hours=2)) == 0  # before 08:00
    sent = digest_send(now=monday)
    assert sent > 0 and digest_send(now=monday + dt.timedelta(hours=1)) == 0
    teacher = demo_user("teacher")
    notice = Notice.objects.get(user=teacher, kind="care.digest")
    assert notice.key == "care-digest-2026-W50" and "本周您有" in notice.text and not notice.urgent
    assert digest_send(now=monday + dt.timedelta(days=7)) > 0


def test_the_digest_goes_by_sms_only_to_those_who_ask(demo_user):
    teacher = demo_user("teacher")
    Preference.objects.create(user=teacher, channels={"care.digest": ["sms"]})
    digest_send(now=timezone.make_aware(dt.datetime(2026, 12, 7, 9, 0)))
    sms = OutboundMessage.objects.filter(kind="care.digest", channel="sms")
    assert list(sms.values_list("user__username", flat=True)) == ["teacher"]

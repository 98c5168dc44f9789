"""Mandatory reports (强制报告, P-16…P-20): the deadlines with fixed times, raising and its refusals, escalation,
immutability, who sees the reporter, the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.care import report_rules as rr
from tongxin.care.choices import Level
from tongxin.care.models import CareFile, FileVersion, Pairing
from tongxin.care.report_choices import EventKind, Situation
from tongxin.care.report_models import MandatoryReport, ReportEvent, ReportRoute
from tongxin.care.selectors import reports as sel
from tongxin.care.services import reports as svc
from tongxin.orgs.models import Region, Role, RoleAssignment, User
from tongxin.people.models import Child

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


# ---------------------------------------------------------------- the pure rules


def test_first_escalation_is_due_exactly_at_the_acknowledgement_time():
    assert rr.levels_due(T0, 120, None, T0 + 119 * MIN) == ()
    assert rr.levels_due(T0, 120, None, T0 + 120 * MIN) == (1,)


def test_second_escalation_is_due_at_twice_the_time():
    assert rr.levels_due(T0, 120, None, T0 + 239 * MIN) == (1,)
    assert rr.levels_due(T0, 120, None, T0 + 240 * MIN) == (1, 2)


def test_an_acknowledgement_before_a_deadline_stops_that_level_and_the_next():
    assert rr.levels_due(T0, 120, T0 + 60 * MIN, T0 + 600 * MIN) == ()
    assert rr.levels_due(T0, 120, T0 + 150 * MIN, T0 + 600 * MIN) == (1,)


def test_deadlines_follow_the_townships_time_across_midnight_and_year_end():
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert rr.deadline(late, 45, 1) == dt.datetime(2027, 1, 1, 0, 15, tzinfo=dt.UTC)
    assert rr.deadline(late, 45, 2) == dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC)


def _ev(kind, minutes, level=None):
    return rr.Event(kind, T0 + minutes * MIN, level)


def test_state_moves_from_waiting_to_overdue_to_closed():
    sent = [_ev(EventKind.SENT, 0, 0)]
    assert rr.state(T0, 120, sent, T0 + 10 * MIN).stage == "待签收"
    assert rr.state(T0, 120, sent, T0 + 121 * MIN).stage == "逾期未签收"
    done = sent + [_ev(EventKind.RECEIVED, 130), _ev(EventKind.ACTED, 200), _ev(EventKind.CLOSED, 3000)]
    assert rr.state(T0, 120, done, T0 + 140 * MIN).stage == "已签收，待处置"
    assert rr.state(T0, 120, done, T0 + 201 * MIN).stage == "处置中"
    assert rr.state(T0, 120, done, T0 + 3001 * MIN).stage == "已结案"


def test_state_ignores_events_after_the_day_asked_about():
    events = [_ev(EventKind.SENT, 0, 0), _ev(EventKind.RECEIVED, 30)]
    assert rr.state(T0, 120, events, T0 + 20 * MIN).acknowledged_at is None


def test_next_deadline_is_the_next_level_not_yet_sent():
    events = [_ev(EventKind.SENT, 0, 0), _ev(EventKind.SENT, 121, 1)]
    found = rr.state(T0, 120, events, T0 + 150 * MIN)
    assert found.level == 1 and found.next_deadline == T0 + 240 * MIN


@pytest.mark.parametrize(("minutes", "text"), [(0, "0分钟"), (45, "45分钟"), (120, "2小时"), (125, "2小时5分钟"),
                                               (1440, "1天"), (1500, "1天1小时")])
def test_waited_reads_as_a_person_says_it(minutes, text):
    assert rr.waited(T0, T0 + minutes * MIN) == text


# ---------------------------------------------------------------- raising


def _teacher_and_pupil(demo_user, school="石门中心小学", *, without_file=False):
    """A class teacher and a pupil of her class without a report yet (without a care file, if asked)."""
    reported = MandatoryReport.objects.values("child_id")
    found = Child.objects.filter(school__name=school).exclude(pk__in=reported).exclude(family__community=None)
    if without_file:
        found = found.filter(care_file__isnull=True)
    child = found.order_by("-pk").first()
    teacher = User.objects.filter(assignments__role=Role.CLASS_TEACHER,
                                  assignments__school_class=child.school_class_id).first()
    return demo_user(teacher.username), child


def _raise(user, child, now=T0, **kw):
    values = {"situation": Situation.SUSPECTED_HARM, "description": "手臂有淤青"} | kw
    return svc.report_raise(user, child_id=child.pk, now=now, **values)


def test_a_report_goes_at_once_to_the_police_and_the_township_government(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    report = _raise(teacher, child)
    sent = list(report.events.filter(kind=EventKind.SENT))
    assert [e.level for e in sent] == [0, 0] and all(e.at == T0 for e in sent)
    assert "石门派出所" in sent[0].to_label and "0795-6855110" in sent[0].to_label
    assert sent[1].to_label.startswith("石门乡人民政府") and sent[1].to_user is not None
    assert report.township.name == "石门乡" and report.ack_minutes == 120
    assert AuditEntry.objects.filter(target_type="care.MandatoryReport", target_id=str(report.pk)).exists()


def test_a_report_makes_the_childs_file_high_risk_with_a_version(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    CareFile.objects.filter(child=child).update(level=Level.LOW)
    report = _raise(teacher, child)
    file = CareFile.objects.get(child=child)
    assert file.level == Level.HIGH
    assert FileVersion.objects.filter(file=file, note=f"强制报告 #{report.pk}").exists()
    assert file.review_from == T0.date() and "强制报告" in file.review_reason  # follow-up: a new assessment


def test_a_report_on_a_child_without_a_file_opens_one_at_high_risk(demo_user):
    teacher, child = _teacher_and_pupil(demo_user, school="青溪县实验小学", without_file=True)
    _raise(teacher, child)
    assert CareFile.objects.get(child=child).level == Level.HIGH


def test_without_a_route_the_report_still_goes_to_the_township_and_says_to_call_110(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    ReportRoute.objects.filter(township__name="石门乡").delete()
    report = _raise(teacher, child)
    labels = list(report.events.values_list("to_label", flat=True))
    assert "110" in labels[0] and "全体乡镇干部" in labels[1]


def test_a_child_outside_the_reporters_scope_is_refused(demo_user):
    _, child = _teacher_and_pupil(demo_user)
    with pytest.raises(PermissionDenied):
        _raise(demo_user("teacher"), child)
    assert not MandatoryReport.objects.filter(child=child).exists()


def test_a_parent_cannot_raise_here(demo_user):
    parent = demo_user("parent")
    own = Child.objects.filter(guardianships__guardian__user=parent).first()
    with pytest.raises(PermissionDenied):
        _raise(parent, own)


def test_a_volunteer_may_report_on_a_paired_child(demo_user):
    pairing = Pairing.objects.filter(helper__username="volunteer", end__isnull=True).first()
    report = _raise(demo_user("volunteer"), pairing.child)
    assert report.raised_by.username == "volunteer"


@pytest.mark.parametrize(("values", "message"), [
    ({"description": "  "}, "请填写发现的情况"),
    ({"description": "x" * 1001}, "最多 1000 字"),
    ({"description": "有\x00字"}, "无效字符"),
    ({"situation": "made_up"}, "请选择发现的情形"),
    ({"location": "地" * 129}, "最多 128 字"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(demo_user, values, message):
    teacher, child = _teacher_and_pupil(demo_user)
    before = MandatoryReport.objects.count(), ReportEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        _raise(teacher, child, **values)
    assert (MandatoryReport.objects.count(), ReportEvent.objects.count()) == before


# ---------------------------------------------------------------- escalation


def _fresh(demo_user, at=T0):
    teacher, child = _teacher_and_pupil(demo_user)
    return _raise(teacher, child, now=at)


def _levels(report):
    return list(report.events.filter(kind=EventKind.SENT).values_list("level", flat=True))


def test_escalation_waits_for_the_deadline(demo_user):
    report = _fresh(demo_user)
    svc.reports_escalate(now=T0 + 119 * MIN)
    assert _levels(report) == [0, 0]


def test_escalation_goes_to_the_leader_then_the_county_each_once(demo_user):
    report = _fresh(demo_user)
    svc.reports_escalate(now=T0 + 121 * MIN)
    svc.reports_escalate(now=T0 + 122 * MIN)
    assert _levels(report) == [0, 0, 1]
    leader = report.events.get(kind=EventKind.SENT, level=1)
    assert leader.to_user.username == "tl200"
    svc.reports_escalate(now=T0 + 241 * MIN)
    svc.reports_escalate(now=T0 + 300 * MIN)
    assert _levels(report) == [0, 0, 1, 2]
    county = report.events.get(kind=EventKind.SENT, level=2)
    assert "县民政局 孙科长" in county.to_label
    assert report.events.filter(kind=EventKind.ESCALATED).count() == 2


def test_a_late_scan_sends_both_levels_at_once(demo_user):
    report = _fresh(demo_user)
    assert svc.reports_escalate(now=T0 + 500 * MIN) >= 2
    assert _levels(report) == [0, 0, 1, 2]


def test_an_acknowledged_report_is_not_escalated(demo_user):
    report = _fresh(demo_user)
    svc.report_receive(demo_user("tw200"), report, now=T0 + 30 * MIN)
    svc.reports_escalate(now=T0 + 500 * MIN)
    assert _levels(report) == [0, 0]


def test_acknowledged_after_the_leader_the_county_is_not_told(demo_user):
    report = _fresh(demo_user)
    svc.reports_escalate(now=T0 + 121 * MIN)
    svc.report_receive(demo_user("tl200"), report, now=T0 + 150 * MIN)
    svc.reports_escalate(now=T0 + 500 * MIN)
    assert _levels(report) == [0, 0, 1]


def test_the_townships_own_time_is_used(demo_user):
    ReportRoute.objects.filter(township__name="石门乡").update(ack_minutes=30)
    report = _fresh(demo_user)
    svc.reports_escalate(now=T0 + 31 * MIN)
    assert _levels(report) == [0, 0, 1]


# ---------------------------------------------------------------- handling and immutability


def test_handling_adds_events_and_closing_needs_a_measure(demo_user):
    report = _fresh(demo_user)
    officer = demo_user("tw200")
    with pytest.raises(ValidationError, match="请先记录处置情况"):
        svc.report_close(officer, report, text="好了", now=T0 + 10 * MIN)
    svc.report_act(officer, report, text="到家核实，联系亲属照料", now=T0 + 20 * MIN)
    svc.report_close(officer, report, text="已妥善安置", now=T0 + 60 * MIN)
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.RECEIVED, EventKind.ACTED, EventKind.CLOSED]  # acting acknowledges too
    with pytest.raises(ValidationError, match="已结案"):
        svc.report_close(officer, report, text="再结一次", now=T0 + 70 * MIN)


def test_only_the_childs_township_and_the_county_handle_a_report(demo_user):
    report = _fresh(demo_user)
    for username in ("township", "teacher", "leader4"):
        with pytest.raises(PermissionDenied):
            svc.report_receive(demo_user(username), report, now=T0 + MIN)
    svc.report_receive(demo_user("county_civil"), report, now=T0 + MIN)


def test_the_reporter_may_add_but_not_act(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    report = _raise(teacher, child)
    svc.report_note(teacher, report, text="今天孩子没来上学", now=T0 + 60 * MIN)
    svc.report_police_receipt(teacher, report, text="已拨打110，民警答复已派人", now=T0 + 61 * MIN)
    with pytest.raises(PermissionDenied):
        svc.report_act(teacher, report, text="我来处置", now=T0 + 62 * MIN)


def test_a_report_and_its_events_cannot_be_edited_or_deleted(demo_user):
    report = _fresh(demo_user)
    report.description = "改过的"
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(PermissionError):
        report.delete()
    with pytest.raises(PermissionError):
        MandatoryReport.objects.filter(pk=report.pk).update(description="改过的")
    with pytest.raises(PermissionError):
        MandatoryReport.objects.filter(pk=report.pk).delete()
    event = report.events.first()
    event.text = "改过的"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        ReportEvent.objects.filter(report=report).delete()
    assert MandatoryReport.objects.get(pk=report.pk).description == "手臂有淤青"


# ---------------------------------------------------------------- who sees what


def test_the_reporter_is_named_to_handlers_and_hidden_from_the_care_team(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    report = _raise(demo_user("tw200"), child)  # raised by the township; the class teacher is the care team
    assert sel.report_detail(demo_user("county_civil"), report, now=T0).row.reporter == "石门乡干部"
    seen = sel.report_detail(teacher, report, now=T0)
    assert seen.row.reporter == sel.REPORTER_HIDDEN
    assert all(item.who != "石门乡干部" for item in seen.timeline if item.kind == "raised")


def test_a_volunteer_not_paired_and_another_township_cannot_open_it(demo_user):
    teacher, child = _teacher_and_pupil(demo_user)
    report = _raise(teacher, child)
    for username in ("township", "volunteer", "parent", "county_edu"):
        with pytest.raises(PermissionDenied):
            svc.access_report(demo_user(username), report.pk)
    for username in ("tw200", "county_civil", "admin", teacher.username):
        assert svc.access_report(demo_user(username), report.pk) == report


def test_waiting_counts_only_unacknowledged_reports_of_the_handlers_area(demo_user):
    officer = demo_user("tw200")
    before = sel.waiting_for(officer, now=T0)
    report = _fresh(demo_user)
    assert sel.waiting_for(officer, now=T0) == before + 1
    assert sel.waiting_for(demo_user("township"), now=T0) == sel.waiting_for(demo_user("township"), now=T0)
    svc.report_receive(officer, report, now=T0 + MIN)
    assert sel.waiting_for(officer, now=T0) == before


# ---------------------------------------------------------------- receiving settings


def test_a_township_officer_sets_only_their_township(demo_user):
    officer = demo_user("tw200")
    shimen = Region.objects.get(name="石门乡")
    chengguan = Region.objects.get(name="城关镇")
    leader = User.objects.get(username="tl200")
    svc.route_set(officer, township_id=shimen.pk, police_name="石门派出所", police_contact="", police_phone="110",
                  government_contact_id=officer.pk, leader_id=leader.pk, ack_minutes=60)
    assert ReportRoute.objects.get(township=shimen).ack_minutes == 60
    with pytest.raises(PermissionDenied):
        svc.route_set(officer, township_id=chengguan.pk, police_name="x", police_contact="", police_phone="110",
                      government_contact_id=None, leader_id=None, ack_minutes=60)


@pytest.mark.parametrize(("change", "message"), [
    ({"ack_minutes": 5}, "10 分钟到 24 小时"),
    ({"police_phone": "abc"}, "只能包含数字"),
    ({"police_name": " "}, "请填写公安机关"),
    ({"leader_id": "someone_else"}, "须是本乡镇"),
])
def test_route_settings_are_checked(demo_user, change, message):
    shimen = Region.objects.get(name="石门乡")
    if change.get("leader_id") == "someone_else":
        change["leader_id"] = User.objects.get(username="township").pk
    values = {"police_name": "石门派出所", "police_contact": "", "police_phone": "110",
              "government_contact_id": None, "leader_id": None, "ack_minutes": 120} | change
    with pytest.raises(ValidationError, match=message):
        svc.route_set(demo_user("county_civil"), township_id=shimen.pk, **values)


# ---------------------------------------------------------------- pages


def test_raising_on_a_phone_form_sends_and_shows_the_report(login):
    client = login("teacher")
    teacher = RoleAssignment.objects.get(user__username="teacher")
    child = Child.objects.filter(school_class=teacher.school_class).exclude(
        pk__in=MandatoryReport.objects.values("child_id")).first()
    page = client.get(reverse("care:report_new"), {"child": child.pk})
    assert page.status_code == 200 and child.name in page.content.decode()
    response = client.post(reverse("care:report_new") + f"?child={child.pk}",
                           {"situation": Situation.ALONE_OR_MISSING, "description": "放学后一个人在家，没人做饭"})
    report = MandatoryReport.objects.get(child=child)
    assert response.status_code == 302 and response.url == reverse("care:report", args=[report.pk])
    assert "已发送至" in client.get(response.url).content.decode()


def test_the_report_form_with_missing_fields_is_400_and_stores_nothing(login):
    client = login("teacher")
    teacher = RoleAssignment.objects.get(user__username="teacher")
    child = Child.objects.filter(school_class=teacher.school_class).first()
    before = MandatoryReport.objects.count()
    response = client.post(reverse("care:report_new") + f"?child={child.pk}", {"description": "\x00"})
    assert response.status_code == 400 and "请选择发现的情形" in response.content.decode()
    assert MandatoryReport.objects.count() == before


@pytest.mark.parametrize("query", [{"child": "x"}, {"child": "-1"}, {"child": "99999999999"}, {"q": "a" * 40},
                                   {"q": "\x00"}])
def test_bad_picker_input_is_400(login, query):
    assert login("teacher").get(reverse("care:report_new"), query).status_code == 400


def test_a_child_outside_scope_in_the_picker_is_403(login):
    outside = Child.objects.filter(school__name="石门中心小学").first()
    assert login("teacher").get(reverse("care:report_new"), {"child": outside.pk}).status_code == 403


def test_the_township_acknowledges_on_the_report_page(login):
    report = MandatoryReport.objects.filter(township__name="城关镇").exclude(
        events__kind=EventKind.RECEIVED).first()
    client = login("township")
    assert "签收" in client.get(reverse("care:report", args=[report.pk])).content.decode()
    response = client.post(reverse("care:report_action", args=[report.pk, "receive"]))
    assert response.status_code == 302
    assert report.events.filter(kind=EventKind.RECEIVED, by__username="township").exists()


def test_an_unknown_action_is_404_and_an_empty_measure_is_refused(login):
    report = MandatoryReport.objects.filter(township__name="城关镇").first()
    client = login("township")
    assert client.post(reverse("care:report_action", args=[report.pk, "erase"])).status_code == 404
    before = report.events.count()
    client.post(reverse("care:report_action", args=[report.pk, "act"]), {"text": "  "})
    assert report.events.count() == before


def test_the_scan_command_escalates_once_and_refuses_a_too_short_interval(demo_user):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    report = _fresh(demo_user, at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=5))
    out = StringIO()
    call_command("care_scan", stdout=out)
    assert "逐级上报" in out.getvalue() and _levels(report) == [0, 0, 1, 2]
    call_command("care_scan", stdout=StringIO())
    assert _levels(report) == [0, 0, 1, 2]
    with pytest.raises(CommandError, match="至少为 10 秒"):
        call_command("care_scan", every=5)

"""Absence and dropout (控辍保学, P-21…P-26) against the demo county: the daily register (the whole class, saving
again changes nothing, corrections, bad input refused in Chinese with a 400 and nothing stored), the cases it
opens and their stages through the services, who may do what (a teacher of another class is refused), the written
report as a PDF, and the publicity months on the to-do list. Registers here are for March 2025, before anything
the demo holds, with `today` passed in."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care.absence_choices import Closing, Delivery, EventKind, Method, Reason, Recipient, Result, Stage
from tongxin.care.absence_models import Absence, AbsenceRegister, AbsenceSettings, CaseEvent, DropoutCase
from tongxin.care.selectors import absence as sel
from tongxin.care.services import absence as svc
from tongxin.orgs.models import Role, RoleAssignment, User
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db

MON, TUE, WED = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
NOW = timezone.make_aware(dt.datetime(2025, 3, 4, 8, 10))


def _class(username="teacher"):
    return RoleAssignment.objects.get(user__username=username, role=Role.CLASS_TEACHER).school_class


def _pupils(klass, n=3) -> list[Child]:
    """Pupils of the class with no case of their own in the demo."""
    taken = DropoutCase.objects.values("child_id")
    return list(Child.objects.filter(school_class=klass).exclude(pk__in=taken).order_by("initials", "pk")[:n])


def _save(user, klass, marks, day=MON, today=TUE):
    return svc.register_save(actor=user, class_id=klass.pk, day=day, marks=marks, today=today, now=NOW)


@pytest.fixture
def teacher(demo_user):
    return demo_user("teacher")


@pytest.fixture
def leader(demo_user):
    return demo_user("leader")


# ---------------------------------------------------------------- the register

def test_a_register_covers_the_whole_class_and_saving_it_again_changes_nothing(teacher):
    klass = _class()
    a, b, c = _pupils(klass)
    roster = Child.objects.filter(school_class=klass).count()
    first = _save(teacher, klass, {a.pk: Reason.SICK, b.pk: Reason.UNEXPLAINED})
    assert first.counts == {"roster": roster, "present": roster - 2, "absent": 2, "sick": 1, "personal": 0,
                            "unexplained": 1, "other": 0}
    assert [name for name, _ in first.opened] == [b.name]
    rows = sorted(Absence.objects.filter(register=first.register).values_list("pk", "child_id", "reason"))
    again = _save(teacher, klass, {a.pk: Reason.SICK, b.pk: Reason.UNEXPLAINED})
    assert again.register.pk == first.register.pk and again.opened == []
    assert sorted(Absence.objects.filter(register=first.register).values_list("pk", "child_id", "reason")) == rows
    assert AbsenceRegister.objects.filter(school_class=klass, day=MON).count() == 1
    assert DropoutCase.objects.filter(child=b).count() == 1
    audits = AuditEntry.objects.filter(target_type="care.AbsenceRegister", target_id=str(first.register.pk))
    assert list(audits.values_list("action", flat=True).order_by("pk")) == ["create", "update"]
    # A change: c away too, a back after all.
    _save(teacher, klass, {b.pk: Reason.UNEXPLAINED, c.pk: Reason.PERSONAL})
    assert dict(Absence.objects.filter(register=first.register).values_list("child_id", "reason")) == {
        b.pk: Reason.UNEXPLAINED, c.pk: Reason.PERSONAL}


def test_an_unexplained_absence_opens_one_case_with_the_class_teacher_responsible(teacher, leader):
    klass = _class()
    (a,) = _pupils(klass, 1)
    _save(leader, klass, {a.pk: Reason.UNEXPLAINED})  # the leader took the register: the class teacher answers
    case = DropoutCase.objects.get(child=a, closed_on=None)
    assert (case.responsible, case.opened_on, case.school_class, case.opened_by) == (teacher, MON, klass, leader)
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.OPENED]
    # Away again the next day: the same case.
    _save(teacher, klass, {a.pk: Reason.UNEXPLAINED}, day=TUE, today=TUE)
    assert DropoutCase.objects.filter(child=a).count() == 1
    # In class on Wednesday: the register says so, the case stays open until the school closes it.
    result = _save(teacher, klass, {}, day=WED, today=WED)
    assert result.back == [(a.name, case.pk)]
    assert DropoutCase.objects.get(pk=case.pk).closed_on is None


def test_a_correction_the_same_day_withdraws_a_case_nothing_was_recorded_on(teacher):
    klass = _class()
    a, b = _pupils(klass, 2)
    _save(teacher, klass, {a.pk: Reason.UNEXPLAINED, b.pk: Reason.UNEXPLAINED})
    kept = DropoutCase.objects.get(child=b)
    svc.case_cause(actor=teacher, case=kept, day=MON, method=Method.PHONE, text="家长电话说明", today=TUE, now=NOW)
    result = _save(teacher, klass, {a.pk: Reason.SICK, b.pk: Reason.SICK})
    assert result.withdrawn == [a.name]
    assert not DropoutCase.objects.filter(child=a).exists()
    assert DropoutCase.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("day, today, message", [
    (dt.date(2025, 3, 8), dt.date(2025, 3, 10), "3月8日不是上课日（周末或节假日），不用点名"),
    (dt.date(2025, 3, 5), dt.date(2025, 3, 4), "不能为以后的日期点名"),
    (dt.date(2025, 2, 24), dt.date(2025, 3, 4), "只能补登或更正 7 天内的点名"),
])
def test_a_register_is_refused_on_a_day_it_cannot_be_taken(teacher, day, today, message):
    klass = _class()
    with pytest.raises(ValidationError) as refused:
        _save(teacher, klass, {}, day=day, today=today)
    assert refused.value.messages == [message]
    assert not AbsenceRegister.objects.filter(school_class=klass, day=day).exists()


def test_a_register_refuses_pupils_of_another_class_and_unknown_reasons(teacher):
    klass = _class()
    stranger = Child.objects.exclude(school_class=klass).exclude(school_class=None).first()
    (a,) = _pupils(klass, 1)
    with pytest.raises(ValidationError, match="名单中没有这名学生"):
        _save(teacher, klass, {stranger.pk: Reason.SICK})
    with pytest.raises(ValidationError, match="请从列表中选择缺课原因"):
        _save(teacher, klass, {a.pk: "truant"})
    assert not AbsenceRegister.objects.filter(school_class=klass, day=MON).exists()


def test_a_teacher_of_another_class_may_not_take_the_register(demo_user):
    other = RoleAssignment.objects.filter(role=Role.CLASS_TEACHER).exclude(school_class=_class()).first().user
    with pytest.raises(PermissionDenied):
        _save(other, _class(), {})
    with pytest.raises(PermissionDenied):
        _save(demo_user("township"), _class(), {})


# ---------------------------------------------------------------- a case through its stages

def _open(teacher) -> DropoutCase:
    klass = _class()
    (a,) = _pupils(klass, 1)
    _save(teacher, klass, {a.pk: Reason.UNEXPLAINED})
    return DropoutCase.objects.get(child=a, closed_on=None)


def _state(case, today):
    return sel.case_states([DropoutCase.objects.get(pk=case.pk)], today)[case.pk]


def test_a_case_goes_from_absent_to_persuasion_to_a_delivered_written_report(teacher, leader):
    case = _open(teacher)
    assert _state(case, TUE).stage == Stage.ABSENT
    assert _state(case, WED).overdue == ("应于3月4日前了解缺课原因",)
    svc.case_cause(actor=teacher, case=case, day=TUE, method=Method.PHONE, text="在家不愿来", today=TUE, now=NOW)
    assert DropoutCase.objects.get(pk=case.pk).cause == "在家不愿来"
    day8 = MON + dt.timedelta(days=7)
    assert _state(case, day8).stage == Stage.PERSUADE
    assert _state(case, day8 + dt.timedelta(days=4)).overdue == ("缺课已超过一周，应于3月13日前组织劝返",)
    with pytest.raises(ValidationError, match="请先记录劝返情况"):
        svc.case_fail(actor=leader, case=case, day=day8, text="无效", today=day8, now=NOW)
    svc.case_persuade(actor=teacher, case=case, day=day8, method=Method.HOME_VISIT, people="王老师、村主任",
                      result=Result.REFUSED, text="父亲拒绝", today=day8, now=NOW)
    assert _state(case, day8 + dt.timedelta(days=4)).overdue == ()
    with pytest.raises(PermissionDenied):  # the class teacher proposes; the school's leader declares it
        svc.case_fail(actor=teacher, case=case, day=day8, text="无效", today=day8, now=NOW)
    with pytest.raises(ValidationError, match="尚未认定劝返无效"):
        svc.case_deliver(actor=leader, case=case, recipient=Recipient.EDU_CENTRE, day=day8, delivery=Delivery.POST,
                         people="张主任", text="", today=day8, now=NOW)
    svc.case_fail(actor=leader, case=case, day=day8, text="多次劝返无效", today=day8, now=NOW)
    assert _state(case, day8).stage == Stage.FAILED
    svc.case_deliver(actor=leader, case=case, recipient=Recipient.EDU_CENTRE, day=day8, delivery=Delivery.IN_PERSON,
                     people="张主任", text="", today=day8, now=NOW)
    with pytest.raises(ValidationError, match="已登记送达乡镇教育管理中心"):
        svc.case_deliver(actor=leader, case=case, recipient=Recipient.EDU_CENTRE, day=day8, delivery=Delivery.POST,
                         people="张主任", text="", today=day8, now=NOW)
    assert _state(case, day8 + dt.timedelta(days=4)).overdue == ("书面报告应于3月13日前送达乡镇人民政府",)
    svc.case_deliver(actor=teacher, case=case, recipient=Recipient.GOVERNMENT, day=day8, delivery=Delivery.POST,
                     people="刘干事", text="挂号信", today=day8, now=NOW)  # the responsible person may deliver too
    assert _state(case, day8).stage == Stage.REPORTED
    kinds = list(CaseEvent.objects.filter(case=case).order_by("day", "at", "pk").values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.CAUSE, EventKind.PERSUASION, EventKind.FAILED, EventKind.DELIVERED,
                     EventKind.DELIVERED]
    audits = AuditEntry.objects.filter(target_type="care.DropoutCase", target_id=str(case.pk))
    assert audits.count() == 5  # one a write: cause, persuasion, failed, two deliveries


def test_closing_needs_the_reason_and_a_closed_case_takes_nothing_more(teacher):
    case = _open(teacher)
    with pytest.raises(ValidationError, match="请填写缺课原因"):
        svc.case_close(actor=teacher, case=case, closing=Closing.RETURNED, day=WED, cause="", text="已返校",
                       today=WED, now=NOW)
    svc.case_close(actor=teacher, case=case, closing=Closing.RETURNED, day=WED, cause="走亲戚未请假",
                   text="已返校", today=WED, now=NOW)
    closed = DropoutCase.objects.get(pk=case.pk)
    assert (closed.closed_on, closed.closing, closed.cause) == (WED, Closing.RETURNED, "走亲戚未请假")
    assert _state(case, WED).stage == Stage.CLOSED
    with pytest.raises(ValidationError, match="个案已结案"):
        svc.case_note(actor=teacher, case=case, day=WED, text="补充", today=WED, now=NOW)
    # Unexplained again later: a new case.
    _save(teacher, _class(), {case.child_id: Reason.UNEXPLAINED}, day=dt.date(2025, 3, 10), today=dt.date(2025, 3, 10))
    assert DropoutCase.objects.filter(child_id=case.child_id).count() == 2


@pytest.mark.parametrize("text, message", [("", "请填写缺课原因"), ("a\x00b", "缺课原因含有无效字符"),
                                           ("长" * 256, "缺课原因最多 255 字")])
def test_a_case_step_refuses_empty_nul_and_overlong_text(teacher, text, message):
    case = _open(teacher)
    with pytest.raises(ValidationError, match=message):
        svc.case_cause(actor=teacher, case=case, day=TUE, method=Method.PHONE, text=text, today=TUE, now=NOW)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.CAUSE).exists()


def test_a_step_is_dated_between_the_first_absence_and_today(teacher):
    case = _open(teacher)
    for day, message in ((dt.date(2025, 3, 2), "日期不能早于首次缺课日期（3月3日）"), (WED, "日期不能晚于今天")):
        with pytest.raises(ValidationError) as refused:
            svc.case_note(actor=teacher, case=case, day=day, text="x", today=TUE, now=NOW)
        assert refused.value.messages == [message]


def test_the_leader_gives_a_case_to_another_teacher_who_then_sees_it(teacher, leader):
    case = _open(teacher)
    other = (User.objects.filter(assignments__role=Role.CLASS_TEACHER, assignments__school_class__school=case.school)
             .exclude(pk=teacher.pk).order_by("pk").first())
    assert not DropoutCase.objects.filter(sel.case_q(other), pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        svc.case_reassign(actor=teacher, case=case, responsible_id=other.pk, text="", today=TUE, now=NOW)
    with pytest.raises(ValidationError, match="请从列表中选择责任人"):
        svc.case_reassign(actor=leader, case=case, responsible_id=User.objects.get(username="county_civil").pk,
                          text="", today=TUE, now=NOW)
    svc.case_reassign(actor=leader, case=case, responsible_id=other.pk, text="副班主任跟进", today=TUE, now=NOW)
    assert DropoutCase.objects.get(pk=case.pk).responsible == other
    assert DropoutCase.objects.filter(sel.case_q(other), pk=case.pk).exists()
    assert CaseEvent.objects.get(case=case, kind=EventKind.REASSIGNED).text.endswith("副班主任跟进")


def test_a_schools_own_deadlines_apply_to_its_cases(teacher):
    case = _open(teacher)
    AbsenceSettings.objects.create(school=case.school, week_days=3)
    assert _state(case, dt.date(2025, 3, 6)).stage == Stage.PERSUADE
    assert sel.deadlines_for([case.school_id])[case.school_id].week_days == 3


# ---------------------------------------------------------------- the pages

def _register_url(klass, day=None):
    return reverse("care:absence_register") + f"?class={klass.pk}" + (f"&day={day}" if day else "")


def _post_register(client, klass, marks, day=None):
    data = {"class_id": klass.pk, "day": (day or timezone.localdate()).isoformat()}
    data.update({f"c{pk}": reason for pk, reason in marks.items()})
    return client.post(reverse("care:absence_register"), data)


def _today_is_a_school_day() -> bool:
    return not sel.register_sheet(User.objects.get(username="teacher"), _class().pk, day=timezone.localdate(),
                                  today=timezone.localdate()).problem


def test_the_register_page_shows_the_whole_class_as_one_select_each(login):
    klass = _class()
    page = login("teacher").get(reverse("care:absence_register"))  # one class: straight to it
    assert page.status_code == 200
    html = page.content.decode()
    roster = Child.objects.filter(school_class=klass)
    if _today_is_a_school_day():
        assert html.count('<select name="c') == roster.count()
        assert all(f'aria-label="{c.name}"' in html for c in roster)
    assert "保存点名" in html or "不是上课日" in html


def test_the_register_page_saves_once_however_often_it_is_sent(login):
    if not _today_is_a_school_day():
        pytest.skip("today is no school day")
    klass = _class()
    a, b = _pupils(klass, 2)
    client = login("teacher")
    for _ in range(2):
        response = _post_register(client, klass, {a.pk: Reason.SICK, b.pk: Reason.UNEXPLAINED})
        assert response.status_code == 302
    register = AbsenceRegister.objects.get(school_class=klass, day=timezone.localdate())
    assert dict(register.absences.values_list("child_id", "reason")) == {a.pk: Reason.SICK, b.pk: Reason.UNEXPLAINED}
    assert DropoutCase.objects.filter(child=b, closed_on=None).count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("reason", "truant", "请从列表中选择"), ("reason", "a\x00b", "请从列表中选择"), ("reason", "长" * 3000, "请从列表中选择"),
    ("day", "abc", "日期格式应为 YYYY-MM-DD"), ("day", "2025-02-30", "日期格式应为 YYYY-MM-DD"), ("day", "", "请填写日期"),
    ("day", "1999-12-31", "日期超出范围"), ("class_id", "abc", "参数有误"), ("class_id", "\x00", "参数有误")])
def test_bad_register_input_is_refused_in_chinese_with_400_and_nothing_stored(login, field, value, message):
    klass = _class()
    (a,) = _pupils(klass, 1)
    data = {"class_id": klass.pk, "day": timezone.localdate().isoformat(), f"c{a.pk}": Reason.SICK}
    data[{"reason": f"c{a.pk}", "day": "day", "class_id": "class_id"}[field]] = value
    before = AbsenceRegister.objects.count(), Absence.objects.count(), DropoutCase.objects.count()
    query = f"?class={klass.pk}" if field == "class_id" else ""
    response = login("teacher").post(reverse("care:absence_register") + query, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (AbsenceRegister.objects.count(), Absence.objects.count(), DropoutCase.objects.count()) == before


def test_a_teacher_of_another_class_is_refused_the_register_and_the_case(client, demo_user):
    klass = _class()
    case = DropoutCase.objects.filter(school_class=klass).order_by("pk").first()
    other = RoleAssignment.objects.filter(role=Role.CLASS_TEACHER, school_class__school=klass.school).exclude(
        school_class=klass).first().user
    client.force_login(other)
    assert client.get(_register_url(klass)).status_code == 403
    assert _post_register(client, klass, {}).status_code == 403
    assert client.get(reverse("care:absence_case", args=[case.pk])).status_code == 403
    assert client.post(reverse("care:absence_action", args=[case.pk, "note"]),
                       {"day": timezone.localdate().isoformat(), "text": "x"}).status_code == 403
    assert client.get(reverse("care:absence_case", args=[10**9])).status_code == 404


@pytest.mark.parametrize("text, message", [("a\x00b", "空字符"), ("长" * 501, "最多 500 字"), ("", "请填写补充情况")])
def test_a_case_action_with_bad_text_is_400_in_chinese_and_stores_nothing(login, text, message):
    case = DropoutCase.objects.filter(school_class=_class(), closed_on=None).order_by("pk").first()
    before = CaseEvent.objects.filter(case=case).count()
    response = login("teacher").post(reverse("care:absence_action", args=[case.pk, "note"]),
                                     {"day": timezone.localdate().isoformat(), "text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == before


def test_a_refused_step_keeps_the_form_and_says_why(login):
    case = DropoutCase.objects.filter(school_class=_class(), closed_on=None).order_by("pk").first()
    response = login("teacher").post(reverse("care:absence_action", args=[case.pk, "note"]),
                                     {"day": (case.opened_on - dt.timedelta(days=1)).isoformat(), "text": "保留的文字"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "日期不能早于首次缺课日期" in html and "保留的文字" in html


def _failed_case() -> DropoutCase:
    return DropoutCase.objects.filter(failed_on__isnull=False).order_by("pk").first()


def test_the_written_report_is_a_pdf_naming_the_child_and_its_history(client):
    case = _failed_case()
    leader = User.objects.get(assignments__role=Role.SCHOOL_LEADER, assignments__school=case.school)
    client.force_login(leader)
    response = client.get(reverse("care:absence_report", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = "".join(text.split())
    assert case.child.name in compact
    assert "劝返无效的书面报告" in compact and "石门乡教育管理中心" in compact and "石门乡人民政府" in compact
    assert "入户家访" in compact  # the history
    assert AuditEntry.objects.filter(action="export", target_type="care.DropoutCase", target_id=str(case.pk)).exists()


def test_no_written_report_before_persuasion_failed(login):
    case = DropoutCase.objects.filter(school_class=_class(), failed_on=None).order_by("pk").first()
    assert login("teacher").get(reverse("care:absence_report", args=[case.pk])).status_code == 403


def test_the_publicity_months_are_on_the_school_staffs_to_do_list(login):
    for username in ("teacher", "leader"):
        client = login(username)
        assert "控辍保学宣传月" in client.get(reverse("care:todo") + "?on=2027-02-10").content.decode()
        assert "控辍保学宣传月" in client.get(reverse("care:todo") + "?on=2027-08-31").content.decode()
        assert "控辍保学宣传月" not in client.get(reverse("care:todo") + "?on=2027-03-01").content.decode()
    assert "控辍保学宣传月" not in login("volunteer").get(reverse("care:todo") + "?on=2027-02-10").content.decode()


def test_the_class_teachers_home_card_says_whether_today_is_taken(login):
    html = login("teacher").get(reverse("home")).content.decode()
    assert "每日点名" in html and "控辍保学个案" in html


def test_the_home_cards_summary_knows_school_days_and_counts_the_teachers_cases(teacher, leader):
    klass = _class()
    mine = DropoutCase.objects.filter(closed_on=None).filter(school_class=klass).count()
    monday = sel.summary(teacher, today=MON)
    assert (monday.classes, monday.untaken, monday.school_day) == (1, 1, True)
    assert monday.open_cases == mine
    _save(teacher, klass, {}, day=MON, today=MON)
    assert sel.summary(teacher, today=MON).untaken == 0
    saturday = sel.summary(teacher, today=dt.date(2025, 3, 8))
    assert (saturday.untaken, saturday.school_day) == (0, False)
    # The school's leader: every open case of the school, no register of their own.
    school = DropoutCase.objects.filter(closed_on=None, school=klass.school).count()
    assert (sel.summary(leader, today=MON).classes, sel.summary(leader, today=MON).open_cases) == (0, school)

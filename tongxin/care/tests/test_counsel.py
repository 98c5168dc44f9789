"""Counselling and support (P-55, P-58, P-59): the mailbox's dates with fixed days (week and year ends, holidays),
the counselling records' narrow visibility (the class teacher, another school's leader and counsellor, the
township, the county, a volunteer and a parent refused; the counsellor and the school's leaders allowed), the
mailbox keeping no one, overdue letters first, the counsellors' designation, study support plans, and every
refused input storing nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import counsel_rules as cr
from tongxin.care.counsel_models import (
    CounsellingKind,
    CounsellingRecord,
    Counsellor,
    MailboxAnswer,
    MailboxMessage,
    StudyPlan,
    StudyResult,
)
from tongxin.care.models import CareFile, Pairing
from tongxin.care.selectors import counsel as sel
from tongxin.care.services import counsel as svc
from tongxin.orgs import scope
from tongxin.orgs.models import Role, RoleAssignment, School, User
from tongxin.people.models import Child

D = dt.date
FRIDAY, THURSDAY, MONDAY = 4, 3, 0

# ---------------------------------------------------------------- the mailbox's dates


@pytest.mark.parametrize(("left_on", "due"), [
    (D(2026, 12, 3), D(2026, 12, 4)),    # a Thursday: the next day
    (D(2026, 12, 4), D(2026, 12, 11)),   # the answer day itself: the next week's
    (D(2026, 12, 5), D(2026, 12, 11)),   # a Saturday
    (D(2026, 12, 6), D(2026, 12, 11)),   # a Sunday
    (D(2026, 12, 7), D(2026, 12, 11)),   # a Monday
    (D(2026, 12, 30), D(2027, 1, 1)),    # across the year end (no holiday given)
    (D(2027, 1, 1), D(2027, 1, 8)),      # left on the answer day at the year's start
])
def test_a_letter_is_due_on_the_first_answer_day_after_it_was_left(left_on, due):
    assert cr.answer_due(left_on, FRIDAY) == due


def test_the_answer_day_is_the_schools():
    assert cr.answer_due(D(2026, 12, 3), THURSDAY) == D(2026, 12, 10)  # left on a Thursday that answers Thursdays
    assert cr.answer_due(D(2026, 12, 2), THURSDAY) == D(2026, 12, 3)
    assert cr.answer_due(D(2026, 12, 6), MONDAY) == D(2026, 12, 7)     # Sunday to Monday
    assert cr.answer_due(D(2026, 12, 7), MONDAY) == D(2026, 12, 14)
    with pytest.raises(ValueError):
        cr.answer_due(D(2026, 12, 7), 7)


def test_an_answer_day_on_a_holiday_moves_to_the_next_working_day():
    new_year = {D(2027, 1, 1): False, D(2027, 1, 2): False, D(2027, 1, 3): False}
    assert cr.answer_due(D(2026, 12, 30), FRIDAY, new_year) == D(2027, 1, 4)  # Friday 1-1 off, the weekend, Monday
    made_up = {D(2027, 1, 1): False, D(2027, 1, 2): True}  # a Saturday made a working day (调休)
    assert cr.answer_due(D(2026, 12, 31), FRIDAY, made_up) == D(2027, 1, 2)
    golden_week = {D(2026, 10, d): False for d in range(1, 9)}
    assert cr.answer_due(D(2026, 9, 30), FRIDAY, golden_week) == D(2026, 10, 9)


def test_unanswered_it_is_overdue_from_the_day_after_its_due_day():
    left = D(2026, 12, 3)  # due Friday 12-4
    assert cr.letter_state(left, None, today=D(2026, 12, 3), weekday=FRIDAY).state == "waiting"
    assert cr.letter_state(left, None, today=D(2026, 12, 4), weekday=FRIDAY).state == "waiting"
    late = cr.letter_state(left, None, today=D(2026, 12, 5), weekday=FRIDAY)
    assert (late.state, late.days_over, late.label) == ("overdue", 1, "逾期 1 天")
    assert cr.letter_state(left, D(2026, 12, 4), today=D(2027, 1, 5), weekday=FRIDAY).state == "answered"
    answered_late = cr.letter_state(left, D(2026, 12, 7), today=D(2027, 1, 5), weekday=FRIDAY)
    assert (answered_late.state, answered_late.days_over) == ("late", 3)


def test_the_inbox_puts_the_longest_overdue_first_then_the_soonest_due():
    today = D(2026, 12, 16)
    letters = [(D(2026, 12, 15), 1), (D(2026, 12, 1), 2), (D(2026, 12, 8), 3), (D(2026, 12, 11), 4)]
    states = {pk: cr.letter_state(left, None, today=today, weekday=FRIDAY) for left, pk in letters}
    order = sorted(letters, key=lambda x: cr.inbox_order(states[x[1]], x[0], x[1]))
    assert [pk for _, pk in order] == [2, 3, 4, 1]  # due 12-4, 12-11 (overdue), then 12-18 (left 12-11, 12-15)
    answered = cr.letter_state(D(2026, 12, 14), D(2026, 12, 16), today=today, weekday=FRIDAY)
    assert cr.inbox_order(answered, D(2026, 12, 14), 9) > cr.inbox_order(states[1], D(2026, 12, 15), 1)


def test_a_plan_belongs_to_the_term_holding_its_day_across_the_year_end():
    assert cr.term_of(D(2026, 12, 31)) == (D(2026, 9, 1), D(2027, 1, 31))
    assert cr.term_of(D(2027, 1, 31))[0] == D(2026, 9, 1)
    assert cr.term_of(D(2027, 2, 1)) == (D(2027, 2, 1), D(2027, 8, 31))
    assert cr.term_label(D(2026, 9, 1)) == "2026年秋季学期" and cr.term_label(D(2027, 2, 1)) == "2027年春季学期"


# ---------------------------------------------------------------- fixtures from the demo county


def _school(name="青溪县实验小学") -> School:
    return School.objects.get(name=name)


def _counsellor(username="counsellor") -> Counsellor:
    return Counsellor.objects.select_related("user", "school").get(user__username=username, active=True)


def _teachers_class() -> int:
    return RoleAssignment.objects.get(user__username="teacher").school_class_id


def _record_of_the_demo_logins_children(demo_user, today=None) -> CounsellingRecord:
    """A group record at 青溪县实验小学 naming the demo parent's child, the volunteer's paired child and a third
    pupil, all of the demo teacher's class: everyone close to these children, but not the counsellor's."""
    today = today or timezone.localdate()
    own = Child.objects.get(guardianships__guardian__user__username="parent", school_class_id=_teachers_class())
    paired = Pairing.objects.filter(helper__username="volunteer", end__isnull=True,
                                    child__school_class_id=_teachers_class()).first().child
    third = Child.objects.filter(school_class_id=_teachers_class()).exclude(pk__in=[own.pk, paired.pk]).first()
    c = _counsellor()
    return svc.counselling_create(demo_user("counsellor"), counsellor_id=c.pk, kind=CounsellingKind.GROUP,
                                  day=today, child_ids=[own.pk, paired.pk, third.pk], topic="想念爸爸妈妈",
                                  notes="一起写信给外出务工的父母。", follow_up="", today=today)


# ---------------------------------------------------------------- who reads a counselling record

READERS = {"counsellor", "leader", "admin"}
EVERY_LOGIN = ["parent", "teacher", "counsellor", "leader", "volunteer", "community", "township", "county_edu",
               "county_civil", "admin"]


def test_a_record_is_read_only_by_its_counsellor_the_schools_leaders_and_the_administrator(demo_user, login):
    found = _record_of_the_demo_logins_children(demo_user)
    kids = list(found.children.values_list("pk", flat=True))
    # Those refused are close to the children: the class teacher and the volunteer read their care notes, the
    # parent is a guardian of one of them.
    assert Child.objects.filter(scope.care_notes_q(demo_user("teacher")), pk__in=kids).count() == 3
    assert Child.objects.filter(scope.care_notes_q(demo_user("volunteer")), pk__in=kids).exists()
    assert Child.objects.filter(scope.child_q(demo_user("parent")), pk__in=kids).exists()
    url = reverse("care:counsel_record", args=[found.pk])
    for username in EVERY_LOGIN:
        user = demo_user(username)
        sees = CounsellingRecord.objects.filter(scope.counselling_q(user), pk=found.pk).exists()
        assert sees == (username in READERS), username
        assert login(username).get(url).status_code == (200 if username in READERS else 403), username


def test_another_schools_leader_and_counsellor_are_refused(demo_user, login):
    found = _record_of_the_demo_logins_children(demo_user)
    shimen = _school("石门中心小学")
    leader = User.objects.get(assignments__role=Role.SCHOOL_LEADER, assignments__school=shimen)
    for user in (leader, _counsellor("t441").user):
        assert not CounsellingRecord.objects.filter(scope.counselling_q(user), pk=found.pk).exists()
        assert login(user.username).get(reverse("care:counsel_record", args=[found.pk])).status_code == 403
        assert found.topic not in login(user.username).get(reverse("care:counsel")).content.decode()


def test_a_counsellor_no_longer_designated_reads_their_records_no_more_but_the_leader_still_does(demo_user):
    found = _record_of_the_demo_logins_children(demo_user)
    c = _counsellor()
    svc.counsellor_end(demo_user("leader"), counsellor_id=c.pk, now=dt.datetime.now(dt.UTC))
    assert not CounsellingRecord.objects.filter(scope.counselling_q(demo_user("counsellor")), pk=found.pk).exists()
    assert CounsellingRecord.objects.filter(scope.counselling_q(demo_user("leader")), pk=found.pk).exists()
    with pytest.raises(PermissionDenied):
        svc.counselling_update(demo_user("counsellor"), found, day=found.day, topic="改", notes="改", follow_up="",
                               today=found.day)


def test_the_leader_reads_but_does_not_edit_a_counsellors_record(demo_user, login):
    found = _record_of_the_demo_logins_children(demo_user)
    response = login("leader").post(reverse("care:counsel_record", args=[found.pk]),
                                    {"day": found.day, "topic": "改过", "notes": "改过", "follow_up": ""})
    assert response.status_code == 403
    found.refresh_from_db()
    assert found.topic == "想念爸爸妈妈"


def test_reading_a_record_or_the_list_is_audited_with_its_children(demo_user, login):
    found = _record_of_the_demo_logins_children(demo_user)
    kids = sorted(found.children.values_list("pk", flat=True))
    login("leader").get(reverse("care:counsel_record", args=[found.pk]))
    entry = AuditEntry.objects.filter(actor=demo_user("leader"), action=AuditEntry.Action.VIEW,
                                      target_type="care.CounsellingRecord").latest("pk")
    assert entry.target_id == str(found.pk) and sorted(entry.children) == kids
    login("counsellor").get(reverse("care:counsel"))
    listed = AuditEntry.objects.filter(actor=demo_user("counsellor"), action=AuditEntry.Action.VIEW,
                                       target_type="care.CounsellingRecord").latest("pk")
    assert set(kids) <= set(listed.children) and listed.reason.startswith("查看心理辅导记录列表")


def test_the_list_shows_the_counsellor_their_own_and_the_leader_the_schools(demo_user):
    mine = _record_of_the_demo_logins_children(demo_user)
    other = _counsellor("t441")
    theirs = CounsellingRecord.objects.filter(counsellor=other).first()
    _, rows = sel.counselling_list(demo_user("counsellor"))
    assert mine.pk in {r.pk for r in rows} and theirs.pk not in {r.pk for r in rows}
    expected = CounsellingRecord.objects.filter(counsellor__school__name="青溪县实验小学").count()
    paged, rows = sel.counselling_list(demo_user("leader"))
    assert paged.paginator.count == expected and all(r.school == "青溪县实验小学" for r in rows)


# ---------------------------------------------------------------- writing a record


def _pupils(school="青溪县实验小学", n=2) -> list[int]:
    return list(Child.objects.filter(school__name=school).order_by("pk").values_list("pk", flat=True)[:n])


@pytest.mark.parametrize(("kind", "who", "problem"), [
    (CounsellingKind.INDIVIDUAL, "two", "只能选择一名儿童"),
    (CounsellingKind.GROUP, "one", "至少选择两名儿童"),
    (CounsellingKind.GROUP, "none", "请选择参加辅导的儿童"),
    (CounsellingKind.INDIVIDUAL, "elsewhere", "只能记录本校的学生"),
    ("talk", "one", "请选择辅导形式"),
])
def test_a_record_names_the_right_children_of_the_counsellors_school(demo_user, kind, who, problem):
    ids = {"two": _pupils(), "one": _pupils(n=1), "none": [], "elsewhere": _pupils("石门中心小学", 1)}[who]
    before = CounsellingRecord.objects.count()
    with pytest.raises(ValidationError, match=problem):
        svc.counselling_create(demo_user("counsellor"), counsellor_id=_counsellor().pk, kind=kind, day=D(2026, 12, 1),
                               child_ids=ids, topic="主题", notes="情况", follow_up="", today=D(2026, 12, 4))
    assert CounsellingRecord.objects.count() == before


def test_only_a_designated_counsellor_writes_records_and_never_for_the_future(demo_user):
    for username in ("teacher", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            svc.counselling_create(demo_user(username), counsellor_id=_counsellor().pk, kind=CounsellingKind.INDIVIDUAL,
                                   day=D(2026, 12, 1), child_ids=_pupils(n=1), topic="主题", notes="情况",
                                   follow_up="", today=D(2026, 12, 4))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        svc.counselling_create(demo_user("counsellor"), counsellor_id=_counsellor().pk,
                               kind=CounsellingKind.INDIVIDUAL, day=D(2026, 12, 5), child_ids=_pupils(n=1),
                               topic="主题", notes="情况", follow_up="", today=D(2026, 12, 4))


def test_the_record_page_saves_a_group_and_refuses_bad_input_with_400_storing_nothing(demo_user, login):
    client = login("counsellor")
    klass = _teachers_class()
    url = f"{reverse('care:counsel_new')}?school_class={klass}"
    page = client.get(url)
    assert page.status_code == 200
    ids = list(Child.objects.filter(school_class_id=klass).order_by("pk").values_list("pk", flat=True)[:3])
    good = {"kind": "group", "children": ids, "day": timezone.localdate().isoformat(), "topic": "我的情绪小怪兽",
            "notes": "认识情绪", "follow_up": ""}
    before = CounsellingRecord.objects.count()
    for field, value in [("topic", "a\x00b"), ("notes", "长" * 2001), ("day", "2026-13-01"), ("children", ["abc"]),
                         ("children", [str(2**40)]), ("kind", "other"), ("follow_up", "\x00")]:
        response = client.post(url, {**good, field: value})
        assert response.status_code == 400, field
        assert CounsellingRecord.objects.count() == before, field
    response = client.post(url, good)
    assert response.status_code == 302
    saved = CounsellingRecord.objects.latest("pk")
    assert sorted(saved.children.values_list("pk", flat=True)) == sorted(ids) and saved.kind == "group"


def test_the_picker_finds_several_names_at_once_and_keeps_the_ticked_ones(demo_user):
    school = _school()
    a, b = Child.objects.filter(school=school).exclude(school_class_id=_teachers_class()).order_by("pk")[:2]
    found = sel.pupil_choices(school.pk, query=f"{a.name} {b.name}")
    assert {a.pk, b.pk} <= {p.pk for p in found}
    ticked = Child.objects.filter(school_class_id=_teachers_class()).first()
    kept = sel.pupil_choices(school.pk, query=a.name, chosen=[ticked.pk, _pupils("石门中心小学", 1)[0]])
    assert ticked.pk in {p.pk for p in kept} and _pupils("石门中心小学", 1)[0] not in {p.pk for p in kept}


# ---------------------------------------------------------------- the mailbox


def test_a_letter_left_by_a_teacher_keeps_no_child_no_person_and_no_trace_of_who(demo_user, login):
    client = login("teacher")
    teacher = demo_user("teacher")
    mine_before = AuditEntry.objects.filter(actor=teacher).count()
    response = client.post(reverse("care:mailbox"), {"school": _school().pk, "text": "我想妈妈了，晚上睡不着。"})
    assert response.status_code == 302
    letter = MailboxMessage.objects.latest("pk")
    for f in MailboxMessage._meta.concrete_fields:
        assert f.related_model not in (Child, User), f.name  # no column points to a child or a person
    assert {f.name for f in MailboxMessage._meta.concrete_fields} == {"id", "school", "left_on", "text"}
    assert letter.school_id == _school().pk and letter.left_on == timezone.localdate()
    entry = AuditEntry.objects.filter(reason="悄悄话信箱收到一封来信").latest("pk")
    assert (entry.actor_id, entry.actor_name, entry.ip, entry.user_agent, entry.child_id, entry.children) == (
        None, "", None, "", None, [])
    assert entry.target_type == "orgs.School" and entry.target_id == str(_school().pk)
    assert timezone.localtime(entry.at).time() == dt.time.min  # the day, not the moment
    assert AuditEntry.objects.filter(actor=teacher).count() == mine_before


def test_only_the_schools_staff_write_to_its_mailbox(demo_user, login):
    for username in ("parent", "volunteer", "community", "township", "county_edu", "county_civil"):
        assert login(username).get(reverse("care:mailbox")).status_code == 403, username
    with pytest.raises(PermissionDenied):
        svc.letter_leave(demo_user("teacher"), school_id=_school("石门中心小学").pk, text="你好", today=D(2026, 12, 4))


@pytest.mark.parametrize("text", ["a\x00b", "长" * 1001, "   "])
def test_a_refused_letter_is_answered_400_and_stores_nothing(login, text):
    client = login("teacher")
    before = MailboxMessage.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("care:mailbox"), {"school": _school().pk, "text": text})
    assert response.status_code == 400
    assert (MailboxMessage.objects.count(), AuditEntry.objects.count()) == before


def test_the_counsellor_sees_overdue_letters_first_and_answers_them(demo_user):
    counsellor = demo_user("counsellor")
    school = _school()
    teacher = demo_user("teacher")
    MailboxMessage.objects.filter(school=school).delete()  # only this test's letters (the demo's are relative)
    left = {pk_day: svc.letter_leave(teacher, school_id=school.pk, text=f"信{pk_day}", today=pk_day)
            for pk_day in (D(2031, 3, 3), D(2031, 3, 12), D(2031, 3, 14), D(2031, 3, 6))}
    today = D(2031, 3, 15)  # a Saturday: letters of 3-3 and 3-6 were due 3-7; 3-12 due 3-14; 3-14 due 3-21
    box = sel.inbox(counsellor, today=today)
    assert [x.left_on for x in box.open] == [D(2031, 3, 3), D(2031, 3, 6), D(2031, 3, 12), D(2031, 3, 14)]
    assert [x.state.state for x in box.open] == ["overdue", "overdue", "overdue", "waiting"]
    assert box.overdue == 3
    assert sel.mailbox_counts([school.pk], today=today)[school.pk] == sel.MailboxCounts(4, 3)
    svc.letter_answer(counsellor, message_id=left[D(2031, 3, 3)].pk, text="回信", on_board=True, today=today)
    box = sel.inbox(counsellor, today=today)
    assert box.overdue == 2 and box.answered[0].state.state == "late"
    with pytest.raises(ValidationError, match="已经回复过"):
        svc.letter_answer(counsellor, message_id=left[D(2031, 3, 3)].pk, text="再回", on_board=True, today=today)


def test_letters_are_read_only_by_the_schools_counsellors(demo_user, login):
    letter = MailboxMessage.objects.filter(school=_school()).order_by("pk").first()
    url = reverse("care:mailbox_letter", args=[letter.pk])
    for username in EVERY_LOGIN:
        expected = 200 if username in {"counsellor", "admin"} else 403
        assert login(username).get(url).status_code == expected, username
    assert login("t441").get(url).status_code == 403  # another school's counsellor
    with pytest.raises(PermissionDenied):
        svc.letter_answer(demo_user("leader"), message_id=letter.pk, text="回信", on_board=True, today=D(2026, 12, 4))


def test_the_board_shows_the_answers_put_on_it_to_the_schools_staff_only(demo_user, login):
    school = _school()
    counsellor = demo_user("counsellor")
    shown = svc.letter_leave(demo_user("teacher"), school_id=school.pk, text="公开的来信", today=D(2026, 12, 1))
    kept = svc.letter_leave(demo_user("teacher"), school_id=school.pk, text="不公开的来信", today=D(2026, 12, 1))
    svc.letter_answer(counsellor, message_id=shown.pk, text="公开的回信", on_board=True, today=D(2026, 12, 4))
    svc.letter_answer(counsellor, message_id=kept.pk, text="不公开的回信", on_board=False, today=D(2026, 12, 4))
    page = login("teacher").get(reverse("care:mailbox")).content.decode()
    assert "公开的回信" in page and "不公开的回信" not in page and "不公开的来信" not in page
    shimen = User.objects.get(assignments__role=Role.SCHOOL_LEADER, assignments__school__name="石门中心小学")
    assert "公开的回信" not in login(shimen.username).get(reverse("care:mailbox")).content.decode()
    assert not MailboxAnswer.objects.filter(scope.mailbox_board_q(shimen, prefix="message__"), pk=shown.answer.pk)


# ---------------------------------------------------------------- the school's counsellors


def test_the_leader_designates_a_counsellor_among_the_schools_staff_only(demo_user, login):
    client = login("leader")
    school = _school()
    url = reverse("care:counsellors")
    assert client.get(url).status_code == 200
    outsider = User.objects.get(username="t441")  # a teacher of 石门中心小学
    response = client.post(url, {"action": "designate", "school": school.pk, "user": outsider.pk})
    assert response.status_code == 400 and not Counsellor.objects.filter(school=school, user=outsider).exists()
    teacher = demo_user("teacher")
    assert client.post(url, {"action": "designate", "school": school.pk, "user": teacher.pk}).status_code == 302
    assert Counsellor.objects.get(school=school, user=teacher).active
    assert sel.is_counsellor(demo_user("teacher"))
    with pytest.raises(PermissionDenied):
        svc.counsellor_designate(demo_user("counsellor"), school_id=school.pk, user_id=teacher.pk,
                                 now=dt.datetime.now(dt.UTC))
    assert login("teacher").post(url, {"action": "designate", "school": school.pk,
                                       "user": teacher.pk}).status_code == 403


def test_the_answer_day_is_set_by_the_leader_monday_to_friday(demo_user, login):
    school = _school()
    client = login("leader")
    assert client.post(reverse("care:counsellors"), {"action": "weekday", "school": school.pk,
                                                     "weekday": 5}).status_code == 400
    assert sel.answer_weekday(school.pk) == FRIDAY
    assert client.post(reverse("care:counsellors"), {"action": "weekday", "school": school.pk,
                                                     "weekday": MONDAY}).status_code == 302
    assert sel.answer_weekday(school.pk) == MONDAY
    assert sel.next_answer_day(school.pk, today=D(2031, 3, 4)) == D(2031, 3, 10)
    with pytest.raises(PermissionDenied):
        svc.mailbox_weekday_set(demo_user("leader"), school_id=_school("石门中心小学").pk, weekday=MONDAY)


# ---------------------------------------------------------------- study support plans (P-55)


def _covered_in_teachers_class() -> CareFile:
    return CareFile.objects.filter(child__school_class_id=_teachers_class()).exclude(category="none").order_by("pk").last()


def test_the_class_teacher_makes_a_plan_and_records_staged_results(demo_user, login):
    file = _covered_in_teachers_class()
    StudyPlan.objects.filter(child=file.child).delete()
    client = login("teacher")
    url = reverse("care:study", args=[file.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"part": "plan", "schedule": "每周二放学后", "content": "数学应用题", "goal": ""})
    assert response.status_code == 302
    plan = StudyPlan.objects.get(child=file.child)
    assert plan.term_start == cr.term_of(timezone.localdate())[0]
    assert client.post(url, {"part": "result", "day": timezone.localdate().isoformat(),
                             "result": "单元测验及格"}).status_code == 302
    assert StudyResult.objects.filter(plan=plan, result="单元测验及格").exists()
    term_start = plan.term_start
    assert client.post(url, {"part": "result", "day": (term_start - dt.timedelta(days=1)).isoformat(),
                             "result": "上学期的"}).status_code == 400
    assert not StudyResult.objects.filter(result="上学期的").exists()


@pytest.mark.parametrize(("field", "value"), [("schedule", "a\x00b"), ("content", "长" * 501), ("schedule", ""),
                                              ("goal", "长" * 256)])
def test_a_refused_plan_is_answered_400_and_stores_nothing(login, field, value):
    file = _covered_in_teachers_class()
    StudyPlan.objects.filter(child=file.child).delete()
    data = {"part": "plan", "schedule": "每周二", "content": "数学", "goal": "", field: value}
    assert login("teacher").post(reverse("care:study", args=[file.pk]), data).status_code == 400
    assert not StudyPlan.objects.filter(child=file.child).exists()


def test_a_plan_is_kept_by_those_who_read_the_childs_care_notes(demo_user, login):
    file = _covered_in_teachers_class()
    url = reverse("care:study", args=[file.pk])
    notes = CareFile.objects.filter(scope.care_notes_q(demo_user("counsellor"), prefix="child__"), pk=file.pk)
    assert not notes.exists()  # the counsellor heads another class
    for username in ("counsellor", "county_edu", "county_civil", "parent"):
        assert login(username).get(url).status_code == 403, username
    with pytest.raises(PermissionDenied):
        svc.study_plan_save(demo_user("counsellor"), file, schedule="每周", content="数学", goal="",
                            today=timezone.localdate())
    for username in ("teacher", "leader", "admin"):
        assert login(username).get(url).status_code == 200, username

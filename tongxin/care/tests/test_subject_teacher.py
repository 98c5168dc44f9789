"""Subject teachers' monthly talks (P-44): the class teacher (or the school's leader) assigns left-behind pupils to
the subject teachers of their class; a subject teacher sees exactly those pupils' files while the pairing runs,
records the talks, and finds the month's talk on the to-do list (page and API) and on the compliance board."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.care import access, rules, services
from tongxin.care.choices import Category, HelperRole, PairingKind, RecordKind, Window
from tongxin.care.models import CareFile, ContactRecord, Pairing
from tongxin.care.selectors.board import board
from tongxin.care.selectors.todo import todo_for
from tongxin.orgs import scope
from tongxin.orgs.models import Role, RoleAssignment, User
from tongxin.orgs.services import issue_api_token

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()  # the demo is dated from the day it is built
TERM = dt.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
# The demo's pairings start with the term: a month of it has closed unless today is in September.
LAST_MONTH_CLOSED = TODAY.replace(day=1) > TERM


def fresh(user: User) -> User:
    """The user read again (scope caches the assignments on the object)."""
    return User.objects.get(pk=user.pk)


def taught(user: User) -> set[int]:
    return set(RoleAssignment.objects.filter(user=user, role=Role.SUBJECT_TEACHER).values_list("school_class_id", flat=True))


def paired(user: User) -> set[int]:
    return set(Pairing.objects.filter(helper=user, kind=PairingKind.SUBJECT_TEACHER).values_list("child_id", flat=True))


def unpaired_file(teacher: User, class_id: int) -> CareFile:
    """A left-behind pupil of this class whose file was opened by the term's start, not paired with `teacher`."""
    return (CareFile.objects.filter(child__school_class_id=class_id, category=Category.LEFT_BEHIND, added_on__lte=TERM)
            .exclude(child_id__in=paired(teacher)).order_by("pk").first())


@pytest.fixture
def subject(demo_user):
    return demo_user("subject")  # 石门中心小学 数学, 三年级（1）班 and （2）班


@pytest.fixture
def class_teacher(demo_user):
    return demo_user("t431")  # 石门中心小学 三年级（1）班


@pytest.fixture
def class_31(class_teacher):
    return RoleAssignment.objects.get(user=class_teacher, role=Role.CLASS_TEACHER).school_class_id


# ---------------------------------------------------------------------------------------------------------------
# The role and what it sees


def test_a_subject_teacher_holds_one_assignment_per_class_taught_and_sees_only_its_paired_pupils(subject):
    assert len(taught(subject)) == 2
    pupils = set(CareFile.objects.filter(child__school_class__in=taught(subject)).values_list("child_id", flat=True))
    mine = paired(subject)
    assert mine and mine < pupils
    assert set(scope.children(subject).values_list("pk", flat=True)) == mine
    assert set(access.files(subject).values_list("child_id", flat=True)) == mine
    assert "subject_teacher" in scope.roles(subject) and not access.is_editor(subject)


def test_a_subject_teacher_reads_its_pupils_notes_and_not_those_of_the_other_pupils_of_its_classes(subject, class_31):
    mine = CareFile.objects.get(child_id=sorted(paired(subject))[0])
    other = unpaired_file(subject, class_31)
    assert access.may_read_notes(subject, mine)
    assert not access.may_read_notes(subject, other)
    with pytest.raises(PermissionDenied):
        access.access_file(subject, other.pk)
    with pytest.raises(PermissionDenied):
        services.record_add(subject, other, kind=RecordKind.TALK, day=TODAY, summary="谈心", today=TODAY)
    assert not ContactRecord.objects.filter(child=other.child, by=subject).exists()


def test_the_subject_teacher_loses_the_pupil_when_the_pairing_ends(subject, class_teacher, class_31):
    file = unpaired_file(subject, class_31)
    pairing = services.pairing_add(class_teacher, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=subject.pk,
                                   start=TODAY - dt.timedelta(days=40))
    subject = fresh(subject)
    assert scope.can_view_child(subject, file.child) and access.may_read_notes(subject, file)
    services.record_add(subject, file, kind=RecordKind.TALK, day=TODAY, summary="谈心：期末复习计划", today=TODAY)
    with pytest.raises(ValidationError, match="原因"):
        services.pairing_end(class_teacher, pairing, end=TODAY - dt.timedelta(days=1), reason=" ")
    services.pairing_end(class_teacher, pairing, end=TODAY - dt.timedelta(days=1), reason="调整任课安排")
    subject = fresh(subject)
    assert not scope.can_view_child(subject, file.child)
    assert not access.may_read_notes(subject, file)
    with pytest.raises(PermissionDenied):
        services.record_add(subject, file, kind=RecordKind.TALK, day=TODAY, summary="谈心", today=TODAY)
    assert file.child_id not in {d.file.child_id for d in todo_for(subject, TODAY).duties}


# ---------------------------------------------------------------------------------------------------------------
# Who assigns the pupils, to whom


def test_the_class_teacher_assigns_a_pupil_to_a_subject_teacher_of_the_class(subject, class_teacher, class_31):
    file = unpaired_file(subject, class_31)
    assert access.arrangeable_kinds(class_teacher, file) == [PairingKind.SUBJECT_TEACHER]
    pairing = services.pairing_add(class_teacher, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=subject.pk,
                                   start=TODAY)
    assert pairing.created_by == class_teacher and pairing.helper == subject
    with pytest.raises(ValidationError, match="已与这名儿童结对"):
        services.pairing_add(class_teacher, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=subject.pk, start=TODAY)


def test_only_a_subject_teacher_of_the_pupils_own_class_may_be_assigned(demo_user, class_teacher, class_31):
    file = unpaired_file(demo_user("subject"), class_31)
    elsewhere = demo_user("s1m")  # 实验小学's maths teacher
    with pytest.raises(ValidationError, match="不是该生所在班级的任课教师"):
        services.pairing_add(class_teacher, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=elsewhere.pk,
                             start=TODAY)
    with pytest.raises(ValidationError, match="不能担任"):
        services.pairing_add(class_teacher, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=class_teacher.pk,
                             start=TODAY)
    assert not Pairing.objects.filter(child=file.child, helper__in=[elsewhere, class_teacher],
                                      kind=PairingKind.SUBJECT_TEACHER).exists()


def test_the_class_teacher_arranges_nothing_else_and_nothing_outside_the_class(demo_user, subject, class_teacher,
                                                                               class_31):
    file = unpaired_file(subject, class_31)
    with pytest.raises(PermissionDenied, match="班主任只能"):
        services.pairing_add(class_teacher, file, kind=PairingKind.PROXY_PARENT, helper_id=class_teacher.pk,
                             start=TODAY)
    other_class = next(c for c in taught(subject) if c != class_31)
    with pytest.raises(PermissionDenied, match="不在您负责的范围内"):
        services.pairing_add(class_teacher, unpaired_file(subject, other_class), kind=PairingKind.SUBJECT_TEACHER,
                             helper_id=subject.pk, start=TODAY)


def test_the_schools_leader_assigns_too_and_the_village_does_not(demo_user, subject, class_31):
    file = unpaired_file(subject, class_31)
    services.pairing_add(demo_user("leader4"), file, kind=PairingKind.SUBJECT_TEACHER, helper_id=subject.pk,
                         start=TODAY)
    worker = RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER, region=file.child.family.community).first().user
    assert PairingKind.SUBJECT_TEACHER not in access.arrangeable_kinds(worker, file)
    with pytest.raises(PermissionDenied, match="班主任或学校领导"):
        services.pairing_add(worker, file, kind=PairingKind.SUBJECT_TEACHER, helper_id=subject.pk, start=TODAY)


def test_the_pair_page_offers_a_class_teacher_only_the_talk_with_the_classes_subject_teachers(login, subject,
                                                                                              class_31):
    file = unpaired_file(subject, class_31)
    client = login("t431")
    page = client.get(reverse("care:pair", args=[file.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert [v for v, _ in form.fields["kind"].choices] == [PairingKind.SUBJECT_TEACHER]
    offered = {v for v, _ in form.fields["helper"].choices if v}
    expected = set(RoleAssignment.objects.filter(role=Role.SUBJECT_TEACHER, school_class_id=class_31)
                   .values_list("user_id", flat=True))
    assert offered == expected and subject.pk in offered and "peer" not in form.fields
    response = client.post(reverse("care:pair", args=[file.pk]), {
        "kind": PairingKind.SUBJECT_TEACHER, "helper": subject.pk, "start": f"{TODAY:%Y-%m-%d}"})
    assert response.status_code == 302
    assert Pairing.objects.filter(child=file.child, helper=subject, kind=PairingKind.SUBJECT_TEACHER).exists()
    assert "指定任课教师谈心" in client.get(reverse("care:file", args=[file.pk])).text


def test_a_subject_teacher_cannot_confirm_the_census_of_a_class_it_teaches(login, subject):
    response = login("subject").post(reverse("care:census", args=[sorted(taught(subject))[0]]))
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# The month's talk on the to-do list, the API and the board


def test_the_demo_subject_teachers_todo_is_the_monthly_talk_with_each_paired_pupil_one_behind(subject):
    todo = todo_for(subject, TODAY, today=TODAY)
    assert {d.file.child_id for d in todo.duties} == paired(subject)
    assert {(d.role, d.status.rule.key) for d in todo.duties} == {(HelperRole.SUBJECT_TEACHER, "p44_talk")}
    assert [d.status.missed_last for d in todo.duties if d.status.missed_last] == ([1] if LAST_MONTH_CLOSED else [])
    assert not (todo.unchecked or todo.assessments or todo.census_due)


def test_a_talk_recorded_this_month_meets_the_months_rule(subject):
    duty = next(d for d in todo_for(subject, TODAY).duties if d.status.state == "due")
    file = CareFile.objects.get(pk=duty.file.file_id)
    services.record_add(subject, file, kind=RecordKind.CONTACT, day=TODAY, summary="电话联系", today=TODAY)
    assert next(d for d in todo_for(subject, TODAY).duties if d.file.file_id == file.pk).status.state == "due"
    services.record_add(subject, file, kind=RecordKind.TALK, day=TODAY, summary="谈心", today=TODAY)
    after = next(d for d in todo_for(subject, TODAY).duties if d.file.file_id == file.pk)
    assert (after.status.done, after.status.state) == (1, "done")


def test_the_todo_page_lists_the_talks_with_a_link_to_record_one(login, subject):
    page = login("subject").get(reverse("care:todo")).text
    due = [d for d in todo_for(subject, TODAY).duties if d.status.state == "due"]
    assert due and all(d.file.name in page for d in due)
    assert "任课教师每月与结对的留守学生谈心一次" in page and ("上期差 1 次" in page) == LAST_MONTH_CLOSED
    assert f"{reverse('care:record_add', args=[due[0].file.file_id])}?next=todo&kind=talk&party=child" in page


def test_a_talk_with_the_pupil_behind_leaves_the_row_marked_done_and_no_longer_counted_as_due(login, subject):
    due = [d for d in todo_for(subject, TODAY).duties if d.status.state == "due"]
    duty = next((d for d in due if d.status.missed_last), due[0])  # the pupil behind (none in September)
    client = login("subject")
    before = client.get(reverse("care:todo")).context["todo"]
    response = client.post(f"{reverse('care:record_add', args=[duty.file.file_id])}?next=todo", {
        "kind": "talk", "party": "child", "day": f"{TODAY:%Y-%m-%d}", "summary": "谈心：期末复习计划"})
    assert response.status_code == 302 and response.url == reverse("care:todo")
    page = client.get(reverse("care:todo"))
    todo = page.context["todo"]
    assert len(todo.due_duties) == len(before.due_duties) - 1 and len(todo.behind) == len(before.behind)
    assert ("本期已完成" in page.text) == bool(duty.status.missed_last)  # still listed: last month's shortfall
    assert "本月未核对" not in page.text  # no class of their own to check


def test_the_todo_api_answers_for_the_first_day_of_next_month(subject):
    _, key = issue_api_token(subject, "test")
    first = (TODAY.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    from django.test import Client

    body = Client(headers={"Authorization": f"Bearer {key}"}).get(f"/api/care/todo?on={first:%Y-%m-%d}").json()
    assert {d["rule_key"] for d in body["duties"]} == {"p44_talk"}
    assert all((d["window_start"], d["done"], d["needed"]) == (f"{first:%Y-%m-%d}", 0, 1) for d in body["duties"])
    # This month's pupils without a talk are last month's shortfall on that day.
    behind_now = {d.file.file_id for d in todo_for(subject, TODAY).duties if d.status.state == "due"}
    assert {d["file_id"] for d in body["duties"] if d["missed_last"]} == behind_now


def test_the_board_shows_the_subject_teachers_shortfall_as_its_todo_does(demo_user, subject):
    found = board(demo_user("leader4"), on=TODAY, by="class")
    mine = [b for b in found.behind if b.role == HelperRole.SUBJECT_TEACHER and b.helper == subject.display_name]
    todo = [d for d in todo_for(subject, TODAY).duties if d.status.missed_last]
    assert bool(mine) == LAST_MONTH_CLOSED and {(b.file.file_id, b.status.missed_last) for b in mine} == {
        (d.file.file_id, d.status.missed_last) for d in todo}


def test_a_school_changes_or_switches_off_the_talk_for_its_subject_teachers(demo_user, subject):
    leader = demo_user("leader4")
    services.rule_set(leader, key="p44_talk", count=2, window="month", active=True)
    assert {d.status.needed for d in todo_for(subject, TODAY).duties} == {2}
    services.rule_set(leader, key="p44_talk", count=2, window="month", active=False)
    assert todo_for(subject, TODAY).duties == []
    services.rule_restore(leader, key="p44_talk")
    assert {d.status.needed for d in todo_for(subject, TODAY).duties} == {1}


def test_the_rules_page_lists_the_subject_teachers_talk(login):
    page = login("leader4").get(reverse("care:rules")).text
    assert "任课教师每月与结对的留守学生谈心一次" in page and "P-44" in page


def test_the_schools_work_sheet_has_a_row_for_each_subject_teacher_with_its_talks(demo_user, subject):
    from tongxin.care.selectors.work import work_sheet

    (school,) = work_sheet(demo_user("leader4"), on=TODAY).schools
    row = next(r for r in school.teachers if r.user_id == subject.pk)
    assert row.duty == "任课教师（三年级（1）班、三年级（2）班）"
    assert row.paired == len(paired(subject))
    term_start, _ = rules.window_of(Window.TERM, TODAY)
    talks = ContactRecord.objects.filter(by=subject, kind=RecordKind.TALK, day__range=(term_start, TODAY)).count()
    assert row.talks == talks
    assert not row.neglect  # one month behind with one pupil is not two whole months of silence

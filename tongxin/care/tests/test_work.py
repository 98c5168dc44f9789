"""The teachers' care work sheet and the leadership group (P-73, P-76): the neglect rule with fixed dates, the sheet
against counts from the raw rows, the group's rules, the pages."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.care import rules
from tongxin.care import work_rules as wr
from tongxin.care.choices import RecordKind, Window
from tongxin.care.models import ContactRecord, GroupMember
from tongxin.care.org_models import GroupRole
from tongxin.care.selectors import work as sel
from tongxin.care.services import group as svc
from tongxin.orgs.models import Role, RoleAssignment, School, User

D = dt.date


def test_whole_months_without_contact_are_counted_within_the_pairing():
    assert wr.months_without_contact(D(2026, 9, 15), D(2026, 12, 4), [], D(2026, 12, 4)) == 2  # Oct, Nov
    assert wr.months_without_contact(D(2026, 9, 1), D(2026, 12, 4), [D(2026, 10, 31)], D(2026, 12, 4)) == 1
    assert wr.months_without_contact(D(2026, 11, 2), D(2027, 2, 1), [], D(2027, 2, 1)) == 2  # Dec, Jan across the year


def test_neglect_by_silence_or_by_a_report_without_recent_contact():
    assert wr.neglected(D(2026, 9, 1), None, [D(2026, 9, 3)], D(2026, 12, 4)) == "连续 2 个整月未与结对儿童联系"
    assert wr.neglected(D(2026, 9, 1), None, [D(2026, 10, 3), D(2026, 11, 20)], D(2026, 12, 4)) is None
    contacts = [D(2026, 10, 3), D(2026, 10, 20), D(2026, 11, 20)]
    assert wr.neglected(D(2026, 9, 1), None, contacts, D(2026, 12, 4), reports=[D(2026, 11, 19)]) is None  # 30 days
    assert wr.neglected(D(2026, 9, 1), None, contacts, D(2026, 12, 4), reports=[D(2026, 11, 20)]) is None  # same day
    why = wr.neglected(D(2026, 9, 1), None, [D(2026, 10, 3), D(2026, 11, 20)], D(2026, 12, 4),
                       reports=[D(2026, 11, 10)])  # 38 days after the last contact
    assert why == "结对儿童被强制报告（2026-11-10）前 30 天内无联系记录"


def test_the_sheet_counts_each_teachers_records_this_term(demo_user):
    sheet = sel.work_sheet(demo_user("leader4"), on=timezone.localdate())
    term = rules.window_of(Window.TERM, timezone.localdate())
    (school,) = sheet.schools
    for row in school.teachers[:4]:
        records = ContactRecord.objects.filter(by_id=row.user_id, day__range=(term[0], timezone.localdate()))
        assert row.talks == records.filter(kind=RecordKind.TALK).count()
        assert row.home_visits == records.filter(kind=RecordKind.HOME_VISIT).count()
        assert row.total == records.count()


def test_the_demos_silent_proxy_parent_is_flagged_first(demo_user):
    (school,) = sel.work_sheet(demo_user("leader4"), on=timezone.localdate()).schools
    assert school.teachers[0].neglect and "连续 2 个整月" in school.teachers[0].neglect[0]


def _shimen_staff():
    school = School.objects.get(name="石门中心小学")
    teacher = RoleAssignment.objects.filter(role=Role.CLASS_TEACHER, school_class__school=school).first().user
    return school, teacher


def test_only_the_leader_names_members_and_only_of_the_schools_staff(demo_user):
    school, teacher = _shimen_staff()
    outsider = User.objects.get(username="teacher")
    with pytest.raises(PermissionDenied):
        svc.group_set(demo_user("leader"), school_id=school.pk, user_id=teacher.pk, role=GroupRole.MEMBER,
                      since=D(2026, 9, 1))
    with pytest.raises(ValidationError, match="本校"):
        svc.group_set(demo_user("leader4"), school_id=school.pk, user_id=outsider.pk, role=GroupRole.MEMBER,
                      since=D(2026, 9, 1))
    with pytest.raises(ValidationError, match="已有组长"):
        svc.group_set(demo_user("leader4"), school_id=school.pk, user_id=teacher.pk, role=GroupRole.HEAD,
                      since=D(2026, 9, 1))
    svc.group_set(demo_user("leader4"), school_id=school.pk, user_id=teacher.pk, role=GroupRole.OFFICE,
                  since=D(2026, 9, 1))
    assert GroupMember.objects.get(school=school, user=teacher).role == GroupRole.OFFICE


def test_the_export_has_one_row_per_teacher(login):
    response = login("leader4").get(reverse("care:work_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book[book.sheetnames[0]]
    (school,) = sel.work_sheet(User.objects.get(username="leader4"), on=timezone.localdate()).schools
    assert sheet.max_row - 3 == len(school.teachers)


def test_a_bad_group_post_is_400(login):
    assert login("leader4").post(reverse("care:group"), {"school": "x"}).status_code == 400

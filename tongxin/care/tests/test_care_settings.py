"""Offices set their care work's values (teachers' load, assessment months, months away): a county for its schools,
a school over the county, each seeing where a value comes from and restoring the one above. A changed value takes
effect where it is used: pairing, the assessments due, the left-behind category."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import services
from tongxin.care.choices import Category, PairingKind
from tongxin.care.models import CareFile, CareSettings, FileVersion, Pairing
from tongxin.care.selectors.settings import county_schools, settings_for, settings_page
from tongxin.care.selectors.todo import todo_for
from tongxin.orgs.models import RoleAssignment, School

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
APRIL = dt.date(TODAY.year + 1, 4, 15)  # after every demo file was opened and assessed


def _school(username: str) -> School:
    return RoleAssignment.objects.get(user__username=username, role="school_leader").school


def _in_force(school: School):
    return settings_for(school_id=school.pk, area_path=school.region.path)


def _row(rows, key):
    return next(r for r in rows if r.key == key)


# ---------------------------------------------------------------- services

def test_a_school_whose_load_is_three_lets_a_teacher_take_a_third_pairing(demo_user):
    leader, helper = demo_user("leader"), demo_user("t111")  # 实验小学 and one of its teachers
    files = list(CareFile.objects.filter(child__school=_school("leader")).order_by("pk")[:4])
    Pairing.objects.filter(helper=helper).delete()
    for f in files[:2]:
        services.pairing_add(leader, f, kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)
    with pytest.raises(ValidationError, match="上限（2 名）"):
        services.pairing_add(leader, files[2], kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)
    services.care_settings_set(leader, key="teacher_load", value=3, on=TODAY)
    services.pairing_add(leader, files[2], kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)
    with pytest.raises(ValidationError, match="上限（3 名）"):
        services.pairing_add(leader, files[3], kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)


def test_assessment_months_april_and_october_change_what_is_due(demo_user):
    leader, teacher = demo_user("leader"), demo_user("t111")
    before = todo_for(teacher, APRIL).assessments
    assert before and {due.reason for _, due in before} == {"3月例行评估"}
    assert {due.state for _, due in before} == {"overdue"}  # March passed without an assessment
    services.care_settings_set(leader, key="assessment_months", value=[10, 4], on=TODAY)
    after = todo_for(teacher, APRIL).assessments
    assert {due.reason for _, due in after} == {"4月例行评估"}
    assert {due.state for _, due in after} == {"due"} and {due.deadline for _, due in after} == {APRIL.replace(day=30)}
    assert _in_force(_school("leader")).assessment_months == (4, 10)


def test_a_county_value_reaches_its_schools_a_schools_own_wins_and_restoring_brings_back_the_one_above(demo_user):
    county, leader = demo_user("county_edu"), demo_user("leader")
    school, other = _school("leader"), _school("leader2")
    services.care_settings_set(county, key="teacher_load", value=5, on=TODAY)
    assert _in_force(school).teacher_load == _in_force(other).teacher_load == 5
    row = _row(settings_page(school_id=school.pk, region_id=None, path=school.region.path), "teacher_load")
    assert (row.value, row.origin, row.own) == (5, "县（区）", False)
    services.care_settings_set(leader, key="teacher_load", value=3, on=TODAY)
    assert (_in_force(school).teacher_load, _in_force(other).teacher_load) == (3, 5)
    row = _row(settings_page(school_id=school.pk, region_id=None, path=school.region.path), "teacher_load")
    assert (row.value, row.origin, row.own, row.above, row.above_origin) == (3, "本校", True, 5, "县（区）")
    assert [s.school for s in county_schools(school.region.path)] == sorted({school.name, "石门中心小学"})
    services.care_settings_restore(leader, key="teacher_load", on=TODAY)
    assert _in_force(school).teacher_load == 5
    assert not CareSettings.objects.filter(school=school).exists()  # nothing of its own left: no row
    services.care_settings_restore(county, key="teacher_load", on=TODAY)
    assert _in_force(school).teacher_load == 2
    row = _row(settings_page(school_id=None, region_id=school.region.parent_id, path=school.region.path), "teacher_load")
    assert (row.value, row.origin, row.own) == (2, "默认", False)


def test_each_save_and_each_restore_is_one_audit_entry_and_restoring_nothing_writes_nothing(demo_user):
    leader = demo_user("leader")
    n = AuditEntry.objects.count()
    services.care_settings_set(leader, key="assessment_months", value=[3, 9, 12], on=TODAY)
    services.care_settings_set(leader, key="teacher_load", value=4, on=TODAY)
    assert AuditEntry.objects.count() == n + 2
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.actor == leader and "2 名 → 4 名" in entry.reason
    services.care_settings_restore(leader, key="teacher_load", on=TODAY)
    services.care_settings_restore(leader, key="teacher_load", on=TODAY)  # already the county's: nothing to do
    services.care_settings_restore(leader, key="months_away", on=TODAY)
    assert AuditEntry.objects.count() == n + 3
    assert CareSettings.objects.get(school=_school("leader")).assessment_months == [3, 9, 12]


def test_a_longer_months_away_rederives_the_countys_files_but_not_a_school_that_set_its_own(demo_user):
    county, leader4 = demo_user("county_civil"), demo_user("leader4")
    rural = _school("leader4")
    services.care_settings_set(leader4, key="months_away", value=3, on=TODAY)  # 石门中心小学 keeps the seeds' 3
    was = dict(CareFile.objects.values_list("pk", "category"))
    versions = FileVersion.objects.count()
    changed = services.care_settings_set(county, key="months_away", value=12, on=TODAY)
    now = dict(CareFile.objects.values_list("pk", "category"))
    moved = {pk for pk in was if was[pk] != now[pk]}
    assert changed == len(moved) > 0
    assert all(was[pk] == Category.LEFT_BEHIND for pk in moved)  # fewer left behind by a stricter threshold
    assert not CareFile.objects.filter(pk__in=moved, child__school=rural).exists()
    assert FileVersion.objects.count() == versions + changed
    assert services.care_settings_restore(county, key="months_away", on=TODAY) == changed
    assert dict(CareFile.objects.values_list("pk", "category")) == was


@pytest.mark.parametrize("key, value", [
    ("teacher_load", 0), ("teacher_load", 21), ("teacher_load", -1), ("teacher_load", "3"), ("teacher_load", True),
    ("months_away", 0), ("months_away", 13), ("assessment_months", []), ("assessment_months", [3, 3]),
    ("assessment_months", [0, 9]), ("assessment_months", [3, 13]), ("assessment_months", 3),
    ("assessment_months", ["3"]), ("colour", 1)])
def test_bad_values_are_refused_in_chinese_and_nothing_is_stored(demo_user, key, value):
    n = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.care_settings_set(demo_user("leader"), key=key, value=value, on=TODAY)
    assert not exc.value.messages[0].isascii()
    assert not CareSettings.objects.filter(school=_school("leader")).exists() and AuditEntry.objects.count() == n


@pytest.mark.parametrize("username", ["parent", "teacher", "volunteer", "community", "township", "admin"])
def test_only_school_leaders_and_county_bureaus_set_values(demo_user, username):
    with pytest.raises(PermissionDenied):
        services.care_settings_set(demo_user(username), key="teacher_load", value=3, on=TODAY)
    with pytest.raises(PermissionDenied):
        services.care_settings_restore(demo_user(username), key="teacher_load", on=TODAY)


# ---------------------------------------------------------------- the page

def test_a_leader_saves_on_the_page_and_the_next_pairing_follows(login, demo_user):
    client = login("leader")
    helper = demo_user("t111")
    files = list(CareFile.objects.filter(child__school=_school("leader")).order_by("pk")[:3])
    Pairing.objects.filter(helper=helper).delete()
    for f in files[:2]:
        services.pairing_add(demo_user("leader"), f, kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)
    pair = {"kind": PairingKind.PROXY_PARENT, "helper": helper.pk, "start": TODAY.isoformat()}
    client.post(reverse("care:pair", args=[files[2].pk]), pair)
    assert Pairing.objects.filter(helper=helper).count() == 2
    response = client.post(reverse("care:settings"), {"key": "teacher_load", "teacher_load": "3"}, follow=True)
    page = response.content.decode()
    assert "已保存" in page and "3 名" in page and "本校设置" in page and "默认：2 名" in page
    assert client.post(reverse("care:pair", args=[files[2].pk]), pair).status_code == 302
    assert Pairing.objects.filter(helper=helper).count() == 3


def test_months_chosen_on_the_page_change_the_teachers_todo(login):
    response = login("leader").post(reverse("care:settings"), {"key": "assessment_months",
                                                              "assessment_months": ["4", "10"]}, follow=True)
    assert "4月、10月" in response.content.decode()
    todo = login("t111").get(reverse("care:todo"), {"on": APRIL.isoformat()}).content.decode()
    assert "4月例行评估" in todo and "3月例行评估" not in todo


def test_a_county_bureau_sees_the_default_and_the_schools_that_set_their_own(login):
    page = login("county_edu").get(reverse("care:settings")).content.decode()
    assert "全县（区）" in page and "默认" in page
    assert "自行调整的学校" in page and "石门中心小学" in page and "8 名" in page  # the demo's rural school


@pytest.mark.parametrize("post", [
    {"key": "teacher_load", "teacher_load": "0"},
    {"key": "teacher_load", "teacher_load": "21"},
    {"key": "teacher_load", "teacher_load": "3\x00"},
    {"key": "teacher_load", "teacher_load": "9" * 5000},
    {"key": "teacher_load"},
    {"key": "months_away", "months_away": "13"},
    {"key": "assessment_months"},
    {"key": "assessment_months", "assessment_months": ["3", "3"]},
    {"key": "assessment_months", "assessment_months": ["3", "13"]},
    {"key": "assessment_months", "assessment_months": ["3\x00"]},
    {"key": "assessment_months", "assessment_months": ["长" * 10_000]},
    {"key": "\x00", "teacher_load": "3"},
    {"key": "长" * 10_000, "teacher_load": "3"},
    {"key": "region", "teacher_load": "3"},
])
def test_bad_input_on_the_page_is_refused_in_chinese_and_nothing_is_stored(login, post):
    client = login("leader")
    n = AuditEntry.objects.count()
    response = client.post(reverse("care:settings"), post, follow=True)
    assert response.status_code == 200
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and not any(e.isascii() for e in errors)
    assert not CareSettings.objects.filter(school=_school("leader")).exists() and AuditEntry.objects.count() == n


def test_a_leader_sets_only_their_own_school_whatever_the_form_says(login):
    school, other = _school("leader"), _school("leader4")
    login("leader").post(reverse("care:settings"), {"key": "teacher_load", "teacher_load": "5", "school": other.pk,
                                                    "region": school.region.parent_id})
    assert _in_force(school).teacher_load == 5 and _in_force(other).teacher_load == 8
    assert _in_force(_school("leader2")).teacher_load == 2  # not the county's either
    login("leader4").post(reverse("care:settings"), {"key": "teacher_load", "restore": "on"})
    assert _in_force(school).teacher_load == 5 and _in_force(other).teacher_load == 2

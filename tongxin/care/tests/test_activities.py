"""Activities (P-64…P-71): the term's checks and the left-behind pupils' priority, recording and its refusals,
the figures against counts from the raw rows, the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.care import activity_rules as ar
from tongxin.care import rules
from tongxin.care.activity_models import Activity, ActivityChild, ActivityKind
from tongxin.care.choices import Category, Window
from tongxin.care.models import CareFile
from tongxin.care.selectors import activities as sel
from tongxin.care.services import activities as svc
from tongxin.orgs.models import RoleAssignment, School
from tongxin.people.models import Child

TODAY = dt.date(2026, 12, 4)


def test_legal_education_once_or_twice_a_term():
    def legal(n):
        return next(c for c in ar.term_checks([ActivityKind.LEGAL] * n) if c.kind == ActivityKind.LEGAL)

    assert not legal(0).ok and legal(1).ok and legal(2).ok and not legal(3).ok
    assert legal(1).text == "法制教育：本学期 1 次（应 1–2 次）"


def test_priority_compares_shares_not_heads():
    p = ar.priority(left_behind={1, 2}, others={3, 4, 5, 6}, took_part={1, 3, 4})
    assert (p.left_behind_share, p.others_share, p.first) == (50.0, 50.0, True)
    assert not ar.priority({1, 2}, {3, 4}, {3, 4}).first


def _class_of(username):
    return RoleAssignment.objects.get(user__username=username).school_class


def _add(user, school, children, **kw):
    values = {"kind": ActivityKind.SAFETY, "title": "防溺水教育", "venue": "教室", "on": TODAY, "run_by": "王老师"} | kw
    return svc.activity_add(user, place=("school", school.pk), taking=[svc.Taking(c.pk) for c in children],
                            today=TODAY, **values)


def test_a_teacher_records_an_activity_of_her_class(demo_user):
    klass = _class_of("teacher")
    kids = list(Child.objects.filter(school_class=klass)[:5])
    found = _add(demo_user("teacher"), klass.school, kids)
    assert set(ActivityChild.objects.filter(activity=found).values_list("child_id", flat=True)) == {k.pk for k in kids}


def test_children_outside_scope_or_another_school_are_refused(demo_user):
    klass = _class_of("teacher")
    outsider = Child.objects.exclude(school_class=klass).filter(school__name="石门中心小学").first()
    with pytest.raises(PermissionDenied):
        _add(demo_user("teacher"), klass.school, [outsider])
    with pytest.raises(PermissionDenied):
        _add(demo_user("teacher"), School.objects.get(name="石门中心小学"), [])


@pytest.mark.parametrize(("values", "message"), [
    ({"kind": "party"}, "请选择活动类别"), ({"title": ""}, "请填写活动名称"), ({"run_by": "有\x00"}, "无效字符"),
    ({"note": "字" * 1001}, "最多 1000 字"), ({"on": TODAY + dt.timedelta(days=1)}, "不能晚于今天"),
])
def test_bad_activities_are_refused_and_nothing_stored(demo_user, values, message):
    klass = _class_of("teacher")
    before = Activity.objects.count()
    with pytest.raises(ValidationError, match=message):
        _add(demo_user("teacher"), klass.school, list(Child.objects.filter(school_class=klass)[:2]), **values)
    assert Activity.objects.count() == before


def test_term_figures_match_the_rows(demo_user):
    found = sel.activities_page(demo_user("county_edu"), today=TODAY)
    term = rules.window_of(Window.TERM, TODAY)
    for place in found.places:
        school = School.objects.get(name=place.name)
        held = Activity.objects.filter(school=school, on__range=term)
        assert place.held == held.count()
        legal = next(c for c in place.checks if c.kind == ActivityKind.LEGAL)
        assert legal.held == held.filter(kind=ActivityKind.LEGAL).count()
        pupils = set(Child.objects.filter(school=school).values_list("pk", flat=True))
        left = set(CareFile.objects.filter(child_id__in=pupils, category=Category.LEFT_BEHIND)
                   .values_list("child_id", flat=True))
        took = set(ActivityChild.objects.filter(activity__in=held).values_list("child_id", flat=True))
        assert (place.priority.left_behind, place.priority.left_behind_took_part) == (len(left), len(left & took))
    binhe = next(p for p in found.places if p.name == "滨河小学")
    assert not next(c for c in binhe.checks if c.kind == ActivityKind.LEGAL).ok
    assert not next(p for p in found.places if p.name == "城关第二小学").priority.first


def test_the_form_lists_the_class_left_behind_first_and_saves(login):
    klass = _class_of("teacher")
    client = login("teacher")
    page = client.get(reverse("care:activity_new"))
    assert page.status_code == 200
    kids = list(Child.objects.filter(school_class=klass)[:3])
    response = client.post(reverse("care:activity_new"), {
        "kind": "class_meeting", "title": "主题班会：感恩父母", "venue": "教室", "on": TODAY.isoformat(),
        "run_by": "王老师", "children": [k.pk for k in kids], "escorted_home": [kids[0].pk]})
    found = Activity.objects.get(title="主题班会：感恩父母")
    assert response.status_code == 302 and response.url == reverse("care:activity", args=[found.pk])
    assert ActivityChild.objects.get(activity=found, child=kids[0]).escorted_home


@pytest.mark.parametrize("query", [{"place": "school:x"}, {"place": "zoo:1"}, {"school_class": "0"}, {"page": "-1"}])
def test_bad_parameters_are_400(login, query):
    assert login("leader").get(reverse("care:activity_new"), query).status_code == 400

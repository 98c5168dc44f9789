"""Offices change the contact rules for their area: a county for its schools, a school over the county; the to-do
lists follow, and restoring brings back the rule above."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.care import services
from tongxin.care.selectors.contact_rules import rules_for_places, rules_page
from tongxin.orgs.models import School

pytestmark = pytest.mark.django_db


def _in_force(school: School, key: str):
    place = (school.pk, school.region.path)
    return next((r for r in rules_for_places({place})[place] if r.key == key), None)


def test_a_county_change_reaches_its_schools_and_a_schools_own_wins(demo_user):
    county, leader = demo_user("county_edu"), demo_user("leader")
    school = School.objects.get(code="3611990001")
    services.rule_set(county, key="p31_week", count=3, window="week", active=True)
    assert _in_force(school, "p31_week").count == 3
    services.rule_set(leader, key="p31_week", count=1, window="week", active=True)
    assert _in_force(school, "p31_week").count == 1
    assert _in_force(School.objects.get(code="3611990004"), "p31_week").count == 3
    services.rule_restore(leader, key="p31_week")
    assert _in_force(school, "p31_week").count == 3


def test_switching_a_rule_off_takes_it_off_the_todo(demo_user):
    leader = demo_user("leader4")
    school = School.objects.get(code="3611990004")
    services.rule_set(leader, key="p43_talk", count=1, window="month", active=False)
    assert _in_force(school, "p43_talk") is None
    from tongxin.care.selectors.todo import todo_for

    today = timezone.localdate()
    assert not [d for d in todo_for(demo_user("t431"), today).duties if d.status.rule.key == "p43_talk"]
    row = next(r for r in rules_page(school_id=school.pk, region_id=None, path=school.region.path) if r.rule.key == "p43_talk")
    assert not row.active and row.origin == "本校" and row.own


@pytest.mark.parametrize("count, window", [(0, "week"), (21, "week"), (2, "fortnight")])
def test_bad_settings_are_refused_in_chinese(demo_user, count, window):
    with pytest.raises(ValidationError) as exc:
        services.rule_set(demo_user("leader"), key="p31_week", count=count, window=window, active=True)
    assert not exc.value.messages[0].isascii()


def test_a_rule_whose_count_changed_is_never_named_by_its_default_count(demo_user, login):
    """The seeds' names say their count (「……辅导作业两次」): once an office asks three, the name shown says three."""
    services.rule_set(demo_user("leader"), key="p31_week", count=3, window="week", active=True)
    school = School.objects.get(code="3611990001")
    row = next(r for r in rules_page(school_id=school.pk, region_id=None, path=school.region.path) if r.rule.key == "p31_week")
    assert row.rule.title == "三个二：与儿童联系交流、辅导作业（每周3次）"
    page = login("leader").get(reverse("care:rules")).content.decode()
    assert "辅导作业两次" not in page and "辅导作业（每周3次）" in page
    assert "每两月到儿童家中走访两次" in page  # an unchanged rule keeps the seeds' wording
    services.rule_set(demo_user("leader"), key="p31_week", count=2, window="month", active=True)
    assert _in_force(school, "p31_week").title == "三个二：与儿童联系交流、辅导作业（每月2次）"

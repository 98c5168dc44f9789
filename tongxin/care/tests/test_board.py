"""The compliance board agrees with each helper's to-do list and counts shortfalls by rule and window."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.care import services
from tongxin.care.choices import Category, PairingKind, RecordKind
from tongxin.care.models import CareFile, ContactRecord, Pairing
from tongxin.care.selectors.board import board
from tongxin.care.selectors.todo import todo_for

pytestmark = pytest.mark.django_db
# The demo's records are dated back from the day it is built: the board is asked for that day.
ON = timezone.localdate()
MONDAY = ON - dt.timedelta(days=ON.weekday())


def test_every_shortfall_on_the_board_is_on_the_helpers_own_todo(demo_user):
    leader = demo_user("leader4")
    found = board(leader, on=ON, by="class")
    assert found.behind
    for b in found.behind[:20]:
        helper = next(p.helper for p in Pairing.objects.filter(child_id=b.file.child_id).select_related("helper")
                      if (p.helper.real_name or p.helper.username) == b.helper) \
            if b.role.value != "class_teacher" else None
        if helper is None:
            continue
        mine = todo_for(helper, ON)
        same = [d for d in mine.duties if d.file.file_id == b.file.file_id and d.status.rule.key == b.status.rule.key]
        assert same and same[0].status.missed_last == b.status.missed_last


def test_a_proxy_parent_without_records_last_week_is_behind_by_two_on_the_weekly_rule(demo_user):
    leader, helper = demo_user("leader4"), demo_user("t441")
    file = CareFile.objects.filter(child__school__code="3611990004", category=Category.LEFT_BEHIND,
                                   added_on__lte=MONDAY - dt.timedelta(days=21)).first()
    Pairing.objects.filter(helper=helper).delete()
    services.pairing_add(leader, file, kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=MONDAY - dt.timedelta(days=21))
    ContactRecord.objects.filter(by=helper).delete()
    found = board(leader, on=ON, by="class")
    weekly = [b for b in found.behind if b.file.file_id == file.pk and b.status.rule.key == "p31_week"
              and b.helper == (helper.real_name or helper.username)]
    assert weekly and weekly[0].status.missed_last == 2
    services.record_add(helper, file, kind=RecordKind.TALK, day=MONDAY - dt.timedelta(days=6), summary="谈心", today=ON)
    services.record_add(helper, file, kind=RecordKind.HOMEWORK, day=MONDAY - dt.timedelta(days=4), summary="辅导", today=ON)
    again = board(leader, on=ON, by="class")
    assert not [b for b in again.behind if b.file.file_id == file.pk and b.status.rule.key == "p31_week"
                and b.helper == (helper.real_name or helper.username)]


def test_the_units_add_up_to_the_total(demo_user):
    found = board(demo_user("county_civil"), on=ON, by="township")
    assert sum(u.duties for u in found.units) == found.total.duties
    assert sum(u.met for u in found.units) == found.total.met
    assert sum(u.files for u in found.units) == found.total.files == CareFile.objects.exclude(category="none").count()


def test_a_school_leaders_board_names_its_classes_and_a_countys_names_the_schools(demo_user):
    leader = board(demo_user("leader"), on=ON, by="class")
    labels = [u.label for u in leader.units]
    assert labels and all(label.endswith("班") and "小学" not in label for label in labels)
    assert "三年级（2）班" in labels
    county = board(demo_user("county_edu"), on=ON, by="class")
    assert "青溪县实验小学三年级（2）班" in [u.label for u in county.units]
    schools = {u.label for u in board(demo_user("county_edu"), on=ON, by="school").units}
    assert {"青溪县实验小学", "石门中心小学"} <= schools

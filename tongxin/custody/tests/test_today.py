"""The duty page: alerts belong to the chosen group and fold into one line; every tap is validated."""

import re

import pytest
from django.utils import timezone

from tongxin.custody import services
from tongxin.custody.models import Alert, Attendance, Group, HealthCheck, Placement, RosterShift
from tongxin.orgs.models import Site
from tongxin.people.models import Child, Guardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_groups_today(running_today, approved_for_today, demo_user, parent_of, teacher_of):
    """The demo parent's child placed in 一组; a second group with a child of its own and an open alert."""
    programme, period = running_today
    placement = approved_for_today(programme, period)
    leader = demo_user("leader")
    second = services.add_group(leader, period, site=Site.objects.filter(school=programme.school).first(), name="二组",
                                capacity=10)
    child = Child.objects.filter(school=programme.school, school_class__grade__year=2).order_by("id").first()
    parent = parent_of(child)
    app = services.apply(parent, programme=programme, child=child, periods=[period], lunch=False, needs=["nobody_home"],
                         signature=Guardian.objects.get(user=parent).name, agree_service=True, agree_safety=True)
    services.class_review(teacher_of(child), app, approve=True, need_confirmed=True)
    services.organiser_decision(leader, app, approve=True)
    services.place_late_application(leader, app, period)
    other = Placement.objects.get(application=app)
    Placement.objects.filter(pk=other.pk).update(group=second)
    Alert.objects.create(programme=programme, placement=other, date=timezone.localdate(), kind=Alert.Kind.FEVER,
                         message="二组的孩子体温 38.2℃，请联系家长")
    RosterShift.objects.filter(programme=programme, staff=demo_user("teacher")).update(
        group=Group.objects.get(period=period, name="一组"))
    return programme, placement


def test_alerts_of_another_group_stay_off_the_page(login, two_groups_today):
    programme, placement = two_groups_today
    page = login("teacher").get(f"/custody/p/{programme.pk}/today/").text
    assert "二组的孩子体温" not in page  # the teacher's shift is in 一组, which the page opens on
    everything = login("teacher").get(f"/custody/p/{programme.pk}/today/?group=all").text
    assert "二组的孩子体温" in everything


def test_alerts_fold_into_one_summary_line_above_the_roll(login, two_groups_today):
    programme, _ = two_groups_today
    page = login("teacher").get(f"/custody/p/{programme.pk}/today/?group=all").text
    assert page.count('<details class="alert-summary"') == 1
    summary = re.search(r"<summary>预警 (\d+) 条：([^<]*)</summary>", page)
    counts = dict(re.findall(r"([^\s、]+) (\d+)", summary.group(2)))
    assert counts["体温异常"] == "1" and sum(map(int, counts.values())) == int(summary.group(1))
    assert page.index("alert-summary") < page.index('id="roll"')


@pytest.mark.parametrize("field,value,message", [
    ("temperature", "NaN", "体温"), ("temperature", "inf", "体温"), ("temperature", "45", "体温"),
    ("placement", "abc", "整数"), ("placement", "9" * 30, "小于或等于"), ("slot", "midnight", "检查时段"),
])
def test_a_bad_health_check_is_refused_with_a_chinese_message(login, running_today, approved_for_today, field, value,
                                                               message):
    programme, period = running_today
    placement = approved_for_today(programme, period)
    client = login("teacher")
    client.post(f"/custody/p/{programme.pk}/today/act/", {"action": "in", "placement": placement.pk})
    data = {"action": "health", "placement": placement.pk, "slot": "morning", "temperature": "36.6", field: value}
    response = client.post(f"/custody/p/{programme.pk}/today/act/", data, follow=True)
    assert response.status_code == 200 and message in response.text
    assert not HealthCheck.objects.filter(placement=placement).exists()


def test_a_child_off_the_users_roll_is_not_found(login, running_today, approved_for_today):
    programme, period = running_today
    placement = approved_for_today(programme, period)
    response = login("volunteer").post(f"/custody/p/{programme.pk}/today/act/",
                                       {"action": "in", "placement": placement.pk})
    assert response.status_code in (403, 404)
    assert not Attendance.objects.filter(placement=placement).exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_never_leaves_the_site(login, running_today, target):
    programme, _ = running_today
    response = login("teacher").post(f"/custody/p/{programme.pk}/today/act/",
                                     {"action": "code", "code": "nothing", "next": target})
    assert response.status_code == 302 and response["Location"] == f"/custody/p/{programme.pk}/today/"


def test_an_illness_absence_on_the_page_asks_for_symptoms_and_is_followed_up(login, running_today, approved_for_today):
    programme, period = running_today
    placement = approved_for_today(programme, period)
    client = login("teacher")
    url = f"/custody/p/{programme.pk}/today/act/"
    response = client.post(url, {"action": "absent", "placement": placement.pk, "kind": "illness"}, follow=True)
    assert "症状" in response.text and not Attendance.objects.filter(placement=placement).exists()
    client.post(url, {"action": "absent", "placement": placement.pk, "kind": "illness", "symptoms": ["fever"]})
    attendance = Attendance.objects.get(placement=placement)
    assert attendance.absence_kind == "illness" and "发热" in attendance.absence_reason
    bad = client.post(url, {"action": "absent", "placement": placement.pk, "kind": "holiday"}, follow=True)
    assert bad.status_code == 200 and "缺勤类别" in bad.text


def test_shifts_waiting_for_acceptance_are_on_the_hub(login, demo_user, programme, period, leader):
    from tongxin.custody.models import RosterShift

    teacher = demo_user("t221")
    services.add_shift(leader, programme, staff=teacher, date=period.start, duty=RosterShift.Duty.TEACHER)
    page = login("t221").get("/custody/").text
    assert "请确认值班安排（1）" in page and f"/custody/p/{programme.pk}/roster/#mine" in page

import datetime as dt
import re

import pytest

from tongxin.audit.models import AuditEntry
from tongxin.custody import services
from tongxin.custody.models import Application, Attendance, Group, Programme
from tongxin.people.models import Child, Guardian

pytestmark = pytest.mark.django_db


def test_create_programme_page_enforces_the_fee_cap(login):
    client = login("leader")
    page = client.get("/custody/programmes/new/").text
    assert "新建托管项目" in page and "不组织集体补课" in page
    data = {"name": "暑托", "kind": "summer", "school": "", "day_start": "08:30", "day_end": "17:30",
            "pickup_grace_minutes": 15, "eligible_grades": ["1", "2"], "group_size_limit": 40, "fee_per_day": "30",
            "lunch_available": "on", "lunch_price": "12", "children_per_staff": 20, "max_consecutive_duty_days": 5, "agreement_text": "a", "commitment_text": "b"}
    from tongxin.orgs.models import School
    data["school"] = School.objects.get(code="3611990001").pk
    response = client.post("/custody/programmes/new/", data)
    assert "超过上限 24.00 元" in response.text and not Programme.objects.filter(name="暑托").exists()
    response = client.post("/custody/programmes/new/", {**data, "fee_per_day": "24"})
    programme = Programme.objects.get(name="暑托")
    assert response.status_code == 302 and response.url == f"/custody/p/{programme.pk}/"
    client.post(f"/custody/p/{programme.pk}/", {"action": "period", "name": "第一期", "start": "2027-07-05", "end": "2027-07-16"})
    period = programme.periods.get()
    client.post(f"/custody/p/{programme.pk}/", {"action": "group", "period": period.pk, "site": programme.sites.first().pk,
                                                 "name": "一组", "capacity": 41})
    assert not period.groups.exists()
    client.post(f"/custody/p/{programme.pk}/", {"action": "group", "period": period.pk, "site": programme.sites.first().pk,
                                                 "name": "一组", "capacity": 40})
    assert period.groups.get().capacity == 40


def test_other_schools_and_parents_cannot_open_a_programme(login):
    programme = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    assert login("leader2").get(f"/custody/p/{programme.pk}/").status_code == 403
    assert login("parent").get(f"/custody/p/{programme.pk}/").status_code == 403
    assert login("township").get(f"/custody/p/{programme.pk}/").status_code == 200  # oversight
    assert login("teacher").post(f"/custody/p/{programme.pk}/", {"action": "status", "status": "open"}).status_code == 403


def test_timetable_page_refuses_a_make_up_class(login):
    group = Group.objects.filter(period__programme__name="青溪县实验小学2027年寒假托管").first()
    client = login("leader")
    response = client.post(f"/custody/g/{group.pk}/timetable/", {
        "start": ["09:00", "10:00"], "end": ["10:00", "11:00"], "activity": ["homework", "reading"],
        "title": ["数学补课", "阅读"]}, follow=True)
    assert "不得组织集体补课" in response.text and not group.slots.exists()
    client.post(f"/custody/g/{group.pk}/timetable/", {
        "start": ["09:00", "10:00"], "end": ["10:00", "11:00"], "activity": ["homework", "reading"], "title": ["寒假作业", "阅读"]})
    assert group.slots.count() == 2


def test_parent_applies_and_follows_the_chain_on_pages(login, demo_user):
    programme = Programme.objects.get(name="青溪县实验小学2027年寒假托管")
    parent = demo_user("parent")
    child = Child.objects.get(guardianships__guardian__user=parent)
    client = login("parent")
    hub = client.get("/custody/").text
    assert f"/custody/apply/{programme.pk}/{child.pk}/" in hub
    name = Guardian.objects.get(user=parent).name
    period = programme.periods.first()
    response = client.post(f"/custody/apply/{programme.pk}/{child.pk}/", {
        "periods": [period.pk], "lunch": "on", "needs": ["dual_earner"], "signature": name,
        "agree_service": "on"}, follow=True)
    assert "安全承诺书" in response.text and not Application.objects.filter(child=child, programme=programme).exists()
    response = client.post(f"/custody/apply/{programme.pk}/{child.pk}/", {
        "periods": [period.pk], "lunch": "on", "needs": ["dual_earner"], "signature": name,
        "agree_service": "on", "agree_safety": "on"}, follow=True)
    assert "报名已提交" in response.text and "待班主任初审" in response.text
    app = Application.objects.get(child=child, programme=programme)
    # The teacher returns it with a reason; the parent sees the reason.
    teacher = login("teacher")
    teacher.post(f"/custody/applications/{app.pk}/review/", {"decision": "reject", "reason": "请补充接送人信息"})
    page = login("parent").get("/custody/").text
    assert "请补充接送人信息" in page


def test_placement_page_publishes_the_seed(login):
    programme = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    page = login("leader").get(f"/custody/p/{programme.pk}/placement/").text
    assert "2026暑期第1期公开抽签" in page and "候补名单" in page


def test_duty_teacher_checks_in_and_pickup_is_authorised(login, running_today, demo_user, approved_for_today):
    programme, period = running_today
    placement = approved_for_today(programme, period)
    client = login("teacher")
    page = client.get(f"/custody/p/{programme.pk}/today/").text
    assert placement.child.name in page and "入托签到" in page
    client.post(f"/custody/p/{programme.pk}/today/act/", {"action": "in", "placement": placement.pk})
    assert Attendance.objects.get(placement=placement).check_in_at is not None
    stranger = Guardian.objects.exclude(guardianships__child=placement.child).first()
    response = client.post(f"/custody/p/{programme.pk}/today/act/", {"action": "out", "placement": placement.pk,
                                                                      "guardian": stranger.pk}, follow=True)
    assert "不在" in response.text and "监护人名单" in response.text
    assert stranger.name not in response.text  # a guardian outside the child's family is never named
    assert Attendance.objects.get(placement=placement).check_out_at is None
    # Someone not on today's roster cannot run the day.
    assert login("t311").get(f"/custody/p/{programme.pk}/today/").status_code == 403


def test_reports_and_exports(login):
    programme = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    client = login("leader")
    page = client.get(f"/custody/p/{programme.pk}/report/").text
    assert "出勤率" in page and "家长满意度" in page
    response = client.get(f"/custody/p/{programme.pk}/report.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["总体情况", "报名与安置", "期次班组", "安全事件", "满意度", "工作量"]
    rows = {r[0]: r[1] for r in wb["总体情况"].iter_rows(min_row=4, values_only=True)}
    assert rows["报名（人）"] == 210 and rows["其中：已安置（人）"] > 0 and rows["家长评价份数"] > 0
    assert AuditEntry.objects.filter(action="export", target_id=str(programme.pk)).exists()
    county = login("county_edu")
    page = county.get("/custody/county/").text
    assert "青溪县实验小学2026年暑期托管" in page
    assert county.get("/custody/county.xlsx").status_code == 200
    assert login("teacher").get("/custody/county/").status_code == 403


def test_fee_page_and_exemption_request(login, demo_user):
    programme = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    page = login("leader").get(f"/custody/p/{programme.pk}/fees/").text
    assert "应收合计" in page and re.search(r"100% -\d+", page)


def test_workload_export(login):
    programme = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    response = login("leader").get(f"/custody/p/{programme.pk}/workload.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_home_shows_custody_actions_per_role(login):
    assert "托管报名" in login("parent").get("/").text
    assert "托管项目" in login("leader").get("/").text
    assert "全县托管" in login("county_edu").get("/").text


def test_custody_api_follows_the_same_scopes(demo_user):
    from django.test import Client

    from tongxin.orgs.services import issue_api_token

    def api(username):
        _, key = issue_api_token(demo_user(username), "t")
        return Client(headers={"Authorization": f"Bearer {key}"})

    names = {p["name"] for p in api("county_edu").get("/api/custody/programmes").json()}
    assert "青溪县实验小学2026年暑期托管" in names
    assert api("leader2").get("/api/custody/programmes").json() == []
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    body = api("county_edu").get(f"/api/custody/programmes/{summer.pk}/summary").json()
    assert body["applications"] == 210 and body["placed_children"] > 0 and body["evaluations"] > 0
    assert api("leader2").get(f"/api/custody/programmes/{summer.pk}/summary").status_code == 403
    teacher = demo_user("teacher")
    rows = api("teacher").get("/api/custody/applications", {"page_size": 100}).json()["items"]
    class_id = teacher.assignments.get().school_class_id
    assert rows and all(Application.objects.get(pk=r["id"]).child.school_class_id == class_id for r in rows)
    schema = Client().get("/api/openapi.json").json()
    assert "/api/custody/applications" in schema["paths"]


@pytest.mark.parametrize("field,value,message", [
    ("group_size_limit", "61", "小于或等于40"), ("group_size_limit", "0", "大于或等于1"),
    ("apply_deadline", "2020-01-01", "已过"), ("name", "长" * 10000, "不超过 64"), ("name", "暑托\x00", "空字符"),
])
def test_programme_form_refuses_bad_values_with_a_chinese_message(login, field, value, message):
    from tongxin.orgs.models import School

    data = {"name": "暑托", "kind": "summer", "school": School.objects.get(code="3611990001").pk, "day_start": "08:30",
            "day_end": "17:30", "pickup_grace_minutes": 15, "eligible_grades": ["1", "2"], "group_size_limit": 40,
            "fee_per_day": "20", "lunch_available": "on", "lunch_price": "12", "children_per_staff": 20, "max_consecutive_duty_days": 5,
            "agreement_text": "a", "commitment_text": "b", field: value}
    before = Programme.objects.count()
    response = login("leader").post("/custody/programmes/new/", data)
    assert response.status_code == 200 and message in response.text
    assert "programme_group_size_sane" not in response.text and "约束" not in response.text
    assert Programme.objects.count() == before


@pytest.mark.parametrize("row,message", [
    ({"start": "25:00", "end": "10:00", "activity": "reading"}, "第1行：开始"),
    ({"start": "09:00", "end": "10:00", "activity": "lesson"}, "第1行：活动类型"),
    ({"start": "09:00", "end": "10:00", "activity": "reading", "title": "读" * 65}, "第1行：内容"),
    ({"start": "09:00\x00", "end": "10:00", "activity": "reading"}, "第1行"),
])
def test_timetable_page_refuses_a_bad_row_and_keeps_the_old_timetable(login, row, message):
    group = Group.objects.filter(period__programme__name="青溪县实验小学2026年暑期托管").first()
    before = list(group.slots.values_list("start", "activity"))
    data = {"start": [row["start"]], "end": [row["end"]], "activity": [row["activity"]], "title": [row.get("title", "")]}
    response = login("leader").post(f"/custody/g/{group.pk}/timetable/", data, follow=True)
    assert response.status_code == 200 and message in response.text
    assert list(group.slots.values_list("start", "activity")) == before


def test_timetable_page_refuses_more_rows_than_a_day_holds(login):
    group = Group.objects.filter(period__programme__name="青溪县实验小学2026年暑期托管").first()
    data = {"start": ["09:00"] * 31, "end": ["09:10"] * 31, "activity": ["reading"] * 31, "title": [""] * 31}
    response = login("leader").post(f"/custody/g/{group.pk}/timetable/", data, follow=True)
    assert "最多安排 30 项" in response.text


def test_a_parent_who_applied_sees_the_application_not_another_apply_button(login, demo_user):
    programme = Programme.objects.get(name="青溪县实验小学2027年寒假托管")
    parent = demo_user("parent")
    child = Child.objects.get(guardianships__guardian__user=parent)
    client = login("parent")
    assert f"/custody/apply/{programme.pk}/{child.pk}/" in client.get("/custody/").text
    services.apply(parent, programme=programme, child=child, periods=list(programme.periods.all()[:1]), lunch=False,
                   needs=["dual_earner"], signature=Guardian.objects.get(user=parent).name, agree_service=True,
                   agree_safety=True, today=dt.date(2027, 1, 5))
    hub = client.get("/custody/").text
    assert f"/custody/apply/{programme.pk}/{child.pk}/" not in hub and "已报名：待班主任初审" in hub
    response = client.get(f"/custody/apply/{programme.pk}/{child.pk}/", follow=True)
    assert "无需重复报名" in response.text and 'id="apply-form"' not in response.text


def test_a_community_programme_admits_a_resident_of_school_age_without_a_registry_class(demo_user):
    from tongxin.custody import selectors

    programme = Programme.objects.filter(community__isnull=False).first()
    resident = Child.objects.filter(family__community=programme.community, school_class__isnull=True).first()
    assert resident is not None
    on = dt.date(resident.birth_date.year + 8, 7, 1)
    assert selectors.eligibility_problem(programme, resident, on) is None
    assert "在读中小学生" in selectors.eligibility_problem(programme, resident, dt.date(resident.birth_date.year + 3, 7, 1))
    school_programme = Programme.objects.filter(school__isnull=False).first()
    assert selectors.eligibility_problem(school_programme, resident, on) is not None


def test_class_review_on_the_page_needs_the_care_need_confirmed(login):
    app = Application.objects.filter(programme__name="青溪县实验小学2027年寒假托管", state="submitted").first()
    client = login("teacher")
    page = client.get("/custody/").text
    assert 'name="need_confirmed"' in page
    response = client.post(f"/custody/applications/{app.pk}/review/", {"decision": "approve"}, follow=True)
    assert "核实" in response.text
    app.refresh_from_db()
    assert app.state == "submitted"
    client.post(f"/custody/applications/{app.pk}/review/", {"decision": "approve", "need_confirmed": "on",
                                                           "need_note": "家访核实", "next": "https://evil.example/"})
    app.refresh_from_db()
    assert app.state == "reviewed" and app.need_confirmed and app.need_note == "家访核实"
    response = client.post(f"/custody/applications/{app.pk}/review/", {"decision": "maybe"}, follow=True)
    assert response.status_code == 200


def test_long_lists_come_a_page_or_a_month_at_a_time(login):
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    autumn = Programme.objects.get(name="青溪县实验小学2026年秋季课后托管")
    client = login("leader")
    applications = client.get(f"/custody/p/{summer.pk}/applications/").text
    assert applications.count('<form method="post" action="/custody/applications/') <= 30 and "第 1 / 7 页" in applications
    fees = client.get(f"/custody/p/{summer.pk}/fees/?page=2").text
    assert "第 2 /" in fees
    roster = client.get(f"/custody/p/{autumn.pk}/roster/?month=2026-10").text
    assert "10月8日" in roster and "11月2日" not in roster and 'href="?month=2026-11"' in roster
    assert client.get(f"/custody/p/{autumn.pk}/roster/?month=x%00").status_code == 200

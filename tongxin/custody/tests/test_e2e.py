"""A parent's application walked through approval, placement and a duty teacher's check-in, in real
headless Chromium (Debian's package through Playwright)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tongxin.custody import services
from tongxin.custody.models import Application, Attendance, Placement, Programme, RosterShift
from tongxin.custody.tests.conftest import weekend_made_workday
from tongxin.e2e import login, new_page, shot
from tongxin.orgs.models import Site, User
from tongxin.people.models import Child, Guardian

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_parent_application_through_approval_and_check_in(demo_site, browser):
    leader, teacher, parent = (User.objects.get(username=u) for u in ("leader", "teacher", "parent"))
    today = timezone.localdate()
    weekend_made_workday(teacher, today)
    programme = services.create_programme(leader, name="浏览器测试托管", school=leader.assignments.get().school,
                                          fee_per_day=Decimal("20"), status=Programme.Status.OPEN,
                                          agreement_text="服务协议正文", commitment_text="安全承诺正文")
    period = services.add_period(leader, programme, name="本期", start=today, end=today + dt.timedelta(days=13))
    services.add_group(leader, period, site=Site.objects.filter(school=programme.school).first(), name="一组", capacity=10)
    shift = services.add_shift(leader, programme, staff=teacher, date=today, duty=RosterShift.Duty.TEACHER)
    services.answer_shift(teacher, shift, accept=True)
    child = Child.objects.get(guardianships__guardian__user=parent)
    guardian_name = Guardian.objects.get(user=parent).name

    # 1. The parent applies on a phone.
    page = new_page(browser)
    login(page, demo_site, "parent")
    page.click("text=托管报名")
    page.locator(".offer", has_text="浏览器测试托管").locator("a.button:has-text('报名')").click()
    page.check(f"input[name=periods][value='{period.pk}']")
    page.check("input[name=lunch]")
    page.check("input[name=needs][value=dual_earner]")
    page.check("input[name=agree_service]")
    page.check("input[name=agree_safety]")
    page.fill("input[name=signature]", guardian_name)
    page.click("button:has-text('签署并提交')")
    page.wait_for_selector("text=报名已提交")
    assert "待班主任初审" in page.locator("#my-applications").inner_text()
    assert "已报名：待班主任初审" in page.locator(".offer", has_text="浏览器测试托管").inner_text()
    shot(page, "parent-applied")

    # 2. The class teacher reviews.
    teacher_page = new_page(browser)
    login(teacher_page, demo_site, "teacher")
    teacher_page.goto(f"{demo_site}/custody/")
    row = teacher_page.locator("#to-review tr", has_text=child.name)
    row.locator("input[name=need_confirmed]").check()
    row.locator("button:has-text('初审通过')").click()
    teacher_page.wait_for_selector(f"text={child.name}：初审通过")

    # 3. The school leader approves and places.
    leader_page = new_page(browser, mobile=False)
    login(leader_page, demo_site, "leader")
    leader_page.goto(f"{demo_site}/custody/p/{programme.pk}/applications/")
    leader_page.locator("tr", has_text=child.name).locator("button:has-text('批准')").click()
    leader_page.wait_for_selector(f"text={child.name}：已批准")
    leader_page.goto(f"{demo_site}/custody/p/{programme.pk}/placement/")
    leader_page.fill("input[name=seed]", "公开种子2026")
    leader_page.click("button:has-text('安置已批准的')")
    leader_page.wait_for_selector("text=抽签种子 公开种子2026 已公布")
    shot(leader_page, "leader-placement")

    # 4. The parent sees the seat and the check-in code.
    page.goto(f"{demo_site}/custody/")
    assert "已安置" in page.locator("#my-applications").inner_text()
    placement = Placement.objects.get(application__child=child, period=period)
    assert placement.state == "placed"

    # 5. The duty teacher checks the child in on her phone.
    teacher_page.goto(f"{demo_site}/custody/")
    teacher_page.click("text=进入今日托管")
    card = teacher_page.locator(".roll-row", has_text=child.name)
    card.locator("button:has-text('入托签到')").click()
    teacher_page.wait_for_selector(f"text={child.name} 已入托")
    assert "在托" in teacher_page.locator(".roll-row", has_text=child.name).inner_text()
    shot(teacher_page, "teacher-today")
    assert Attendance.objects.get(placement=placement, date=today).check_in_by == teacher
    assert Application.objects.get(child=child, programme=programme).state == "placed"

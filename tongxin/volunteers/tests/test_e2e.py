"""A university student home for the holidays registers on a phone (390×844) in real headless Chromium; 东门社区's
children's director accepts her into the pool; the school's organiser tries to roster her for the winter programme
on the duty page and is refused (no employment inquiry yet); the director records the inquiry, finds her by
matching and invites her; she accepts; the organiser rosters her on the same page, and she confirms the shift."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongxin.custody.models import Programme, RosterShift
from tongxin.custody.services.roster import custody_days
from tongxin.e2e import assert_fits, login, new_page
from tongxin.orgs.models import Region
from tongxin.volunteers.models import Invitation, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits_phone(page, name: str) -> None:
    assert_fits(page, f"volunteers-{name}", 390)


def _roster(page, day, username: str) -> None:
    """The organiser's 「排班」 form on the programme's duty page: a day, a login, the volunteer's post."""
    form = page.locator("form:has(input[name=action][value=add])")
    form.locator("input[name=date]").fill(f"{day:%Y-%m-%d}")
    form.locator("input[name=staff]").fill(username)
    form.locator("select[name=duty]").select_option(RosterShift.Duty.VOLUNTEER)
    form.get_by_role("button", name="保存").click()


def test_a_student_registers_is_vetted_invited_and_rostered(browser, demo_site):
    dongmen = Region.objects.get(code="361199100001")
    programme = Programme.objects.filter(school__code="3611990001", kind=Programme.Kind.WINTER).first()
    day = custody_days(programme)[0]
    roster_url = f"{demo_site}/custody/p/{programme.pk}/roster/"

    student = new_page(browser)
    student.goto(f"{demo_site}/volunteers/register/")
    _fits_phone(student, "register")
    student.fill("input[name=real_name]", "李小梅")
    student.fill("input[name=phone]", "13900002222")
    student.fill("input[name=username]", "lixiaomei")
    student.fill("input[name=password]", "Qx!2026-student")
    student.select_option("select[name=source]", "student")
    student.fill("input[name=affiliation]", "江西师范大学")
    student.fill("input[name=skills]", "英语辅导、美术")
    student.select_option("select[name=home]", str(dongmen.pk))
    student.check(f"input[name=areas][value='{dongmen.pk}']")
    student.check("input[name=holidays]")
    student.get_by_role("button", name="提交登记").click()
    expect(student).to_have_url(f"{demo_site}/volunteers/mine/")
    expect(student.get_by_text("等待所在社区（村）或学校审核").first).to_be_visible()
    _fits_phone(student, "mine-pending")
    person = Person.objects.get(user__username="lixiaomei")

    worker = new_page(browser)
    login(worker, demo_site, "community")
    worker.goto(f"{demo_site}/volunteers/people/{person.pk}/")
    _fits_phone(worker, "vet")
    worker.check("input[name=decision][value=accept]")
    worker.get_by_role("button", name="保存审核结果").click()
    expect(worker.get_by_text("审核结果已保存")).to_be_visible()

    # Accepted, but no employment inquiry yet: the duty page refuses her, saying why.
    organiser = new_page(browser)
    login(organiser, demo_site, "leader")
    organiser.goto(roster_url)
    _roster(organiser, day, "lixiaomei")
    expect(organiser.locator(".messages .error")).to_contain_text("不能排班：李小梅没有入职查询记录")
    _fits_phone(organiser, "roster-refused")
    assert not RosterShift.objects.filter(programme=programme, staff=person.user).exists()

    worker.reload()
    worker.locator("form:has(input[value=check]) input[name=checked_on]").fill(f"{timezone.localdate():%Y-%m-%d}")
    worker.locator("form:has(input[value=check]) button[type=submit]").click()
    expect(worker.get_by_text("查询记录已保存")).to_be_visible()

    worker.goto(f"{demo_site}/volunteers/match/?community={dongmen.pk}&skill=英语")
    _fits_phone(worker, "match")
    card = worker.locator("section.card", has_text="李小梅")
    card.get_by_text("邀请李小梅").click()  # each invitation folds away under its person, so the list stays short
    card.locator("input[name=about]").fill("2027年寒假托管 值班志愿者")
    card.get_by_role("button", name="发出邀请").click()
    expect(worker.get_by_text("邀请已发出")).to_be_visible()
    worker.context.close()

    student.reload()
    student.get_by_role("button", name="接受").click()
    expect(student.get_by_text("已答复")).to_be_visible()
    _fits_phone(student, "mine-accepted")
    assert Invitation.objects.get(person=person).state == "accepted"

    # With a current inquiry the same step goes through; the shift waits for her own confirmation (C-02).
    organiser.goto(roster_url)
    _roster(organiser, day, "lixiaomei")
    expect(organiser.locator(".messages .success")).to_contain_text("已排班，等待本人确认")
    _fits_phone(organiser, "roster-done")
    organiser.context.close()

    student.goto(roster_url)
    mine = student.locator("#mine")
    expect(mine).to_contain_text(f"{day.month}月{day.day}日")
    mine.get_by_role("button", name="确认值班").click()
    expect(student.locator(".messages .success")).to_contain_text("已确认值班")
    _fits_phone(student, "roster-confirmed")
    student.context.close()
    shift = RosterShift.objects.get(programme=programme, staff=person.user)
    assert (shift.date, shift.duty, shift.state) == (day, RosterShift.Duty.VOLUNTEER, RosterShift.State.ACCEPTED)

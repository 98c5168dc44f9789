"""A university student home for the holidays registers on a phone (390×844) in real headless Chromium; 东门社区's
children's director vets her and records her employment inquiry, then finds her by matching and invites her; she
accepts on her phone, and the school's organiser rosters her for the winter programme (the gate lets her through)."""

import pytest
from django.utils import timezone

from tongxin.custody import services as custody
from tongxin.custody.models import Programme, RosterShift
from tongxin.custody.services.roster import custody_days
from tongxin.e2e import assert_fits, login, new_page
from tongxin.orgs.models import Region, User
from tongxin.volunteers.models import Invitation, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE_WIDTH = 390


def _fits_phone(page, name: str) -> None:
    assert_fits(page, f"volunteers-{name}", PHONE_WIDTH)


def test_a_student_registers_is_vetted_invited_and_rostered(browser, demo_site):
    dongmen = Region.objects.get(code="361199100001")
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
    student.wait_for_url(f"{demo_site}/volunteers/mine/")
    assert student.get_by_text("等待所在社区（村）或学校审核").first.is_visible()
    _fits_phone(student, "mine-pending")
    person = Person.objects.get(user__username="lixiaomei")

    worker = new_page(browser)
    login(worker, demo_site, "community")
    worker.goto(f"{demo_site}/volunteers/people/{person.pk}/")
    _fits_phone(worker, "vet")
    worker.check("input[name=decision][value=accept]")
    worker.get_by_role("button", name="保存审核结果").click()
    assert worker.get_by_text("审核结果已保存").is_visible()
    today = timezone.localdate()
    worker.fill("input[name=checked_on]", f"{today:%Y-%m-%d}")
    worker.locator("form:has(input[value=check]) button[type=submit]").click()
    assert worker.get_by_text("查询记录已保存").is_visible()

    worker.goto(f"{demo_site}/volunteers/match/?community={dongmen.pk}&skill=英语")
    _fits_phone(worker, "match")
    card = worker.locator("section.card", has_text="李小梅")
    card.locator("input[name=about]").fill("2027年寒假托管 值班志愿者")
    card.get_by_role("button", name="邀请").click()
    assert worker.get_by_text("邀请已发出").is_visible()
    worker.context.close()

    student.reload()
    student.get_by_role("button", name="接受").click()
    assert student.get_by_text("已答复").is_visible()
    _fits_phone(student, "mine-accepted")
    assert Invitation.objects.get(person=person).state == "accepted"
    student.context.close()

    programme = Programme.objects.filter(school__code="3611990001", kind=Programme.Kind.WINTER).first()
    day = custody_days(programme)[0]
    shift = custody.add_shift(User.objects.get(username="leader"), programme, staff=person.user, date=day,
                              duty=RosterShift.Duty.VOLUNTEER)
    assert shift.state == RosterShift.State.AWAITING_STAFF

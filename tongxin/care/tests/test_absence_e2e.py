"""The class teacher takes the day's register on a phone (390×844) in real headless Chromium: the home page's card,
the whole class on one screen, two pupils marked, one save; the unexplained absence opens a case, and the teacher
records the reason found by phone. Every page visited fits the phone's width."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.care.absence_choices import EventKind, Reason
from tongxin.care.absence_models import Absence, AbsenceRegister, DropoutCase
from tongxin.care.absence_rules import is_school_day
from tongxin.e2e import assert_fits, login, new_page
from tongxin.orgs import calendar
from tongxin.orgs.models import Role, RoleAssignment
from tongxin.people.models import Child

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits_phone(page, name: str) -> None:
    assert_fits(page, f"absence-{name}", 390)


def test_a_teacher_takes_the_register_on_a_phone_and_follows_up_the_unexplained_absence(demo_site, browser):
    klass = RoleAssignment.objects.get(user__username="teacher", role=Role.CLASS_TEACHER).school_class
    pupils = list(Child.objects.filter(school_class=klass).exclude(
        pk__in=DropoutCase.objects.values("child_id")).order_by("initials", "pk"))
    sick, away = pupils[1], pupils[2]
    today = timezone.localdate()
    day = today
    while not is_school_day(day, calendar.exceptions(day, day)):
        day -= dt.timedelta(days=1)
    # On a weekend the test corrects the last school day, which the demo may have marked already: start it clean.
    AbsenceRegister.objects.filter(school_class=klass, day=day).delete()
    errors: list[str] = []

    page = new_page(browser)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    login(page, demo_site, "teacher")
    page.get_by_role("link", name="每日点名").first.click()
    page.wait_for_url("**/care/absence/**")
    if day != today:  # a weekend or holiday: correct the last school day's register instead
        page.get_by_label("点名日期").fill(day.isoformat())
        page.get_by_role("button", name="补登或更正该日").click()
        page.wait_for_url(f"**day={day.isoformat()}")
    _fits_phone(page, "register")
    # The whole class on the first screen: the last pupil's name is within the phone's height (above the button).
    last = page.get_by_label(pupils[-1].name, exact=True)
    box = last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 + 60, box
    page.get_by_label(sick.name, exact=True).select_option(Reason.SICK)
    page.get_by_label(away.name, exact=True).select_option(Reason.UNEXPLAINED)
    page.get_by_role("button", name="保存点名").click()
    page.wait_for_load_state()
    roster = Child.objects.filter(school_class=klass).count()
    assert f"已保存：应到{roster}人，实到{roster - 2}人（病假1人，无故缺课1人）" in page.content()
    assert f"{away.name}无故缺课，已开立控辍保学个案" in page.content()
    _fits_phone(page, "saved")

    # The new case is listed under the register: open it, record the reason found by phone.
    page.locator("section.card").get_by_role("link", name=away.name).click()
    page.wait_for_url("**/care/absence/cases/*/")
    assert page.get_by_text("缺课待查明").count()
    form = page.locator("form[action$='/cause/']")
    form.get_by_label("电话沟通").check()
    form.get_by_label("缺课原因").fill("奶奶说孩子发烧在家，忘了请假。")
    form.get_by_role("button", name="保存原因").click()
    page.wait_for_load_state()
    assert "已记录缺课原因" in page.content()
    _fits_phone(page, "case")
    page.context.close()

    register = AbsenceRegister.objects.get(school_class=klass, day=day)
    assert dict(Absence.objects.filter(register=register).filter(child__in=[sick, away]).values_list(
        "child_id", "reason")) == {sick.pk: Reason.SICK, away.pk: Reason.UNEXPLAINED}
    case = DropoutCase.objects.get(child=away, closed_on=None)
    assert case.responsible.username == "teacher" and case.cause == "奶奶说孩子发烧在家，忘了请假。"
    assert list(case.events.order_by("pk").values_list("kind", flat=True)) == [EventKind.OPENED, EventKind.CAUSE]
    assert not errors

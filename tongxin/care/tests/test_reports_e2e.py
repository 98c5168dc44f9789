"""A mandatory report raised on a phone (390×844) by a class teacher and acknowledged by the township, in real
headless Chromium (Debian's package through Playwright). Every page visited fits the phone's width."""

import pytest

from tongxin.care.report_choices import EventKind, Situation
from tongxin.care.report_models import MandatoryReport
from tongxin.e2e import assert_fits, login, new_page
from tongxin.orgs.models import Role, RoleAssignment
from tongxin.people.models import Child

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits_phone(page, name: str) -> None:
    assert_fits(page, f"report-{name}", 390, max_height=4000)


def test_a_teacher_reports_on_a_phone_and_the_township_acknowledges(demo_site, browser):
    klass = RoleAssignment.objects.get(user__username="teacher", role=Role.CLASS_TEACHER).school_class
    township = RoleAssignment.objects.get(user__username="township").region
    child = (Child.objects.filter(school_class=klass, family__community__parent=township)
             .exclude(pk__in=MandatoryReport.objects.values("child_id")).order_by("initials", "pk").first())
    errors: list[str] = []

    # The teacher: the home page's card, the child's name, what was found, send.
    page = new_page(browser)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    login(page, demo_site, "teacher")
    page.get_by_role("link", name="强制报告").first.click()
    page.wait_for_url("**/care/reports/new/")
    _fits_phone(page, "pick")
    page.get_by_role("link", name=child.name, exact=True).click()
    page.get_by_label(Situation.ALONE_OR_MISSING.label).check()
    page.get_by_label("发现的情况").fill("连续两天放学后一个人在家，奶奶去外地看病，家里没有大人。")
    page.get_by_label("发现地点").fill("家中")
    _fits_phone(page, "form")
    page.get_by_role("button", name="立即报告").click()
    page.wait_for_url("**/care/reports/*/")
    assert "报告已发送至公安机关和乡镇人民政府" in page.content()
    assert page.get_by_text("待签收").count()
    _fits_phone(page, "sent")
    report = MandatoryReport.objects.get(child=child)
    page.context.close()

    # The township: the top bar counts the reports waiting; open it, acknowledge, record what was done.
    page = new_page(browser)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    login(page, demo_site, "township")
    page.get_by_role("link", name="强制报告（").first.click()
    page.wait_for_url("**/care/reports/")
    _fits_phone(page, "inbox")
    page.get_by_role("link", name=child.name).first.click()
    page.wait_for_url(f"**/care/reports/{report.pk}/")
    assert "三年级（1）班" in page.content()  # the reporter, named to the township handling it
    page.get_by_role("button", name="签收").click()
    assert page.get_by_text("已签收，待处置").count()
    page.get_by_label("处置情况").fill("村儿童主任已到家，联系其姑姑今晚接去照料。")
    page.get_by_role("button", name="记录处置情况").click()
    assert page.get_by_text("处置中").count()
    _fits_phone(page, "handled")
    page.context.close()

    kinds = list(report.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [EventKind.SENT, EventKind.SENT, EventKind.RECEIVED, EventKind.ACTED]
    assert not errors

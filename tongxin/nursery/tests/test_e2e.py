"""A parent books temporary care on a phone (390×844) in real headless Chromium: the booking page, a refusal that
says why, a booking that is kept and shown on 「我的托育」; and the centre's pages its manager and a township officer
open on the phone. Every page visited must fit the phone's width."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongxin.e2e import assert_fits, login, new_page
from tongxin.nursery.models import Booking, Centre
from tongxin.orgs.calendar import working_days
from tongxin.people.models import Child

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def _fits_phone(page, name: str) -> None:
    assert_fits(page, f"nursery-{name}", PHONE_WIDTH)


def test_a_parent_books_temporary_care_on_a_phone(browser, demo_site):
    centre = Centre.objects.get(site__name="城关镇社区托育服务中心")
    child = Child.objects.get(guardianships__guardian__user__username="nparent")
    today = timezone.localdate()
    day = working_days(today + dt.timedelta(days=1), today + dt.timedelta(days=20))[3]
    page = new_page(browser)
    login(page, demo_site, "nparent")
    page.get_by_role("link", name="预约临时托").first.click()
    _fits_phone(page, "book")
    page.select_option("select[name=centre]", str(centre.pk))
    page.select_option("select[name=child]", str(child.pk))
    page.fill("input[name=day]", f"{(today + dt.timedelta(days=45)):%Y-%m-%d}")
    page.select_option("select[name=start]", "14:00")
    page.select_option("select[name=end]", "16:00")
    page.get_by_role("button", name="预约").click()
    expect(page.get_by_text("最多可预约 30 天以内的临时托")).to_be_visible()
    _fits_phone(page, "book-refused")
    page.fill("input[name=day]", f"{day:%Y-%m-%d}")
    page.get_by_role("button", name="预约").click()
    page.wait_for_url(f"{demo_site}/nursery/mine/")
    expect(page.get_by_text(f"已预约 {day.month}月{day.day}日 14:00–16:00 的临时托")).to_be_visible()
    _fits_phone(page, "mine")
    assert Booking.objects.filter(child=child, day=day, state=Booking.State.BOOKED).exists()
    page.goto(f"{demo_site}/nursery/centres/{centre.pk}/")
    _fits_phone(page, "centre-parent")
    page.context.close()


def test_the_centres_pages_fit_a_phone_for_its_manager_and_the_township(browser, demo_site):
    centre = Centre.objects.get(site__name="城关镇社区托育服务中心")
    today = timezone.localdate()
    on = f"{working_days(today, today + dt.timedelta(days=7))[0]:%Y-%m-%d}"
    for username, pages in (("nursery", [("centre", f"?on={on}"), ("contracts", "contracts/"), ("waitlist", "waitlist/"),
                                         ("roster", f"roster/?day={on}"), ("prices", "prices/"), ("bills", "bills/")]),
                            ("township", [("centre", f"?on={on}")])):
        page = new_page(browser)
        login(page, demo_site, username)
        for name, sub in pages:
            page.goto(f"{demo_site}/nursery/centres/{centre.pk}/{sub}")
            if name in ("centre", "roster"):
                page.locator("summary", has_text="每小时师生比").first.click()
                assert page.get_by_role("cell", name="07:30–08:30").first.is_visible()
            _fits_phone(page, f"{username}-{name}")
        page.context.close()

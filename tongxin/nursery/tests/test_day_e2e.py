"""A carer's day on a tablet (820×1180) in real headless Chromium: from the home page to the room's 「今日」, two
children checked in with a tap, breakfast recorded for the whole room and one child who ate little, the outdoor
shortfall shown, and a child handed to an authorised guardian. The server's clock is held at 08:00, then 09:00
and 10:00 of a working day (the live server runs in this process), so the carers on duty are the demo roster's
whatever the hour the test runs."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.e2e import assert_fits, login
from tongxin.nursery.models import Room
from tongxin.nursery.models_day import DayAttendance, DayEntry, DayException
from tongxin.orgs.calendar import working_days

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 820, "height": 1180}


def _fits(page, name: str) -> None:
    assert_fits(page, f"nursery-day-{name}", TABLET["width"])


def test_a_carers_day_on_a_tablet(browser, demo_site, monkeypatch):
    from playwright.sync_api import expect

    today = timezone.localdate()
    day = working_days(today, today + dt.timedelta(days=10))[0]
    clock = {"now": timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    room = Room.objects.get(name="蒲公英乳儿班")
    DayAttendance.objects.filter(room=room, day=day).delete()
    page = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True).new_page()
    page.set_default_timeout(15000)
    login(page, demo_site, "carer")
    page.locator("a.action h3").get_by_text("城关镇社区托育服务中心今日", exact=True).click()
    _fits(page, "centre")
    page.get_by_role("link", name="打开蒲公英乳儿班今日").click()
    _fits(page, "room")
    assert page.locator(".day-outdoor").inner_text().startswith("户外活动 0 分钟，还差 2 小时")

    cards = page.locator("section.day-child.status-expected")
    first, second = cards.nth(0).get_attribute("data-child"), cards.nth(1).get_attribute("data-child")
    for name in (first, second):
        page.locator(f'section.day-child[data-child="{name}"]').get_by_role("button", name="入园").click()
        expect(page.get_by_text(f"{name} 已入园")).to_be_visible()
    expect(page.locator(f'section.day-child[data-child="{first}"] .tag')).to_have_text("在园 08:00")

    clock["now"] += dt.timedelta(hours=1)

    page.locator("summary", has_text="记录全班").click()
    form = page.locator("form", has=page.locator("input[name=action][value=entry]"))
    form.locator("select[name=kind]").select_option("breakfast")
    form.locator("select[name=value]").select_option("all")
    form.locator("select[name=start]").select_option("08:30")
    form.get_by_role("button", name="记录").click()
    expect(page.get_by_text("已记录全班早餐")).to_be_visible()

    page.locator("summary", has_text="个别幼儿不同").click()
    form = page.locator("form", has=page.locator("input[name=action][value=exception]"))
    form.locator("select[name=child]").select_option(label=second)
    form.locator("select[name=value]").select_option("little")
    form.locator("input[name=note]").fill("只喝了半碗粥")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_text("已登记该幼儿的情况")).to_be_visible()
    expect(page.get_by_text(f"· {second}：吃得很少（只喝了半碗粥）")).to_be_visible()

    clock["now"] += dt.timedelta(hours=1)

    card = page.locator(f'section.day-child[data-child="{first}"]')
    guardian = card.locator("select[name=guardian] option").nth(1)
    who = guardian.inner_text().split(" ", 1)[1]
    card.locator("select[name=guardian]").select_option(guardian.get_attribute("value"))
    card.get_by_role("button", name="离园").click()
    expect(page.get_by_text(f"{first} 已由 {who} 接走")).to_be_visible()
    _fits(page, "room-after")
    page.context.close()

    came = DayAttendance.objects.filter(room=room, day=day).select_related("child", "picked_up_by")
    assert {a.child.name: a.picked_up_by.name if a.picked_up_by else None for a in came} == {first: who, second: None}
    entry = DayEntry.objects.get(room=room, day=day, kind="breakfast")
    assert DayException.objects.get(entry=entry).value == "little"

"""End-to-end in real headless Chromium (Debian's package), driven by Playwright with executable_path."""

import os
import re
import shutil

import pytest
from django.core.management import call_command

from tongxin.demo import DEMO_PASSWORD, demo_exists
from tongxin.people.models import Child

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TONGXIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = os.environ.get("TONGXIN_E2E_ARTIFACTS", "")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"找不到 Chromium：{CHROMIUM}（apt-get install chromium，或设置 TONGXIN_CHROMIUM）"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def demo_site(live_server):
    if not demo_exists():  # a transactional test before this one flushed the database
        call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shot(page, name):
    if ARTIFACTS:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_class_teacher_sees_only_her_class_with_masked_ids(demo_site, phone):
    login(phone, demo_site, "teacher")
    shot(phone, "teacher-home")
    phone.click("text=本班学生")
    phone.wait_for_selector("#child-list")
    shot(phone, "teacher-children")

    pupils = list(Child.objects.filter(school__code="3611990001", school_class__grade__year=3, school_class__number=1))
    rows = phone.locator("#child-list tbody tr")
    assert rows.count() == len(pupils) > 30
    classes = set(phone.locator("#child-list td.school-class").all_inner_texts())
    assert classes == {"青溪县实验小学 三年级（1）班"}
    shown_ids = phone.locator("#child-list td.id-number").all_inner_texts()
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", i.strip()) for i in shown_ids)
    names = set(phone.locator("#child-list td[data-label=姓名]").all_inner_texts())
    assert names == {p.name for p in pupils}
    html = phone.content()
    assert not any(p.id_number in html for p in pupils)

    # Searching by pinyin initials narrows the list; a child of another class is not found.
    target = pupils[0]
    phone.fill("input[name=q]", target.initials)
    phone.click("button:has-text('查询')")
    phone.wait_for_selector("#child-list")
    assert target.name in phone.locator("#child-list").inner_text()
    other = Child.objects.exclude(school_class=target.school_class).exclude(school=None).first()
    phone.fill("input[name=q]", other.id_number)
    phone.click("button:has-text('查询')")
    phone.wait_for_selector("text=没有符合条件的儿童")

"""Helpers for the end-to-end tests in real headless Chromium (Debian's package, driven by Playwright)."""

import os
import shutil

from tongxin.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("TONGXIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = os.environ.get("TONGXIN_E2E_ARTIFACTS", "")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def new_page(browser, mobile=True):
    viewport = {"width": 390, "height": 844} if mobile else {"width": 1200, "height": 900}
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    return page


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shot(page, name):
    """Keep a screenshot when TONGXIN_E2E_ARTIFACTS names a folder (for people to look at)."""
    if ARTIFACTS:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def assert_fits(page, name, width=390, max_height=None):
    """Keep a screenshot, then check the page scrolls only downwards at `width` (and, given `max_height`, not
    endlessly). It waits for the page to finish loading first: a click that navigates returns before the new
    document exists, and measuring then reads a page with no scrolling element."""
    page.wait_for_load_state("load")
    shot(page, name)
    scroll_width, scroll_height = page.evaluate(
        "(() => { const e = document.scrollingElement || document.documentElement; "
        "return [e.scrollWidth, e.scrollHeight]; })()")
    assert scroll_width <= width, f"{name}：页面横向滚动（宽 {scroll_width}px，屏宽 {width}px）"
    if max_height is not None:
        assert scroll_height <= max_height, f"{name}：页面过长（{scroll_height}px）"

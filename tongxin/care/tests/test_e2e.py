"""The class teacher's month with the care line, walked on a phone (390×844) in real headless Chromium (Debian's
package through Playwright): the to-do list, a talk recorded from the contact list, the month's check, a risk
assessment, and the to-do for a day next week. Every page visited must fit the phone's width and stay short."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tongxin.care.choices import Category, RecordKind
from tongxin.care.models import Assessment, CareFile, ContactRecord, MonthlyCheck
from tongxin.e2e import assert_fits, login, new_page
from tongxin.orgs.models import Role, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
MAX_HEIGHT = 6000


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _fits_phone(page, name: str) -> None:
    """The page scrolls only downwards on a phone, and not endlessly."""
    assert_fits(page, f"care-{name}", PHONE_WIDTH, max_height=MAX_HEIGHT)


def _done_elsewhere(page) -> int:
    """The to-do's 「另有 N 项联系本期已完成」 (absent when none is done)."""
    line = page.get_by_text(re.compile(r"另有 \d+ 项联系本期已完成"))
    if not line.count():
        return 0
    return int(re.search(r"另有 (\d+) 项", line.inner_text()).group(1))


def _dimension(page, label: str):
    """One dimension's row of scores on the assessment form (its label reads 「监护：」)."""
    return page.locator(".field", has=page.locator("label", has_text=re.compile(rf"^{label}：$")))


def _stat(page, label: str) -> int:
    return int(page.locator(".stat", has_text=label).locator("b").inner_text())


def _arrange_month(teacher: User, today: dt.date) -> tuple[CareFile, list[CareFile], CareFile]:
    """The demo county as the class teacher finds it on some day of a month, made certain for the walk: a
    left-behind pupil not yet talked with this month, two files not yet checked this month, one file whose
    assessment nobody made."""
    klass = teacher.assignments.get(role=Role.CLASS_TEACHER).school_class
    files = list(CareFile.objects.filter(child__school_class=klass, added_on__lte=today)
                 .exclude(category=Category.NONE).select_related("child").order_by("pk"))
    talk_file = next(f for f in files if f.category == Category.LEFT_BEHIND)
    month = today.replace(day=1)
    ContactRecord.objects.filter(by=teacher, child=talk_file.child, kind=RecordKind.TALK, day__gte=month).delete()
    unchecked = [f for f in files if f != talk_file][:2]
    MonthlyCheck.objects.filter(file__in=unchecked, month__gte=month).delete()
    CareFile.objects.filter(pk__in=[f.pk for f in unchecked]).update(checked_month=None)
    assess_file = next(f for f in files if f not in unchecked and f != talk_file)
    Assessment.objects.filter(file=assess_file).delete()
    CareFile.objects.filter(pk=assess_file.pk).update(level="", assessed_on=None)
    return talk_file, unchecked, assess_file


def test_class_teacher_month_on_a_phone(demo_site, browser):
    teacher = User.objects.get(username="teacher")
    today = timezone.localdate()
    talk_file, unchecked, assess_file = _arrange_month(teacher, today)
    talk_child = talk_file.child.name
    page = new_page(browser)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)

    # 1. Log in; 关爱 in the top bar opens the to-do list for today.
    login(page, demo_site, "teacher")
    _fits_phone(page, "home")
    page.locator("header.topbar nav a", has_text="关爱").click()
    page.wait_for_url(f"{demo_site}/care/")
    heading = page.locator("h1").inner_text()
    assert "关爱待办" in heading and _day(today) in heading and "非今天" not in heading
    _fits_phone(page, "todo")

    # 2. The counts agree with the lists below them.
    contacts = page.locator("#contacts tbody tr")
    assert _stat(page, "联系待完成") == contacts.count() - contacts.filter(has_text="本期已完成").count() > 0
    assert _stat(page, "本月未核对") == page.locator("#unchecked .check-row").count() >= len(unchecked)
    assert _stat(page, "待评估") == page.locator("#assessments a.button", has_text="评估").count() >= 1
    for f in unchecked:
        assert f.child.name in page.locator("#unchecked").inner_text()

    # 3. From the contact list, the child whose monthly talk is still to do.
    row = contacts.filter(has_text=talk_child).filter(has_text="谈心")
    assert row.count() == 1, page.locator("#contacts").inner_text()
    done, needed = map(int, re.search(r"已做 (\d+) / 应做 (\d+)", row.inner_text()).groups())
    assert done < needed
    done_elsewhere = _done_elsewhere(page)
    row.get_by_role("link", name=talk_child).click()
    page.wait_for_url(f"{demo_site}/care/files/{talk_file.pk}/")
    assert talk_child in page.locator("h1").inner_text()
    _fits_phone(page, "file")

    # 4. A talk with today's date and a summary; it tops the growth file.
    page.get_by_role("link", name="记录谈心、家访、联系").click()
    page.wait_for_url(re.compile(rf"/care/files/{talk_file.pk}/record/"))
    assert f"记录：{talk_child}" in page.locator("h1").inner_text()
    _fits_phone(page, "record")
    page.get_by_label("类型").select_option(label="谈心")
    page.get_by_label("对象").select_option(label="儿童本人")
    page.get_by_label("日期").fill(today.isoformat())
    summary = "本月谈心：孩子说想念在外务工的妈妈，约定每周五晚上和妈妈视频通话。"
    page.get_by_label("内容摘要").fill(summary)
    page.get_by_role("button", name="保存记录").click()
    page.wait_for_url(f"{demo_site}/care/files/{talk_file.pk}/")
    assert "已记录" in page.locator(".messages").inner_text()
    latest = page.locator("#growth p").first.inner_text()
    assert summary in latest and "谈心" in latest and f"{today.month}月{today.day}日" in latest
    _fits_phone(page, "file-after-talk")

    # 5. Back on the to-do, the rule counts the talk: one more done, or the row gone and one more finished.
    page.get_by_role("link", name="← 关爱待办").click()
    page.wait_for_url(f"{demo_site}/care/")
    row = page.locator("#contacts tbody tr").filter(has_text=talk_child).filter(has_text="谈心")
    if row.count():
        assert f"已做 {done + 1} / 应做 {needed}" in row.inner_text()
    else:
        assert done + 1 == needed and _done_elsewhere(page) == done_elsewhere + 1

    # 6. The month's check of the files not yet checked: confirmed, none left.
    card = page.locator("#unchecked")
    n = card.locator("input[name=file]:checked").count()
    assert f"（{n} 份未核对）" in card.locator("h2").inner_text()
    card.get_by_role("button", name="确认所选档案本月无误").click()
    page.wait_for_url(f"{demo_site}/care/")
    assert f"已核对 {n} 份档案" in page.locator(".messages").inner_text()
    assert page.locator("#unchecked").count() == 0 and _stat(page, "本月未核对") == 0
    _fits_phone(page, "todo-checked")

    # 7. The assessment due: one dimension 重度 makes it 高风险, shown on the file.
    due = page.locator("#assessments p", has_text=assess_file.child.name)
    assert "已逾期" in due.inner_text() or "前完成" in due.inner_text()
    due.get_by_role("link", name="评估").click()
    page.wait_for_url(f"{demo_site}/care/files/{assess_file.pk}/assess/")
    _fits_phone(page, "assess")
    page.get_by_label("评估日期").fill(today.isoformat())
    for dimension, score in (("监护", "0 无风险"), ("生活", "0 无风险"), ("学习", "1 轻度"), ("安全", "3 重度"),
                             ("身心健康", "0 无风险")):
        _dimension(page, dimension).get_by_label(score).check()
    page.get_by_role("button", name="保存评估").click()
    page.wait_for_url(f"{demo_site}/care/files/{assess_file.pk}/")
    assert "评估已保存：高风险" in page.locator(".messages").inner_text()
    assert page.locator("span.tag", has_text="高风险").count() == 1
    assert f"{_day(today)} 高风险" in page.locator("section.card", has_text="风险评估").inner_text()
    _fits_phone(page, "file-assessed")

    # 8. The to-do for a day next week, through the date field: the page answers for that day.
    page.get_by_role("link", name="← 关爱待办").click()
    page.wait_for_url(f"{demo_site}/care/")
    assert assess_file.child.name not in (page.locator("#assessments").inner_text()
                                          if page.locator("#assessments").count() else "")
    next_week = today + dt.timedelta(days=7)
    page.get_by_label("日期").fill(next_week.isoformat())
    page.get_by_role("button", name="查看该日待办").click()
    page.wait_for_url(f"{demo_site}/care/?on={next_week.isoformat()}")
    heading = page.locator("h1").inner_text()
    assert _day(next_week) in heading and "非今天" in heading
    assert page.get_by_role("link", name="回到今天").is_visible()
    assert page.locator(".stat", has_text="联系待完成").is_visible()
    _fits_phone(page, "todo-next-week")

    assert not server_errors
    page.context.close()

"""End-to-end in real headless Chromium (Debian's package), driven by Playwright with executable_path."""

import re

import pytest

from tongxin.e2e import login, shot
from tongxin.people.models import Child

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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

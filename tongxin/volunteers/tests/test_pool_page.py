"""The pool's list: twenty at a time, pending first, and a search by name (a community of 60 people was one
7,000-pixel page on a phone)."""

import pytest
from django.urls import reverse

from tongxin.orgs import scope
from tongxin.volunteers.models import Person
from tongxin.volunteers.selectors import POOL_PER_PAGE

pytestmark = pytest.mark.django_db


def _seen(user) -> int:
    return Person.objects.filter(scope.volunteer_pool_q(user)).distinct().count()


def test_the_pool_lists_twenty_people_a_page_and_the_last_page_holds_the_rest(login, demo_user):
    client, user = login("township"), demo_user("township")
    total = _seen(user)
    assert total > POOL_PER_PAGE
    first = client.get(reverse("volunteers:pool"))
    assert len(first.context["rows"]) == POOL_PER_PAGE
    pages = first.context["page"].paginator.num_pages
    last = client.get(reverse("volunteers:pool"), {"page": pages})
    assert len(last.context["rows"]) == total - POOL_PER_PAGE * (pages - 1)
    assert "第 1 / " in first.content.decode()


def test_the_pool_finds_a_person_by_a_part_of_their_name(login, demo_user):
    client, user = login("township"), demo_user("township")
    person = Person.objects.filter(scope.volunteer_pool_q(user)).select_related("user").order_by("pk").last()
    name = person.user.real_name
    found = client.get(reverse("volunteers:pool"), {"name": name[-2:]})
    assert person.pk in [r.id for r in found.context["rows"]]
    assert all(name[-2:] in r.name for r in found.context["rows"])


def test_a_filter_that_is_not_understood_lists_everyone_instead_of_failing(login):
    response = login("township").get(reverse("volunteers:pool"), {"state": "x" * 50, "name": "a\x00b" * 20})
    assert response.status_code == 200 and len(response.context["rows"]) == POOL_PER_PAGE


def _checked_newcomer() -> Person:
    """An accepted person with a current inquiry and a health check who has not yet trained or served."""
    for person in Person.objects.filter(state="accepted", checks__kind="health", trainings__isnull=True).distinct():
        if person.checks.filter(kind="inquiry", result="clear").exists():
            return person
    raise AssertionError("the demo county has no checked newcomer")


def test_a_health_check_reads_as_a_health_result_not_as_a_criminal_record(login):
    person = _checked_newcomer()
    page = login("county_edu").get(reverse("volunteers:person", args=[person.pk])).content.decode()
    assert "健康检查：<b>体检合格</b>" in page
    assert "入职查询（性侵害、暴力伤害违法犯罪记录）：<b>无相关记录（合格）</b>" in page


def test_a_newcomer_with_a_current_inquiry_is_not_shown_as_free_to_serve_alone(login):
    person = _checked_newcomer()
    page = login("county_edu").get(reverse("volunteers:person", args=[person.pk]))
    problems = page.context["newcomer"].problems
    assert problems and "可以独立服务" not in page.content.decode()
    assert f"独立服务前尚有 {len(problems)} 项未完成" in page.content.decode()


def test_the_pool_lists_the_people_waiting_to_be_vetted_first(login, demo_user):
    user = demo_user("township")
    pending = Person.objects.filter(scope.volunteer_pool_q(user), state="pending").distinct().count()
    assert 0 < pending < POOL_PER_PAGE
    rows = login("township").get(reverse("volunteers:pool")).context["rows"]
    assert [r.state for r in rows[:pending]] == ["pending"] * pending and rows[pending].state == "accepted"

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

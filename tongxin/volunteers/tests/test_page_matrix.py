"""Every pool page, for every demo login: who opens it (200) and who is refused (403). Expected access is worked
out here from the raw rows (the login's role assignments, the person's home community, serving communities and
school) by the rules written in orgs.scope — not by calling the code under test."""

import pytest
from django.urls import reverse

from tongxin.demo import DEMO_LOGINS
from tongxin.orgs.models import RoleAssignment
from tongxin.volunteers.models import Person

pytestmark = pytest.mark.django_db

LOGINS = [username for username, *_ in DEMO_LOGINS]
READERS = {"admin", "community_worker", "township_officer", "school_leader", "county_edu", "county_civil"}
OK, NO = 200, 403


def _held(username: str) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user__username=username, active=True).select_related("region",
                                                                                                    "school__region"))


def _sees(held, person: Person, username: str) -> bool:
    if person.user.username == username:
        return True
    paths = [person.home.path] + [r.path for r in person.areas.all()]
    for a in held:
        if a.role == "admin":
            return True
        if a.role == "school_leader" and (person.school_id == a.school_id
                                          or person.home.path.startswith(a.school.region.path)):
            return True
        if a.role in ("community_worker", "township_officer") and any(p.startswith(a.region.path) for p in paths):
            return True
        if a.role in ("county_edu", "county_civil") and person.home.path.startswith(a.region.path):
            return True
    return False


def _sample() -> list[Person]:
    """A person of each source and state, and the demo volunteer."""
    picked: dict[tuple[str, str], Person] = {}
    for p in Person.objects.select_related("user", "home").prefetch_related("areas").order_by("pk"):
        picked.setdefault((p.source, p.state), p)
    return list(picked.values()) + [Person.objects.get(user__username="volunteer")]


@pytest.mark.parametrize("username", LOGINS)
def test_who_opens_the_pool(login, username):
    roles = {a.role for a in _held(username)}
    assert login(username).get(reverse("volunteers:pool")).status_code == (OK if roles & READERS else NO)


@pytest.mark.parametrize("username", LOGINS)
def test_who_opens_each_persons_record(login, username):
    client, held = login(username), _held(username)
    for person in _sample():
        expected = OK if _sees(held, person, username) else NO
        assert client.get(reverse("volunteers:person", args=[person.pk])).status_code == expected, person.pk


@pytest.mark.parametrize("username", LOGINS)
def test_who_opens_the_hours_and_the_ledger(login, username):
    client = login(username)
    expected = OK if {a.role for a in _held(username)} & READERS else NO
    assert client.get(reverse("volunteers:hours")).status_code == expected
    assert client.get(reverse("volunteers:ledger_xlsx")).status_code == expected


@pytest.mark.parametrize("username", ["admin", "community", "volunteer", "parent", "teacher", "county_edu"])
def test_who_downloads_a_certificate_of_hours(login, username):
    client, held = login(username), _held(username)
    person = Person.objects.get(user__username="volunteer")
    expected = OK if _sees(held, person, username) else NO
    assert client.get(reverse("volunteers:certificate", args=[person.pk])).status_code == expected


@pytest.mark.parametrize("username", LOGINS)
def test_who_opens_the_matching_page(login, username):
    vetters = {"admin", "community_worker", "township_officer", "school_leader"}
    expected = OK if {a.role for a in _held(username)} & vetters else NO
    assert login(username).get(reverse("volunteers:match")).status_code == expected


@pytest.mark.parametrize("username", LOGINS)
def test_everyone_logged_in_opens_their_own_registration(login, username):
    assert login(username).get(reverse("volunteers:mine")).status_code == OK


def test_the_registration_page_opens_without_a_login(client, db):
    assert client.get(reverse("volunteers:register")).status_code == OK


def test_the_pool_pages_need_a_login(client, db):
    assert client.get(reverse("volunteers:pool")).status_code == 302
    assert client.get(reverse("volunteers:mine")).status_code == 302

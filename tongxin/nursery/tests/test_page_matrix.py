"""Every nursery page, for every demo login: who opens it (200) and who is refused (403). Expected access is worked
out here from the raw rows (the login's role assignments, the site it is held at, the centre's site and community,
whether the login is a registered guardian) by the rules written in orgs.scope — not by calling the code under
test."""

import pytest
from django.urls import reverse

from tongxin.demo import DEMO_LOGINS
from tongxin.nursery.models import Centre
from tongxin.orgs.models import Region, RoleAssignment
from tongxin.people.models import Guardian

pytestmark = pytest.mark.django_db

LOGINS = [username for username, *_ in DEMO_LOGINS]
AREA_ROLES = {"community_worker", "township_officer", "county_edu", "county_civil", "county_health"}
OK, NO = 200, 403


def _held(username: str) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user__username=username, active=True).select_related("region", "site"))


def _is_parent(username: str) -> bool:
    return Guardian.objects.filter(user__username=username).exists()


def _admin(held) -> bool:
    return any(a.role == "admin" for a in held)


def _manages(held, centre: Centre) -> bool:
    return _admin(held) or any(a.role == "nursery_manager" and a.site_id in (centre.site_id, centre.site.parent_id)
                               for a in held)


def _works(held, centre: Centre) -> bool:
    return _manages(held, centre) or any(a.role == "nursery_carer" and a.site_id == centre.site_id for a in held)


def _opens(username: str, held, centre: Centre) -> bool:
    area = any(a.role in AREA_ROLES and centre.site.region.path.startswith(a.region.path) for a in held)
    return _works(held, centre) or area or _is_parent(username)


def _reader(username: str, held) -> bool:
    roles = {a.role for a in held}
    return bool(roles & (AREA_ROLES | {"admin", "nursery_manager", "nursery_carer"})) or _is_parent(username)


def _centres() -> list[Centre]:
    return list(Centre.objects.select_related("site__region", "site__parent").order_by("pk"))


def test_the_demo_network_is_a_centre_and_two_points():
    centres = _centres()
    assert [c.kind for c in centres] == ["centre", "point", "point"]
    assert all(c.site.parent_id == centres[0].site_id for c in centres[1:])


@pytest.mark.parametrize("username", LOGINS)
def test_who_opens_the_network_and_each_centre(login, username):
    client, held = login(username), _held(username)
    assert client.get(reverse("nursery:centres")).status_code == (OK if _reader(username, held) else NO)
    for centre in _centres():
        expected = OK if _opens(username, held, centre) else NO
        assert client.get(reverse("nursery:centre", args=[centre.pk])).status_code == expected, centre


@pytest.mark.parametrize("username", LOGINS)
def test_the_staff_pages_are_the_centres_staffs_and_the_money_its_managers(login, username):
    client, held = login(username), _held(username)
    for centre in _centres():
        staff = OK if _works(held, centre) else NO
        manager = OK if _manages(held, centre) else NO
        for page in ("contracts", "waitlist", "roster"):
            assert client.get(reverse(f"nursery:{page}", args=[centre.pk])).status_code == staff, (page, centre)
        for page in ("prices", "bills", "bills_xlsx", "centre_settings"):
            assert client.get(reverse(f"nursery:{page}", args=[centre.pk])).status_code == manager, (page, centre)


@pytest.mark.parametrize("username", LOGINS)
def test_the_county_page_is_the_health_bureaus_and_the_family_pages_are_parents(login, username):
    client, held = login(username), _held(username)
    office = _admin(held) or any(a.role == "county_health" for a in held)
    assert client.get(reverse("nursery:county")).status_code == (OK if office else NO)
    assert client.get(reverse("nursery:centre_new")).status_code == (OK if office else NO)
    for page in ("book", "mine"):
        assert client.get(reverse(f"nursery:{page}")).status_code == (OK if _is_parent(username) else NO), page


@pytest.mark.parametrize("username", LOGINS)
def test_a_staff_member_writes_only_at_their_own_centre(login, username):
    """A POST to a staff page is refused to whoever does not run that centre (a carer reads, never writes)."""
    client, held = login(username), _held(username)
    for centre in _centres():
        if _works(held, centre) and not _manages(held, centre):
            response = client.post(reverse("nursery:contracts", args=[centre.pk]), {"name": "x"})
            assert response.status_code == NO
        if not _works(held, centre):
            assert client.post(reverse("nursery:roster", args=[centre.pk]), {"action": "add"}).status_code == NO
        if not _manages(held, centre):
            refused = client.post(reverse("nursery:centre_settings", args=[centre.pk]),
                                  {"action": "room_new", "name": "x", "class_type": "toddler", "places": "1"})
            assert refused.status_code == NO


# ---------------------------------------------------------------- the 15-minute childcare circle (N-10)


def _circle_reader(held) -> bool:
    return _admin(held) or any(a.role in AREA_ROLES for a in held)


def _reads_township(held, township: Region) -> bool:
    """Admin, or an area office whose region holds the township or one of its communities."""
    return _admin(held) or any(a.role in AREA_ROLES and a.region is not None
                               and (township.path.startswith(a.region.path) or a.region.path.startswith(township.path))
                               for a in held)


@pytest.mark.parametrize("username", LOGINS)
def test_the_circle_is_the_area_offices_and_each_township_theirs(login, username):
    client, held = login(username), _held(username)
    assert client.get(reverse("nursery:circle")).status_code == (OK if _circle_reader(held) else NO)
    for township in Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path"):
        expected = OK if _reads_township(held, township) else NO
        got = client.get(reverse("nursery:circle_township", args=[township.pk])).status_code
        assert got == expected, township


def test_an_unknown_township_is_not_found(login):
    county = Region.objects.get(level=Region.Level.COUNTY)
    assert login("admin").get(reverse("nursery:circle_township", args=[county.pk])).status_code == 404

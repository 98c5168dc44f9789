"""Every nursery page, for every demo login: who opens it (200) and who is refused (403). Expected access is worked
out here from the raw rows (the login's role assignments, the site it is held at, the centre's site and community,
whether the login is a registered guardian) by the rules written in orgs.scope — not by calling the code under
test."""

import pytest
from django.urls import reverse

from tongxin.demo import DEMO_LOGINS
from tongxin.nursery.models import Centre
from tongxin.orgs.models import Region, RoleAssignment
from tongxin.people.models import Guardian, Guardianship

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



# ---------------------------------------------------------------- health (入托健康管理)


@pytest.mark.parametrize("username", LOGINS)
def test_the_health_pages_are_the_centres_staffs(login, username):
    """健康 and a child's health record open to the centre's staff only (the child one the centre has a contract
    with); a POST of a manager's action is refused to everyone else and stores nothing."""
    from tongxin.nursery.models import Contract, HealthCertificate

    client, held = login(username), _held(username)
    for centre in _centres():
        staff = OK if _works(held, centre) else NO
        assert client.get(reverse("nursery:centre_health", args=[centre.pk])).status_code == staff, centre
        child = Contract.objects.filter(centre=centre).order_by("pk").values_list("child_id", flat=True).first()
        if child is not None:
            page = reverse("nursery:child_health", args=[centre.pk, child])
            assert client.get(page).status_code == staff, (centre, child)
        if not _manages(held, centre):
            before = HealthCertificate.objects.count()
            refused = client.post(reverse("nursery:centre_health", args=[centre.pk]),
                                  {"action": "certificate", "user": "1", "issued_on": "2026-01-01", "issuer": "x"})
            assert refused.status_code == NO and HealthCertificate.objects.count() == before



# ---------------------------------------------------------------- the day (今日, a child's day)


def _rooms():
    from tongxin.nursery.models import Room

    return list(Room.objects.select_related("centre__site").order_by("pk"))


@pytest.mark.parametrize("username", LOGINS)
def test_the_days_pages_are_the_centres_staffs(login, username):
    client, held = login(username), _held(username)
    for centre in _centres():
        expected = OK if _works(held, centre) else NO
        assert client.get(reverse("nursery:day_centre", args=[centre.pk])).status_code == expected, centre
    for room in _rooms():
        expected = OK if _works(held, room.centre) else NO
        assert client.get(reverse("nursery:day_room", args=[room.pk])).status_code == expected, room


@pytest.mark.parametrize("username", LOGINS)
def test_a_check_in_posted_by_someone_outside_the_centre_is_refused_and_writes_nothing(login, username):
    from tongxin.nursery.models_day import DayAttendance

    client, held = login(username), _held(username)
    before = DayAttendance.objects.count()
    for room in _rooms():
        if not _works(held, room.centre):
            response = client.post(reverse("nursery:day_room", args=[room.pk]), {"action": "in", "child": "1"})
            assert response.status_code == NO, room
    assert DayAttendance.objects.count() == before


@pytest.mark.parametrize("username", LOGINS)
def test_a_childs_day_is_for_its_own_guardian_only(login, username):
    """The demo parent's toddler's day: their guardian opens it, nobody else (staff and offices included)."""
    from tongxin.people.models import Child, Guardianship

    client = login(username)
    child = Child.objects.get(guardianships__guardian__user__username="nparent")
    own = Guardianship.objects.filter(child=child, guardian__user__username=username).exists()
    assert client.get(reverse("nursery:child_day", args=[child.pk])).status_code == (OK if own else NO)



# ---------------------------------------------------------------- growth (生长发育)

def _growth_children() -> list[int]:
    """A child in care at each demo centre, and the demo parent's own child (no contract: temporary care on some
    days and the waiting list, so known to the centre, whose staff may read and measure them)."""
    from tongxin.nursery.models import Contract
    ids = []
    for centre in _centres():
        first = Contract.objects.filter(centre=centre).exclude(state="cancelled").order_by("pk").first()
        if first is not None:
            ids.append(first.child_id)
    own = Guardianship.objects.filter(guardian__user__username="nparent").order_by("pk").first()
    if own is not None:
        ids.append(own.child_id)
    return ids


def centres_knowing(child_id: int) -> list[Centre]:
    """The centres with any record of the child: a contract or booking (in any state), a waiting-list entry, a
    health check or a dose it entered. Their staff read and record the child's growth."""
    from tongxin.nursery.models import Booking, Contract, HealthCheck, VaccineDose, WaitlistEntry
    ids = set()
    for model in (Contract, Booking, WaitlistEntry, HealthCheck, VaccineDose):
        ids |= set(model.objects.filter(child_id=child_id).values_list("centre_id", flat=True))
    return list(Centre.objects.filter(pk__in=ids).select_related("site__region", "site__parent"))


def _reads_growth(username: str, held, child_id: int) -> bool:
    staff = any(_works(held, c) for c in centres_knowing(child_id))
    guardian = Guardianship.objects.filter(child_id=child_id, guardian__user__username=username).exists()
    return staff or guardian


def _records_growth(held, child_id: int) -> bool:
    return any(_works(held, c) for c in centres_knowing(child_id))


@pytest.mark.parametrize("username", LOGINS)
def test_the_growth_pages_are_the_staffs_and_the_childs_own_parents(login, username):
    client, held = login(username), _held(username)
    for centre in _centres():
        expected = OK if _works(held, centre) else NO
        assert client.get(reverse("nursery:centre_growth", args=[centre.pk])).status_code == expected, centre
    assert client.get(reverse("nursery:growth_mine")).status_code == (OK if _is_parent(username) else NO)
    for child_id in _growth_children():
        expected = OK if _reads_growth(username, held, child_id) else NO
        assert client.get(reverse("nursery:child_growth", args=[child_id])).status_code == expected, child_id


@pytest.mark.parametrize("username", LOGINS)
def test_a_growth_measurement_is_refused_to_whoever_does_not_work_where_the_child_is(login, username):
    from tongxin.nursery.models import Measurement
    client, held = login(username), _held(username)
    for child_id in _growth_children():
        if _records_growth(held, child_id):
            continue
        before = Measurement.objects.filter(child_id=child_id).count()
        response = client.post(reverse("nursery:child_growth", args=[child_id]),
                               {"measured_on": "2026-01-05", "height_cm": "80.0", "weight_kg": "10.00"})
        assert response.status_code == NO
        assert Measurement.objects.filter(child_id=child_id).count() == before



# ---------------------------------------------------------------- age packages and parent classes


@pytest.mark.parametrize("username", LOGINS)
def test_the_packages_plans_and_classes_pages_are_the_centres_staffs(login, username):
    from tongxin.nursery.models import ParentClass

    client, held = login(username), _held(username)
    for centre in _centres():
        staff = OK if _works(held, centre) else NO
        for page in ("activities", "plans", "centre_classes"):
            assert client.get(reverse(f"nursery:{page}", args=[centre.pk])).status_code == staff, (page, centre)
        for found in ParentClass.objects.filter(centre=centre).order_by("pk")[:2]:
            assert client.get(reverse("nursery:parent_class", args=[found.pk])).status_code == staff, found


@pytest.mark.parametrize("username", LOGINS)
def test_the_week_plan_and_the_class_booking_pages_are_parents(login, username):
    for page in ("family_week", "my_classes"):
        assert client_status(login(username), page) == (OK if _is_parent(username) else NO), page


def client_status(client, page: str) -> int:
    return client.get(reverse(f"nursery:{page}")).status_code


@pytest.mark.parametrize("username", LOGINS)
def test_only_a_centres_manager_adds_an_activity_or_publishes_a_class_its_staff_plan_and_a_refusal_writes_nothing(login, username):
    from tongxin.nursery.models import Activity, ParentClass, PlanItem

    client, held = login(username), _held(username)
    before = (Activity.objects.count(), ParentClass.objects.count(), PlanItem.objects.count())
    for centre in _centres():
        if _manages(held, centre):
            continue
        expected = {NO, 404} if not _works(held, centre) else {NO}
        assert client.post(reverse("nursery:activities", args=[centre.pk]),
                           {"package": "0-1", "domain": "sleep", "name": "x", "min_months": "6", "max_months": "12",
                            "minutes": "10", "carer_does": "x"}).status_code in expected
        if not _works(held, centre):
            room = centre.rooms.order_by("pk").first()
            assert client.post(reverse("nursery:plans", args=[centre.pk]), {
                "room": str(room.pk), "day": "2099-01-05", "activity": "1"}).status_code == NO
        assert client.post(reverse("nursery:centre_classes", args=[centre.pk]),
                           {"kind": "class", "title": "x", "speaker": "x", "day": "2099-01-01", "start": "09:30",
                            "minutes": "60", "online": "0", "place": "x", "seats": "5"}).status_code in expected
    assert (Activity.objects.count(), ParentClass.objects.count(), PlanItem.objects.count()) == before



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


def _reads_community(held, community: Region) -> bool:
    """Admin, or an area office whose region holds the community."""
    return _admin(held) or any(a.role in AREA_ROLES and a.region is not None
                               and community.path.startswith(a.region.path) for a in held)


def _places(held, community: Region) -> bool:
    """Admin, or the community's own children's worker."""
    return _admin(held) or any(a.role == "community_worker" and a.region_id == community.pk for a in held)


@pytest.mark.parametrize("username", LOGINS)
def test_the_positions_are_read_by_the_area_offices_and_set_by_each_communitys_worker(login, username):
    """家庭定位: the index (a worker of one community is sent to it), each community's list, and a POST: set by the
    community's worker or the administrator (400 for an empty form), refused to everyone else (403, nothing
    stored)."""
    from tongxin.people.models import Family

    client, held = login(username), _held(username)
    workers = [a for a in held if a.role == "community_worker"]
    index = (302 if len(workers) == 1 and not _admin(held) else OK) if _circle_reader(held) else NO
    assert client.get(reverse("nursery:positions")).status_code == index
    placed = Family.objects.filter(latitude__isnull=False).count()
    for community in Region.objects.filter(level=Region.Level.COMMUNITY).order_by("path"):
        url = reverse("nursery:community_positions", args=[community.pk])
        assert client.get(url).status_code == (OK if _reads_community(held, community) else NO), community
        refused = client.post(url, {"family": "1", "latitude": "", "longitude": ""}).status_code
        assert refused == (400 if _places(held, community) else NO), community
    assert Family.objects.filter(latitude__isnull=False).count() == placed


def test_an_unknown_township_is_not_found(login):
    county = Region.objects.get(level=Region.Level.COUNTY)
    assert login("admin").get(reverse("nursery:circle_township", args=[county.pk])).status_code == 404

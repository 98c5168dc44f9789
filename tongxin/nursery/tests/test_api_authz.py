"""Every childcare API endpoint of a child's day, growth, parent classes, rooms and measurements, for every demo
login: who is answered (200) and who is refused (403), and that a refused write stores nothing. Expected access is
worked out from the raw rows by the same rules as the page matrix (test_page_matrix), not by calling the code."""

import pytest
from django.utils import timezone

from tongxin.nursery.models import Measurement, Room
from tongxin.nursery.models_classes import ParentClass, Seat
from tongxin.people.models import Guardianship

from .test_page_matrix import LOGINS, OK, _centres, _growth_children, _held, _is_parent, _reads_growth, _works

pytestmark = pytest.mark.django_db
NO = 403


def _toddler() -> int:
    return Guardianship.objects.filter(guardian__user__username="nparent").order_by("pk").values_list(
        "child_id", flat=True).first()


@pytest.mark.parametrize("username", LOGINS)
def test_a_childs_day_is_its_own_guardians_only(login, username):
    client, child = login(username), _toddler()
    own = Guardianship.objects.filter(child_id=child, guardian__user__username=username).exists()
    assert client.get(f"/api/nursery/children/{child}/day").status_code == (OK if own else NO)


@pytest.mark.parametrize("username", LOGINS)
def test_a_childs_growth_is_its_guardians_and_the_staff_of_a_centre_that_knows_the_child(login, username):
    client, held = login(username), _held(username)
    for child_id in _growth_children():
        expected = OK if _reads_growth(username, held, child_id) else NO
        assert client.get(f"/api/nursery/children/{child_id}/growth").status_code == expected, child_id


@pytest.mark.parametrize("username", LOGINS)
def test_the_parent_classes_are_parents_and_a_seat_is_given_back_only_by_its_parent(login, username):
    client = login(username)
    assert client.get("/api/nursery/classes").status_code == (OK if _is_parent(username) else NO)
    upcoming = ParentClass.objects.filter(starts_at__gt=timezone.now()).order_by("pk").first()
    if not _is_parent(username):
        before = Seat.objects.count()
        assert client.post(f"/api/nursery/classes/{upcoming.pk}/seats").status_code == NO
        assert Seat.objects.count() == before
    theirs = Seat.objects.exclude(parent__username=username).filter(state=Seat.State.BOOKED).order_by("pk").first()
    assert client.post(f"/api/nursery/seats/{theirs.pk}/cancel").status_code == NO
    assert Seat.objects.get(pk=theirs.pk).state == Seat.State.BOOKED


@pytest.mark.parametrize("username", LOGINS)
def test_the_rooms_today_are_the_centres_staffs(login, username):
    client, held = login(username), _held(username)
    for centre in _centres():
        expected = OK if _works(held, centre) else NO
        assert client.get(f"/api/nursery/centres/{centre.pk}/day").status_code == expected, centre
    for room in Room.objects.select_related("centre__site__region", "centre__site__parent").order_by("pk"):
        expected = OK if _works(held, room.centre) else NO
        assert client.get(f"/api/nursery/rooms/{room.pk}/day").status_code == expected, room


@pytest.mark.parametrize("username", LOGINS)
def test_a_measurement_is_refused_to_whoever_does_not_work_at_the_centre(login, username):
    client, held = login(username), _held(username)
    for child_id in _growth_children():
        for centre in _centres():
            if _works(held, centre):
                continue
            before = Measurement.objects.count()
            response = client.post(f"/api/nursery/centres/{centre.pk}/measurements",
                                   {"child_id": child_id, "height_cm": 80.0, "weight_kg": 10.5},
                                   content_type="application/json")
            assert response.status_code == NO, (centre, child_id)
            assert Measurement.objects.count() == before

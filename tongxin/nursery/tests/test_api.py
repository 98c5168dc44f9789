"""The childcare API: a family books and cancels temporary care and sees its own childcare; the offices see figures;
a refusal is a Chinese 400 that stores nothing, another family's child a 403."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tongxin.nursery.models import Booking, Centre, Contract
from tongxin.orgs.calendar import working_days
from tongxin.orgs.services import issue_api_token
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _, key = issue_api_token(user, "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def centre() -> Centre:
    return Centre.objects.get(site__name="城关镇社区托育服务中心")


@pytest.fixture
def toddler() -> Child:
    return Child.objects.get(guardianships__guardian__user__username="nparent")


def _a_working_day() -> dt.date:
    today = timezone.localdate()
    return working_days(today + dt.timedelta(days=8), today + dt.timedelta(days=30))[0]


def test_a_parent_books_sees_and_cancels_temporary_care_through_the_api(demo_user, centre, toddler):
    client = _client(demo_user("nparent"))
    day = _a_working_day()
    made = client.post("/api/nursery/bookings", {"centre_id": centre.pk, "child_id": toddler.pk,
                                                  "day": f"{day:%Y-%m-%d}", "start": "09:00", "end": "11:00"},
                       content_type="application/json")
    assert made.status_code == 201, made.json()
    booked = made.json()
    assert booked["hours"] == "09:00–11:00"
    mine = client.get("/api/nursery/mine").json()
    assert toddler.name in {c["name"] for c in mine["children"]}
    assert booked["id"] in {b["id"] for b in mine["bookings"]}
    cancelled = client.post(f"/api/nursery/bookings/{booked['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "已取消"


@pytest.mark.parametrize(("body", "said"), [
    ({"start": "09:10"}, "整点或半点"), ({"day": "2027-02-30"}, "日期"), ({"child_id": 10**30}, "child_id"),
    ({"start": "12:00", "end": "09:00"}, "")])
def test_a_bad_booking_is_a_chinese_400_and_stores_nothing(demo_user, centre, toddler, body, said):
    before = Booking.objects.count()
    data = {"centre_id": centre.pk, "child_id": toddler.pk, "day": f"{_a_working_day():%Y-%m-%d}", "start": "09:00",
            "end": "11:00", **body}
    response = _client(demo_user("nparent")).post("/api/nursery/bookings", data, content_type="application/json")
    assert response.status_code == 400 and said in response.json()["detail"]
    assert not response.json()["detail"].isascii()
    assert Booking.objects.count() == before


def test_a_parent_cannot_book_for_another_familys_child_and_staff_have_no_family_page(demo_user, centre):
    other = Child.objects.filter(school__isnull=True).exclude(guardianships__guardian__user__username="nparent").first()
    response = _client(demo_user("nparent")).post(
        "/api/nursery/bookings", {"centre_id": centre.pk, "child_id": other.pk, "day": f"{_a_working_day():%Y-%m-%d}",
                                  "start": "09:00", "end": "11:00"}, content_type="application/json")
    assert response.status_code == 403
    assert _client(demo_user("carer")).get("/api/nursery/mine").status_code == 403


def test_the_county_health_bureau_sees_every_centres_figures_and_no_child(demo_user):
    body = _client(demo_user("county_health")).get("/api/nursery/centres").json()
    assert {c["name"] for c in body} == set(Centre.objects.values_list("site__name", flat=True))
    assert all(c["places_used"] <= c["places"] for c in body)
    names = set(Contract.objects.values_list("child__name", flat=True))
    assert names and not any(name in str(body) for name in names)

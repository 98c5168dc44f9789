"""The age packages' and parent classes' pages on the demo: what a parent and the manager see and do; a refused
POST writes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.nursery.models import Centre, ParentClass, PlanItem, Seat

pytestmark = pytest.mark.django_db


def _main() -> Centre:
    return Centre.objects.filter(kind="centre").order_by("pk").first()


def test_the_demo_has_past_classes_with_attendance_and_feedback_and_upcoming_ones():
    now = timezone.now()
    past = ParentClass.objects.filter(starts_at__lte=now)
    assert past.count() >= 3 and ParentClass.objects.filter(starts_at__gt=now).count() >= 2
    assert Seat.objects.filter(parent_class__in=past, attended=True, rating__isnull=False).exists()


def test_the_demo_plans_a_month_of_weeks_for_every_class():
    days = PlanItem.objects.filter(room__centre=_main()).dates("day", "week")
    assert len(days) == 4


def test_nparent_books_an_upcoming_class_on_the_phone_page(login):
    client = login("nparent")
    page = client.get(reverse("nursery:my_classes")).content.decode()
    assert "报名" in page and "剩余名额" in page
    found = ParentClass.objects.filter(starts_at__gt=timezone.now()).exclude(
        seats_taken__parent__username="nparent").order_by("starts_at").first()
    client.post(reverse("nursery:class_book", args=[found.pk]))
    assert Seat.objects.filter(parent_class=found, parent__username="nparent", state="booked").exists()


def test_nparent_rates_the_class_they_attended_last(login):
    client = login("nparent")
    seat = Seat.objects.filter(parent__username="nparent", attended=True, rating__isnull=True).order_by("-parent_class__starts_at").first()
    client.post(reverse("nursery:seat_feedback", args=[seat.pk]), {"rating": "4", "comment": "很有收获"})
    seat.refresh_from_db()
    assert (seat.rating, seat.comment) == (4, "很有收获")


def test_a_feedback_with_a_nul_char_is_refused_and_writes_nothing(login):
    client = login("nparent")
    seat = Seat.objects.filter(parent__username="nparent", attended=True, rating__isnull=True).order_by("-parent_class__starts_at").first()
    client.post(reverse("nursery:seat_feedback", args=[seat.pk]), {"rating": "4", "comment": "好\x00"})
    seat.refresh_from_db()
    assert seat.rating is None


def test_a_parent_cannot_cancel_anothers_seat(login):
    client = login("nparent")
    other = Seat.objects.exclude(parent__username="nparent").filter(state="booked").first()
    assert client.post(reverse("nursery:seat_cancel", args=[other.pk])).status_code == 403
    other.refresh_from_db()
    assert other.state == "booked"


def test_nparent_sees_the_plan_of_the_class_their_child_is_booked_into_for_temporary_care(login):
    from tongxin.nursery.models import Booking
    from tongxin.nursery.rules_classes import parent_week

    monday = parent_week(timezone.localdate())
    booked = Booking.objects.filter(booked_by__username="nparent", state="booked", day__gte=monday,
                                    day__lte=monday + dt.timedelta(days=4)).first()
    if booked is None:
        pytest.skip("nparent's temporary care falls after the week shown")
    item = PlanItem.objects.filter(room=booked.room, day=booked.day).select_related("activity").first()
    page = login("nparent").get(reverse("nursery:family_week")).content.decode()
    assert booked.room.name in page and item.activity.name in page


def test_the_manager_sees_each_classs_attendance_rate_and_mean_rating(login):
    page = login("nursery").get(reverse("nursery:centre_classes", args=[_main().pk])).content.decode()
    assert "出席率" in page and "平均评分" in page


def test_the_manager_publishes_a_weekend_talk(login):
    client = login("nursery")
    response = client.post(reverse("nursery:centre_classes", args=[_main().pk]), {
        "kind": "talk", "title": "周末育儿讲座：辅食", "speaker": "营养师", "day": "2099-01-03", "start": "09:30",
        "minutes": "90", "online": "0", "place": "二楼多功能室", "seats": "40"})
    assert response.status_code == 302
    assert ParentClass.objects.filter(title="周末育儿讲座：辅食", kind="talk", seats=40).exists()


def test_a_class_with_an_overlong_title_is_a_400_and_writes_nothing(login):
    client = login("nursery")
    before = ParentClass.objects.count()
    response = client.post(reverse("nursery:centre_classes", args=[_main().pk]), {
        "kind": "class", "title": "长" * 49, "speaker": "x", "day": "2099-01-03", "start": "09:30", "minutes": "60",
        "online": "0", "place": "x", "seats": "5"})
    assert response.status_code == 400 and ParentClass.objects.count() == before


def test_a_carer_plans_an_activity_on_the_week_page(login):
    from tongxin.nursery.models import Activity, Room
    from tongxin.orgs.models import RoleAssignment

    client = login("carer")
    site = RoleAssignment.objects.filter(user__username="carer", role="nursery_carer").values_list("site_id", flat=True)
    room = Room.objects.filter(centre__site_id__in=site, class_type="toddler").order_by("pk").first()
    activity = Activity.objects.get(code="T-HAB-3")
    day = timezone.localdate() + dt.timedelta(days=14)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    PlanItem.objects.filter(room=room, day=day, activity=activity).delete()
    client.post(reverse("nursery:plans", args=[room.centre_id]),
                {"room": str(room.pk), "day": day.isoformat(), "activity": str(activity.pk)})
    assert PlanItem.objects.filter(room=room, day=day, activity=activity).exists()


def test_the_week_page_shows_one_class_at_a_time_with_a_tab_for_each(login):
    from tongxin.nursery.models import Room

    client = login("nursery")
    centre = _main()
    rooms = list(Room.objects.filter(centre=centre, active=True).order_by("class_type", "name"))
    assert len(rooms) > 1
    first = client.get(reverse("nursery:plans", args=[centre.pk])).content.decode()
    assert all(f"room={r.pk}" in first for r in rooms)
    assert f"<h2>{rooms[0].name} " in first and f"<h2>{rooms[1].name} " not in first
    second = client.get(reverse("nursery:plans", args=[centre.pk]), {"room": rooms[1].pk}).content.decode()
    assert f"<h2>{rooms[1].name} " in second and f"<h2>{rooms[0].name} " not in second

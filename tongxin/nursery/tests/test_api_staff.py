"""The staff's childcare API (see conftest for the test centre, fixed on Monday 1 March 2027): the rooms today, a
room's day with the ratio now, and a measurement recorded — for a child in care under a contract and for one the
centre only knows from a temporary-care booking (who could not be measured before), on the API and the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.nursery import rules_growth as G
from tongxin.nursery.choices import CareType
from tongxin.nursery.models import Booking, Measurement
from tongxin.nursery.selectors import growth
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import day as day_svc
from tongxin.nursery.services import growth as growth_svc
from tongxin.orgs.services import issue_api_token

from .conftest import TODAY, at, t

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, key = issue_api_token(user, "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture(autouse=True)
def ten_oclock(monkeypatch):
    """The endpoints read `timezone.now()`: 10:00 on the test centre's Monday."""
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 10))


def _sign(net, child, room="托小班"):
    contract_svc.contract_create(net.manager, room_id=net.rooms[room].pk, child_id=child.pk,
                                 care_type=CareType.FULL_DAY, starts_on=TODAY, drop_off=t("08:00"),
                                 pick_up=t("17:00"), today=TODAY, now=at(TODAY))


def _temporary(net, months=20):
    """A child the centre knows only from a temporary-care booking today (no contract, no health record of its)."""
    child = net.infant(months, healthy=False)
    Booking.objects.create(centre=net.centre, room=net.rooms["托小班"], child=child, day=TODAY, start=t("09:00"),
                           end=t("12:00"), booked_by=net.parent, booked_at=at(TODAY - dt.timedelta(days=3)))
    return child


def _median(child, day=TODAY) -> dict:
    age = G.age_months_exact(child.birth_date, day)
    return {"height_cm": float(f"{G.value_at_z(G.lms_at(G.HEIGHT, child.gender, age), 0):.1f}"),
            "weight_kg": float(f"{G.value_at_z(G.lms_at(G.WEIGHT, child.gender, age), 0):.2f}")}


def _url(net) -> str:
    return f"/api/nursery/centres/{net.centre.pk}/measurements"


# ---------------------------------------------------------------- measurements (item: temporary-care children)


def test_a_carer_measures_a_temporary_care_child_through_the_api_with_its_centiles_and_one_audit_entry(net):
    child, carer = _temporary(net), api(net.carers[0])
    before = AuditEntry.objects.count()
    response = carer.post(_url(net), {"child_id": child.pk, **_median(child)}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["measurement"]["measured_on"] == f"{TODAY:%Y-%m-%d}"
    assert body["measurement"]["weight_centile"] == pytest.approx(50, abs=1) and body["alerts"] == []
    assert Measurement.objects.get(child=child).measured_by == net.carers[0]
    assert AuditEntry.objects.count() == before + 1


def test_a_temporary_care_child_is_on_the_centres_growth_list_and_measured_on_the_page(net, client):
    child = _temporary(net)
    assert child.pk in {r.child_id for r in growth.centre_children(net.centre, today=TODAY)}
    client.force_login(net.carers[1])
    page = client.get(reverse("nursery:child_growth", args=[child.pk]))
    assert page.status_code == 200 and "记录身长体重" in page.content.decode()
    client.post(reverse("nursery:child_growth", args=[child.pk]),
                {"measured_on": f"{TODAY:%Y-%m-%d}", **{k: str(v) for k, v in _median(child).items()}})
    assert Measurement.objects.filter(child=child, centre=net.centre).count() == 1


def test_a_child_the_centre_does_not_know_is_refused_and_nothing_stored(net):
    stranger = net.infant(20, healthy=False)
    response = api(net.carers[0]).post(_url(net), {"child_id": stranger.pk, **_median(stranger)},
                                       content_type="application/json")
    assert response.status_code == 400 and "本机构没有该幼儿" in response.json()["detail"]
    assert not Measurement.objects.filter(child=stranger).exists()


def test_a_day_before_the_centre_knew_the_child_is_refused(net):
    child = _temporary(net)
    with pytest.raises(ValidationError, match="还不在本机构托育"):
        growth_svc.measurement_record(net.carers[0], centre_id=net.centre.pk, child_id=child.pk,
                                      measured_on=TODAY - dt.timedelta(days=10), today=TODAY,
                                      **{k: Decimal(str(v)) for k, v in _median(child).items()})
    assert not Measurement.objects.filter(child=child).exists()


@pytest.mark.parametrize(("body", "said"), [
    ({"height_cm": "abc"}, "应为数字"), ({"height_cm": 80.55}, "保留一位小数"), ({"weight_kg": 10.555}, "两位小数"),
    ({"weight_kg": 99}, "不能大于 30"), ({"child_id": 10**30}, "child_id"), ({"measured_on": "2027-02-30"}, "日期"),
    ({"measured_on": "2027-03-02"}, "不能晚于今天"), ({"weight_kg": 25}, "请核对")])
def test_a_bad_measurement_is_a_chinese_400_and_stores_nothing(net, body, said):
    child = _temporary(net)
    data = {"child_id": child.pk, **_median(child), **body}
    response = api(net.carers[0]).post(_url(net), data, content_type="application/json")
    assert response.status_code == 400 and said in response.json()["detail"]
    assert not response.json()["detail"].isascii()
    assert not Measurement.objects.filter(child=child).exists()


def test_staff_of_another_centre_may_not_measure_and_an_unknown_centre_is_404(net, demo_user):
    child = _temporary(net)
    response = api(demo_user("carer")).post(_url(net), {"child_id": child.pk, **_median(child)},
                                            content_type="application/json")
    assert response.status_code == 403
    assert not Measurement.objects.filter(child=child).exists()
    missing = api(net.carers[0]).post("/api/nursery/centres/999999999/measurements",
                                      {"child_id": child.pk, **_median(child)}, content_type="application/json")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到该托育机构"


# ---------------------------------------------------------------- a room's day, the ratio now


def test_a_rooms_day_says_who_is_in_who_is_due_and_the_ratio_now(net):
    came, due = net.infant(15), net.infant(16)
    _sign(net, came)
    _sign(net, due)
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    day_svc.child_check_in(actor=net.carers[0], room_id=net.rooms["托小班"].pk, child_id=came.pk, now=at(TODAY, 8))
    body = api(net.carers[0]).get(f"/api/nursery/rooms/{net.rooms['托小班'].pk}/day").json()
    assert (body["present"], body["carers_on_duty"], body["per_carer"], body["class_size"]) == (1, 1, 5, 15)
    assert (body["may_take"], body["within_ratio"]) == (5, True)
    assert {c["name"]: c["state"] for c in body["children"]} == {came.name: "在园", due.name: "未到"}
    assert "午餐" in body["not_yet_recorded"] and body["outdoor"]["short"] == 120


def test_a_room_with_nobody_on_duty_now_may_take_no_child(net):
    child = net.infant(15)
    _sign(net, child)
    net.shift("托小班", TODAY, 0, "07:30", "09:30")  # gone by ten
    day_svc.child_check_in(actor=net.carers[0], room_id=net.rooms["托小班"].pk, child_id=child.pk, now=at(TODAY, 8))
    body = api(net.manager).get(f"/api/nursery/rooms/{net.rooms['托小班'].pk}/day").json()
    assert (body["present"], body["carers_on_duty"], body["may_take"], body["within_ratio"]) == (1, 0, 0, False)


def test_the_centres_rooms_today_count_each_rooms_children(net):
    child = net.infant(15)
    _sign(net, child)
    rows = {r["room"]: r for r in api(net.carers[2]).get(f"/api/nursery/centres/{net.centre.pk}/day").json()}
    assert set(rows) == {"托小班", "乳儿班", "托大班"}
    assert (rows["托小班"]["expected"], rows["托小班"]["checked_in"], rows["乳儿班"]["expected"]) == (1, 0, 0)


def test_a_rooms_day_is_the_centres_staffs_only(net, demo_user):
    room = net.rooms["托小班"].pk
    assert api(demo_user("carer")).get(f"/api/nursery/rooms/{room}/day").status_code == 403
    assert api(net.parent).get(f"/api/nursery/rooms/{room}/day").status_code == 403
    assert api(net.parent).get(f"/api/nursery/centres/{net.centre.pk}/day").status_code == 403
    missing = api(net.carers[0]).get("/api/nursery/rooms/999999999/day")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到该班级"

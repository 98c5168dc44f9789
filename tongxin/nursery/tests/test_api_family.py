"""The family's childcare API on a phone (see conftest for the test centre, fixed on Monday 1 March 2027): a child's
day, their growth, the parent classes with a seat taken and given back. Own children only; a refusal is a Chinese
400 that stores nothing; another family's child a 403, a child or class that does not exist a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.nursery import rules_growth as G
from tongxin.nursery.choices import CareType
from tongxin.nursery.models import CheckFinding
from tongxin.nursery.models_classes import Seat
from tongxin.nursery.services import classes as class_svc
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import day as day_svc
from tongxin.nursery.services import growth as growth_svc
from tongxin.orgs.services import issue_api_token
from tongxin.people.models import Guardianship

from .conftest import TODAY, at, t

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, key = issue_api_token(user, "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def now_is(monkeypatch):
    """Set the clock: the endpoints read `timezone.now()` (the test centre's dates are in 2027)."""

    def set_(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


@pytest.fixture
def arrived(net):
    """A 15-month-old under a full-day contract in 托小班, checked in at 08:00 by the first carer."""
    child = net.infant(15)
    contract_svc.contract_create(net.manager, room_id=net.rooms["托小班"].pk, child_id=child.pk,
                                 care_type=CareType.FULL_DAY, starts_on=TODAY, drop_off=t("08:00"),
                                 pick_up=t("17:00"), today=TODAY, now=at(TODAY))
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    day_svc.child_check_in(actor=net.carers[0], room_id=net.rooms["托小班"].pk, child_id=child.pk,
                           now=at(TODAY, 8))
    return child


def _day_url(child) -> str:
    return f"/api/nursery/children/{child.pk}/day"


# ---------------------------------------------------------------- a child's day


def test_a_parent_reads_the_childs_day_with_who_picked_up_the_childs_exception_and_the_outdoor_shortfall(
        net, arrived, now_is):
    room = net.rooms["托小班"].pk
    day_svc.entry_add(actor=net.carers[0], room_id=room, kind="lunch", value="all", start=t("11:30"), now=at(TODAY, 12))
    nap = day_svc.entry_add(actor=net.carers[0], room_id=room, kind="nap", value="slept", start=t("12:00"),
                            end=t("14:30"), now=at(TODAY, 15))
    day_svc.exception_set(actor=net.carers[0], entry_id=nap.pk, child_id=arrived.pk, value="awake", note="想妈妈",
                          now=at(TODAY, 15))
    day_svc.entry_add(actor=net.carers[0], room_id=room, kind="outdoor", value="joined", start=t("09:30"),
                      end=t("10:30"), now=at(TODAY, 11))
    guardian = Guardianship.objects.get(child=arrived)
    day_svc.child_check_out(actor=net.carers[0], room_id=room, child_id=arrived.pk, guardian_id=guardian.guardian_id,
                            now=at(TODAY, 17))
    now_is(at(TODAY, 18))
    body = api(net.parent).get(_day_url(arrived)).json()
    assert (body["day"], body["here"], body["checked_in_at"], body["checked_out_at"]) == (
        f"{TODAY:%Y-%m-%d}", True, "08:00:00", "17:00:00")
    assert body["picked_up_by"] == f"{guardian.get_relationship_display()} 测试家长"
    assert [(r["kind"], r["value"], r["own"]) for r in body["records"]] == [
        ("outdoor", "joined", False), ("lunch", "all", False), ("nap", "awake", True)]
    assert [(x["value_label"], x["note"], x["notable"]) for x in body["exceptions"]] == [("未入睡", "想妈妈", True)]
    assert body["outdoor"] == {"minutes": 60, "target": 120, "short": 60}


def test_a_check_that_found_the_child_unwell_is_in_the_day(net, arrived, now_is):
    CheckFinding.objects.create(room=net.rooms["托小班"], day=TODAY, session="morning", child=arrived,
                                temperature=Decimal("37.8"), symptom="低热", action=CheckFinding.Action.PARENTS_TOLD,
                                recorded_by=net.carers[0], recorded_at=at(TODAY, 8, 5))
    now_is(at(TODAY, 12))
    body = api(net.parent).get(_day_url(arrived), {"day": f"{TODAY:%Y-%m-%d}"}).json()
    assert [(f["temperature"], f["symptom"], f["action"]) for f in body["findings"]] == [(37.8, "低热", "已告知家长")]


def test_a_day_the_child_did_not_come_says_so_and_lists_the_recent_days(net, arrived, now_is):
    now_is(at(TODAY + dt.timedelta(days=1), 12))
    body = api(net.parent).get(_day_url(arrived)).json()
    assert (body["here"], body["records"], body["outdoor"]) == (False, [], None)
    assert body["recent_days"] == [f"{TODAY:%Y-%m-%d}"]


@pytest.mark.parametrize(("day", "said"), [("2027-03-02", "不能晚于今天"), ("2027-02-30", "日期格式"),
                                           ("3月1日", "日期格式")])
def test_a_bad_day_is_a_chinese_400(net, arrived, now_is, day, said):
    now_is(at(TODAY, 12))
    response = api(net.parent).get(_day_url(arrived), {"day": day})
    assert response.status_code == 400 and said in response.json()["detail"]


def test_another_familys_child_is_403_and_a_child_that_does_not_exist_404(net, arrived, demo_user, now_is):
    now_is(at(TODAY, 12))
    other = api(demo_user("nparent"))
    assert other.get(_day_url(arrived)).status_code == 403
    assert other.get(f"/api/nursery/children/{arrived.pk}/growth").status_code == 403
    missing = other.get("/api/nursery/children/999999999/day")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到该幼儿"
    assert other.get("/api/nursery/children/999999999/growth").json()["detail"] == "未找到该幼儿"


def test_the_centres_carer_has_no_family_day(net, arrived, now_is):
    now_is(at(TODAY, 12))
    response = api(net.carers[0]).get(_day_url(arrived))
    assert response.status_code == 403 and "家长" in response.json()["detail"]


# ---------------------------------------------------------------- growth


def _measure(net, child, day: dt.date, z_w: float) -> None:
    age = G.age_months_exact(child.birth_date, day)
    growth_svc.measurement_record(
        net.carers[0], centre_id=net.centre.pk, child_id=child.pk, measured_on=day,
        height_cm=Decimal(f"{G.value_at_z(G.lms_at(G.HEIGHT, child.gender, age), 0):.1f}"),
        weight_kg=Decimal(f"{G.value_at_z(G.lms_at(G.WEIGHT, child.gender, age), z_w):.2f}"), today=day)


def test_a_parent_reads_the_childs_centiles_and_a_crossing_alert(net, arrived, now_is):
    _measure(net, arrived, TODAY - dt.timedelta(days=25), 0.3)
    _measure(net, arrived, TODAY, -1.3)
    now_is(at(TODAY, 12))
    body = api(net.parent).get(f"/api/nursery/children/{arrived.pk}/growth").json()
    rows = body["measurements"]
    assert [r["measured_on"] for r in rows] == [f"{TODAY - dt.timedelta(days=25):%Y-%m-%d}", f"{TODAY:%Y-%m-%d}"]
    assert rows[-1]["weight_z"] == pytest.approx(-1.3, abs=0.02) and rows[-1]["weight_centile"] < 15
    assert rows[-1]["height_centile"] == pytest.approx(50, abs=1)
    assert [(a["measure"], a["kind"]) for a in body["alerts"]] == [("weight", "down")]


# ---------------------------------------------------------------- parent classes


def _class(net, seats: int = 2):
    return class_svc.class_create(actor=net.manager, centre_id=net.centre.pk, kind="class", title="回应式喂养",
                                  speaker="刘医生", starts_at=at(TODAY + dt.timedelta(days=5), 10), minutes=60,
                                  place="二楼多功能室", online=False, seats=seats, now=at(TODAY))


def test_a_parent_takes_a_seat_sees_it_and_gives_it_back_each_write_audited(net, arrived, now_is):
    found = _class(net)
    now_is(at(TODAY, 12))
    client = api(net.parent)
    listed = {c["id"]: c for c in client.get("/api/nursery/classes").json()["upcoming"]}
    assert (listed[found.pk]["seats_left"], listed[found.pk]["my_seat_id"]) == (2, None)
    before = AuditEntry.objects.count()
    taken = client.post(f"/api/nursery/classes/{found.pk}/seats")
    assert taken.status_code == 201 and taken.json()["state"] == "已报名"
    assert AuditEntry.objects.count() == before + 1
    listed = {c["id"]: c for c in client.get("/api/nursery/classes").json()["upcoming"]}
    assert (listed[found.pk]["seats_left"], listed[found.pk]["my_seat_id"]) == (1, taken.json()["id"])
    back = client.post(f"/api/nursery/seats/{taken.json()['id']}/cancel")
    assert back.status_code == 200 and back.json()["state"] == "已取消"
    assert AuditEntry.objects.count() == before + 2


def test_a_full_class_is_a_chinese_400_and_no_seat_is_stored(net, arrived, django_user_model, now_is):
    found = _class(net, seats=1)
    other = django_user_model.objects.create(username="test_other_parent")
    net.parent, mine = other, net.parent
    net.infant(10)  # the other parent's child
    class_svc.seat_book(actor=other, class_id=found.pk, now=at(TODAY))
    now_is(at(TODAY, 12))
    response = api(mine).post(f"/api/nursery/classes/{found.pk}/seats")
    assert response.status_code == 400 and "名额已满" in response.json()["detail"]
    assert not Seat.objects.filter(parent=mine).exists()


def test_a_seat_given_back_too_late_is_refused_and_stays_taken(net, arrived, now_is):
    found = _class(net)
    seat = class_svc.seat_book(actor=net.parent, class_id=found.pk, now=at(TODAY))
    now_is(found.starts_at - dt.timedelta(minutes=30))
    response = api(net.parent).post(f"/api/nursery/seats/{seat.pk}/cancel")
    assert response.status_code == 400 and "小时内不能取消" in response.json()["detail"]
    assert Seat.objects.get(pk=seat.pk).state == Seat.State.BOOKED


def test_only_the_parent_who_took_a_seat_gives_it_back_and_unknown_ones_are_404(net, arrived, demo_user, now_is):
    seat = class_svc.seat_book(actor=net.parent, class_id=_class(net).pk, now=at(TODAY))
    now_is(at(TODAY, 12))
    other = api(demo_user("nparent"))
    assert other.post(f"/api/nursery/seats/{seat.pk}/cancel").status_code == 403
    assert Seat.objects.get(pk=seat.pk).state == Seat.State.BOOKED
    assert other.post("/api/nursery/seats/999999999/cancel").json()["detail"] == "未找到该报名"
    assert other.post("/api/nursery/classes/999999999/seats").status_code == 404


def test_staff_neither_list_nor_take_parent_class_seats(net, now_is):
    found = _class(net)
    now_is(at(TODAY, 12))
    client = api(net.manager)
    assert client.get("/api/nursery/classes").status_code == 403
    assert client.post(f"/api/nursery/classes/{found.pk}/seats").status_code == 403
    assert not Seat.objects.filter(parent_class=found).exists()


"""The nursery pages on the demo county: a parent books temporary care on a phone (and is told why not), the manager
signs a child in by ID number and name, issues and exports the month's bills, the offices see figures and no names;
bad input is refused in Chinese with nothing stored."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tongxin.nursery.models import Bill, Booking, Centre, Contract, HealthCheck, Price, WaitlistEntry
from tongxin.orgs.calendar import working_days
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db


def _said(response) -> str:
    return "；".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def centre():
    return Centre.objects.get(site__name="城关镇社区托育服务中心")


@pytest.fixture
def infant():
    """The childcare demo parent's toddler."""
    return Child.objects.get(guardianships__guardian__user__username="nparent")


def _next_days(n: int) -> list[dt.date]:
    today = timezone.localdate()
    return working_days(today + dt.timedelta(days=1), today + dt.timedelta(days=20))[:n]


def test_a_parent_books_temporary_care_on_the_phone_and_sees_it(login, centre, infant):
    client = login("nparent")
    page = client.get(reverse("nursery:book") + f"?centre={centre.pk}").text
    assert "预约临时托" in page and infant.name in page
    day = _next_days(3)[2]
    response = client.post(reverse("nursery:book"), {"centre": centre.pk, "child": infant.pk,
                                                     "day": f"{day:%Y-%m-%d}", "start": "14:00", "end": "16:00"})
    assert response.status_code == 302, _said(response)
    booking = Booking.objects.get(child=infant, day=day)
    assert (booking.start, booking.end) == (dt.time(14), dt.time(16)) and booking.room.class_type == "toddler"
    mine = client.get(reverse("nursery:mine")).text
    assert f"{day.month}月{day.day}日" in mine and "14:00–16:00" in mine


def test_a_refused_booking_says_why_and_stores_nothing(login, centre, infant):
    client = login("nparent")
    before = Booking.objects.count()
    far = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(reverse("nursery:book"), {"centre": centre.pk, "child": infant.pk,
                                                     "day": f"{far:%Y-%m-%d}", "start": "09:00", "end": "12:00"})
    assert response.status_code == 400 and "最多可预约 30 天以内的临时托" in response.text
    response = client.post(reverse("nursery:book"), {"centre": centre.pk, "child": infant.pk,
                                                     "day": f"{_next_days(1)[0]:%Y-%m-%d}", "start": "18:30",
                                                     "end": "20:00"})
    assert response.status_code == 400 and "预约时间应在开放时间" in response.text
    assert Booking.objects.count() == before


@pytest.mark.parametrize("field, value", [("day", "a\x00b"), ("start", "06:45"), ("child", "999999999"),
                                          ("centre", "长" * 300)])
def test_bad_booking_input_is_refused_in_chinese(login, centre, infant, field, value):
    data = {"centre": centre.pk, "child": infant.pk, "day": f"{_next_days(1)[0]:%Y-%m-%d}", "start": "09:00",
            "end": "11:00", field: value}
    before = Booking.objects.count()
    response = login("nparent").post(reverse("nursery:book"), data)
    assert response.status_code == 400 and "errorlist" in response.text
    assert Booking.objects.count() == before


def test_a_parent_cannot_book_another_familys_child(login, centre):
    other = Child.objects.filter(school__isnull=True).exclude(guardianships__guardian__user__username="nparent").first()
    response = login("nparent").post(reverse("nursery:book"), {
        "centre": centre.pk, "child": other.pk, "day": f"{_next_days(1)[0]:%Y-%m-%d}", "start": "09:00",
        "end": "11:00"})
    assert response.status_code == 400  # not among the choices the page offered
    assert not Booking.objects.filter(child=other, booked_by__username="nparent").exists()


def _unsigned_infant(months_low: int, months_high: int) -> Child:
    today = timezone.localdate()
    signed = Contract.objects.values("child_id")
    checked = HealthCheck.objects.filter(passed=True).values("child_id")  # the demo's infants with an entry check
    for c in Child.objects.filter(school__isnull=True, pk__in=checked).exclude(pk__in=signed).exclude(id_hash__isnull=True).order_by("pk"):
        age = (today.year - c.birth_date.year) * 12 + today.month - c.birth_date.month - (today.day < c.birth_date.day)
        if months_low <= age < months_high and not WaitlistEntry.objects.filter(child=c).exists():
            return c
    raise AssertionError("no such infant in the demo county")


def test_the_manager_signs_a_child_in_by_id_number_and_name(login, centre):
    client = login("nursery")
    child = _unsigned_infant(26, 34)
    room = centre.rooms.get(class_type="older")
    start = timezone.localdate() + dt.timedelta(days=60)
    data = {"id_number": child.id_number, "name": "别人", "room": room.pk, "care_type": "half_am",
            "starts_on": f"{start:%Y-%m-%d}", "drop_off": "08:00", "pick_up": "11:30"}
    response = client.post(reverse("nursery:contracts", args=[centre.pk]), data)
    assert response.status_code == 400 and "未找到身份证号与姓名相符的登记幼儿" in response.text
    response = client.post(reverse("nursery:contracts", args=[centre.pk]), data | {"name": child.name})
    assert response.status_code == 302, _said(response)
    contract = Contract.objects.get(child=child)
    assert (contract.room, contract.care_type, contract.pick_up) == (room, "half_am", dt.time(11, 30))


@pytest.mark.parametrize("field, value, text", [
    ("name", "a\x00b", "空字符"), ("name", "长" * 33, "32"), ("id_number", "1" * 40, "18 位"),
    ("starts_on", "2026-13-40", "日期格式应为 YYYY-MM-DD"), ("room", "999999999", "选择"),
])
def test_bad_contract_input_is_refused_in_chinese_and_nothing_stored(login, centre, field, value, text):
    child = _unsigned_infant(26, 34)
    data = {"id_number": child.id_number, "name": child.name, "room": centre.rooms.get(class_type="older").pk,
            "care_type": "full_day", "starts_on": f"{timezone.localdate():%Y-%m-%d}", field: value}
    before = Contract.objects.count()
    response = login("nursery").post(reverse("nursery:contracts", args=[centre.pk]), data)
    assert response.status_code == 400 and text in response.text
    assert Contract.objects.count() == before


def test_the_manager_issues_the_months_bills_and_exports_them(login, centre):
    client = login("nursery")
    month = timezone.localdate().replace(day=1)
    response = client.post(reverse("nursery:bills", args=[centre.pk]) + f"?month={month:%Y-%m}")
    assert response.status_code == 302 and "账单" in _said(response)
    page = client.get(reverse("nursery:bills", args=[centre.pk]) + f"?month={month:%Y-%m}").text
    assert "家长应缴（元）" in page and Bill.objects.filter(centre=centre, month=month).exists()
    xlsx = client.get(reverse("nursery:bills_xlsx", args=[centre.pk]) + f"?month={month:%Y-%m}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get(reverse("nursery:bills", args=[centre.pk]) + "?month=abc")
    assert bad.status_code == 200 and "月份格式应为 YYYY-MM" in _said(bad)


def test_the_offices_see_places_and_the_ratio_board_but_no_childs_name(login, centre):
    names = list(Contract.objects.filter(centre=centre).values_list("child__name", flat=True))
    day = _next_days(1)[0]
    page = login("township").get(reverse("nursery:centre", args=[centre.pk]) + f"?on={day:%Y-%m-%d}").text
    assert "向日葵托大班" in page and "每小时师生比" in page and "07:30–08:30" in page
    assert not any(name in page for name in names)
    staff_page = login("carer").get(reverse("nursery:contracts", args=[centre.pk])).text
    assert any(name in staff_page for name in names) and "签订托育协议" not in staff_page


def test_the_contract_list_narrows_to_one_class_and_ignores_an_unknown_one(login, centre):
    live = Contract.objects.filter(centre=centre, state=Contract.State.ACTIVE).select_related("child", "room")
    room = live.first().room
    inside = {c.child.name for c in live if c.room_id == room.pk}
    outside = {c.child.name for c in live if c.room_id != room.pk} - inside
    assert inside and outside
    client = login("nursery")
    url = reverse("nursery:contracts", args=[centre.pk])
    page = client.get(url + f"?room={room.pk}").text
    assert all(name in page for name in inside) and not any(name in page for name in outside)
    assert f"共 {len(inside)} 份" in page
    for junk in ("abc", "999999", "1%00"):
        page = client.get(url + f"?room={junk}")
        assert page.status_code == 200 and all(name in page.text for name in inside | outside)


def test_a_day_the_centre_is_closed_has_no_ratio_board(login, centre):
    today = timezone.localdate()
    sunday = today + dt.timedelta(days=6 - today.weekday() + (7 if today.weekday() == 6 else 0))
    page = login("nursery").get(reverse("nursery:centre", args=[centre.pk]) + f"?on={sunday:%Y-%m-%d}").text
    assert f"{sunday.month}月{sunday.day}日是休息日，不开园" in page and "每小时师生比" not in page


def test_the_county_sets_the_affordable_price(login):
    client = login("county_health")
    today = timezone.localdate()
    response = client.post(reverse("nursery:county"), {"action": "price", "item": "temporary", "band": "1-3",
                                                       "amount": "26", "effective_from": f"{today:%Y-%m-%d}"})
    assert response.status_code == 302
    assert Price.objects.filter(centre__isnull=True, item="temporary", band="1-3", effective_from=today,
                                amount=26).exists()
    response = client.post(reverse("nursery:county"), {"action": "limit", "class_type": "infant", "max_size": "11"})
    assert response.status_code == 400 and "乳儿班每班幼儿人数应为 1 到 10 人（国家标准最多 10 人）" in response.text


def test_home_cards_lead_each_role_to_its_pages(login, centre):
    assert reverse("nursery:book") in login("nparent").get("/").text
    assert reverse("nursery:centre", args=[centre.pk]) in login("nursery").get("/").text
    assert reverse("nursery:roster", args=[centre.pk]) in login("carer").get("/").text
    assert reverse("nursery:county") in login("county_health").get("/").text
    assert "/nursery/" not in login("teacher").get("/").text


def test_the_bills_page_lists_unpaid_bills_first_twenty_at_a_time_and_finds_a_child(login, centre):
    client = login("nursery")
    month = timezone.localdate().replace(day=1)
    url = reverse("nursery:bills", args=[centre.pk])
    client.post(url + f"?month={month:%Y-%m}")
    bills = list(Bill.objects.filter(centre=centre, month=month).select_related("child").order_by("pk"))
    assert len(bills) > 1
    Bill.objects.filter(pk=bills[0].pk).update(state=Bill.State.PAID, paid_at=timezone.now())
    page = client.get(url + f"?month={month:%Y-%m}")
    assert page.context["show"] == "unpaid"
    shown = list(page.context["shown"])
    assert bills[0].pk not in {r.pk for r in shown} and len(shown) == min(len(bills) - 1, 20)
    paid = client.get(url + f"?month={month:%Y-%m}&show=paid").context["shown"]
    assert [r.pk for r in paid] == [bills[0].pk]
    name = bills[1].child.name
    found = client.get(url + f"?month={month:%Y-%m}&show=all&name={name}").context["shown"]
    assert {r.child for r in found} == {name}
    odd = client.get(url + f"?month={month:%Y-%m}&show=%00x&name=" + "长" * 30)
    assert odd.status_code == 200 and odd.context["show"] == "unpaid"


def test_the_centre_page_lists_its_classes_youngest_first_and_no_free_places_on_a_closed_day(login, centre):
    client = login("nursery")
    today = timezone.localdate()
    days = [today + dt.timedelta(days=n) for n in range(1, 15)]
    open_day = working_days(days[0], days[-1])[0]
    closed = next(d for d in days if d not in working_days(days[0], days[-1]))
    rooms = client.get(reverse("nursery:centre", args=[centre.pk]), {"on": f"{open_day:%Y-%m-%d}"}).context["page"].rooms
    assert [r.class_type for r in rooms] == sorted((r.class_type for r in rooms),
                                                   key=["infant", "toddler", "mixed", "older"].index)
    assert all(r.free is not None and r.free <= r.size - r.peak for r in rooms)
    shut = client.get(reverse("nursery:centre", args=[centre.pk]), {"on": f"{closed:%Y-%m-%d}"})
    assert all(r.free is None for r in shut.context["page"].rooms) and "全天空余" not in shut.content.decode()


def test_a_parents_booking_form_offers_their_own_centre_first(login, infant):
    page = login("nparent").get(reverse("nursery:book"))
    first = page.context["form"].fields["centre"].choices[0][0]
    own = Contract.objects.filter(child=infant, state="active").values_list("centre_id", flat=True).first()
    expected = own or Centre.objects.filter(site__region=infant.family.community).values_list("pk", flat=True).first()
    assert expected is not None and first == expected

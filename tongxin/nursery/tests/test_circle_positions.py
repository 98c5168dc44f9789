"""家庭定位: a community's children's worker places the households with an infant under 3 (typed or from the
phone's location), within the county's bounding box; the township and county see who is placed, never where."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.nursery.models import CountyBounds
from tongxin.nursery.selectors import circle
from tongxin.orgs.models import Region
from tongxin.people import services as people_svc
from tongxin.people.models import Family

pytestmark = pytest.mark.django_db

DONGMEN = "361199100001"
XIJIE = "361199100002"
INSIDE = {"latitude": "28.703456", "longitude": "116.012345"}  # in 东门社区, inside 青溪县's box


def _community(code=DONGMEN) -> Region:
    return Region.objects.get(code=code)


def _page(community=None):
    return reverse("nursery:community_positions", args=[(community or _community()).pk])


def _unplaced() -> Family:
    return Family.objects.filter(community__code=DONGMEN, latitude__isnull=True).order_by("pk").first()


def _post(client, family, **values):
    return client.post(_page(), {"family": family.pk, **INSIDE, **values})


def _stored(family) -> tuple:
    family.refresh_from_db()
    return family.latitude, family.longitude


# ---------------------------------------------------------------- the worker's page


def test_the_workers_page_lists_the_three_unplaced_households_first(login):
    page = login("community").get(_page()).context["p"]
    assert [r.placed for r in page.rows[:4]] == [False, False, False, True]


def test_the_workers_page_counts_every_household_with_an_infant_and_the_unplaced(login):
    page = login("community").get(_page()).context["p"]
    assert (page.households, page.unplaced, len(page.rows)) == (len(page.rows), 3, page.households)


def test_the_worker_sees_a_placed_households_position_in_its_fields(login):
    client = login("community")
    row = next(r for r in client.get(_page()).context["p"].rows if r.placed)
    assert f'value="{row.latitude}"' in client.get(_page()).content.decode()


def test_the_workers_index_leads_straight_to_their_community(login):
    response = login("community").get(reverse("nursery:positions"))
    assert (response.status_code, response["Location"]) == (302, _page())


def test_the_workers_home_page_has_a_card_for_the_positions(login):
    assert _page() in login("community").get(reverse("home")).content.decode()


def test_the_page_loads_the_location_script_from_a_static_file(login):
    html = login("community").get(_page()).content.decode()
    assert 'src="/static/nursery/js/position.js"' in html


def test_the_location_script_asks_the_phone_and_fills_both_fields():
    script = (Path(__file__).resolve().parents[1] / "static/nursery/js/position.js").read_text()
    assert all(s in script for s in ("navigator.geolocation.getCurrentPosition", "[data-lat]", "[data-lon]",
                                     "toFixed(6)"))


# ---------------------------------------------------------------- saving


def test_a_position_inside_the_county_is_stored_to_six_decimals(login):
    family = _unplaced()
    response = _post(login("community"), family, latitude="28.70345678", longitude="116.0123449")
    assert (response.status_code, _stored(family)) == (302, (Decimal("28.703457"), Decimal("116.012345")))


def test_a_saved_position_writes_one_audit_entry_naming_the_fields_not_the_values(login):
    family = _unplaced()
    client = login("community")
    updates = AuditEntry.objects.filter(action="update")
    before = updates.count()
    _post(client, family)
    entry = updates.order_by("pk").last()
    assert (updates.count() - before, entry.target_id, entry.fields, "28.70" in entry.reason) == (
        1, str(family.pk), ["latitude", "longitude"], False)


def test_a_placed_households_position_can_be_corrected(login):
    client = login("community")
    row = next(r for r in client.get(_page()).context["p"].rows if r.placed)
    family = Family.objects.get(pk=row.family_id)
    _post(client, family)
    assert _stored(family) == (Decimal(INSIDE["latitude"]), Decimal(INSIDE["longitude"]))


def test_a_comma_for_the_decimal_point_is_read_as_a_point(login):
    family = _unplaced()
    _post(login("community"), family, latitude="28，703456", longitude="116,012345")
    assert _stored(family) == (Decimal("28.703456"), Decimal("116.012345"))


@pytest.mark.parametrize(("latitude", "longitude", "message"), [
    ("31.230400", "121.473700", "不在本县范围内"),       # Shanghai: in China, not in 青溪县
    ("116.012345", "28.703456", "纬度和经度可能填反了"),  # swapped
    ("28.7\x00", "116.01", "纬度应为数字"),              # NUL
    ("二十八度", "116.01", "纬度应为数字"),
    ("28.70", "abc", "经度应为数字"),
    ("NaN", "116.01", "纬度应为数字"),
    ("28.7", "Infinity", "经度应为数字"),
    ("1e400", "116.01", "不在本县范围内"),
    ("28." + "7" * 40, "116.01", "纬度过长"),
    ("", "116.01", "请填写纬度"),
])
def test_a_bad_position_is_refused_with_a_chinese_message_and_nothing_is_stored(login, latitude, longitude, message):
    family = _unplaced()
    response = _post(login("community"), family, latitude=latitude, longitude=longitude)
    assert (response.status_code, message in response.content.decode(), _stored(family)) == (400, True,
                                                                                               (None, None))


def test_a_household_of_another_community_is_refused_on_this_page(login):
    other = Family.objects.filter(community__code=XIJIE).order_by("pk").first()
    response = _post(login("community"), other)
    assert (response.status_code, "不在本社区" in response.content.decode()) == (400, True)


def test_a_family_that_is_not_a_number_is_refused(login):
    response = login("community").post(_page(), {"family": "x\x00", **INSIDE})
    assert response.status_code == 400


def test_without_the_countys_box_nothing_can_be_stored(login):
    CountyBounds.objects.all().delete()
    family = _unplaced()
    response = _post(login("community"), family)
    assert (response.status_code, "尚未设定县域经纬度范围" in response.content.decode(), _stored(family)) == (
        400, True, (None, None))


# ---------------------------------------------------------------- who


def test_the_township_reads_the_list_without_any_position(login):
    client = login("township")
    response = client.get(_page())
    rows = response.context["p"].rows
    assert (response.status_code, any(r.latitude is not None for r in rows), 'name="latitude"' in response.content.decode(),
            len(rows)) == (200, False, False, response.context["p"].households)


def test_the_township_cannot_store_a_position(login):
    family = _unplaced()
    assert (_post(login("township"), family).status_code, _stored(family)) == (403, (None, None))


def test_the_county_health_bureau_sees_the_counts_and_no_household(login):
    response = login("county_health").get(_page())
    assert (response.status_code, response.context["p"].rows, response.context["p"].unplaced) == (200, [], 3)


def test_another_communitys_worker_cannot_open_the_page(login):
    assert login("c100002").get(_page()).status_code == 403


def test_the_service_refuses_a_township_officer(demo_user):
    with pytest.raises(PermissionDenied):
        people_svc.household_locate(actor=demo_user("township"), family_id=_unplaced().pk,
                                    latitude=Decimal("28.7"), longitude=Decimal("116.0"))


def test_the_service_refuses_a_worker_another_communitys_household(demo_user):
    other = Family.objects.filter(community__code=XIJIE).order_by("pk").first()
    with pytest.raises(PermissionDenied):
        people_svc.household_locate(actor=demo_user("community"), family_id=other.pk,
                                    latitude=Decimal("28.7"), longitude=Decimal("116.0"))


def test_the_service_refuses_a_position_outside_the_box_it_is_given(demo_user):
    family = _unplaced()
    with pytest.raises(ValidationError):
        people_svc.household_locate(actor=demo_user("community"), family_id=family.pk, latitude=Decimal("28.9"),
                                    longitude=Decimal("116.0"),
                                    within=(Decimal("28.6"), Decimal("115.9"), Decimal("28.8"), Decimal("116.1")))
    assert _stored(family) == (None, None)


def test_the_service_refuses_a_number_that_is_not_finite(demo_user):
    with pytest.raises(ValidationError):
        people_svc.household_locate(actor=demo_user("community"), family_id=_unplaced().pk,
                                    latitude=Decimal("NaN"), longitude=Decimal("116.0"))


def test_a_placed_household_counts_in_the_circle_at_once(login):
    """Placing one of 东门's three households at the centre's door adds one located and one covered household."""
    before = circle.circle_overview(_admin(), on=timezone.localdate())
    row = {f.name: f for _, fs in before.townships for f in fs}["东门社区"]
    _post(login("community"), _unplaced(), latitude="28.702310", longitude="116.012480")
    after = {f.name: f for _, fs in circle.circle_overview(_admin(), on=timezone.localdate()).townships
             for f in fs}["东门社区"]
    assert (after.located - row.located, after.covered - row.covered) == (1, 1)


def _admin():
    from tongxin.orgs.models import User

    return User.objects.get(username="admin")


def test_an_unknown_community_is_not_found(login):
    assert login("admin").get(reverse("nursery:community_positions", args=[_community().parent_id])).status_code == 404


def test_the_age_label_reads_years_and_months():
    assert [circle.age_label(dt.date(2025, 12, 1), dt.date(2026, 12, 5)),
            circle.age_label(dt.date(2026, 9, 1), dt.date(2026, 12, 5))] == ["1岁", "3个月"]

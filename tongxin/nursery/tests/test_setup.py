"""Setting up the network on its pages: the county health bureau opens a point; the manager keeps the centre's
details and classes; a class never has fewer places than children at once, and bad input stores nothing."""

import pytest
from django.urls import reverse

from tongxin.nursery.models import Centre, Room
from tongxin.orgs.models import Region, Site

from .test_pages import centre  # noqa: F401  (the demo's main centre)

pytestmark = pytest.mark.django_db


def _point(**changes) -> dict:
    data = {"name": "文苑社区托育服务点", "centre": "0", "community": "", "address": "文苑社区文苑路3号",
            "host": "文苑社区卫生服务站", "latitude": "28.701000", "longitude": "116.021000", "affordable": "on",
            "phone": "0793-1234567", "opens": "07:30", "midday": "12:00", "closes": "18:00", "extended_until": ""}
    data.update(changes)
    return data


def test_the_county_health_bureau_opens_a_service_point_of_the_centre(login, centre):  # noqa: F811
    client = login("county_health")
    community = Region.objects.get(code="361199001002")
    response = client.post(reverse("nursery:centre_new"), _point(centre=str(centre.pk), community=str(community.pk)))
    made = Centre.objects.get(site__name="文苑社区托育服务点")
    assert response.status_code == 302 and response["Location"] == reverse("nursery:centre", args=[made.pk])
    assert made.kind == Centre.Kind.POINT and made.site.parent_id == centre.site_id and made.host == "文苑社区卫生服务站"


@pytest.mark.parametrize(("field", "value", "said"), [
    ("name", "托育\x00点", "空字符"), ("name", "长" * 65, "64"), ("latitude", "116.02", "54"),
    ("community", "999999", "选择"), ("closes", "11:00", "依次递增")])
def test_a_bad_new_centre_is_refused_in_chinese_and_nothing_is_stored(login, field, value, said):
    client = login("county_health")
    community = Region.objects.get(code="361199001002")
    before = Site.objects.count()
    response = client.post(reverse("nursery:centre_new"), {**_point(community=str(community.pk)), field: value})
    assert response.status_code == 400 and said in response.text, response.text
    assert Site.objects.count() == before


def test_the_manager_opens_a_class_and_cannot_cut_its_places_below_the_children_in_it(login, centre):  # noqa: F811
    client = login("nursery")
    url = reverse("nursery:centre_settings", args=[centre.pk])
    assert client.post(url, {"action": "room_new", "name": "托小班（3）", "class_type": "toddler",
                             "places": "6"}).status_code == 302
    assert Room.objects.get(centre=centre, name="托小班（3）").places == 6
    busy = max(Room.objects.filter(centre=centre, active=True), key=lambda r: r.contracts.count())
    data = {"action": "room", "room": str(busy.pk), f"room{busy.pk}-name": busy.name, f"room{busy.pk}-places": "1",
            f"room{busy.pk}-active": "on"}
    response = client.post(url, data)
    assert response.status_code == 400 and "核定托位不能少于" in response.text
    del data[f"room{busy.pk}-active"]
    data[f"room{busy.pk}-places"] = str(busy.places)
    response = client.post(url, data)
    assert response.status_code == 400 and "请先办理退托或调班后再停用" in response.text
    busy.refresh_from_db()
    assert busy.active and busy.places == Room.objects.get(pk=busy.pk).places


def test_the_manager_sets_the_days_a_family_has_to_answer_an_offer(login, centre):  # noqa: F811
    client = login("nursery")
    url = reverse("nursery:centre_settings", args=[centre.pk])
    data = {"action": "centre", "opens": "07:30", "midday": "12:00", "closes": "18:00", "extended_until": "19:00",
            "phone": "0793-7654321", "host": "", "offer_reply_days": "3"}
    assert client.post(url, data).status_code == 302
    centre.refresh_from_db()
    assert (centre.offer_reply_days, centre.phone) == (3, "0793-7654321")
    assert client.post(url, {**data, "offer_reply_days": "31"}).status_code == 400
    assert client.post(url, {**data, "phone": "0\x00"}).status_code == 400
    centre.refresh_from_db()
    assert centre.offer_reply_days == 3

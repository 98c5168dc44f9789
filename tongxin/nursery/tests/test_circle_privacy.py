"""Households are children's homes: no page and no API response carries a household's position. The circle is
computed from the exact positions (its figures do not change), but what is drawn is the 100 m cell each household
falls in, and a suggested new point is shown at its cell's centre."""

import datetime as dt
import math
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongxin.nursery import rules_circle as rules
from tongxin.nursery.choices import ClassType
from tongxin.nursery.selectors import circle
from tongxin.nursery.services import network
from tongxin.orgs.models import Region
from tongxin.orgs.services import issue_api_token
from tongxin.people import services as people_svc
from tongxin.people.models import Child, Family

pytestmark = pytest.mark.django_db

DEGREE_M = 111_195.08


def _spellings(value: Decimal) -> set[str]:
    """How a coordinate would be written on a page: six decimals, five rounded or cut, as a float."""
    return {f"{value:.6f}", f"{value:.5f}", f"{value:f}"[: f"{value:f}".index(".") + 6], repr(float(value))}


def _infant_homes(community_codes=None) -> list[Family]:
    born = timezone.localdate() - dt.timedelta(days=3 * 365 - 5)
    qs = Family.objects.filter(latitude__isnull=False, children__birth_date__gt=born).distinct()
    if community_codes:
        qs = qs.filter(community__code__in=community_codes)
    return list(qs.order_by("pk"))


def _leaks(text: str, homes: list[Family]) -> list[str]:
    found = []
    for f in homes:
        if _spellings(f.latitude) & set(re.findall(r"\d+\.\d+", text)) \
                and _spellings(f.longitude) & set(re.findall(r"\d+\.\d+", text)):
            found.append(f"{f.pk}: {f.latitude}, {f.longitude}")
    return found


def _pages() -> list[tuple[str, str]]:
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path")
    dongmen = Region.objects.get(code="361199100001")
    pages = [("admin", reverse("nursery:circle")), ("admin", reverse("nursery:positions") + "?all=1")]
    pages += [("admin", reverse("nursery:circle_township", args=[t.pk])) for t in townships]
    pages += [(who, reverse("nursery:circle_township", args=[dongmen.parent_id]))
              for who in ("township", "community", "county_health", "county_civil")]
    pages += [(who, reverse("nursery:community_positions", args=[dongmen.pk]))
              for who in ("township", "county_civil", "county_health")]
    child = Child.objects.filter(family__community=dongmen, family__latitude__isnull=False).order_by(
        "-birth_date").first()
    pages += [("community", reverse("child_detail", args=[child.pk])), ("admin", reverse("child_detail", args=[child.pk]))]
    return pages


def test_no_circle_page_and_no_registry_page_shows_a_households_position(login):
    homes = _infant_homes()
    leaks = {}
    for who, url in _pages():
        response = login(who).get(url)
        assert response.status_code == 200, (who, url)
        if found := _leaks(response.content.decode(), homes):
            leaks[(who, url)] = found[:3]
    assert leaks == {}


def test_the_test_finds_a_position_where_one_is_shown(login):
    """The worker's own page shows the positions they set (in its fields): the search must find them there."""
    homes = _infant_homes(["361199100001"])
    page = login("community").get(reverse("nursery:community_positions",
                                          args=[Region.objects.get(code="361199100001").pk]))
    assert len(_leaks(page.content.decode(), homes)) >= len(homes) - 1


def test_no_api_response_carries_a_households_position(demo_user):
    homes = _infant_homes(["361199100001"])
    child = Child.objects.filter(family__in=homes).order_by("pk").first()
    leaks = {}
    for who in ("admin", "community", "county_health", "township"):
        _, key = issue_api_token(demo_user(who), "test")
        api = Client(headers={"Authorization": f"Bearer {key}"})
        for url in ("/api/children?page_size=200", f"/api/children/{child.pk}", "/api/nursery/centres"):
            response = api.get(url)
            if response.status_code == 200 and (found := _leaks(response.content.decode(), homes)):
                leaks[(who, url)] = found[:3]
    assert leaks == {}


# ---------------------------------------------------------------- the drawing depends on cells only


def _page_text(client, url) -> str:
    text = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def _moved(family: Family, north_m: float) -> tuple[Decimal, Decimal]:
    return (Decimal(f"{float(family.latitude) + north_m / DEGREE_M:.6f}"), family.longitude)


def _shimen_home() -> Family:
    """A home of 石门乡 (no point: uncovered wherever it is) a metre from the edge of nothing: well inside its cell."""
    for f in _infant_homes(["361199200201"]):
        at = (float(f.latitude), float(f.longitude))
        if rules.cell_of(at) == rules.cell_of((at[0] + 3 / DEGREE_M, at[1])) == rules.cell_of(
                (at[0] - 1 / DEGREE_M, at[1])):
            return f
    raise AssertionError("no home of 石门村 well inside its cell")


def test_a_home_moved_within_its_cell_leaves_the_township_page_unchanged(login, demo_user):
    family = _shimen_home()
    client = login("admin")
    url = reverse("nursery:circle_township", args=[family.community.parent_id])
    before = _page_text(client, url)
    people_svc.households_locate(actor=demo_user("admin"), positions={family.pk: _moved(family, 2)})
    assert _page_text(client, url) == before


def test_a_home_moved_to_another_cell_changes_the_township_page(login, demo_user):
    family = _shimen_home()
    client = login("admin")
    url = reverse("nursery:circle_township", args=[family.community.parent_id])
    before = _page_text(client, url)
    people_svc.households_locate(actor=demo_user("admin"), positions={family.pk: _moved(family, 300)})
    assert _page_text(client, url) != before


# ---------------------------------------------------------------- the figures still use the exact positions


@pytest.fixture
def edge(demo_user):
    """A point at (28.0, 116.0) in a township of its own and one household due north of it, placed where the
    household is within 1,250 m but the middle of its cell is not (or the other way round)."""
    admin = demo_user("admin")
    county = Region.objects.get(code="361199000000")
    township = Region.objects.create(name="边界镇", code="361199400000", kind=Region.Kind.TOWNSHIP, parent=county)
    community = Region.objects.create(name="边界社区", code="361199400001", kind=Region.Kind.COMMUNITY,
                                      parent=township)
    centre = network.centre_create(admin, name="边界托育点", community_id=community.pk, address="边界路1号",
                                   latitude=Decimal("28.0"), longitude=Decimal("116.0"))
    network.room_create(admin, centre_id=centre.pk, name="托小班", class_type=ClassType.TODDLER, places=15)
    radius = rules.Walk().radius_m
    dlat = math.degrees(rules.CELL_M / rules.EARTH_RADIUS_M)
    boundary = 28.0 + math.degrees(radius / rules.EARTH_RADIUS_M)
    row = math.floor(boundary / dlat)
    middle = (row + 0.5) * dlat
    # Inside the radius with the cell's middle outside it, or outside with the middle inside.
    lat = (row * dlat + 0.2 * (boundary - row * dlat)) if middle > boundary else (boundary + 0.5 * ((row + 1) * dlat
                                                                                                    - boundary))
    family = Family.objects.create(head_name="边界户", community=community)
    Child.objects.create(name="边界幼儿", gender="F", birth_date=dt.date(2026, 1, 1), family=family)
    people_svc.households_locate(actor=admin, positions={family.pk: (Decimal(f"{lat:.6f}"), Decimal("116.0"))})
    family.refresh_from_db()
    return township, family, admin


def test_coverage_counts_the_homes_own_position_not_its_cells(edge):
    township, family, admin = edge
    home = (float(family.latitude), float(family.longitude))
    truth = rules.distance_m(home, (28.0, 116.0)) <= rules.Walk().radius_m
    drawn = rules.distance_m(rules.coarsen(home), (28.0, 116.0)) <= rules.Walk().radius_m
    page = circle.township_circle(admin, township, on=dt.date(2027, 3, 1))
    assert (page.total.covered, truth != drawn) == (int(truth), True)


def test_the_edge_households_cell_is_drawn_with_its_real_coverage(edge):
    township, family, admin = edge
    home = (float(family.latitude), float(family.longitude))
    truth = rules.distance_m(home, (28.0, 116.0)) <= rules.Walk().radius_m
    dots = circle.township_circle(admin, township, on=dt.date(2027, 3, 1)).plot().dots
    assert [(d.covered, d.uncovered) for d in dots] == [(1, 0) if truth else (0, 1)]

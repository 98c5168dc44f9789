"""The 15-minute circle's figures as the pages read them (a township of its own, worked out by hand), the
registry's household positions, and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.nursery import rules_circle
from tongxin.nursery.choices import ClassType
from tongxin.nursery.selectors import circle
from tongxin.nursery.services import network
from tongxin.orgs.models import Region, Role, RoleAssignment
from tongxin.people import services as people_svc
from tongxin.people.models import Child, Family

pytestmark = pytest.mark.django_db

ON = dt.date(2027, 3, 1)


@pytest.fixture
def town(demo_user, django_user_model):
    """测试镇 (a new township of the demo county) with 测试社区; a point at (28.0, 116.0) with a class of 15 places.
    Households north of it along the meridian (one degree of latitude = 111,195.08 m, exact for haversine):
      A 0.005°N  556.0 m  one infant             -> covered
      B 0.012°N  1,334.3 m  two infants          -> not covered
      C 0.020°N  2,223.9 m  one infant           -> not covered
      D no position, one infant                  -> counted, not located
      E at the point, a child turned 3 on ON      -> no household with an infant
    Households 4, located 3, covered 1 (33.3 %), infants 5, places 15 (300.0 per 100). New point: B's home reaches
    C (889.6 m) and C's reaches B — a tie, B is registered first: B's position, covering B and C."""
    admin = demo_user("admin")
    county = Region.objects.get(code="361199000000")
    township = Region.objects.create(name="测试镇", code="361199300000", kind=Region.Kind.TOWNSHIP, parent=county)
    community = Region.objects.create(name="测试社区", code="361199300001", kind=Region.Kind.COMMUNITY,
                                      parent=township)
    centre = network.centre_create(admin, name="测试托育服务中心", community_id=community.pk, address="测试路1号",
                                   latitude=Decimal("28.0"), longitude=Decimal("116.0"))
    network.room_create(admin, centre_id=centre.pk, name="测试托小班", class_type=ClassType.TODDLER, places=15)
    homes = {}
    for key, north, births in (("A", "0.005", ["2026-01-10"]), ("B", "0.012", ["2025-05-01", "2026-09-09"]),
                               ("C", "0.020", ["2024-03-02"]), ("D", None, ["2025-01-01"]),
                               ("E", "0", ["2024-03-01"])):
        family = Family.objects.create(head_name=f"{key}户", community=community)
        for i, birth in enumerate(births):
            Child.objects.create(name=f"测试{key}{i}", gender="M", birth_date=dt.date.fromisoformat(birth),
                                 family=family)
        homes[key] = family
    people_svc.households_locate(actor=admin, positions={
        homes[k].pk: (Decimal("28.0") + Decimal(n), Decimal("116.0"))
        for k, n in (("A", "0.005"), ("B", "0.012"), ("C", "0.020"), ("E", "0"))})
    officer = django_user_model.objects.create(username="test_township", real_name="测试镇干部")
    RoleAssignment.objects.create(user=officer, role=Role.TOWNSHIP_OFFICER, region=township)
    return township, homes, admin, officer


def _community(town):
    township, _, admin, _ = town
    return circle.township_circle(admin, township, on=ON).communities[0]


def test_the_township_counts_the_households_with_an_infant_under_three(town):
    f = _community(town)
    assert (f.households, f.located, f.unplaced, f.infants) == (4, 3, 1, 5)


def test_the_township_covers_one_household_of_three_placed(town):
    f = _community(town)
    assert (f.covered, f.share) == (1, Decimal("33.3"))


def test_the_township_has_300_places_per_100_infants(town):
    f = _community(town)
    assert (f.places, f.per_100) == (15, Decimal("300.0"))


def test_the_new_point_is_shown_at_the_grid_cell_of_the_first_registered_of_the_tied_homes(town):
    """B's home wins the tie (covering B and C); the page is given the middle of B's 100 m cell, not B's home."""
    best = _community(town).best
    assert (best.at, best.count) == (rules_circle.coarsen((28.012, 116.0)), 2)


def test_the_new_point_shown_is_not_the_homes_own_position(town):
    assert _community(town).best.at != (28.012, 116.0)


def test_the_plot_draws_three_cells_of_one_household_each_and_the_point(town):
    """A, B and C lie 0.007° and 0.008° apart (780 m and more): three cells, A's covered, B's and C's not."""
    township, _, admin, _ = town
    plot = circle.township_circle(admin, township, on=ON).plot()
    assert ([(d.covered, d.uncovered) for d in plot.dots], [p.label for p in plot.points]) == (
        [(1, 0), (0, 1), (0, 1)], ["测试托育服务中心"])


def test_a_closed_point_covers_nobody(town):
    township, _, admin, _ = town
    from tongxin.nursery.models import Centre

    Centre.objects.filter(site__name="测试托育服务中心").update(active=False)
    f = circle.township_circle(admin, township, on=ON).communities[0]
    assert (f.covered, f.places) == (0, 0)


def test_a_household_position_outside_china_is_refused_and_nothing_is_written(town):
    _, homes, admin, _ = town
    with pytest.raises(ValidationError):
        people_svc.households_locate(actor=admin, positions={homes["D"].pk: (Decimal("28.1"), Decimal("116.0")),
                                                             homes["A"].pk: (Decimal("116.0"), Decimal("28.0"))})
    assert Family.objects.get(pk=homes["D"].pk).latitude is None


def test_placing_households_writes_one_audit_entry(town):
    _, homes, admin, _ = town
    before = AuditEntry.objects.count()
    people_svc.households_locate(actor=admin, positions={homes["D"].pk: (Decimal("28.1"), Decimal("116.0"))})
    assert AuditEntry.objects.count() == before + 1


def test_an_officer_cannot_place_households_outside_their_area(town, demo_user):
    _, homes, _, _ = town
    with pytest.raises(PermissionDenied):
        people_svc.households_locate(actor=demo_user("township"),
                                     positions={homes["D"].pk: (Decimal("28.1"), Decimal("116.0"))})
    assert Family.objects.get(pk=homes["D"].pk).latitude is None


def test_a_carer_cannot_place_households(town, demo_user):
    _, homes, _, _ = town
    with pytest.raises(PermissionDenied):
        people_svc.households_locate(actor=demo_user("carer"),
                                     positions={homes["D"].pk: (Decimal("28.1"), Decimal("116.0"))})


def test_the_township_page_shows_its_plot_and_table(town, client):
    township, _, _, officer = town
    client.force_login(officer)
    response = client.get(reverse("nursery:circle_township", args=[township.pk]) + "?on=2027-03-01")
    assert (response.status_code, b"<svg" in response.content, "33.3%" in response.content.decode()) == (200, True,
                                                                                                         True)


def test_the_overview_links_the_officers_township_only(town, client):
    township, _, _, officer = town
    client.force_login(officer)
    page = client.get(reverse("nursery:circle")).content.decode()
    assert (reverse("nursery:circle_township", args=[township.pk]) in page, "城关镇" in page) == (True, False)


def test_the_demo_places_every_household_but_three_of_dongmen_left_for_its_worker(demo_user):
    unplaced = Family.objects.filter(latitude__isnull=True)
    assert (unplaced.count(), set(unplaced.values_list("community__name", flat=True))) == (3, {"东门社区"})


def test_the_demo_covers_dongmen_fully_and_shimen_not_at_all(demo_user):
    admin = demo_user("admin")
    rows = {f.name: f for t, fs in circle.circle_overview(admin, on=ON).townships for f in fs}
    assert (rows["东门社区"].share, rows["石门村"].share) == (Decimal("100.0"), Decimal("0.0"))


def test_a_community_worker_reads_their_own_community_named_as_such_not_as_the_whole_township(demo_user, client):
    worker = demo_user("community")
    (total, rows), = circle.circle_overview(worker, on=ON).townships
    assert [r.name for r in rows] == ["东门社区"] and total.name == "城关镇东门社区"
    township = Region.objects.get(name="城关镇")
    assert circle.township_circle(worker, township, on=ON).total.name == "城关镇东门社区"
    whole = circle.township_circle(demo_user("township"), township, on=ON).total
    assert whole.name == "城关镇" and whole.households > total.households
    client.force_login(worker)
    page = client.get(reverse("nursery:circle_township", args=[township.pk])).content.decode()
    assert "<h1>城关镇东门社区 " in page and "城关镇（合计）" not in page


def test_the_area_name_names_the_communities_seen_when_not_all_of_the_township():
    assert circle.area_name("城关镇", ["东门社区", "西街社区", "柳塘村"], 3) == "城关镇"
    assert circle.area_name("城关镇", ["东门社区", "西街社区"], 3) == "城关镇东门社区、西街社区"
    assert circle.area_name("城关镇", list("ABCD"), 9) == "城关镇（4 个社区（村））"

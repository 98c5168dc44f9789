"""C-37/S-08/S-10: a programme may use venues others lend it, and no venue holds more children at a time than it
seats."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.custody import rules, selectors, services
from tongxin.custody.models import VenueLoan
from tongxin.orgs.models import Site

pytestmark = pytest.mark.django_db


def test_venue_room_is_capacity_less_the_groups_there_at_the_same_time():
    assert rules.venue_room(60, [40]) == 20
    assert rules.venue_room(60, [40, 30]) == 0
    assert rules.times_overlap(dt.time(16), dt.time(18), dt.time(8, 30), dt.time(17, 30))
    assert not rules.times_overlap(dt.time(8), dt.time(12), dt.time(13), dt.time(17))


def test_a_school_programme_borrows_the_youth_palace_and_groups_there(leader, programme, period):
    palace = Site.objects.get(name="青溪县青少年宫")
    assert palace in selectors.venues_to_borrow(programme)
    loan = services.borrow_venue(leader, programme, site=palace, lender="县青少年宫 李老师",
                                 agreed_on=dt.date(2027, 1, 5), note="寒假上午使用")
    assert palace in programme.sites.all() and loan.lender == "县青少年宫 李老师"
    assert palace not in selectors.venues_to_borrow(programme)
    group = services.add_group(leader, period, site=palace, name="青少年宫组", capacity=40)
    assert group.site == palace
    with pytest.raises(ValidationError, match="已是本项目的场所"):
        services.borrow_venue(leader, programme, site=palace, lender="x", agreed_on=dt.date(2027, 1, 5))


def test_only_the_organiser_borrows_a_venue(programme, demo_user):
    with pytest.raises(PermissionDenied):
        services.borrow_venue(demo_user("leader"), programme, site=Site.objects.get(name="青溪县青少年宫"),
                              lender="x", agreed_on=dt.date(2027, 1, 5))
    assert not VenueLoan.objects.exists()


def test_groups_at_one_venue_at_the_same_time_never_exceed_its_seats(leader, programme, period):
    library = Site.objects.get(name="青溪县图书馆少儿阅览室")  # 60 seats
    services.borrow_venue(leader, programme, site=library, lender="县图书馆", agreed_on=dt.date(2027, 1, 5))
    services.add_group(leader, period, site=library, name="阅读一组", capacity=40)
    with pytest.raises(ValidationError, match="最多 20 人"):
        services.add_group(leader, period, site=library, name="阅读二组", capacity=30)
    services.add_group(leader, period, site=library, name="阅读二组", capacity=20)


def test_the_programme_page_lists_lent_venues_and_refuses_a_bad_loan(login, leader, programme):
    client = login("leader2")
    palace = Site.objects.get(name="青溪县青少年宫")
    page = client.get(f"/custody/p/{programme.pk}/").text
    assert "借用其他单位的场所" in page and "青溪县青少年宫（青少年宫，120 人）" in page
    response = client.post(f"/custody/p/{programme.pk}/", {"action": "venue", "site": palace.pk, "lender": "",
                                                           "agreed_on": "2027-01-05"}, follow=True)
    assert "出借单位及联系人" in response.text and not VenueLoan.objects.exists()
    client.post(f"/custody/p/{programme.pk}/", {"action": "venue", "site": palace.pk, "lender": "县青少年宫 李老师",
                                                "agreed_on": "2027-01-05"})
    assert "借用：县青少年宫 李老师" in client.get(f"/custody/p/{programme.pk}/").text


def test_a_childcare_centre_is_never_a_custody_venue(programme, demo_user):
    """A community's childcare centre or point belongs to the 0–3 line: a community programme does not take it as
    one of its own sites, and no programme is offered it to borrow."""
    worker = demo_user("community")
    community = worker.assignments.get().region
    centre = Site.objects.create(name="测试托育点", kind=Site.Kind.NURSERY, region=community, capacity=20)
    hall = Site.objects.create(name="测试社区活动室", kind=Site.Kind.COMMUNITY_CENTRE, region=community, capacity=30)
    own = services.create_programme(worker, name="社区寒假托管", kind=programme.kind, community=community,
                                    fee_per_day=programme.fee_per_day, lunch_available=False, lunch_price=0)
    assert hall in own.sites.all() and centre not in own.sites.all()
    assert centre not in selectors.venues_to_borrow(programme)
    with pytest.raises(ValidationError, match="只能选择主办单位自己的场所"):
        services.update_programme(worker, own, sites=[hall, centre])

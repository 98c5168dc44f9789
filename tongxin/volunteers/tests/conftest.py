import datetime as dt
from decimal import Decimal

import pytest

from tongxin.custody import services as custody
from tongxin.custody.models import Programme
from tongxin.orgs.models import Region, School, Site
from tongxin.volunteers import services

DONGMEN = "361199100001"  # 东门社区, the demo `community` login's


@pytest.fixture
def dongmen():
    return Region.objects.get(code=DONGMEN)


@pytest.fixture
def registered(db, dongmen):
    """A university student home for the holidays registers on a phone in 东门社区 (pending)."""

    def make(username="stu01", **extra):
        fields = dict(username=username, password="Qx!2026-student", real_name="李小梅", phone="13900001111",
                      source="student", home_id=dongmen.pk, area_ids=[dongmen.pk], affiliation="江西师范大学",
                      skills="英语辅导", weekdays="135", holidays=True, hours="下午")
        fields.update(extra)
        return services.person_register(**fields)

    return make


@pytest.fixture
def winter_period(demo_user):
    """A winter programme of 城关第二小学 (no demo programme there), 2027-01-18 (Mon) to 2027-01-29."""
    leader = demo_user("leader2")
    school = School.objects.get(code="3611990002")
    programme = custody.create_programme(leader, name="2027年寒假托管", kind=Programme.Kind.WINTER, school=school,
                                         fee_per_day=Decimal("20"), lunch_price=Decimal("12"),
                                         status=Programme.Status.OPEN, agreement_text="服务协议",
                                         commitment_text="安全承诺")
    period = custody.add_period(leader, programme, name="第一期", start=dt.date(2027, 1, 18), end=dt.date(2027, 1, 29))
    custody.add_group(leader, period, site=Site.objects.filter(school=school).first(), name="一组")
    return period

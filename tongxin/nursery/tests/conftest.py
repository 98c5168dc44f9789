"""A test centre of its own in 文苑社区 (no demo centre stands there), with a 托小班, a 乳儿班 and a 托大班, its manager
and three carers, and infants made to order: every test states the ages, hours and carers it relies on.

Dates are fixed: the week of Monday 1 March 2027 (no holiday in the demo calendar)."""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from tongxin.nursery import rules, rules_health
from tongxin.nursery.choices import ClassType
from tongxin.nursery.models import Centre, HealthCertificate, HealthCheck, Room, VaccineDose
from tongxin.nursery.services import network, roster
from tongxin.orgs.models import Region, Role, RoleAssignment, User
from tongxin.people.models import Child, Family, Guardian, Guardianship

TODAY = dt.date(2027, 3, 1)  # a Monday
COMMUNITY = "361199001002"   # 文苑社区


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def t(text: str) -> dt.time:
    h, m = text.split(":")
    return dt.time(int(h), int(m))


_names = itertools.count(1)


@dataclass
class Net:
    centre: Centre
    manager: User
    carers: list[User]
    rooms: dict[str, Room] = field(default_factory=dict)
    parent: User | None = None

    def shift(self, room: str, day: dt.date, carer: int, start: str, end: str):
        return roster.shift_add(self.manager, room_id=self.rooms[room].pk, day=day, carer_id=self.carers[carer].pk,
                                start=t(start), end=t(end), today=TODAY)

    def infant(self, months: int, on: dt.date = TODAY, *, low_income: bool = False, days: int = 10,
               healthy: bool = True) -> Child:
        """A child `months` old (and `days` days) on `on`, living in 文苑社区, whose parent is `self.parent`; unless
        not `healthy`, with a passed entry check a month before `on` and every dose given on the day it fell due."""
        birth = on.replace(day=1)
        for _ in range(months):
            birth = (birth - dt.timedelta(days=1)).replace(day=1)
        birth = birth.replace(day=min(on.day, 28)) - dt.timedelta(days=days)
        family = Family.objects.create(head_name="测试户", community=Region.objects.get(code=COMMUNITY),
                                       low_income=low_income)
        n = next(_names)
        child = Child.objects.create(name=f"测试幼儿{n}", gender="F", birth_date=birth, family=family)
        assert rules.age_in_months(birth, on) == months
        if self.parent is not None:
            guardian = Guardian.objects.filter(user=self.parent).first()
            if guardian is None:
                guardian = Guardian.objects.create(family=family, name="测试家长", gender="F", user=self.parent)
            Guardianship.objects.create(child=child, guardian=guardian, relationship="mother", is_primary=True)
        if healthy:
            self.give_health(child, checked_on=max(birth, on - dt.timedelta(days=30)))
        return child

    def give_health(self, child: Child, *, checked_on: dt.date, doses: bool = True) -> None:
        now = at(checked_on)
        HealthCheck.objects.create(child=child, checked_on=checked_on, clinic="文苑社区卫生服务站", passed=True,
                                   centre=self.centre, recorded_by=self.manager, recorded_at=now)
        if doses:
            VaccineDose.objects.bulk_create([
                VaccineDose(child=child, vaccine=d.vaccine, number=d.number,
                            given_on=rules_health.add_months(child.birth_date, d.months), centre=self.centre,
                            recorded_by=self.manager, recorded_at=now) for d in rules_health.SCHEDULE])


@pytest.fixture
def net(demo_user, django_user_model) -> Net:
    admin = demo_user("admin")
    centre = network.centre_create(admin, name="文苑测试托育中心", community_id=Region.objects.get(code=COMMUNITY).pk,
                                   address="文苑社区测试路1号", latitude=Decimal("28.70"), longitude=Decimal("116.02"),
                                   hours=rules.Hours(extended_until=dt.time(19, 0)))
    manager = django_user_model.objects.create(username="test_manager", real_name="测试园长")
    RoleAssignment.objects.create(user=manager, role=Role.NURSERY_MANAGER, site=centre.site)
    carers = []
    for i in range(4):
        u = django_user_model.objects.create(username=f"test_carer{i}", real_name=f"测试保育员{i}")
        RoleAssignment.objects.create(user=u, role=Role.NURSERY_CARER, site=centre.site)
        carers.append(u)
    for u in [manager, *carers]:
        HealthCertificate.objects.create(user=u, centre=centre, issued_on=TODAY - dt.timedelta(days=200),
                                         issuer="县疾病预防控制中心", recorded_by=admin, recorded_at=at(TODAY))
    parent = django_user_model.objects.create(username="test_parent", real_name="测试家长")
    n = Net(centre=centre, manager=manager, carers=carers, parent=parent)
    for name, class_type, places in (("托小班", ClassType.TODDLER, 15), ("乳儿班", ClassType.INFANT, 10),
                                     ("托大班", ClassType.OLDER, 20)):
        n.rooms[name] = network.room_create(manager, centre_id=centre.pk, name=name, class_type=class_type,
                                            places=places)
    return n


@pytest.fixture
def open_today(monkeypatch) -> dt.date:
    """The clock set to 10:00 on the latest working day up to today, for tests of the demo centre's day that would
    otherwise find it closed when they run at a weekend or on a holiday."""
    from tongxin.orgs.calendar import is_working_day

    day = timezone.localdate()
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    moment = at(day, 10)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return day

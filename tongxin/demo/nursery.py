"""The demo county's community childcare (社区托育, N-01…N-13): 城关镇社区托育服务中心 in 东门社区 with a 乳儿班, a 托小班
and a 托大班 (extended hours to 19:00), and two service points — one in 西街社区's elderly activity centre, one in
滨河街道 滨江社区's health station — each with a mixed class; the county's 普惠 prices and subsidies, the centre's
own price; the carers' roster for this month and the next; contracts of every kind signed from September on (the
registry's infants of 6–36 months in the two townships, as many as the classes and their carers take: the rest
wait in line), a contract ending this month whose place is offered to the first in line, temporary bookings, last
month's bills (most paid) and this month's. The line's demo parent (`nparent`, a toddler's mother in 东门社区) has
booked temporary care and waits for a full-day place.

Everything is written through the services with the dates passed in; the logins of `DEMO_LOGINS` for the line
(county_health, nursery, carer, nparent) are made here, after the rest of the county."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongxin.demo.nursery_growth import build_growth_demo
from tongxin.nursery import rules
from tongxin.nursery.choices import AgeBand, CareType, ClassType, PriceItem, SubsidyKind
from tongxin.nursery.models import Bill, Centre, Contract, Room
from tongxin.nursery.services import bills as bill_svc
from tongxin.nursery.services import bookings as booking_svc
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import network, roster
from tongxin.nursery.services import settings as settings_svc
from tongxin.nursery.services import waitlist as waitlist_svc
from tongxin.orgs.calendar import working_days
from tongxin.orgs.models import Region, Role, RoleAssignment, Site, User
from tongxin.people.models import Child, Guardian, Guardianship

from . import COUNTY_CODE, DEMO_LOGINS, DEMO_PASSWORD
from .nursery_classes import build_classes_demo
from .nursery_day import build_day_demo
from .nursery_health import build_health_day, build_health_records

CENTRE = "城关镇社区托育服务中心"
# name, community code, address, host, latitude, longitude, extended until, classes (name, type, places)
NETWORK = [
    (CENTRE, "361199100001", "东门社区人民路66号", "", "28.702310", "116.012480", dt.time(19, 0),
     [("蒲公英乳儿班", ClassType.INFANT, 9), ("小雨点托小班", ClassType.TODDLER, 15),
      ("向日葵托大班", ClassType.OLDER, 20)]),
    ("西街社区托育服务点", "361199100002", "西街社区文化路12号", "西街社区老年活动中心", "28.698920", "116.004150",
     None, [("小星星混合班", ClassType.MIXED, 12)]),
    ("滨江社区托育服务点", "361199001001", "滨江社区滨江路28号", "滨江社区卫生服务站", "28.711540", "116.031870",
     None, [("小海豚混合班", ClassType.MIXED, 12)]),
]
# Each class's carers on duty every working day (start, end): enough for most children at the busiest hours.
SHIFTS = {
    ClassType.INFANT: [(dt.time(7, 30), dt.time(16, 30)), (dt.time(8, 30), dt.time(17, 30)),
                       (dt.time(9, 0), dt.time(18, 0))],
    ClassType.TODDLER: [(dt.time(7, 30), dt.time(16, 30)), (dt.time(7, 30), dt.time(16, 30)),
                        (dt.time(9, 0), dt.time(18, 0)), (dt.time(9, 0), dt.time(18, 0))],
    ClassType.OLDER: [(dt.time(7, 30), dt.time(16, 30)), (dt.time(8, 30), dt.time(17, 30)),
                      (dt.time(10, 0), dt.time(19, 0))],
    ClassType.MIXED: [(dt.time(7, 30), dt.time(16, 30)), (dt.time(8, 30), dt.time(17, 30)),
                      (dt.time(9, 0), dt.time(18, 0))],
}
CARER_SURNAMES = "郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
CARER_GIVEN = ["丽", "芳", "敏", "静", "秀兰", "桂英", "晓燕", "春梅", "玉珍", "慧", "婷", "雪", "红梅", "小琴"]

# County 普惠 prices from 1 January (yuan): item -> (0–1, 1–3).
AFFORDABLE = {
    PriceItem.FULL_DAY: ("1600", "1300"), PriceItem.HALF_DAY: ("900", "750"),
    PriceItem.TEMPORARY: ("30", "25"), PriceItem.EXTENDED_HOUR: ("20", "20"),
    PriceItem.EXTENDED_MONTH: ("300", "300"),
}


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _aware(day: dt.date, at: dt.time = dt.time(9, 0)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def _users(centres: dict[str, Centre]) -> tuple[User, User, dict[str, list[User]]]:
    """The line's demo logins and each site's carers (`nc01`…, same password), in one write."""
    password = make_password(DEMO_PASSWORD)
    county = Region.objects.get(code=COUNTY_CODE)
    made: list[tuple[User, dict]] = []
    for username, real_name, role, target in DEMO_LOGINS:
        if role == Role.COUNTY_HEALTH:
            made.append((User(username=username, real_name=real_name, password=password), {"role": role,
                                                                                          "region": county}))
        elif role in (Role.NURSERY_MANAGER, Role.NURSERY_CARER):
            made.append((User(username=username, real_name=real_name, password=password),
                         {"role": role, "site": centres[target].site}))
    carers: dict[str, list[User]] = {name: [] for name in centres}
    classes = {name: [t for _, t, _ in rooms] for name, *_, rooms in NETWORK}
    n = 0
    for name, centre in centres.items():
        wanted = sum(len(SHIFTS[t]) for t in classes[name]) - (1 if name == CENTRE else 0)
        for _ in range(wanted):
            n += 1
            real = (f"{name.removesuffix('社区托育服务中心').removesuffix('社区托育服务点')}保育员 "
                    f"{CARER_SURNAMES[n % len(CARER_SURNAMES)]}{CARER_GIVEN[n % len(CARER_GIVEN)]}")
            u = User(username=f"nc{n:02d}", real_name=real, password=password)
            made.append((u, {"role": Role.NURSERY_CARER, "site": centre.site}))
            carers[name].append(u)
    User.objects.bulk_create([u for u, _ in made])
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u, _ in made])}
    RoleAssignment.objects.bulk_create([RoleAssignment(user=saved[u.username], **kw) for u, kw in made])
    carers = {name: [saved[u.username] for u in users] for name, users in carers.items()}
    carers[CENTRE].insert(0, saved["carer"])
    return saved["county_health"], saved["nursery"], carers


def _roster(manager: User, carers: dict[str, list[User]], centres: dict[str, Centre], today: dt.date) -> None:
    """This month's and next month's roster: each class's shifts on the month's first working day, copied on."""
    first = working_days(_month_start(today), _month_end(today))[0]
    until = _month_end(_month_end(today) + dt.timedelta(days=1))
    for name, centre in centres.items():
        people = iter(carers[name])
        for room in centre.rooms.order_by("class_type", "name"):
            for start, end in SHIFTS[room.class_type]:
                roster.shift_add(manager, room_id=room.pk, day=first, carer_id=next(people).pk, start=start, end=end,
                                 today=today)
            roster.roster_repeat(manager, room_id=room.pk, day=first, until=until, today=today)


def _prices(health: User, manager: User, centre: Centre, today: dt.date) -> None:
    new_year = dt.date(today.year, 1, 1)
    for item, (infant, toddler) in AFFORDABLE.items():
        for band, amount in ((AgeBand.UNDER_ONE, infant), (AgeBand.ONE_TO_THREE, toddler)):
            settings_svc.price_set(health, item=item, band=band, amount=Decimal(amount), effective_from=new_year,
                                   today=new_year)
    settings_svc.subsidy_set(health, kind=SubsidyKind.PER_CHILD, amount=Decimal("200"), effective_from=new_year,
                             today=new_year)
    settings_svc.subsidy_set(health, kind=SubsidyKind.HARDSHIP, amount=Decimal("50"), effective_from=new_year,
                             today=new_year)
    # The centre charges less than the 普惠 price for a toddler's full day from September.
    september = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    settings_svc.price_set(manager, item=PriceItem.FULL_DAY, band=AgeBand.ONE_TO_THREE, amount=Decimal("1200"),
                           effective_from=september, today=september, centre_id=centre.pk)


def _hours(rng: random.Random, care_type: str, centre: Centre) -> tuple[dt.time, dt.time]:
    """A family's daily hours: most arrive 7:30–9:00 and leave 16:30–18:00; a few at the centre stay late."""
    if care_type == CareType.HALF_AM:
        return rng.choice([dt.time(7, 30), dt.time(8, 0), dt.time(8, 30)]), centre.midday
    if care_type == CareType.HALF_PM:
        return centre.midday, rng.choice([dt.time(17, 0), dt.time(17, 30), dt.time(18, 0)])
    drop = rng.choice([dt.time(7, 30), dt.time(8, 0), dt.time(8, 0), dt.time(8, 30), dt.time(8, 30), dt.time(9, 0)])
    late = [dt.time(18, 30), dt.time(19, 0)] if centre.extended_until else []
    pick = rng.choice([dt.time(16, 30), dt.time(17, 0), dt.time(17, 30), dt.time(17, 30), dt.time(18, 0)]
                      + (late if rng.random() < 0.25 else []))
    return drop, pick


def _contracts(rng: random.Random, manager: User, centres: dict[str, Centre], today: dt.date,
               skip: int) -> list[int]:
    """Sign the townships' infants into the classes from earlier months on, as the rooms and carers allow; those
    who do not fit are returned (they join the waiting list)."""
    months = [_month_start(today, back) for back in (3, 2, 1)] + [today.replace(day=1)]
    homes = {name: [c.site.region_id] for name, c in centres.items()}
    homes[CENTRE] += list(Region.objects.filter(code__in=["361199100002", "361199100201"]).values_list("pk", flat=True))
    homes["滨江社区托育服务点"] += list(Region.objects.filter(code="361199001002").values_list("pk", flat=True))
    left: list[int] = []
    for name, centre in centres.items():
        rooms = list(Room.objects.filter(centre=centre).select_related("centre__site__region").order_by("class_type"))
        infants = list(Child.objects.filter(school__isnull=True, family__community_id__in=homes[name])
                       .order_by("birth_date", "pk").values_list("pk", "birth_date"))
        for child_id, birth in infants:
            if child_id == skip:
                continue
            start = rng.choice(months)
            if start == today.replace(day=1):
                start = max(today, start + dt.timedelta(days=rng.choice([2, 6, 13])))
            age = rules.age_in_months(birth, start)
            fitting = [r for r in rooms if rules.class_fits(age, r.class_type)]
            if not fitting or rules.age_in_months(birth, today) >= rules.OLDEST_MONTHS:
                continue
            care_type = rng.choices([CareType.FULL_DAY, CareType.HALF_AM, CareType.HALF_PM], [7, 2, 1])[0]
            drop, pick = _hours(rng, care_type, centre)
            try:
                contract_svc.contract_create(manager, room_id=fitting[0].pk, child_id=child_id, care_type=care_type,
                                             starts_on=start, drop_off=drop, pick_up=pick, today=start,
                                             now=_aware(start, dt.time(8, 0)))
            except ValidationError:
                left.append(child_id)
    return left


def _waiting(rng: random.Random, manager: User, centres: dict[str, Centre], left: list[int], today: dt.date) -> None:
    """Some of those who did not fit wait in line (joined over the last weeks); one contract ends this month, and
    its place is offered to the first in line who fits."""
    centre = centres[CENTRE]
    joined = 0
    for i, child_id in enumerate(left[:12]):
        try:
            waitlist_svc.waitlist_join(manager, centre_id=centre.pk, child_id=child_id, care_type=CareType.FULL_DAY,
                                       wanted_from=today + dt.timedelta(days=7),
                                       today=today, now=_aware(today - dt.timedelta(days=20 - i), dt.time(10, 0)))
            joined += 1
        except ValidationError:
            continue
    leaving = (Contract.objects.filter(centre=centre, state=Contract.State.ACTIVE, starts_on__lt=today.replace(day=1),
                                       room__class_type=ClassType.TODDLER, care_type=CareType.FULL_DAY)
               .order_by("pk").first())
    if leaving is not None:
        contract_svc.contract_end(manager, contract_id=leaving.pk, last_day=_month_end(today), reason="随父母迁居外地",
                                  today=today, now=_aware(today, dt.time(11, 0)))


def _family_login(today: dt.date) -> tuple[User, int]:
    """The line's demo parent, `nparent`: the main guardian of a toddler (14–28 months) of 东门社区 who is the only child
    of the household and has no login yet. (The county's `parent` has a pupil only, as the other lines expect.)"""
    community = Region.objects.get(code="361199100001")
    for child in Child.objects.filter(school__isnull=True, family__community=community).order_by("pk"):
        if not 14 <= rules.age_in_months(child.birth_date, today) <= 28:
            continue
        if Child.objects.filter(family_id=child.family_id).count() != 1:
            continue
        link = (Guardianship.objects.filter(child=child, is_primary=True, guardian__user__isnull=True)
                .select_related("guardian").first())
        if link is not None:
            break
    else:
        raise RuntimeError("演示县中没有可作为托育家长的家庭")
    user = User.objects.create(username="nparent", real_name=f"{link.guardian.name}（家长）",
                               password=make_password(DEMO_PASSWORD))
    Guardian.objects.filter(pk=link.guardian_id).update(user=user)
    return user, child.pk


def _bookings(rng: random.Random, manager: User, centres: dict[str, Centre], parent: User, infant_id: int,
              today: dt.date) -> None:
    """Temporary care booked by the centre for families on the phone, and by the demo parent for their child."""
    days = [d for d in working_days(today + dt.timedelta(days=1), today + dt.timedelta(days=14))][:8]
    candidates = list(Child.objects.filter(school__isnull=True, family__community__parent__code__in=[
        "361199100000", "361199001000"]).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(candidates)
    made = 0
    for child_id in candidates:
        if child_id == infant_id:
            continue
        if made >= 10 or not days:
            break
        centre = rng.choice(list(centres.values()))
        day = rng.choice(days)
        start = rng.choice([dt.time(8, 30), dt.time(9, 0), dt.time(14, 0), dt.time(15, 0)])
        hours = rng.choice([2, 3, 3, 4])
        end = (dt.datetime.combine(day, start) + dt.timedelta(hours=hours)).time()
        try:
            booking_svc.booking_create(manager, centre_id=centre.pk, child_id=child_id, day=day, start=start, end=end,
                                       today=today, now=_aware(today, dt.time(8, 0)))
            made += 1
        except ValidationError:
            continue
    if days:
        booking_svc.booking_create(parent, centre_id=centres[CENTRE].pk, child_id=infant_id, day=days[0],
                                   start=dt.time(9, 0), end=dt.time(12, 0), today=today, now=_aware(today, dt.time(8, 0)))
    waitlist_svc.waitlist_join(parent, centre_id=centres[CENTRE].pk, child_id=infant_id, care_type=CareType.FULL_DAY,
                               wanted_from=_month_end(today) + dt.timedelta(days=1), today=today,
                               now=_aware(today, dt.time(8, 5)))


def _bills(manager: User, centres: dict[str, Centre], today: dt.date) -> None:
    last = _month_start(today, 1)
    for centre in centres.values():
        bill_svc.bills_issue(manager, centre_id=centre.pk, month=last, today=today, now=_aware(today.replace(day=1)))
        for i, bill in enumerate(Bill.objects.filter(centre=centre, month=last).order_by("pk")):
            if i % 6:
                bill_svc.bill_mark_paid(manager, bill_id=bill.pk, now=_aware(today.replace(day=1), dt.time(15, 0)))
        bill_svc.bills_issue(manager, centre_id=centre.pk, month=today, today=today, now=_aware(today, dt.time(7, 0)))


def build_nursery_demo(rng: random.Random, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    admin = User.objects.get(username="admin")
    centres: dict[str, Centre] = {}
    for name, code, address, host, lat, lon, until, classes in NETWORK:
        community = Region.objects.get(code=code)
        main = centres.get(CENTRE)
        centres[name] = network.centre_create(
            admin, name=name, community_id=community.pk, address=address, host=host, latitude=Decimal(lat),
            longitude=Decimal(lon), centre_id=main.pk if main else None, hours=rules.Hours(extended_until=until),
            phone="0793-" + f"{rng.randrange(10**6, 10**7)}")
    health, manager, carers = _users(centres)
    for name, _, _, _, _, _, _, classes in NETWORK:
        for room_name, class_type, places in classes:
            network.room_create(manager, centre_id=centres[name].pk, name=room_name, class_type=class_type,
                                places=places)
    build_health_records(manager, carers, centres, CENTRE, today)
    _roster(manager, carers, centres, today)
    _prices(health, manager, centres[CENTRE], today)
    parent, infant = _family_login(today)
    left = _contracts(rng, manager, centres, today, skip=infant)
    _waiting(rng, manager, centres, left, today)
    _bookings(rng, manager, centres, parent, infant, today)
    build_day_demo(random.Random(rng.random()), manager=manager, parent=parent, parent_child=infant, today=today)
    _bills(manager, centres, today)
    build_health_day(carers[CENTRE][0], centres[CENTRE], today)
    build_growth_demo(manager, carers[CENTRE][0], centres, CENTRE, today)
    build_classes_demo(rng, manager=manager, centre=centres[CENTRE], parent=parent, today=today)
    from .nursery_circle import build_circle_demo

    build_circle_demo()
    return Site.objects.filter(kind=Site.Kind.NURSERY).count()

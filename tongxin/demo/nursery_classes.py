"""Demo of the age packages and parent classes: a month of week plans for every class (the four weeks to the Friday of the
week its parents see, drawn from the packages' default activities that suit the class), past parent classes and talks with
their seats, attendance and feedback, and upcoming ones `nparent` can book. Seeded random, written through the
services with the dates passed in."""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tongxin.nursery import rules_classes
from tongxin.nursery.models import Centre, Contract, Room
from tongxin.nursery.models_classes import Activity, ParentClass
from tongxin.nursery.services import classes as svc
from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import User
from tongxin.people.models import Guardian, Guardianship

CLASSES = [  # (kind, title, speaker, days from today, hour, online, seats)
    ("class", "婴幼儿回应式喂养与辅食添加", "县妇幼保健院 营养科 刘医生", -26, 10, False, 30),
    ("talk", "如何应对入托分离焦虑", "中心园长 王老师", -19, 9, False, 40),
    ("class", "婴幼儿常见意外伤害预防与急救", "县人民医院 急诊科 陈医生", -12, 10, False, 25),
    ("talk", "0–3 岁语言发展：在家怎么陪孩子说话", "中心保育主管 李老师", -5, 20, True, 100),
    ("class", "如厕训练：时机与方法", "中心保育主管 李老师", 3, 10, False, 25),
    ("talk", "婴幼儿睡眠问题答疑", "县妇幼保健院 儿保科 周医生", 8, 9, False, 40),
    ("class", "亲子阅读：绘本怎么选、怎么读", "县图书馆 少儿部 吴老师", 15, 20, True, 100),
]
COMMENTS = ["讲得很实用，回家就试了", "希望多一些现场演示", "医生讲得很清楚", "时间有点短", "",
            "学到了很多，谢谢老师", "希望能回放"]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _families(centres: list[Centre], skip: User) -> list[User]:
    """A login for the main guardian of each child in care at the network (up to 14): the parents who come."""
    found: list[User] = []
    child_ids = list(Contract.objects.filter(centre__in=centres, state=Contract.State.ACTIVE)
                     .order_by("pk").values_list("child_id", flat=True))
    for child_id in child_ids:
        link = (Guardianship.objects.filter(child_id=child_id, is_primary=True).select_related("guardian__user")
                .first())
        if link is None:
            continue
        user = link.guardian.user
        if user is None:
            user = User.objects.create(username=f"nfamily{len(found) + 1:02d}",
                                       real_name=f"{link.guardian.name}（家长）", password=make_password(None))
            Guardian.objects.filter(pk=link.guardian_id).update(user=user)
        if user != skip and user not in found:
            found.append(user)
        if len(found) >= 14:
            break
    return found


def _plans(rng: random.Random, manager: User, centres: list[Centre], today: dt.date) -> None:
    defaults = list(Activity.objects.filter(centre__isnull=True).order_by("code"))
    first = rules_classes.parent_week(today) - dt.timedelta(weeks=3)
    days = [first + dt.timedelta(days=i) for i in range(26) if is_working_day(first + dt.timedelta(days=i))]
    for room in Room.objects.filter(centre__in=centres, active=True).order_by("pk"):
        fits = [a for a in defaults if rules_classes.suits_class(a.min_months, a.max_months, room.class_type)]
        for day in days:
            for activity in rng.sample(fits, min(4, len(fits))):
                # planned on the Monday before the week (the service refuses a past day)
                svc.plan_add(actor=manager, room_id=room.pk, day=day, activity_id=activity.pk,
                             today=min(day, rules_classes.week_of(day)))


def build_classes_demo(rng: random.Random, *, manager: User, centre: Centre, parent: User, today: dt.date) -> None:
    svc.activities_seed()
    network = list(Centre.objects.filter(site__parent=centre.site)) + [centre]
    _plans(rng, manager, network, today)
    families = _families(network, skip=parent)
    for kind, title, speaker, offset, hour, online, seats in CLASSES:
        starts = _aware(today + dt.timedelta(days=offset), hour)
        place = "腾讯会议 612 345 789" if online else "城关镇社区托育服务中心 二楼多功能室"
        found = svc.class_create(actor=manager, centre_id=centre.pk, kind=kind, title=title, speaker=speaker,
                                 starts_at=starts, minutes=90 if kind == "talk" else 60, place=place, online=online,
                                 seats=seats, now=starts - dt.timedelta(days=14))
        if offset > 0:
            for user in rng.sample(families, rng.randrange(3, 8)):
                svc.seat_book(actor=user, class_id=found.pk, now=_aware(today, 7))
            continue
        comers = rng.sample(families, rng.randrange(8, min(13, len(families)) + 1)) + [parent]
        seats_taken = [svc.seat_book(actor=u, class_id=found.pk, now=starts - dt.timedelta(days=rng.randrange(2, 10)))
                       for u in comers]
        present = {s.pk for s in seats_taken if s.parent_id == parent.pk or rng.random() < 0.85}
        svc.attendance_mark(actor=manager, class_id=found.pk, present=present, now=starts + dt.timedelta(hours=2))
        if offset == -5:
            continue  # the latest one: nparent has still to rate it
        for s in seats_taken:
            if s.pk in present and rng.random() < 0.8:
                svc.seat_rate(actor=s.parent, seat_id=s.pk, rating=rng.choice([3, 4, 4, 5, 5, 5]),
                              comment=rng.choice(COMMENTS), now=starts + dt.timedelta(days=1))
    assert ParentClass.objects.filter(centre=centre).count() == len(CLASSES)

"""The demo's admission and health records (入托健康管理): every carer and manager of the line holds a health
certificate valid through the roster; each centre and point names a health worker; the townships' infants have
their vaccinations entered (each dose a few days after it fell due) and an entry check passed before their first
day — but for a few (not the demo parent's toddler's age) whose family has not brought the check yet: the gate
keeps them out, and the 健康 tab lists them. After the contracts, today's 晨午检: each room of the centre checked
in the morning, one toddler with a temperature kept under observation (the parents told).

Written through the services with the dates passed in; a seeded random of its own, so that the rest of the
line's demo draws what it drew before."""

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from tongxin.nursery import rules, rules_health
from tongxin.nursery.models import Centre, Room
from tongxin.nursery.models_health import CheckFinding, Session
from tongxin.nursery.selectors.health import room_children
from tongxin.nursery.services import health
from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import User
from tongxin.people.models import Child

SEED = 11_03
TOWNSHIPS = ("361199100000", "361199001000")  # 城关镇, 滨河街道
CLINICS = ["城关镇卫生院", "县妇幼保健院", "滨河街道社区卫生服务中心"]


def _aware(day: dt.date, at: dt.time = dt.time(9, 0)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def build_health_records(manager: User, carers: dict[str, list[User]], centres: dict[str, Centre], centre_name: str,
                         today: dt.date) -> None:
    """Before the roster and the contracts: certificates, health workers, the infants' checks and vaccinations."""
    rng = random.Random(SEED)
    for name, centre in centres.items():
        staff = ([manager] if name == centre_name else []) + carers[name]
        for user in staff:
            issued = today - dt.timedelta(days=rng.randrange(30, 290))
            health.certificate_record(manager, centre_id=centre.pk, user_id=user.pk, issued_on=issued,
                                      issuer=rng.choice(["县疾病预防控制中心", "县妇幼保健院"]), today=today,
                                      now=_aware(today, dt.time(7, 0)))
        health.health_worker_name(manager, centre_id=centre.pk, user_id=carers[name][-1].pk,
                                  now=_aware(today, dt.time(7, 0)))
    centre = centres[centre_name]
    first_day = (today.replace(day=1) - dt.timedelta(days=80)).replace(day=1)
    infants = Child.objects.filter(school__isnull=True, family__community__parent__code__in=TOWNSHIPS).order_by("pk")
    for child in infants:
        if rules.age_in_months(child.birth_date, today) >= 40:
            continue
        toddler = 14 <= rules.age_in_months(child.birth_date, today) <= 28
        if not toddler and rng.random() < 0.06:
            continue  # the family has not brought the entry check yet
        checked = min(today, max(child.birth_date + dt.timedelta(days=30),
                                 first_day - dt.timedelta(days=rng.randrange(5, 40))))
        health.check_record(manager, centre_id=centre.pk, child_id=child.pk, kind="entry", checked_on=checked,
                            clinic=rng.choice(CLINICS), passed=True, notes="", today=today,
                            now=_aware(checked, dt.time(10, 0)))
        given = {}
        for dose in rules_health.SCHEDULE:
            day = rules_health.add_months(child.birth_date, dose.months) + dt.timedelta(days=rng.randrange(0, 10))
            if day <= today:
                given[f"{dose.vaccine}:{dose.number}"] = day
        if given:
            health.doses_record(manager, centre_id=centre.pk, child_id=child.pk, given=given, today=today,
                                now=_aware(checked, dt.time(10, 5)))


def build_health_day(carer: User, centre: Centre, today: dt.date) -> None:
    """Today's morning check in each room of the centre: one toddler with a temperature, the rest well."""
    if not is_working_day(today):
        return
    now = _aware(today, dt.time(8, 40))
    for room in Room.objects.filter(centre=centre, active=True).order_by("class_type", "name"):
        children = room_children(room, today)
        if room.class_type == "toddler" and children:
            try:
                health.finding_add(carer, room_id=room.pk, day=today, session=Session.MORNING,
                                   child_id=children[0][0], temperature=Decimal("37.6"), symptom="精神稍差",
                                   action=CheckFinding.Action.OBSERVE, today=today, now=now)
            except ValidationError:
                pass
        health.room_check_done(carer, room_id=room.pk, day=today, session=Session.MORNING, today=today, now=now)

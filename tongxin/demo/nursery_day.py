"""A month of days in the demo centre's rooms (入离园 and 一日生活): the working days of the 30 before today, each
child due checked in near their hours (a few away), handed to a guardian the family authorised, and each room's
records for the whole room — breakfast, lunch, the afternoon snack, the nap, two nappy rounds, the mood, outdoor
time (one session only on some days: short of two hours) — with a few children who differed. The line's demo
parent (`nparent`) brought their toddler for temporary care on a few of those days, so 「我的托育」 shows a child's
day. Last month's roster is copied back from this month's first working day so that every check-in is checked
against the carers then on duty. Everything goes through the services with the moments passed in; seeded."""

import datetime as dt
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tongxin.nursery import rules_day
from tongxin.nursery.models import Centre, DutyShift, Room
from tongxin.nursery.selectors.day import expected_children
from tongxin.nursery.services import bookings as booking_svc
from tongxin.nursery.services import day as day_svc
from tongxin.nursery.services import roster
from tongxin.orgs.calendar import working_days
from tongxin.orgs.models import User
from tongxin.people import selectors as people

DAYS_BACK = 30


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def _plus(t: dt.time, minutes: int) -> dt.time:
    m = max(0, min(t.hour * 60 + t.minute + minutes, 23 * 60 + 59))
    return dt.time(m // 60, m % 60)


def _back_roster(manager: User, rooms: list[Room], days: list[dt.date], today: dt.date) -> None:
    """Each room's pattern of this month's first working day, on the earlier days of the window with no roster."""
    first = working_days(today.replace(day=1), today + dt.timedelta(days=31))[0]
    for room in rooms:
        pattern = list(DutyShift.objects.filter(room=room, day=first).order_by("start", "pk"))
        rostered = set(DutyShift.objects.filter(room=room, day__in=days).values_list("day", flat=True))
        for d in days:
            if d in rostered:
                continue
            for s in pattern:
                roster.shift_add(manager, room_id=room.pk, day=d, carer_id=s.carer_id, start=s.start, end=s.end,
                                 today=d)


def _parent_visits(parent: User, centre: Centre, child_id: int, days: list[dt.date]) -> None:
    """The demo parent's temporary care on a few past days (booked the day before)."""
    for d in days:
        try:
            booking_svc.booking_create(parent, centre_id=centre.pk, child_id=child_id, day=d, start=dt.time(8, 30),
                                       end=dt.time(16, 30), today=d - dt.timedelta(days=1),
                                       now=_aware(d - dt.timedelta(days=1), dt.time(20, 0)))
        except ValidationError:
            continue


def _room_day(rng: random.Random, room: Room, day: dt.date, staff: list[User]) -> None:
    hours = room.centre.hours
    due = expected_children(room, day)
    pickups = people.pickup_guardians([e.child_id for e in due])
    events: list[tuple[dt.time, int, int, int]] = []  # (at, 0 in / 1 out, child, guardian)
    for e in due:
        takers = pickups.get(e.child_id, [])
        if not takers or rng.random() < 0.07:
            continue  # away today (or nobody may take the child home)
        came = max(hours.opens, _plus(e.span.start, rng.randrange(-10, 25, 5)))
        left = min(hours.last, _plus(e.span.end, rng.randrange(-30, 10, 5)))
        if left <= came:
            continue
        events.append((came, 0, e.child_id, 0))
        events.append((left, 1, e.child_id, rng.choice(takers).id))
    there: dict[int, tuple[dt.time, dt.time]] = {}
    came_at: dict[int, dt.time] = {}
    for at, kind, child_id, guardian_id in sorted(events):
        carer = rng.choice(staff)
        try:
            if kind == 0:
                day_svc.child_check_in(actor=carer, room_id=room.pk, child_id=child_id, now=_aware(day, at))
                came_at[child_id] = at
            elif child_id in came_at:
                day_svc.child_check_out(actor=carer, room_id=room.pk, child_id=child_id, guardian_id=guardian_id,
                                        now=_aware(day, at))
                there[child_id] = (came_at[child_id], at)
        except (ValidationError, PermissionDenied):
            continue  # over the ratio at that moment: the family waited for the next carer (not recorded here)
    if not there:
        return
    _records(rng, room, day, staff, there)


# kind, start, end, the room's usual value, the others a child may differ by
RECORDS = [
    ("breakfast", dt.time(8, 30), None), ("outdoor", dt.time(9, 30), dt.time(10, 30)),
    ("nappy", dt.time(10, 45), None), ("lunch", dt.time(11, 30), None), ("nap", dt.time(12, 15), dt.time(14, 30)),
    ("nappy", dt.time(14, 45), None), ("snack", dt.time(15, 0), None), ("outdoor", dt.time(15, 30), dt.time(16, 30)),
    ("mood", dt.time(16, 30), None),
]


def _records(rng: random.Random, room: Room, day: dt.date, staff: list[User],
             there: dict[int, tuple[dt.time, dt.time]]) -> None:
    short_day = rng.random() < 0.2  # rain in the afternoon: one outdoor session only
    for kind, start, end in RECORDS:
        if kind == "outdoor" and start.hour >= 15 and short_day:
            continue
        present = [c for c, (a, b) in sorted(there.items()) if rules_day.present_at(a, b, start)]
        if not present:
            continue
        values = list(rules_day.VALUES[kind])
        usual = rng.choice(["happy", "calm"]) if kind == "mood" else values[0]
        carer = rng.choice(staff)
        finished = end or _plus(start, 5)
        try:
            entry = day_svc.entry_add(actor=carer, room_id=room.pk, kind=kind, value=usual, start=start, end=end,
                                      now=_aware(day, finished))
        except ValidationError:
            continue
        for child_id in rng.sample(present, k=min(len(present), rng.choice([0, 0, 0, 1, 1, 2]))):
            other = rng.choice([v for v in values if v != usual])
            try:
                day_svc.exception_set(actor=carer, entry_id=entry.pk, child_id=child_id, value=other,
                                      now=_aware(day, _plus(finished, 5)))
            except ValidationError:
                continue


def build_day_demo(rng: random.Random, *, manager: User, parent: User, parent_child: int,
                   today: dt.date | None = None) -> int:
    """Returns how many child-days were recorded."""
    from tongxin.nursery.models_day import DayAttendance

    today = today or timezone.localdate()
    days = working_days(today - dt.timedelta(days=DAYS_BACK), today - dt.timedelta(days=1))
    main = Centre.objects.filter(kind=Centre.Kind.CENTRE).order_by("pk").first()  # its points keep their own days
    if main is None:
        return 0
    rooms = list(Room.objects.filter(centre=main, active=True).select_related("centre__site__region")
                 .order_by("centre_id", "class_type", "name"))
    _back_roster(manager, rooms, days, today)
    _parent_visits(parent, main, parent_child, [d for i, d in enumerate(reversed(days)) if i in (0, 2, 6, 11)])
    for room in rooms:
        staff = [User.objects.get(pk=pk) for pk in sorted(set(DutyShift.objects.filter(
            room=room, day__in=days).values_list("carer_id", flat=True)))]
        if not staff:
            continue
        for d in days:
            _room_day(rng, room, d, staff)
    return DayAttendance.objects.filter(day__in=days).count()

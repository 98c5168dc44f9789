"""Reads of the age packages, the classes' week plans and the parent classes, as plain rows for the pages."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import User

from .. import rules_classes
from ..choices import AgeBand
from ..models import Booking, Centre, Contract, Room
from ..models_classes import Activity, Domain, ParentClass, PlanItem, Seat
from .network import visible_centres
from .records import own_children


def centre_activities(centre: Centre) -> list[Activity]:
    return list(Activity.objects.filter(Q(centre__isnull=True) | Q(centre=centre)))


@dataclass(frozen=True)
class DomainGroup:
    domain: str
    activities: list[Activity]


@dataclass(frozen=True)
class Package:
    band: str
    label: str
    focus: str
    domains: list[DomainGroup]


FOCUS = {AgeBand.UNDER_ONE: "感官发展、亲子互动", AgeBand.ONE_TO_THREE: "生活习惯、社会交往"}


def packages(centre: Centre) -> list[Package]:
    """The two age packages, their activities by domain in the order of the guideline."""
    found = centre_activities(centre)
    result = []
    for band in AgeBand:
        groups = [DomainGroup(Domain(d).label, [a for a in found if a.package == band and a.domain == d])
                  for d in Domain]
        result.append(Package(band, band.label, FOCUS[band], [g for g in groups if g.activities]))
    return result


def activity_choices(centre: Centre) -> list[tuple[str, list[tuple[int, str]]]]:
    """The activities a centre's classes may plan, grouped by package (the service checks the class's ages)."""
    found = centre_activities(centre)
    return [(band.label + "年龄包", [(a.pk, f"{a.name}（{a.min_months}–{a.max_months}个月，{a.minutes}分钟）")
                                  for a in found if a.package == band]) for band in AgeBand]


@dataclass(frozen=True)
class PlanRow:
    pk: int
    name: str
    domain: str
    minutes: int
    carer_does: str


@dataclass
class PlanDay:
    day: dt.date
    open: bool
    items: list[PlanRow] = field(default_factory=list)


@dataclass
class RoomWeek:
    room_id: int
    name: str
    class_type: str
    days: list[PlanDay]


def week_plan(rooms: list[Room], monday: dt.date) -> list[RoomWeek]:
    """Each class's activities Monday to Friday of a week."""
    days = [monday + dt.timedelta(days=i) for i in range(5)]
    items = (PlanItem.objects.filter(room__in=rooms, day__gte=days[0], day__lte=days[-1])
             .select_related("activity").order_by("day", "activity__domain", "pk"))
    by: dict[tuple[int, dt.date], list[PlanRow]] = {}
    for i in items:
        a = i.activity
        by.setdefault((i.room_id, i.day), []).append(
            PlanRow(i.pk, a.name, a.get_domain_display(), a.minutes, a.carer_does))
    return [RoomWeek(r.pk, r.name, r.get_class_type_display(),
                     [PlanDay(d, is_working_day(d), by.get((r.pk, d), [])) for d in days]) for r in rooms]


def family_week(user: User, today: dt.date) -> list[tuple[str, RoomWeek]]:
    """This week's plan (from Saturday, the next week's) of each class the login's children are in: by their contracts in force today, and for
    temporary care the class booked this week."""
    ids = [pk for pk, _, _ in own_children(user, today)]
    monday = rules_classes.parent_week(today)
    friday = monday + dt.timedelta(days=4)
    seen: dict[tuple[int, int], str] = {}
    for c in (Contract.objects.filter(child_id__in=ids, state=Contract.State.ACTIVE, starts_on__lte=friday)
              .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday)).select_related("child", "centre__site")
              .order_by("child_id", "pk")):
        seen.setdefault((c.child_id, c.room_id), f"{c.child.name} · {c.centre.name}")
    for b in (Booking.objects.filter(child_id__in=ids, state=Booking.State.BOOKED, day__gte=monday, day__lte=friday)
              .select_related("child", "centre__site").order_by("child_id", "day", "pk")):
        seen.setdefault((b.child_id, b.room_id), f"{b.child.name} · {b.centre.name}（临时托）")
    rooms = {r.pk: r for r in Room.objects.filter(pk__in=[room for _, room in seen])}
    return [(who, week_plan([rooms[room]], monday)[0]) for (_, room), who in seen.items()]


@dataclass(frozen=True)
class ClassRow:
    pk: int
    kind: str
    title: str
    speaker: str
    starts_at: dt.datetime
    minutes: int
    place: str
    online: bool
    seats: int
    centre: str
    figures: rules_classes.ClassFigures
    mine: Seat | None = None

    @property
    def left(self) -> int:
        return max(self.seats - self.figures.booked, 0)


def _rows(found, seats_of: dict[int, Seat] | None = None) -> list[ClassRow]:
    found = list(found)
    marks: dict[int, list[tuple[bool | None, int | None]]] = {c.pk: [] for c in found}
    for class_id, attended, rating in Seat.objects.filter(parent_class__in=found, state=Seat.State.BOOKED).values_list(
            "parent_class_id", "attended", "rating"):
        marks[class_id].append((attended, rating))
    return [ClassRow(c.pk, c.get_kind_display(), c.title, c.speaker, c.starts_at, c.minutes, c.place, c.online,
                     c.seats, c.centre.name, rules_classes.class_figures(marks[c.pk]),
                     (seats_of or {}).get(c.pk)) for c in found]


def centre_classes(centre: Centre) -> list[ClassRow]:
    """A centre's classes, the latest first, each with its attendance rate and mean rating."""
    return _rows(ParentClass.objects.filter(centre=centre).select_related("centre__site").order_by("-starts_at", "pk"))


@dataclass(frozen=True)
class SeatRow:
    pk: int
    parent: str
    booked_at: dt.datetime
    attended: bool | None
    rating: int | None
    comment: str


def class_seats(found: ParentClass) -> list[SeatRow]:
    return [SeatRow(s.pk, s.parent.real_name or s.parent.username, s.booked_at, s.attended, s.rating, s.comment)
            for s in Seat.objects.filter(parent_class=found, state=Seat.State.BOOKED).select_related("parent")
            .order_by("booked_at", "pk")]


@dataclass(frozen=True)
class ParentPage:
    upcoming: list[ClassRow]
    past: list[ClassRow]


def parent_classes(user: User, now: dt.datetime) -> ParentPage:
    """For a parent: the classes to come at the centres they may use (with places left and their own seat), and
    the past classes they booked (to rate those attended)."""
    centres = visible_centres(user)
    mine = {s.parent_class_id: s for s in Seat.objects.filter(parent=user, state=Seat.State.BOOKED)}
    upcoming = (ParentClass.objects.filter(centre__in=centres, starts_at__gt=now).select_related("centre__site")
                .order_by("starts_at", "pk"))
    past = (ParentClass.objects.filter(pk__in=mine.keys(), starts_at__lte=now).select_related("centre__site")
            .order_by("-starts_at", "pk"))
    return ParentPage(_rows(upcoming, mine), _rows(past, mine))


def class_exists(class_id: int) -> bool:
    return ParentClass.objects.filter(pk=class_id).exists()


def seat_owner(seat_id: int) -> int | None:
    """The parent who took the seat (None: no such seat)."""
    return Seat.objects.filter(pk=seat_id).values_list("parent_id", flat=True).first()

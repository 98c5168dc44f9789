"""Reads of the day in a room: who is expected (contracts and temporary bookings), who came and who took them
home, the whole-room records with their exceptions, the outdoor time against the day's aim; and one child's day as
a timeline for the family. Plain data for the pages and the services' checks."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tongxin.orgs.calendar import is_working_day
from tongxin.people import selectors as people

from .. import rules, rules_day
from ..models import Centre, DutyShift, Room
from ..models_day import DayAttendance, DayEntry, DayException
from .occupancy import RoomPlan, room_plan


def local_time(moment: dt.datetime | None) -> dt.time | None:
    return None if moment is None else timezone.localtime(moment).time().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Expected:
    child_id: int
    name: str
    span: rules.Span
    care: str  # 全日托, 临时托 …


def expected_children(room: Room, day: dt.date) -> list[Expected]:
    """The children due in the room that day: its contracts covering the day, its temporary bookings (one row a
    child, the widest hours if booked twice)."""
    return expected_in(room_plan(room, day, day), day)


def expected_in(plan: RoomPlan, day: dt.date) -> list[Expected]:
    """The children due on `day` (none on a day the centres are closed: a contract covers working days only)."""
    if not is_working_day(day):
        return []
    found: dict[int, Expected] = {}
    for o in plan.occupants(day):
        if o.kind == "offer":
            continue
        had = found.get(o.child_id)
        span = o.span if had is None else rules.Span(min(had.span.start, o.span.start), max(had.span.end, o.span.end))
        found[o.child_id] = Expected(o.child_id, o.child_name, span, o.label if had is None else had.care)
    return sorted(found.values(), key=lambda e: (e.span.start, e.name, e.child_id))


def present_now(room: Room, day: dt.date) -> int:
    """Children checked in and not yet picked up."""
    return DayAttendance.objects.filter(room=room, day=day, checked_out_at__isnull=True).count()


@dataclass
class RollRow:
    child_id: int
    name: str
    expected: str
    care: str
    in_at: dt.time | None = None
    in_by: str = ""
    out_at: dt.time | None = None
    picked_up_by: str = ""
    guardians: list[people.PickupGuardian] = field(default_factory=list)
    exceptions: int = 0

    @property
    def state(self) -> str:
        return "out" if self.out_at else "in" if self.in_at else "expected"


@dataclass(frozen=True)
class ExceptionRow:
    pk: int
    child_id: int
    child: str
    value: str
    hours: str
    note: str
    notable: bool


@dataclass
class EntryRow:
    pk: int
    kind: str
    kind_label: str
    value: str
    hours: str
    note: str
    recorded_by: str
    exceptions: list[ExceptionRow]


@dataclass
class RoomDay:
    room: Room
    day: dt.date
    roll: list[RollRow]
    entries: list[EntryRow]
    outdoor: rules_day.Outdoor
    present: int
    carers: int
    capacity: int
    missing: list[str]  # kinds not yet recorded today (the meals, the nap, the mood)
    open_day: bool

    @property
    def checked_in(self) -> int:
        return sum(1 for r in self.roll if r.in_at)


def _hours(start: dt.time | None, end: dt.time | None) -> str:
    if start is None:
        return ""
    return rules.hm(start) if end is None else f"{rules.hm(start)}–{rules.hm(end)}"


def entry_rows(room: Room, day: dt.date) -> list[EntryRow]:
    entries = list(DayEntry.objects.filter(room=room, day=day).select_related("recorded_by").order_by("start", "pk"))
    exceptions = (DayException.objects.filter(entry__in=entries).select_related("child", "entry")
                  .order_by("child__initials", "pk"))
    by_entry: dict[int, list[ExceptionRow]] = {e.pk: [] for e in entries}
    for x in exceptions:
        by_entry[x.entry_id].append(ExceptionRow(
            x.pk, x.child_id, x.child.name, x.value_label, _hours(x.start, x.end), x.note,
            (x.entry.kind, x.value) in rules_day.NOTABLE))
    return [EntryRow(e.pk, e.kind, rules_day.KINDS[e.kind], e.value_label, _hours(e.start, e.end), e.note,
                     e.recorded_by.display_name, by_entry[e.pk]) for e in entries]


def room_day(room: Room, day: dt.date, at: dt.time) -> RoomDay:
    """A room's day for its carers' 「今日」 page: the roll with each child's arrival and hand-over, the records,
    the outdoor time, and (at `at`) the children present against what the carers on duty may look after."""
    plan = room_plan(room, day, day)
    attendance = {a.child_id: a for a in DayAttendance.objects.filter(room=room, day=day).select_related(
        "checked_in_by", "picked_up_by", "child")}
    rows: dict[int, RollRow] = {}
    for e in expected_in(plan, day):
        rows[e.child_id] = RollRow(e.child_id, e.name, e.span.label, e.care)
    for a in attendance.values():
        row = rows.setdefault(a.child_id, RollRow(a.child_id, a.child.name, "", ""))
        row.in_at, row.in_by = local_time(a.checked_in_at), a.checked_in_by.display_name
        row.out_at = local_time(a.checked_out_at)
        row.picked_up_by = a.picked_up_by.name if a.picked_up_by else ""
    pickups = people.pickup_guardians(list(rows))
    entries = entry_rows(room, day)
    counts: dict[int, int] = {}
    for entry in entries:
        for x in entry.exceptions:
            counts[x.child_id] = counts.get(x.child_id, 0) + 1
    for row in rows.values():
        row.guardians = pickups.get(row.child_id, [])
        row.exceptions = counts.get(row.child_id, 0)
    present = sum(1 for r in rows.values() if r.in_at and not r.out_at)
    carers = rules_day.carers_at(plan.carers(day), at)
    outdoor = rules_day.outdoor(_outdoor_spans(entries_of=DayEntry.objects.filter(room=room, day=day, kind="outdoor")))
    done = {e.kind for e in entries}
    return RoomDay(room=room, day=day, roll=list(rows.values()), entries=entries, outdoor=outdoor, present=present,
                   carers=carers, capacity=min(rules.class_size(plan.limit, room.places), carers * plan.limit.per_carer),
                   missing=[rules_day.KINDS[k] for k in ("breakfast", "lunch", "snack", "nap", "mood") if k not in done],
                   open_day=is_working_day(day))


def _outdoor_spans(entries_of) -> list[rules.Span]:
    return [rules.Span(s, e) for s, e in entries_of.values_list("start", "end") if e is not None]


@dataclass(frozen=True)
class RoomCount:
    pk: int
    name: str
    expected: int
    checked_in: int
    present: int
    outdoor: rules_day.Outdoor
    open_day: bool


def centre_day(centre: Centre, day: dt.date) -> list[RoomCount]:
    """Each room's day at a glance: children due, come, still there, and its outdoor time."""
    out = []
    open_day = is_working_day(day)
    for room in Room.objects.filter(centre=centre, active=True).select_related("centre__site__region").order_by(
            "class_type", "name"):
        came = DayAttendance.objects.filter(room=room, day=day)
        out.append(RoomCount(room.pk, room.name, len(expected_children(room, day)), came.count(),
                             came.filter(checked_out_at__isnull=True).count(),
                             rules_day.outdoor(_outdoor_spans(DayEntry.objects.filter(room=room, day=day,
                                                                                       kind="outdoor"))), open_day))
    return out


def rooms_on_duty(user, day: dt.date) -> set[int]:
    """The rooms a carer is rostered in that day."""
    return set(DutyShift.objects.filter(carer=user, day=day).values_list("room_id", flat=True))


# ---------------------------------------------------------------- a child's day, for the family


@dataclass(frozen=True)
class Event:
    at: dt.time
    title: str
    detail: str
    notable: bool = False


@dataclass
class ChildDay:
    child: str
    day: dt.date
    centre: str = ""
    room: str = ""
    events: list[Event] = field(default_factory=list)
    outdoor: rules_day.Outdoor | None = None
    here: bool = False  # checked in that day
    days: list[dt.date] = field(default_factory=list)  # the child's recent days in care, for the page's links


def child_day(child_id: int, day: dt.date, *, name: str) -> ChildDay:
    """One child's day as a timeline: arrived, each record of the room while the child was there (the child's own
    exception in its place), picked up and by whom; the outdoor time the child had."""
    recent = list(DayAttendance.objects.filter(child_id=child_id, day__lte=day).order_by("-day")
                  .values_list("day", flat=True)[:10])
    a = (DayAttendance.objects.filter(child_id=child_id, day=day)
         .select_related("room__centre__site", "checked_in_by", "picked_up_by").first())
    if a is None:
        return ChildDay(child=name, day=day, days=recent)
    page = ChildDay(child=name, day=day, centre=a.room.centre.name, room=a.room.name, here=True, days=recent)
    came, left = local_time(a.checked_in_at), local_time(a.checked_out_at)
    assert came is not None
    page.events.append(Event(came, "入园", f"{a.checked_in_by.display_name} 接待"))
    own = {x.entry_id: x for x in DayException.objects.filter(child_id=child_id, entry__room=a.room, entry__day=day)}
    outdoor: list[rules.Span] = []
    for e in DayEntry.objects.filter(room=a.room, day=day).filter(Q(start__gte=came)).order_by("start", "pk"):
        if not rules_day.present_at(came, left, e.start):
            continue
        x = own.get(e.pk)
        value = x.value if x else e.value
        start = x.start if x and x.start else e.start
        end = x.end if x and x.end else e.end
        note = (x.note if x else "") or e.note
        label = rules_day.value_label(e.kind, value)
        if e.kind == "outdoor" and value != rules_day.NOT_TAKING_PART["outdoor"] and end is not None:
            outdoor.append(rules.Span(start, end))
        detail = (f"{_hours(start, end)}，" if end is not None else "") + label + (f"（{note}）" if note else "")
        page.events.append(Event(start, rules_day.KINDS[e.kind], detail, (e.kind, value) in rules_day.NOTABLE))
    if left is not None:
        who = a.picked_up_by.name if a.picked_up_by else ""
        for g in people.pickup_guardians([child_id]).get(child_id, []):
            if a.picked_up_by_id == g.id:
                who = f"{g.relationship} {g.name}"
        page.events.append(Event(left, "离园", f"由 {who} 接走"))
    page.outdoor = rules_day.outdoor(outdoor)
    return page

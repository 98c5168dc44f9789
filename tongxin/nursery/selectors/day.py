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
from ..models_health import CheckFinding
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
    open_day: bool = True
    per_carer: int = 0  # children one carer on duty may look after in this class (the strictest limit)
    size: int = 0  # children the class may hold at once (its places, within its type's size)

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
                   open_day=is_working_day(day), per_carer=plan.limit.per_carer,
                   size=rules.class_size(plan.limit, room.places))


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

    @property
    def open_day(self) -> bool:
        """A working day (centres close on weekends and public holidays)."""
        return is_working_day(self.day)


@dataclass(frozen=True)
class ChildRecord:
    """One of the room's records as it applies to a child: the whole room's, or the child's own exception."""

    kind: str
    kind_label: str
    value: str
    value_label: str
    start: dt.time
    end: dt.time | None
    note: str
    own: bool  # the child's own exception (the child differed from the room)
    notable: bool


@dataclass(frozen=True)
class Finding:
    """A morning or midday check (晨午检) that found the child unwell, and what was done."""

    session: str
    temperature: float | None
    symptom: str
    action: str


@dataclass
class ChildDayData:
    """A child's day as plain data (the timeline of the family's page is drawn from it; the API returns it)."""

    child_id: int
    day: dt.date
    here: bool = False
    centre: str = ""
    room: str = ""
    checked_in_at: dt.time | None = None
    checked_in_by: str = ""
    checked_out_at: dt.time | None = None
    picked_up_by: str = ""  # 母亲 李芳: the relationship when the family registered the person
    records: list[ChildRecord] = field(default_factory=list)
    outdoor: rules_day.Outdoor | None = None
    findings: list[Finding] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)  # the child's recent days in care

    @property
    def exceptions(self) -> list[ChildRecord]:
        return [r for r in self.records if r.own]


def child_day_data(child_id: int, day: dt.date) -> ChildDayData:
    """One child's day: arrived (and who received them), each record of the room while the child was there (the
    child's own exception in its place), picked up and by whom, the outdoor time the child had against the day's
    aim, and any check that found the child unwell."""
    recent = list(DayAttendance.objects.filter(child_id=child_id, day__lte=day).order_by("-day")
                  .values_list("day", flat=True)[:10])
    a = (DayAttendance.objects.filter(child_id=child_id, day=day)
         .select_related("room__centre__site", "checked_in_by", "picked_up_by").first())
    if a is None:
        return ChildDayData(child_id=child_id, day=day, days=recent)
    came, left = local_time(a.checked_in_at), local_time(a.checked_out_at)
    assert came is not None
    data = ChildDayData(child_id=child_id, day=day, here=True, centre=a.room.centre.name, room=a.room.name,
                        checked_in_at=came, checked_in_by=a.checked_in_by.display_name, checked_out_at=left,
                        days=recent)
    own = {x.entry_id: x for x in DayException.objects.filter(child_id=child_id, entry__room=a.room, entry__day=day)}
    outdoor: list[rules.Span] = []
    for e in DayEntry.objects.filter(room=a.room, day=day).filter(Q(start__gte=came)).order_by("start", "pk"):
        if not rules_day.present_at(came, left, e.start):
            continue
        x = own.get(e.pk)
        value = x.value if x else e.value
        start = x.start if x and x.start else e.start
        end = x.end if x and x.end else e.end
        if e.kind == "outdoor" and value != rules_day.NOT_TAKING_PART["outdoor"] and end is not None:
            outdoor.append(rules.Span(start, end))
        data.records.append(ChildRecord(e.kind, rules_day.KINDS[e.kind], value, rules_day.value_label(e.kind, value),
                                        start, end, (x.note if x else "") or e.note, x is not None,
                                        (e.kind, value) in rules_day.NOTABLE))
    if left is not None:
        data.picked_up_by = a.picked_up_by.name if a.picked_up_by else ""
        for g in people.pickup_guardians([child_id]).get(child_id, []):
            if a.picked_up_by_id == g.id:
                data.picked_up_by = f"{g.relationship} {g.name}"
    data.outdoor = rules_day.outdoor(outdoor)
    data.findings = [Finding(f.get_session_display(), None if f.temperature is None else float(f.temperature),
                             f.symptom, f.get_action_display())
                     for f in CheckFinding.objects.filter(child_id=child_id, day=day).order_by("pk")]
    return data


def child_day(child_id: int, day: dt.date, *, name: str) -> ChildDay:
    """One child's day as a timeline for the family's page, from `child_day_data`."""
    data = child_day_data(child_id, day)
    page = ChildDay(child=name, day=day, centre=data.centre, room=data.room, here=data.here, days=data.days)
    if not data.here or data.checked_in_at is None:
        return page
    page.events.append(Event(data.checked_in_at, "入园", f"{data.checked_in_by} 接待"))
    for r in data.records:
        detail = (f"{_hours(r.start, r.end)}，" if r.end is not None else "") + r.value_label + (
            f"（{r.note}）" if r.note else "")
        page.events.append(Event(r.start, r.kind_label, detail, r.notable))
    if data.checked_out_at is not None:
        page.events.append(Event(data.checked_out_at, "离园", f"由 {data.picked_up_by} 接走"))
    page.outdoor = data.outdoor
    return page

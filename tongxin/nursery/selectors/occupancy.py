"""Who is in a class's room and when: its contracts, bookings and the places held for an offer from the waiting list,
and the carers on duty — plain data for the rules, read by the services' checks (under the room's lock) and by the
pages. The limits that apply to a centre's classes (national, county, centre: the strictest)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from .. import rules
from ..choices import CareType
from ..models import Booking, Centre, ClassLimit, Contract, DutyShift, Room, WaitlistEntry


def limits_for(centre: Centre) -> dict[str, rules.Limit]:
    """The limit of each class type at this centre or point: the strictest of the national standard, the county's
    and the centre's own."""
    county_path = "/" + centre.site.region.path.strip("/").split("/")[0] + "/"
    rows = ClassLimit.objects.filter(Q(centre=centre) | Q(region__path=county_path, centre__isnull=True))
    overrides: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
    for row in rows:
        overrides[row.class_type].append((row.max_size, row.per_carer))
    return {t: rules.effective_limit(t, *overrides.get(t, [])) for t in rules.NATIONAL}


def room_limit(room: Room) -> rules.Limit:
    return limits_for(room.centre)[room.class_type]


@dataclass(frozen=True)
class Occupant:
    kind: str  # "contract", "booking" or "offer" (a place held for a child offered one from the waiting list)
    pk: int
    child_id: int
    child_name: str
    span: rules.Span
    label: str


@dataclass(frozen=True)
class OnDuty:
    pk: int
    carer_id: int
    carer_name: str
    span: rules.Span


@dataclass
class RoomPlan:
    """A room's records from a day on: enough to say who is there on any day after it."""

    room: Room
    limit: rules.Limit
    contracts: list[tuple[dt.date, dt.date | None, Occupant]] = field(default_factory=list)
    offers: list[tuple[dt.date, Occupant]] = field(default_factory=list)
    bookings: dict[dt.date, list[Occupant]] = field(default_factory=lambda: defaultdict(list))
    shifts: dict[dt.date, list[OnDuty]] = field(default_factory=lambda: defaultdict(list))

    def occupants(self, day: dt.date) -> list[Occupant]:
        return ([o for start, end, o in self.contracts if start <= day and (end is None or day <= end)]
                + [o for start, o in self.offers if start <= day] + list(self.bookings.get(day, [])))

    def spans(self, day: dt.date) -> list[rules.Span]:
        return [o.span for o in self.occupants(day)]

    def on_duty(self, day: dt.date) -> list[OnDuty]:
        return list(self.shifts.get(day, []))

    def carers(self, day: dt.date) -> list[rules.Span]:
        return [s.span for s in self.shifts.get(day, [])]

    def rostered(self, day: dt.date) -> bool:
        return bool(self.shifts.get(day))

    def days_that_matter(self, start: dt.date, end: dt.date | None) -> list[dt.date]:
        """The days from `start` (to `end`) on which who is in the room can change: the first, each later start of a
        contract or an offer, each booked day and each rostered day."""
        days = {start} | {s for s, _, _ in self.contracts} | {s for s, _ in self.offers} | set(self.bookings) \
            | set(self.shifts)
        return sorted(d for d in days if d >= start and (end is None or d <= end))


def room_plan(room: Room, start: dt.date, end: dt.date | None = None, *, exclude_contract: int | None = None,
              exclude_booking: int | None = None, exclude_offer: int | None = None) -> RoomPlan:
    """The room's live contracts, offers, bookings and shifts meeting [start, end] (end None: from start on)."""
    plan = RoomPlan(room=room, limit=room_limit(room))
    contracts = (Contract.objects.filter(room=room, state=Contract.State.ACTIVE)
                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start)).select_related("child")
                 .only("pk", "child_id", "child__name", "care_type", "starts_on", "ends_on", "drop_off", "pick_up"))
    bookings = Booking.objects.filter(room=room, state=Booking.State.BOOKED, day__gte=start).select_related("child") \
        .only("pk", "child_id", "child__name", "day", "start", "end")
    shifts = DutyShift.objects.filter(room=room, day__gte=start).select_related("carer") \
        .only("pk", "carer_id", "carer__real_name", "carer__username", "day", "start", "end")
    offers = WaitlistEntry.objects.filter(offered_room=room, state=WaitlistEntry.State.OFFERED).select_related("child")
    if end is not None:
        contracts = contracts.filter(starts_on__lte=end)
        bookings = bookings.filter(day__lte=end)
        shifts = shifts.filter(day__lte=end)
        offers = offers.filter(offered_from__lte=end)
    for c in contracts:
        if c.pk != exclude_contract:
            plan.contracts.append((c.starts_on, c.ends_on, Occupant("contract", c.pk, c.child_id, c.child.name, c.span,
                                                                    c.get_care_type_display())))
    hours = room.centre.hours
    for e in offers:
        if e.pk != exclude_offer and e.offered_from is not None:
            plan.offers.append((e.offered_from, Occupant("offer", e.pk, e.child_id, e.child.name,
                                                         rules.default_span(e.care_type, hours),
                                                         f"{CareType(e.care_type).label}（已通知入托）")))
    for b in bookings:
        if b.pk != exclude_booking:
            plan.bookings[b.day].append(Occupant("booking", b.pk, b.child_id, b.child.name, b.span, "临时托"))
    for s in shifts:
        plan.shifts[s.day].append(OnDuty(s.pk, s.carer_id, s.carer.display_name, s.span))
    return plan


def admission_problems(plan: RoomPlan, span: rules.Span, *, start: dt.date, end: dt.date | None) -> list[str]:
    """Why a child cannot join this room for `span` every day from `start` to `end` (end None: open-ended): the
    first day on which the class would be over its size or, on a rostered day, over what its carers may look after.
    Days not yet rostered are checked for size only: the roster made for them shows any gap."""
    for day in plan.days_that_matter(start, end):
        problems = rules.admission_problems(label=plan.room.name, limit=plan.limit, places=plan.room.places,
                                            children=plan.spans(day), carers=plan.carers(day), new=span,
                                            ratio=plan.rostered(day))
        if problems:
            return [f"{day.month}月{day.day}日 {p}" for p in problems]
    return []

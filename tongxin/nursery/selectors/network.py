"""Reads of the network (N-02, N-13): the centres and points a user may open with their places, and a centre's page
— its classes with their limits, places taken and free, and the day's ratio board per room (the children expected
by contracts and bookings against the carers on duty, hour by hour). Counts only: no child is named here."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.orgs import scope
from tongxin.orgs.calendar import is_working_day

from .. import rules
from ..choices import CareType, ClassType
from ..models import Centre, Contract, Room, WaitlistEntry
from .occupancy import limits_for, room_plan


@dataclass(frozen=True)
class RoomRow:
    pk: int
    name: str
    class_type: str
    class_label: str
    ages: str
    places: int
    size: int          # children at once: the places within the type's size
    per_carer: int
    contracts: int     # live contracts today (full and half day)
    peak: int          # the most children expected at once today (contracts, bookings, held offers)
    free: int | None   # more children the class can take for a full day today (size and carers on duty); None
    #                    on a closed day
    board: list[rules.Slot]
    rostered: bool
    waiting: int = 0   # children of the class's age on the centre's waiting list, not yet offered a place

    @property
    def unused(self) -> int:
        """Places of the class not under contract (what more carers on duty would open to the waiting list)."""
        return max(self.size - self.contracts, 0)

    @property
    def short(self) -> bool:
        return any(not s.ok for s in self.board)


@dataclass
class CentreRow:
    pk: int
    name: str
    kind: str
    host: str
    community: str
    township: str
    address: str
    hours: str
    affordable: bool
    centre_name: str  # a point's centre
    places: dict[str, int] = field(default_factory=dict)  # by class type label
    total: int = 0
    full: int = 0      # children on full-day contracts
    morning: int = 0   # half-day, mornings
    afternoon: int = 0  # half-day, afternoons
    waiting: int = 0

    @property
    def taken(self) -> int:
        """Children on a contract today."""
        return self.full + self.morning + self.afternoon

    @property
    def half(self) -> int:
        return self.morning + self.afternoon

    @property
    def used(self) -> int:
        """Places in use: a morning child and an afternoon child share one place."""
        return self.full + max(self.morning, self.afternoon)

    @property
    def free(self) -> int:
        return max(self.total - self.used, 0)


def visible_centres(user) -> list[Centre]:
    return list(Centre.objects.filter(scope.nursery_sites_q(user, "site__"), active=True)
                .select_related("site__region__parent", "site__parent").order_by("site__region__path", "kind", "site__name"))


def centre_rows(centres: list[Centre], *, on: dt.date) -> list[CentreRow]:
    """Each centre's licensed places by class type, the children signed in on `on` and those waiting."""
    ids = [c.pk for c in centres]
    rooms = list(Room.objects.filter(centre_id__in=ids, active=True).order_by("class_type", "name"))
    kinds: dict[tuple[int, str], int] = {}
    for centre_id, care_type in Contract.objects.filter(
            centre_id__in=ids, state=Contract.State.ACTIVE, starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list("centre_id", "care_type"):
        kinds[centre_id, care_type] = kinds.get((centre_id, care_type), 0) + 1
    waiting: dict[int, int] = {}
    for centre_id in WaitlistEntry.objects.filter(centre_id__in=ids, state__in=WaitlistEntry.LIVE).values_list(
            "centre_id", flat=True):
        waiting[centre_id] = waiting.get(centre_id, 0) + 1
    out = []
    for c in centres:
        row = CentreRow(pk=c.pk, name=c.name, kind=c.get_kind_display(), host=c.host, community=c.site.region.name,
                        township=c.site.region.parent.name if c.site.region.parent else "", address=c.site.address,
                        hours=c.hours.label, affordable=c.affordable,
                        centre_name=c.site.parent.name if c.site.parent else "",
                        full=kinds.get((c.pk, CareType.FULL_DAY), 0), morning=kinds.get((c.pk, CareType.HALF_AM), 0),
                        afternoon=kinds.get((c.pk, CareType.HALF_PM), 0), waiting=waiting.get(c.pk, 0))
        for r in rooms:
            if r.centre_id == c.pk:
                label = ClassType(r.class_type).label
                row.places[label] = row.places.get(label, 0) + r.places
                row.total += r.places
        out.append(row)
    return out


def room_rows(centre: Centre, *, on: dt.date) -> list[RoomRow]:
    """Each class's places, and on a working day the children expected hour by hour against its carers on duty (a
    day the centre is closed has no board)."""
    limits = limits_for(centre)
    open_day = is_working_day(on)
    waiting = Counter(WaitlistEntry.objects.filter(centre=centre, state=WaitlistEntry.State.WAITING)
                      .values_list("class_type", flat=True))
    full_day = rules.default_span(CareType.FULL_DAY, centre.hours)
    out = []
    for room in sorted(Room.objects.filter(centre=centre, active=True).select_related("centre__site__region"),
                       key=lambda r: (rules.AGES[r.class_type], r.name)):  # youngest class first
        plan = room_plan(room, on, on)
        limit = limits[room.class_type]
        spans = plan.spans(on) if open_day else []
        board = rules.ratio_board(limit=limit, places=room.places, children=spans, carers=plan.carers(on),
                                  hours=centre.hours) if open_day else []
        low, high = rules.AGES[room.class_type]
        size, most, rostered = rules.class_size(limit, room.places), rules.peak(spans), plan.rostered(on)
        out.append(RoomRow(
            pk=room.pk, name=room.name, class_type=room.class_type, class_label=room.get_class_type_display(),
            ages=f"{low}–{high} 个月", places=room.places, size=size,
            per_carer=limit.per_carer, contracts=sum(1 for o in plan.occupants(on) if o.kind == "contract"),
            peak=most, free=_free(board, full_day, size, most, rostered, open_day), board=board, rostered=rostered,
            waiting=waiting[room.class_type]))
    return out


def _free(board: list[rules.Slot], full_day: rules.Span, size: int, peak: int, rostered: bool,
          open_day: bool) -> int | None:
    """A class's full-day places free on a day: within its size and the carers on duty once the day is rostered
    (as a contract is checked); within its size alone before; none on a closed day."""
    if not open_day:
        return None
    return rules.free_places(board, full_day) if rostered else max(size - peak, 0)


@dataclass
class CentrePage:
    centre: Centre
    on: dt.date
    row: CentreRow
    rooms: list[RoomRow]
    points: list[CentreRow]
    limits: dict[str, rules.Limit]
    open_day: bool = True

    @property
    def slots(self) -> list[str]:
        return [s.label for s in rules.hour_slots(self.centre.hours)]


def centre_page(centre: Centre, *, on: dt.date, user) -> CentrePage:
    points = [p for p in visible_centres(user) if p.site.parent_id == centre.site_id] if centre.kind == Centre.Kind.CENTRE else []
    return CentrePage(centre=centre, on=on, row=centre_rows([centre], on=on)[0], rooms=room_rows(centre, on=on),
                      points=centre_rows(points, on=on), limits=limits_for(centre), open_day=is_working_day(on))

"""Reads of a centre's records about children — its contracts, its waiting list, its roster — for its staff, and a
family's own (contracts, bookings, offers, bills) for a parent. Every query starts from `orgs.scope`."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from tongxin.orgs import scope
from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import Role, RoleAssignment, User
from tongxin.people import selectors as people

from .. import rules
from ..models import Booking, Centre, Contract, DutyShift, Room, WaitlistEntry
from .bills import BillRow, bills_of_children
from .network import visible_centres
from .occupancy import OnDuty, room_plan


def contract_state(c: Contract, on: dt.date) -> str:
    if c.state == Contract.State.CANCELLED:
        return "已取消"
    if c.starts_on > on:
        return "待入托"
    if c.ends_on is not None and c.ends_on < on:
        return "已退托"
    return "在托"


@dataclass(frozen=True)
class ContractRow:
    pk: int
    child: str
    age_months: int
    room: str
    care_type: str
    hours: str
    extended: bool
    starts_on: dt.date
    ends_on: dt.date | None
    state: str
    centre: str = ""

    @property
    def live(self) -> bool:
        return self.state in ("在托", "待入托")


def _contract_rows(found, on: dt.date) -> list[ContractRow]:
    rows = []
    for c in found:
        rows.append(ContractRow(
            pk=c.pk, child=c.child.name, age_months=rules.age_in_months(c.child.birth_date, on), room=c.room.name,
            care_type=c.get_care_type_display(), hours=c.span.label,
            extended=rules.extended_minutes(c.span, c.centre.closes) > 0, starts_on=c.starts_on, ends_on=c.ends_on,
            state=contract_state(c, on), centre=c.centre.name))
    return rows


def contracts_of(user: User, centre: Centre, *, on: dt.date, past: bool = False,
                 room_id: int | None = None) -> list[ContractRow]:
    """The centre's contracts (those in care or about to start; with `past`, the ended ones of the last year too),
    of one class when `room_id` is given."""
    found = Contract.objects.filter(scope.nursery_record_q(user, "centre__site__"), centre=centre)
    if room_id is not None:
        found = found.filter(room_id=room_id)
    if not past:
        found = found.filter(state=Contract.State.ACTIVE).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    else:
        found = found.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on - dt.timedelta(days=366)))
    found = found.select_related("child", "room", "centre__site").order_by("room__class_type", "room__name",
                                                                             "child__initials", "pk")
    return _contract_rows(found, on)


@dataclass(frozen=True)
class WaitRow:
    pk: int
    position: int  # in its age group, among those still waiting or offered
    child: str
    group: str
    care_type: str
    wanted_from: dt.date
    joined_at: dt.datetime
    state: str
    offered: str  # 托小班（1） 12月8日起
    centre: str = ""
    reply_by: dt.date | None = None  # an offer's last day to answer


def waitlist_of(user: User, centre: Centre) -> list[WaitRow]:
    found = (WaitlistEntry.objects.filter(scope.nursery_record_q(user, "centre__site__"), centre=centre,
                                          state__in=WaitlistEntry.LIVE)
             .select_related("child", "offered_room", "centre__site").order_by("class_type", "joined_at", "pk"))
    return _wait_rows(found)


def _wait_rows(found) -> list[WaitRow]:
    rows: list[WaitRow] = []
    positions: dict[tuple[int, str], int] = {}
    for e in found:
        key = (e.centre_id, e.class_type)
        positions[key] = positions.get(key, 0) + 1
        offered = (f"{e.offered_room.name} {e.offered_from.month}月{e.offered_from.day}日起"
                   if e.offered_room and e.offered_from else "")
        rows.append(WaitRow(e.pk, positions[key], e.child.name, e.get_class_type_display(),
                            e.get_care_type_display(), e.wanted_from, e.joined_at, e.get_state_display(), offered,
                            e.centre.name, e.reply_by if offered else None))
    return rows


@dataclass(frozen=True)
class RosterRoom:
    pk: int
    name: str
    shifts: list[OnDuty]
    board: list[rules.Slot]


def roster_day(centre: Centre, day: dt.date) -> list[RosterRoom]:
    """A day's carers on duty per room, with the ratio hour by hour (none on a day the centre is closed)."""
    open_day = is_working_day(day)
    out = []
    for room in Room.objects.filter(centre=centre, active=True).select_related("centre__site__region").order_by(
            "class_type", "name"):
        plan = room_plan(room, day, day)
        out.append(RosterRoom(room.pk, room.name, plan.on_duty(day),
                              rules.ratio_board(limit=plan.limit, places=room.places, children=plan.spans(day),
                                                carers=plan.carers(day), hours=centre.hours) if open_day else []))
    return out


def carer_choices(centre: Centre) -> list[tuple[int, str]]:
    """The people who may be put on duty at this centre or point: its carers and its managers (a centre's manager
    also at its points)."""
    site = centre.site
    held = (Q(role=Role.NURSERY_CARER, site=site) | Q(role=Role.NURSERY_MANAGER, site=site)
            | Q(role=Role.NURSERY_MANAGER, site_id=site.parent_id))
    users = User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.filter(held, active=True).values(
        "user_id")).order_by("real_name", "username")
    return [(u.pk, u.display_name) for u in users]


def shifts_of_carer(user: User, *, start: dt.date, days: int = 7) -> list[DutyShift]:
    """A carer's own shifts from a day."""
    return list(DutyShift.objects.filter(carer=user, day__gte=start, day__lt=start + dt.timedelta(days=days))
                .select_related("room__centre__site").order_by("day", "start"))


@dataclass(frozen=True)
class BookingRow:
    pk: int
    child: str
    centre: str
    room: str
    day: dt.date
    hours: str
    cancellable: bool


@dataclass
class FamilyPage:
    children: list[tuple[int, str, int]]  # id, name, age in months
    contracts: list[ContractRow]
    bookings: list[BookingRow]
    waiting: list[WaitRow]
    bills: list[tuple[str, BillRow]]


def own_children(user: User, on: dt.date) -> list[tuple[int, str, int]]:
    """The login's own children under three (and over six months: those a centre can take), by age."""
    rows = people.children_of_login(user).filter(school__isnull=True).values_list("pk", "name", "birth_date")
    found = [(pk, name, rules.age_in_months(birth, on)) for pk, name, birth in rows]
    return sorted([r for r in found if r[2] < rules.OLDEST_MONTHS], key=lambda r: (r[2], r[0]))


def family_page(user: User, *, today: dt.date, now: dt.datetime) -> FamilyPage:
    children = own_children(user, today)
    ids = [pk for pk, _, _ in children]
    own = scope.nursery_record_q(user, "centre__site__")
    contracts = (Contract.objects.filter(own, child_id__in=ids, state=Contract.State.ACTIVE)
                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                 .select_related("child", "room", "centre__site").order_by("starts_on"))
    bookings = (Booking.objects.filter(own, child_id__in=ids, state=Booking.State.BOOKED, day__gte=today)
                .select_related("child", "room", "centre__site").order_by("day", "start"))
    waiting = (WaitlistEntry.objects.filter(own, child_id__in=ids, state__in=WaitlistEntry.LIVE)
               .select_related("child", "offered_room", "centre__site").order_by("joined_at"))
    moment = (now.date(), now.time())
    return FamilyPage(
        children=children, contracts=_contract_rows(contracts, today),
        bookings=[BookingRow(b.pk, b.child.name, b.centre.name, b.room.name, b.day, b.span.label,
                             (b.day, b.start) > moment) for b in bookings],
        waiting=_positions(waiting), bills=bills_of_children(ids))


def _positions(mine) -> list[WaitRow]:
    """A family's entries with their place in their centre's line (counting everyone waiting ahead of them)."""
    rows = []
    for e in mine:
        ahead = WaitlistEntry.objects.filter(centre_id=e.centre_id, class_type=e.class_type,
                                             state__in=WaitlistEntry.LIVE).filter(
            Q(joined_at__lt=e.joined_at) | Q(joined_at=e.joined_at, pk__lt=e.pk)).count()
        offered = (f"{e.offered_room.name} {e.offered_from.month}月{e.offered_from.day}日起"
                   if e.offered_room and e.offered_from else "")
        rows.append(WaitRow(e.pk, ahead + 1, e.child.name, e.get_class_type_display(), e.get_care_type_display(),
                            e.wanted_from, e.joined_at, e.get_state_display(), offered, e.centre.name))
    return rows


def bookable_centres(user: User) -> list[tuple[int, str]]:
    """The centres and points a parent may book at (those open): where a child of theirs is under contract first,
    then those of the family's community, then of its township, then the rest."""
    ids = list(people.children_of_login(user).values_list("pk", flat=True))
    homes = {people.home_path(pk) for pk in ids} - {""}
    townships = {h.rstrip("/").rsplit("/", 1)[0] + "/" for h in homes}
    contracted = set(Contract.objects.filter(child_id__in=ids, state=Contract.State.ACTIVE)
                     .values_list("centre_id", flat=True))

    def nearness(c: Centre) -> tuple[int, int]:
        path = c.site.region.path
        return (0 if c.pk in contracted else 1,
                0 if path in homes else 1 if any(path.startswith(t) for t in townships) else 2)

    return [(c.pk, f"{c.name}（{c.site.region.name}）") for c in sorted(visible_centres(user), key=nearness)]

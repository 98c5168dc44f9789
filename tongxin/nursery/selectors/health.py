"""Reads of admission and health: whether a child may be in care on a day for their health (entry check,
vaccinations, a re-check after three months away), a child's health record, a centre's 健康 tab (children missing
checks or doses, the day's 晨午检 by room, the staff's certificates)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, Q

from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import rules_health as rh
from ..models import Booking, Centre, Contract, Room, WaitlistEntry
from ..models_day import DayAttendance
from ..models_health import CheckFinding, HealthCertificate, HealthCheck, HealthWorker, RoomCheck, Session, VaccineDose
from .records import carer_choices


def doses_of(child_ids: list[int]) -> dict[int, list[tuple[str, int, dt.date]]]:
    found: dict[int, list[tuple[str, int, dt.date]]] = {pk: [] for pk in child_ids}
    for child_id, vaccine, number, given in VaccineDose.objects.filter(child_id__in=child_ids).values_list(
            "child_id", "vaccine", "number", "given_on"):
        found[child_id].append((vaccine, number, given))
    return found


def checks_of(child_ids: list[int]) -> dict[int, list[tuple[dt.date, bool]]]:
    found: dict[int, list[tuple[dt.date, bool]]] = {pk: [] for pk in child_ids}
    for child_id, day, passed in HealthCheck.objects.filter(child_id__in=child_ids).values_list(
            "child_id", "checked_on", "passed"):
        found[child_id].append((day, passed))
    return found


def last_present(child_id: int, on: dt.date) -> dt.date | None:
    """The last day before `on` the child was in care at any centre, or None. Once a centre keeps the day register
    its check-ins are what counts (a child under contract who stays home is not in care); before a centre's first
    check-in, the days its contracts and bookings covered stand in for the register it did not keep."""
    before = on - dt.timedelta(days=1)
    days: list[dt.date] = []
    attended = DayAttendance.objects.filter(child_id=child_id, day__lte=before).aggregate(last=Max("day"))["last"]
    if attended:
        days.append(attended)
    booked = list(Booking.objects.filter(child_id=child_id, state=Booking.State.BOOKED, day__lte=before)
                  .values_list("centre_id", "day"))
    contracts = list(Contract.objects.filter(child_id=child_id, state=Contract.State.ACTIVE, starts_on__lte=before)
                     .values_list("centre_id", "starts_on", "ends_on"))
    register = dict(DayAttendance.objects.filter(room__centre_id__in={c for c, *_ in booked + contracts})
                    .values_list("room__centre_id").annotate(first=Min("day")).values_list("room__centre_id", "first"))
    for centre_id, day in booked:
        if centre_id not in register or day < register[centre_id]:
            days.append(day)
    for centre_id, starts, ends in contracts:
        last = min(ends, before) if ends else before
        if centre_id in register:
            last = min(last, register[centre_id] - dt.timedelta(days=1))
        if last >= starts:
            days.append(last)
    return max(days) if days else None


def attendance_refusal(*, child_id: int, on: dt.date) -> str | None:
    """Why the child may not be in care on `on` for their health, in Chinese (None: they may): no passed entry
    check, an overdue vaccination, or away `AWAY_MONTHS` months or more without a re-check since."""
    birth = people.birth_and_school([child_id]).get(child_id)
    if birth is None:
        return "未找到该幼儿的登记信息"
    doses = doses_of([child_id])[child_id]
    gaps = rh.vaccination_gaps(rh.SCHEDULE, doses, on, birth=birth[0])
    return rh.health_refusal(checks=checks_of([child_id])[child_id], gaps=gaps,
                             last_present=last_present(child_id, on), on=on, doses_recorded=bool(doses))


# ---------------------------------------------------------------- a child's record


def centre_children(centre: Centre, on: dt.date) -> list[int]:
    """The children a centre looks after or is about to: live contracts, bookings from today, the waiting list."""
    ids = set(Contract.objects.filter(centre=centre, state=Contract.State.ACTIVE).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list("child_id", flat=True))
    ids |= set(Booking.objects.filter(centre=centre, state=Booking.State.BOOKED, day__gte=on).values_list(
        "child_id", flat=True))
    ids |= set(WaitlistEntry.objects.filter(centre=centre, state__in=WaitlistEntry.LIVE).values_list(
        "child_id", flat=True))
    return sorted(ids)


def knows_child(centre: Centre, child_id: int) -> bool:
    """The centre has a record of the child (a contract, booking or waiting-list entry ever, or a health record it
    entered): its staff may open and add to the child's health record."""
    return (Contract.objects.filter(centre=centre, child_id=child_id).exists()
            or Booking.objects.filter(centre=centre, child_id=child_id).exists()
            or WaitlistEntry.objects.filter(centre=centre, child_id=child_id).exists()
            or HealthCheck.objects.filter(centre=centre, child_id=child_id).exists()
            or VaccineDose.objects.filter(centre=centre, child_id=child_id).exists())


@dataclass(frozen=True)
class DoseRow:
    key: str
    label: str
    due_on: dt.date
    given_on: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class ChildHealth:
    child_id: int
    name: str
    birth: dt.date
    age_months: int
    refusal: str | None
    doses: list[DoseRow]
    checks: list[HealthCheck]
    findings: list[CheckFinding]

    @property
    def doses_recorded(self) -> bool:
        """Whether any dose is on record: with none, the certificate has not been entered yet (the doses are not
        known to be missed)."""
        return any(d.given_on for d in self.doses)


def child_health(child_id: int, on: dt.date) -> ChildHealth:
    child = people.children_by_ids([child_id]).values("pk", "name", "birth_date").get()
    birth = child["birth_date"]
    given = {(v, n): d for v, n, d in doses_of([child_id])[child_id]}
    overdue = {(g.dose.vaccine, g.dose.number) for g in rh.vaccination_gaps(rh.SCHEDULE, list(
        (v, n, d) for (v, n), d in given.items()), on, birth=birth)}
    rows = [DoseRow(f"{d.vaccine}:{d.number}", rh.dose_label(d), rh.add_months(birth, d.months),
                    given.get((d.vaccine, d.number)), (d.vaccine, d.number) in overdue) for d in rh.SCHEDULE]
    return ChildHealth(
        child_id=child_id, name=child["name"], birth=birth, age_months=rh.months_between(birth, on),
        refusal=attendance_refusal(child_id=child_id, on=on), doses=rows,
        checks=list(HealthCheck.objects.filter(child_id=child_id).order_by("-checked_on", "-pk")),
        findings=list(CheckFinding.objects.filter(child_id=child_id).select_related("room").order_by(
            "-day", "-pk")[:20]))


# ---------------------------------------------------------------- the centre's 健康 tab


@dataclass(frozen=True)
class MissingRow:
    child_id: int
    name: str
    reason: str


def children_missing(centre: Centre, on: dt.date) -> list[MissingRow]:
    """The centre's children who may not be in care on `on` for their health, with the reason."""
    ids = centre_children(centre, on)
    names = dict(people.children_by_ids(ids).values_list("pk", "name"))
    rows = []
    for child_id in ids:
        reason = attendance_refusal(child_id=child_id, on=on)
        if reason:
            rows.append(MissingRow(child_id, names.get(child_id, ""), reason))
    return sorted(rows, key=lambda r: r.name)


@dataclass(frozen=True)
class SessionState:
    session: str
    label: str
    done_by: str | None
    findings: list[CheckFinding]


@dataclass(frozen=True)
class RoomChecks:
    room_id: int
    name: str
    children: list[tuple[int, str]]
    sessions: list[SessionState]


def room_children(room: Room, on: dt.date) -> list[tuple[int, str]]:
    ids = set(Contract.objects.filter(room=room, state=Contract.State.ACTIVE, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list("child_id", flat=True))
    ids |= set(Booking.objects.filter(room=room, state=Booking.State.BOOKED, day=on).values_list("child_id", flat=True))
    return sorted(people.children_by_ids(ids).values_list("pk", "name"), key=lambda r: r[1])


def daily_checks(centre: Centre, on: dt.date) -> list[RoomChecks]:
    """Each room's 晨午检 on `on` (none on a day the centres are closed)."""
    if not is_working_day(on):
        return []
    rooms = list(Room.objects.filter(centre=centre, active=True).order_by("class_type", "name"))
    done = {(r.room_id, r.session): r.checked_by.display_name for r in RoomCheck.objects.filter(
        room__in=rooms, day=on).select_related("checked_by")}
    findings = list(CheckFinding.objects.filter(room__in=rooms, day=on).select_related("child").order_by("pk"))
    out = []
    for room in rooms:
        sessions = [SessionState(s.value, s.label, done.get((room.pk, s.value)),
                                 [f for f in findings if f.room_id == room.pk and f.session == s.value])
                    for s in Session]
        out.append(RoomChecks(room.pk, room.name, room_children(room, on), sessions))
    return out


@dataclass(frozen=True)
class StaffRow:
    user_id: int
    name: str
    valid_until: dt.date | None
    latest: dt.date | None


def staff_certificates(centre: Centre, on: dt.date) -> list[StaffRow]:
    """The centre's staff who may be rostered (its carers and managers) with their certificate's validity on `on`."""
    staff = carer_choices(centre)
    issued: dict[int, list[dt.date]] = {}
    for user_id, day in HealthCertificate.objects.filter(user_id__in=[pk for pk, _ in staff]).values_list(
            "user_id", "issued_on"):
        issued.setdefault(user_id, []).append(day)
    return [StaffRow(pk, name, rh.certificate_current(issued.get(pk, []), on),
                     max(issued[pk]) if pk in issued else None) for pk, name in staff]


def certificate_refusal(*, user_id: int, on: dt.date) -> str | None:
    """Why a staff member may not be rostered on `on` for their health certificate (None: they may)."""
    issued = list(HealthCertificate.objects.filter(user_id=user_id).values_list("issued_on", flat=True))
    if rh.certificate_current(issued, on) is not None:
        return None
    name = User.objects.filter(pk=user_id).first()
    who = name.display_name if name else "该人员"
    if issued:
        return f"{who}的健康证已于{rh.certificate_valid_until(max(issued)):%Y年%m月%d日}过期，须重新体检取得健康证后才能排班"
    return f"{who}没有登记健康证，须取得健康证后才能排班"


def health_worker(centre: Centre) -> str | None:
    found = HealthWorker.objects.filter(centre=centre).select_related("user").first()
    return found.user.display_name if found else None

"""The duty day: the roll, its alerts, missing health checks, open incidents, illness follow-ups."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.people import selectors as people

from .. import permissions, rules
from ..models import AbsenceKind, Alert, Attendance, Group, HealthCheck, Incident, Placement, Programme, RosterShift
from .roster import leader_on_duty


@dataclass
class RollRow:
    placement: Placement
    attendance: Attendance | None
    checks: dict
    pickups: list
    alerts: list

    @property
    def status(self) -> str:
        """in, gone, absent or due: where the child is now."""
        a = self.attendance
        if a and a.check_out_at:
            return "gone"
        if a and a.check_in_at:
            return "in"
        if a and a.absence_reason:
            return "absent"
        return "due"


ROLL_PAGE = 50  # children per page of the roll
LIST_MAX = 50  # alerts, missing checks and follow-ups listed above the roll (all are counted)

# What a roll row reads of a placement: the child's plain columns, never an encrypted one.
_ROW_FIELDS = ("child__name", "child__initials", "child__gender", "group__name", "period", "state")


def roll_placements(user, programme: Programme, date: dt.date, group: Group | None = None,
                    query: str = "") -> QuerySet:
    """The placements of the day's roll (unordered, rows not loaded): those of one programme's periods that
    run on `date`, as far as this user may see them or is on duty; of one group, if given; and of the
    children whose name contains `query` or whose pinyin initials start with it, if given."""
    placements = Placement.objects.filter(period__programme=programme, period__start__lte=date,
                                          period__end__gte=date, state=Placement.State.PLACED)
    placements = scope.on_duty(user, placements, date)  # their own scope, or the children of their duty today
    if group is not None:
        placements = placements.filter(group=group)
    if query.strip():
        placements = placements.filter(people.name_q(query, prefix="child__"))  # never by ID number on a roll
    return placements


def _plain(placements: QuerySet) -> QuerySet:
    """Placements with their child and group, reading no encrypted column."""
    return placements.select_related("child", "group").only(*_ROW_FIELDS)


def _roll_rows(rows: list[Placement], date: dt.date) -> list[RollRow]:
    """The roll rows of these placements: four queries whatever their number."""
    ids = [p.pk for p in rows]
    attendance = {a.placement_id: a for a in Attendance.objects.filter(placement_id__in=ids, date=date)
                  .select_related("picked_up_by").defer("picked_up_by__id_number", "picked_up_by__phone")}
    checks: dict[int, dict[str, HealthCheck]] = defaultdict(dict)
    for h in HealthCheck.objects.filter(placement_id__in=ids, date=date):
        checks[h.placement_id][h.slot] = h
    pickups = people.pickup_guardians(p.child_id for p in rows)
    alerts = defaultdict(list)
    for a in Alert.objects.filter(placement_id__in=ids, date=date, handled_at=None):
        alerts[a.placement_id].append(a)
    return [RollRow(p, attendance.get(p.pk), checks[p.pk], pickups[p.child_id], alerts[p.pk]) for p in rows]


ROLL_ORDER = ("group__name", "child__initials", "pk")


def todays_roll(user, programme: Programme, date: dt.date, group: Group | None = None) -> list[RollRow]:
    """The day's whole roll of one programme (one group, if given), as far as this user may see it or is on
    duty. Pages read one page of it (see `duty_day`)."""
    return _roll_rows(list(_plain(roll_placements(user, programme, date, group).order_by(*ROLL_ORDER))), date)


def roll_counts(placements: QuerySet, date: dt.date) -> dict[str, int]:
    """How many of these placements are due, in, gone (picked up) or absent on `date`: two counting queries."""
    total = placements.count()
    seen = Attendance.objects.filter(placement__in=placements.values("pk"), date=date).aggregate(
        gone=Count("pk", filter=Q(check_out_at__isnull=False)),
        present=Count("pk", filter=Q(check_out_at__isnull=True, check_in_at__isnull=False)),
        absent=Count("pk", filter=Q(check_out_at__isnull=True, check_in_at__isnull=True) & ~Q(absence_reason="")),
    )
    counts = {"in": seen["present"], "gone": seen["gone"], "absent": seen["absent"]}
    return {"total": total, "due": total - sum(counts.values()), **counts}


@dataclass
class DutyDay:
    """Everything the duty page shows: the groups of the day, one page of the chosen roll, the counts of the
    whole roll, and its alerts, missing checks and follow-ups (counted in full, listed up to LIST_MAX)."""

    programme: Programme
    date: dt.date
    groups: list[Group]
    group: Group | None
    query: str
    page: Page
    roll: list[RollRow]
    alerts: list[Alert]
    alert_total: int
    alert_counts: list[tuple[str, int]]
    leader: object
    my_shift: RosterShift | None
    counts: dict[str, int]
    check_flags: list["CheckFlag"]
    check_total: int
    follow_ups: list[Attendance]


def duty_day(user, programme: Programme, date: dt.date, group_id: int | None = None, *, page: str | int | None = 1,
             query: str = "") -> DutyDay:
    """The duty page of a day. `group_id` 0 is every group; without one, a person rostered in a group starts
    with it; a search (`query`) looks through the user's whole roll, every group. The roll is read one page
    (ROLL_PAGE children) at a time; its counts, alerts (counted by kind), missing health checks (C-30) and
    illness follow-ups due (C-31) are those of the whole roll chosen, so they never outgrow it. The number of
    queries does not depend on the number of children."""
    groups = list(Group.objects.filter(period__programme=programme, period__start__lte=date, period__end__gte=date)
                  .order_by("name", "pk"))
    my_shift = (RosterShift.objects.filter(programme=programme, date=date, staff=user, state=RosterShift.State.ACCEPTED)
                .select_related("group").first())
    query = query.strip()
    if query:
        group_id = 0
    if group_id is None and my_shift is not None and my_shift.group_id:
        group_id = my_shift.group_id
    group = next((g for g in groups if g.pk == group_id), None)
    placements = roll_placements(user, programme, date, group, query)
    counts = roll_counts(placements, date)
    # The tally has counted the roll already: the paginator takes that count instead of counting again.
    paginator: Paginator = Paginator(cast(Any, _Counted(_plain(placements.order_by(*ROLL_ORDER)), counts["total"])),
                                     ROLL_PAGE)
    this_page = paginator.get_page(page)
    roll = _roll_rows(list(this_page.object_list), date)
    open_alerts = Alert.objects.filter(placement__in=placements.values("pk"), date=date, handled_at=None)
    by_kind = dict(open_alerts.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    gaps = health_check_gaps(programme, date)
    flagged = placements.filter(pk__in=list(gaps))
    return DutyDay(
        programme=programme, date=date, groups=groups, group=group, query=query, page=this_page, roll=roll,
        alerts=list(open_alerts.order_by("kind", "raised_at", "pk")[:LIST_MAX]),
        alert_total=sum(by_kind.values()),
        alert_counts=sorted((Alert.Kind(kind).label, n) for kind, n in by_kind.items()),
        leader=leader_on_duty(programme, date), my_shift=my_shift, counts=counts,
        check_flags=[CheckFlag(p, gaps[p.pk]) for p in _plain(flagged.order_by(*ROLL_ORDER))[:LIST_MAX]],
        check_total=flagged.count(),
        follow_ups=list(illness_follow_ups(user, programme, date)[:LIST_MAX]),
    )


class _Counted:
    """A queryset whose length is already known, for a paginator (the roll's count is read with its tally)."""

    def __init__(self, queryset: QuerySet, total: int):
        self.queryset, self.total = queryset, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item: slice) -> list[Placement]:
        return list(self.queryset[item])


def health_check_gaps(programme: Programme, date: dt.date) -> dict[int, list[str]]:
    """C-30: placement id -> the health checks (slots) missing that day, for every child present (checked
    in). A holiday day owes all three (晨检、午检、晚检), an after-school session the 晚检."""
    attendance = Attendance.objects.filter(placement__period__programme=programme, date=date, check_in_at__isnull=False,
                                           placement__state=Placement.State.PLACED)
    done: dict[int, set[str]] = {pid: set() for pid in attendance.values_list("placement_id", flat=True)}
    for pid, slot in HealthCheck.objects.filter(placement_id__in=list(done), date=date).values_list("placement_id", "slot"):
        done[pid].add(slot)
    gaps = {pid: rules.missing_health_slots(slots, programme.kind) for pid, slots in done.items()}
    return {pid: missing for pid, missing in gaps.items() if missing}


@dataclass
class CheckFlag:
    placement: Placement
    missing: list[str]

    @property
    def labels(self) -> str:
        return "、".join(HealthCheck.Slot(s).label for s in self.missing)


def open_incidents(user) -> QuerySet:
    """Incidents not closed yet (C-29) for the leader's list: those of programmes the user runs, and those
    of a day the user is the accepted 值班领导 (asked per incident, not one OR term per shift led)."""
    led = RosterShift.objects.filter(staff=user, duty=RosterShift.Duty.LEADER, state=RosterShift.State.ACCEPTED,
                                     programme=OuterRef("placement__period__programme"),
                                     date=OuterRef("occurred_on"))
    q = Q(placement__period__programme__in=permissions.managed_programmes(user)) | Q(Exists(led))
    return (Incident.objects.filter(state=Incident.State.OPEN).annotate(occurred_on=TruncDate("occurred_at")).filter(q)
            .select_related("placement__child", "placement__period__programme")
            .defer("placement__child__id_number", "placement__child__health_notes").order_by("occurred_at"))


def illness_follow_ups(user, programme: Programme, date: dt.date) -> QuerySet:
    """Illness absences (C-31) whose follow-up is due by `date` and has no outcome yet."""
    qs = Attendance.objects.filter(placement__period__programme=programme, absence_kind="illness",
                                   follow_up_on__lte=date, follow_up_outcome="")
    placements = scope.on_duty(user, Placement.objects.filter(period__programme=programme), date)
    return (qs.filter(placement__in=placements).select_related("placement__child")
            .defer("placement__child__id_number", "placement__child__health_notes").order_by("follow_up_on", "pk"))


@dataclass(frozen=True)
class CareEvent:
    """Something in custody the child's care helpers should know (the lines meet on the registry)."""

    child_id: int
    day: dt.date
    kind: str  # "absent" | "missing" | "late_pickup" | "incident"
    title: str
    text: str


def care_events(child_ids: Iterable[int], since: dt.date, until: dt.date) -> list[CareEvent]:
    """Custody absences, missing-child and late-pickup alerts and incidents of these children between the two days
    (inclusive), oldest first: for the care line's growth file and helpers."""
    ids = list(child_ids)
    found: list[CareEvent] = []
    for child_id, day, kind, reason, programme in (
            Attendance.objects.filter(placement__child_id__in=ids, date__range=(since, until))
            .exclude(absence_kind="").values_list("placement__child_id", "date", "absence_kind", "absence_reason",
                                                  "placement__period__programme__name")):
        found.append(CareEvent(child_id, day, "absent", f"托管请假（{AbsenceKind(kind).label}）",
                               f"{programme}：{reason}" if reason else programme))
    for child_id, day, kind, message in (
            Alert.objects.filter(placement__child_id__in=ids, date__range=(since, until),
                                 kind__in=[Alert.Kind.MISSING, Alert.Kind.LATE_PICKUP])
            .values_list("placement__child_id", "date", "kind", "message")):
        found.append(CareEvent(child_id, day, kind, f"托管预警：{Alert.Kind(kind).label}", message))
    for child_id, at, kind, description in (
            Incident.objects.filter(placement__child_id__in=ids, occurred_at__date__range=(since, until))
            .values_list("placement__child_id", "occurred_at", "kind", "description")):
        found.append(CareEvent(child_id, timezone.localdate(at), "incident", f"托管安全事件：{Incident.Kind(kind).label}",
                               description[:120]))
    return sorted(found, key=lambda e: (e.day, e.child_id, e.kind))

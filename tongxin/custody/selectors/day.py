"""The duty day: the roll, its alerts, missing health checks, open incidents, illness follow-ups."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tongxin.orgs import scope
from tongxin.people import selectors as people

from .. import permissions, rules
from ..models import Alert, Attendance, Group, HealthCheck, Incident, Placement, Programme, RosterShift
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


def todays_roll(user, programme: Programme, date: dt.date, group: Group | None = None) -> list[RollRow]:
    """The day's roll of one programme (one group, if given), as far as this user may see it or is on duty."""
    periods = programme.periods.filter(start__lte=date, end__gte=date)
    placements = Placement.objects.filter(period__in=periods, state=Placement.State.PLACED)
    placements = scope.on_duty(user, placements, date)  # their own scope, or the children of their duty today
    if group is not None:
        placements = placements.filter(group=group)
    rows = list(placements.select_related("child", "group").order_by("group__name", "child__initials"))
    ids = [p.pk for p in rows]
    attendance = {a.placement_id: a for a in Attendance.objects.filter(placement_id__in=ids, date=date).select_related("picked_up_by")}
    checks: dict[int, dict[str, HealthCheck]] = defaultdict(dict)
    for h in HealthCheck.objects.filter(placement_id__in=ids, date=date):
        checks[h.placement_id][h.slot] = h
    pickups = people.pickup_guardians(p.child_id for p in rows)
    alerts = defaultdict(list)
    for a in Alert.objects.filter(placement_id__in=ids, date=date, handled_at=None):
        alerts[a.placement_id].append(a)
    return [RollRow(p, attendance.get(p.pk), checks[p.pk], pickups[p.child_id], alerts[p.pk]) for p in rows]


@dataclass
class DutyDay:
    """Everything the duty page shows: the groups of the day, the roll of the chosen one, and its alerts."""

    programme: Programme
    date: dt.date
    groups: list[Group]
    group: Group | None
    roll: list[RollRow]
    alerts: list[Alert]
    alert_counts: list[tuple[str, int]]
    leader: object
    my_shift: RosterShift | None
    counts: dict[str, int]
    check_flags: list["CheckFlag"]
    follow_ups: list[Attendance]


def duty_day(user, programme: Programme, date: dt.date, group_id: int | None = None) -> DutyDay:
    """The duty page of a day. `group_id` 0 is every group; without one, a person rostered in a group starts
    with it. Alerts are those of the children on this roll only, counted by kind, so they never outgrow the roll;
    so are the missing health checks (C-30) and the illness follow-ups due (C-31)."""
    groups = list(Group.objects.filter(period__programme=programme, period__start__lte=date, period__end__gte=date)
                  .order_by("name", "pk"))
    my_shift = (RosterShift.objects.filter(programme=programme, date=date, staff=user, state=RosterShift.State.ACCEPTED)
                .select_related("group").first())
    if group_id is None and my_shift is not None and my_shift.group_id:
        group_id = my_shift.group_id
    group = next((g for g in groups if g.pk == group_id), None)
    roll = todays_roll(user, programme, date, group)
    alerts = sorted((a for r in roll for a in r.alerts), key=lambda a: (a.kind, a.raised_at))
    by_kind = Counter(a.get_kind_display() for a in alerts)
    on_roll = {r.placement.pk for r in roll}
    return DutyDay(
        programme=programme, date=date, groups=groups, group=group, roll=roll, alerts=alerts,
        alert_counts=sorted(by_kind.items()), leader=leader_on_duty(programme, date), my_shift=my_shift,
        counts={status: sum(1 for r in roll if r.status == status) for status in ("due", "in", "gone", "absent")},
        check_flags=[f for f in health_check_flags(user, programme, date) if f.placement.pk in on_roll],
        follow_ups=list(illness_follow_ups(user, programme, date)),
    )


def health_check_gaps(programme: Programme, date: dt.date, *, period=None) -> dict[int, list[str]]:
    """C-30: placement id -> the health checks (slots) missing that day, for every child present (checked
    in). A holiday day owes all three (晨检、午检、晚检), an after-school session the 晚检."""
    attendance = Attendance.objects.filter(placement__period__programme=programme, date=date, check_in_at__isnull=False,
                                           placement__state=Placement.State.PLACED)
    if period is not None:
        attendance = attendance.filter(placement__period=period)
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


def health_check_flags(user, programme: Programme, date: dt.date) -> list[CheckFlag]:
    """The children present on `date` without all the day's health checks, as far as this user may see or is
    on duty for."""
    gaps = health_check_gaps(programme, date)
    placements = scope.on_duty(user, Placement.objects.filter(pk__in=list(gaps)), date).select_related("child", "group")
    return [CheckFlag(p, gaps[p.pk]) for p in placements.order_by("group__name", "child__initials")]


def open_incidents(user) -> QuerySet:
    """Incidents not closed yet (C-29) for the leader's list: those of programmes the user runs, and those
    of a day the user is the accepted 值班领导."""
    led = RosterShift.objects.filter(staff=user, duty=RosterShift.Duty.LEADER, state=RosterShift.State.ACCEPTED)
    q = Q(placement__period__programme__in=permissions.managed_programmes(user))
    for programme_id, day in led.values_list("programme_id", "date"):
        q |= Q(placement__period__programme_id=programme_id, occurred_at__date=day)
    return (Incident.objects.filter(state=Incident.State.OPEN).filter(q)
            .select_related("placement__child", "placement__period__programme").order_by("occurred_at"))


def illness_follow_ups(user, programme: Programme, date: dt.date) -> QuerySet:
    """Illness absences (C-31) whose follow-up is due by `date` and has no outcome yet."""
    qs = Attendance.objects.filter(placement__period__programme=programme, absence_kind="illness",
                                   follow_up_on__lte=date, follow_up_outcome="")
    placements = scope.on_duty(user, Placement.objects.filter(period__programme=programme), date)
    return qs.filter(placement__in=placements).select_related("placement__child").order_by("follow_up_on")

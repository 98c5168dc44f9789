"""Reads of the custody line: bills, roster gaps, workload, the day's roll, summaries. Scope first."""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.people.models import Child, Guardianship

from . import rules
from .models import (
    Alert,
    Application,
    Attendance,
    Evaluation,
    FeeExemption,
    Group,
    HealthCheck,
    Incident,
    Placement,
    PriorityTier,
    Programme,
    RosterShift,
)
from .services import period_days


def applications_for(user, programme: Programme | None = None) -> QuerySet:
    """Applications the user may see: through the child's scope (class teacher, school, community, parent)."""
    qs = Application.objects.all() if programme is None else Application.objects.filter(programme=programme)
    return scope.narrow(user, qs, via="child").select_related("child__school_class__grade", "programme", "child__family")


def open_programmes_for_parent(user) -> list[tuple[Child, list[Programme]]]:
    from .services import eligibility_problem

    rows = []
    for child in scope.children(user).filter(guardianships__guardian__user=user).select_related(
            "school_class__grade", "family").distinct():
        programmes = [p for p in Programme.objects.filter(status=Programme.Status.OPEN).filter(
            Q(school_id=child.school_id) | Q(community_id=child.family.community_id)) if eligibility_problem(p, child) is None]
        rows.append((child, programmes))
    return rows


@dataclass
class BillRow:
    application: Application
    bill: rules.Bill
    periods: list[str]
    exemption_state: str = ""
    exemption_reason: str = ""
    entitled: bool = False  # the care fee is waived as of right (C-08)


def _approved_percent(application_ids) -> dict[int, int]:
    return dict(FeeExemption.objects.filter(application_id__in=application_ids, state=FeeExemption.State.APPROVED)
                .values_list("application_id", "percent"))


def bill_for(application: Application) -> rules.Bill:
    """A child's bill: placed custody days × daily fee, plus lunch, less an approved exemption."""
    programme = application.programme
    rows, _ = _bills(programme, Application.objects.filter(pk=application.pk))
    return rows[0].bill if rows else rules.bill(0, programme.fee_per_day, 0, programme.lunch_price)


def _bills(programme: Programme, applications: QuerySet, days_of: dict[int, int] | None = None) -> tuple[list[BillRow], dict]:
    apps = list(applications.filter(placements__state=Placement.State.PLACED).distinct()
                .prefetch_related("placements__period"))
    if days_of is None:
        days_of = {p.pk: len(period_days(p)) for p in programme.periods.all()}
    percent = _approved_percent([a.pk for a in apps])
    exemptions = {e.application_id: e for e in FeeExemption.objects.filter(application__in=apps)}
    rows = []
    for app in apps:
        placed = [pl for pl in app.placements.all() if pl.state == Placement.State.PLACED]
        days = sum(days_of[pl.period_id] for pl in placed)
        b = rules.bill(days, programme.fee_per_day, days if app.lunch else 0, programme.lunch_price, percent.get(app.pk, 0))
        e = exemptions.get(app.pk)
        rows.append(BillRow(app, b, [pl.period.name for pl in placed], e.get_state_display() if e else "",
                            e.reason if e else "", bool(e and e.basis == FeeExemption.Basis.ENTITLEMENT)))
    totals = {
        "children": len(rows),
        "care_fee": sum((r.bill.care_fee for r in rows), Decimal("0")),
        "lunch_fee": sum((r.bill.lunch_fee for r in rows), Decimal("0")),
        "exemption": sum((r.bill.exemption for r in rows), Decimal("0")),
        "total": sum((r.bill.total for r in rows), Decimal("0")),
        "exempted_children": sum(1 for r in rows if r.bill.exemption_percent),
        "entitled_children": sum(1 for r in rows if r.entitled),
    }
    return rows, totals


def fee_report(user, programme: Programme) -> tuple[list[BillRow], dict]:
    """Bills of the placed children this user may see."""
    return _bills(programme, applications_for(user, programme))


@dataclass
class GroupGap:
    group: Group
    children: int
    staff: int
    needed: int

    @property
    def gap(self):
        return max(0, self.needed - self.staff)


@dataclass
class DayRoster:
    """One custody day of the roster. Only accepted shifts count (leader, ratio); the others wait."""

    date: dt.date
    leader: RosterShift | None
    shifts: list[RosterShift]
    groups: list[GroupGap] = field(default_factory=list)
    waiting: list[RosterShift] = field(default_factory=list)
    published: bool = False

    @property
    def ok(self):
        return self.leader is not None and all(g.gap == 0 for g in self.groups)

    @property
    def lacks_leader(self):
        return self.leader is None


def roster(programme: Programme) -> list[DayRoster]:
    """Every custody day with who is on duty, and gaps against the programme's staff-to-child ratio; a day
    without an accepted school leader on duty is a gap too, and cannot be published as ready."""
    accepted, waiting = defaultdict(list), defaultdict(list)
    for s in programme.shifts.filter(state__in=RosterShift.LIVE_STATES).select_related("staff", "group"):
        (accepted if s.accepted else waiting)[s.date].append(s)
    published = set(programme.published_days.values_list("date", flat=True))
    days = []
    for period in programme.periods.prefetch_related("groups"):
        groups = list(period.groups.all())
        for date in period_days(period):
            on = accepted.get(date, [])
            leader = next((s for s in on if s.duty == RosterShift.Duty.LEADER), None)
            gaps = []
            for g in groups:
                staff = sum(1 for s in on if s.group_id == g.pk and s.duty != RosterShift.Duty.LEADER)
                needed = math.ceil(g.seats_taken / programme.children_per_staff) if g.seats_taken else 0
                gaps.append(GroupGap(g, g.seats_taken, staff, needed))
            days.append(DayRoster(date, leader, on, gaps, waiting.get(date, []), date in published))
    return days


def my_shifts(user, programme: Programme | None = None) -> QuerySet:
    """A person's own shifts (every state but the ones withdrawn), newest first, for their roster page and hub."""
    qs = RosterShift.objects.filter(staff=user).select_related("programme", "group")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("-date", "start")


def shifts_to_answer(user) -> QuerySet:
    """Shifts an organiser gave this person that wait for their acceptance (C-02)."""
    return my_shifts(user).filter(state=RosterShift.State.AWAITING_STAFF).order_by("date", "start")


def sign_ups_to_decide(programme: Programme) -> QuerySet:
    """Teachers' and volunteers' own sign-ups waiting for the organiser."""
    return programme.shifts.filter(state=RosterShift.State.AWAITING_ORGANISER).select_related("staff", "group") \
        .order_by("date", "start")


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=timezone.get_current_timezone())


def workload(programme: Programme, today: dt.date | None = None) -> list[dict]:
    """Duty per person for performance pay (C-26). Only signed duty counts: a shift signed in AND out, for
    the time actually on duty inside the rostered times (`rules.credited_hours`). Accepted shifts still to
    come (today's included, until signed out) are shown apart (`future_days`, `future_hours`), and past accepted shifts without both signatures
    as `unsigned_days` (not paid).

    Keys: staff, duties, days (signed duty days), hours (credited hours), signed_days (days signed in at
    all), future_days, future_hours, unsigned_days."""
    today = today or timezone.localdate()
    per = defaultdict(lambda: {"days": 0, "hours": Decimal("0"), "signed_days": 0, "future_days": 0,
                               "future_hours": Decimal("0"), "unsigned_days": 0, "duties": set()})
    for s in programme.shifts.filter(state=RosterShift.State.ACCEPTED).select_related("staff"):
        row = per[s.staff]
        row["duties"].add(s.get_duty_display())
        if s.signed_in_at:
            row["signed_days"] += 1
        credited = rules.credited_hours(_at(s.date, s.start), _at(s.date, s.end), s.signed_in_at, s.signed_out_at)
        if s.signed_in_at and s.signed_out_at:
            row["days"] += 1
            row["hours"] += credited
        elif s.date >= today:  # still to come, or today's not finished yet
            row["future_days"] += 1
            row["future_hours"] += s.hours
        else:
            row["unsigned_days"] += 1
    return sorted(({"staff": u, **v, "duties": "、".join(sorted(v["duties"]))} for u, v in per.items()),
                  key=lambda r: (-r["hours"], -r["future_hours"], r["staff"].pk))


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
    placements = list(placements.select_related("child", "group").order_by("group__name", "child__initials"))
    ids = [p.pk for p in placements]
    attendance = {a.placement_id: a for a in Attendance.objects.filter(placement_id__in=ids, date=date).select_related("picked_up_by")}
    checks = defaultdict(dict)
    for h in HealthCheck.objects.filter(placement_id__in=ids, date=date):
        checks[h.placement_id][h.slot] = h
    pickups = defaultdict(list)
    for link in Guardianship.objects.filter(child_id__in=[p.child_id for p in placements], can_pickup=True).select_related("guardian"):
        pickups[link.child_id].append(link)
    alerts = defaultdict(list)
    for a in Alert.objects.filter(placement_id__in=ids, date=date, handled_at=None):
        alerts[a.placement_id].append(a)
    return [RollRow(p, attendance.get(p.pk), checks[p.pk], pickups[p.child_id], alerts[p.pk]) for p in placements]


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


def duty_day(user, programme: Programme, date: dt.date, group_id: int | None = None) -> DutyDay:
    """The duty page of a day. `group_id` 0 is every group; without one, a person rostered in a group starts
    with it. Alerts are
    those of the children on this roll only, counted by kind, so they never outgrow the roll."""
    groups = list(Group.objects.filter(period__programme=programme, period__start__lte=date, period__end__gte=date)
                  .order_by("name", "pk"))
    my_shift = RosterShift.objects.filter(programme=programme, date=date, staff=user).select_related("group").first()
    if group_id is None and my_shift is not None and my_shift.group_id:
        group_id = my_shift.group_id
    group = next((g for g in groups if g.pk == group_id), None)
    roll = todays_roll(user, programme, date, group)
    alerts = sorted((a for r in roll for a in r.alerts), key=lambda a: (a.kind, a.raised_at))
    by_kind = Counter(a.get_kind_display() for a in alerts)
    leader = RosterShift.objects.filter(programme=programme, date=date, duty=RosterShift.Duty.LEADER) \
        .select_related("staff").first()
    return DutyDay(
        programme=programme, date=date, groups=groups, group=group, roll=roll, alerts=alerts,
        alert_counts=sorted(by_kind.items()), leader=leader.staff if leader else None, my_shift=my_shift,
        counts={status: sum(1 for r in roll if r.status == status) for status in ("due", "in", "gone", "absent")},
    )


def satisfaction(programme: Programme) -> dict:
    qs = Evaluation.objects.filter(placement__period__programme=programme)
    fields = {q: Avg(q) for q in Evaluation.QUESTIONS}
    overall = qs.aggregate(n=Count("id"), **fields)
    by_period = list(qs.values("placement__period__name").annotate(n=Count("id"), avg=Avg("overall")).order_by("placement__period__start"))
    by_group = list(qs.values("placement__period__name", "placement__group__name").annotate(n=Count("id"), avg=Avg("overall"))
                    .order_by("placement__period__start", "placement__group__name"))
    comments = list(qs.exclude(comment="").values_list("comment", flat=True).distinct().order_by("comment")[:20])
    return {"overall": overall, "by_period": by_period, "by_group": by_group, "comments": comments}


@dataclass
class Summary:
    programme: Programme
    applications: int
    by_state: dict
    by_tier: list
    placed_children: int
    waiting_children: int
    attended: int
    expected: int
    staff_hours: Decimal
    staff_people: int
    fees: dict
    incidents: dict
    satisfaction: dict
    periods: list

    @property
    def attendance_rate(self):
        return round(100 * self.attended / self.expected, 1) if self.expected else None


def programme_summary(programme: Programme, upto: dt.date | None = None) -> Summary:
    apps = Application.objects.filter(programme=programme)
    by_state = dict(apps.values_list("state").annotate(n=Count("id")))
    tiers = []
    for tier in PriorityTier:
        tier_apps = apps.filter(tier=tier)
        tiers.append({
            "tier": tier.label, "applied": tier_apps.count(),
            "placed": tier_apps.filter(placements__state=Placement.State.PLACED).distinct().count(),
            "waiting": tier_apps.filter(state=Application.State.WAITING).count(),
        })
    reasons = Counter(r for rs in apps.filter(tier=PriorityTier.SPECIAL).values_list("tier_reasons", flat=True) for r in rs)
    placements = Placement.objects.filter(period__programme=programme)
    upto = upto or timezone.localdate()
    periods, expected = [], 0
    for period in programme.periods.prefetch_related("groups"):
        days = period_days(period)  # computed once per period, for days, attendance and fees
        counts = dict(placements.filter(period=period).values_list("state").annotate(n=Count("id")))
        placed = counts.get(Placement.State.PLACED, 0)
        expected += sum(1 for d in days if d <= upto) * placed
        periods.append({
            "period": period, "days": len(days),
            "groups": [{"name": g.name, "capacity": g.capacity, "placed": g.seats_taken} for g in period.groups.all()],
            "placed": placed, "waiting": counts.get(Placement.State.WAITING, 0),
        })
    attended = Attendance.objects.filter(placement__period__programme=programme, placement__state=Placement.State.PLACED,
                                         check_in_at__isnull=False, date__lte=upto).count()
    work = workload(programme)
    _, fees = _bills(programme, apps, {p["period"].pk: p["days"] for p in periods})  # totals only: no child shown
    return Summary(
        programme=programme, applications=apps.count(), by_state=by_state,
        by_tier=tiers + [{"tier": f"其中：{k}", "applied": v, "placed": None, "waiting": None} for k, v in reasons.most_common()],
        placed_children=placements.filter(state=Placement.State.PLACED).values("child").distinct().count(),
        waiting_children=placements.filter(state=Placement.State.WAITING).values("child").distinct().count(),
        attended=attended, expected=expected,
        staff_hours=sum((w["hours"] for w in work), Decimal("0")), staff_people=len(work),
        fees=fees,
        incidents=dict(Incident.objects.filter(placement__period__programme=programme).values_list("kind").annotate(n=Count("id"))),
        satisfaction=satisfaction(programme), periods=periods,
    )


# ---------------------------------------------------------------- the day's care: checks, incidents, illness


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
    from . import permissions

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


def hardship_certificates(child: Child):
    from .models import HardshipCertificate

    return HardshipCertificate.objects.filter(child=child).select_related("certified_by")

"""Reads of the custody line: bills, roster gaps, workload, the day's roll, summaries. Scope first."""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.people import selectors as people
from tongxin.people.models import Child

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
    states = dict(FeeExemption.objects.filter(application__in=apps).values_list("application_id", "state"))
    rows = []
    for app in apps:
        placed = [pl for pl in app.placements.all() if pl.state == Placement.State.PLACED]
        days = sum(days_of[pl.period_id] for pl in placed)
        b = rules.bill(days, programme.fee_per_day, days if app.lunch else 0, programme.lunch_price, percent.get(app.pk, 0))
        state = FeeExemption.State(states[app.pk]).label if app.pk in states else ""
        rows.append(BillRow(app, b, [pl.period.name for pl in placed], state))
    totals = {
        "children": len(rows),
        "care_fee": sum((r.bill.care_fee for r in rows), Decimal("0")),
        "lunch_fee": sum((r.bill.lunch_fee for r in rows), Decimal("0")),
        "exemption": sum((r.bill.exemption for r in rows), Decimal("0")),
        "total": sum((r.bill.total for r in rows), Decimal("0")),
        "exempted_children": sum(1 for r in rows if r.bill.exemption_percent),
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
    date: dt.date
    leader: RosterShift | None
    shifts: list[RosterShift]
    groups: list[GroupGap] = field(default_factory=list)

    @property
    def ok(self):
        return self.leader is not None and all(g.gap == 0 for g in self.groups)


def roster(programme: Programme) -> list[DayRoster]:
    """Every custody day with who is on duty, and gaps against the programme's staff-to-child ratio; a day
    without a school leader on duty is a gap too."""
    shifts = defaultdict(list)
    for s in programme.shifts.select_related("staff", "group"):
        shifts[s.date].append(s)
    days = []
    for period in programme.periods.prefetch_related("groups"):
        groups = list(period.groups.all())
        for date in period_days(period):
            on = shifts.get(date, [])
            leader = next((s for s in on if s.duty == RosterShift.Duty.LEADER), None)
            gaps = []
            for g in groups:
                staff = sum(1 for s in on if s.group_id == g.pk and s.duty != RosterShift.Duty.LEADER)
                needed = math.ceil(g.seats_taken / programme.children_per_staff) if g.seats_taken else 0
                gaps.append(GroupGap(g, g.seats_taken, staff, needed))
            days.append(DayRoster(date, leader, on, gaps))
    return days


def workload(programme: Programme) -> list[dict]:
    """Hours on duty per person (the roster's hours, counted as workload for performance pay)."""
    per = defaultdict(lambda: {"days": 0, "hours": Decimal("0"), "signed_days": 0})
    for s in programme.shifts.select_related("staff"):
        row = per[s.staff]
        row["days"] += 1
        row["hours"] += s.hours
        row["signed_days"] += 1 if s.signed_in_at else 0
        row["duties"] = row.get("duties", set()) | {s.get_duty_display()}
    return sorted(({"staff": u, **v, "duties": "、".join(sorted(v.get("duties", [])))} for u, v in per.items()),
                  key=lambda r: (-r["hours"], r["staff"].pk))


@dataclass
class RollRow:
    placement: Placement
    attendance: Attendance | None
    checks: dict
    pickups: list
    alerts: list


def todays_roll(user, programme: Programme, date: dt.date, group: Group | None = None) -> list[RollRow]:
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
    pickups = people.pickup_guardians(p.child_id for p in placements)
    alerts = defaultdict(list)
    for a in Alert.objects.filter(placement_id__in=ids, date=date, handled_at=None):
        alerts[a.placement_id].append(a)
    return [RollRow(p, attendance.get(p.pk), checks[p.pk], pickups[p.child_id], alerts[p.pk]) for p in placements]


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

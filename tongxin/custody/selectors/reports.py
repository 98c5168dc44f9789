"""Figures of a programme and of an area, for the summary pages and upward reports."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from ..models import Application, Attendance, Evaluation, Incident, Placement, PriorityTier, Programme
from .fees import _bills
from .programmes import period_days
from .roster import workload


def satisfaction(programme: Programme) -> dict:
    qs = Evaluation.objects.filter(placement__period__programme=programme)
    fields = {q: Avg(q) for q in Evaluation.QUESTIONS}
    overall = qs.aggregate(n=Count("id"), **fields)
    by_period = list(qs.values("placement__period__name").annotate(n=Count("id"), avg=Avg("overall")).order_by("placement__period__start"))
    by_group = list(qs.values("placement__period__name", "placement__group__name").annotate(n=Count("id"), avg=Avg("overall"))
                    .order_by("placement__period__start", "placement__group__name"))
    comments = list(qs.exclude(comment="").values_list("comment", flat=True).distinct().order_by("comment")[:20])
    return {"overall": overall, "by_period": by_period, "by_group": by_group, "comments": comments}


# How each applicant stands at the end of the chain, counted once per child (人) by their latest application.
OUTCOMES = [
    ("placed", "已安置", (Application.State.PLACED,)),
    ("waiting", "候补中", (Application.State.WAITING,)),
    ("pending", "审核中", (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED)),
    ("rejected", "未通过", (Application.State.REJECTED,)),
    ("withdrawn", "已撤回", (Application.State.WITHDRAWN,)),
]


_OUTCOME_OF: dict[str, str] = {state: key for key, _, states in OUTCOMES for state in states}


# Short tier names for charts and narrow columns; the full label stays in tables and exports.
_TIER_SHORT = {PriorityTier.SPECIAL: "优先保障", PriorityTier.DUAL_EARNER: "双职工家庭", PriorityTier.GENERAL: "一般"}


@dataclass
class Summary:
    """A programme's figures. Applicants are counted in 人 (children), each once by their latest application, so
    applicants = placed + waiting + pending + rejected + withdrawn, in total and in every priority tier. Per
    period, placed and waiting are children of that period; summed over periods they are 人次."""

    programme: Programme
    applicants: int
    outcomes: dict[str, int]
    by_tier: list[dict]
    tier_reasons: list[tuple[str, int]]
    attended: int
    expected: int
    absent_days: int
    upto: dt.date
    staff_hours: Decimal
    staff_people: int
    fees: dict
    incidents: dict
    satisfaction: dict
    periods: list

    @property
    def applications(self) -> int:
        return self.applicants

    @property
    def placed_children(self) -> int:
        return self.outcomes["placed"]

    @property
    def waiting_children(self) -> int:
        return self.outcomes["waiting"]

    @property
    def outcome_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.outcomes[key]) for key, label, _ in OUTCOMES]

    @property
    def incident_count(self) -> int:
        return sum(self.incidents.values())

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None


def programme_summary(programme: Programme, upto: dt.date | None = None) -> Summary:
    """The programme's figures; attendance counts custody days up to `upto` (default: yesterday, since today's
    roll is still open)."""
    upto = upto or timezone.localdate() - dt.timedelta(days=1)
    latest: dict[int, tuple[str, int, list]] = {}
    for child_id, state, tier, reasons in (Application.objects.filter(programme=programme)
                                           .order_by("created_at", "pk")
                                           .values_list("child_id", "state", "tier", "tier_reasons")):
        latest[child_id] = (state, tier, reasons)
    outcomes = Counter(_OUTCOME_OF[state] for state, _, _ in latest.values())
    tiers = []
    for tier in PriorityTier:
        of_tier = Counter(_OUTCOME_OF[state] for state, t, _ in latest.values() if t == tier)
        tiers.append({"tier": tier.label, "short": _TIER_SHORT[tier], "applied": sum(of_tier.values()),
                      **{key: of_tier[key] for key, _, _ in OUTCOMES}})
    reasons = Counter(r for _, t, rs in latest.values() if t == PriorityTier.SPECIAL for r in rs)
    placements = Placement.objects.filter(period__programme=programme)
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
    day_rows = Attendance.objects.filter(placement__period__programme=programme, placement__state=Placement.State.PLACED,
                                         date__lte=upto)
    attended = day_rows.filter(check_in_at__isnull=False).count()
    absent_days = day_rows.filter(check_in_at__isnull=True).exclude(absence_reason="").count()
    work = workload(programme)
    apps = Application.objects.filter(programme=programme)
    _, fees = _bills(programme, apps, {p["period"].pk: p["days"] for p in periods})  # totals only: no child shown
    return Summary(
        programme=programme, applicants=len(latest), outcomes={key: outcomes[key] for key, _, _ in OUTCOMES},
        by_tier=tiers, tier_reasons=reasons.most_common(),
        attended=attended, expected=expected, absent_days=absent_days, upto=upto,
        staff_hours=sum((w["hours"] for w in work), Decimal("0")), staff_people=len(work),
        fees=fees,
        incidents=dict(Incident.objects.filter(placement__period__programme=programme).values_list("kind").annotate(n=Count("id"))),
        satisfaction=satisfaction(programme), periods=periods,
    )


def overview_unit(user) -> tuple[str, str]:
    """Who reports and for which area, from the overview role held: (reporting unit, area). A township officer
    reports for the township, the county bureaus for the county."""
    for a in scope.assignments(user):
        if a.role == Role.TOWNSHIP_OFFICER:
            return f"{a.area.name}人民政府", a.area.name
    for a in scope.assignments(user):
        if a.role == Role.COUNTY_EDU:
            return f"{a.area.name}教育局", a.area.name
        if a.role == Role.COUNTY_CIVIL:
            return f"{a.area.name}民政局", a.area.name
    return "系统管理员", "全部区域"

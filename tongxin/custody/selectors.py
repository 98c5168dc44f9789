"""Reads of the custody line: bills, roster gaps, workload, the day's roll, summaries. Scope first."""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from tongxin.orgs import calendar, scope
from tongxin.orgs.models import Region, Role, School, Site, grade_label
from tongxin.people import selectors as people
from tongxin.people.models import Child

from . import permissions, rules
from .models import (
    Alert,
    Application,
    Attendance,
    DemandSurvey,
    Evaluation,
    FeeExemption,
    Group,
    HealthCheck,
    Incident,
    Need,
    Period,
    Placement,
    PriorityTier,
    Programme,
    RosterShift,
    SurveyAnswer,
    SurveyVolunteer,
    VenueLoan,
)


def applications_for(user, programme: Programme | None = None) -> QuerySet:
    """Applications the user may see: through the child's scope (class teacher, school, community, parent)."""
    qs = Application.objects.all() if programme is None else Application.objects.filter(programme=programme)
    return scope.narrow(user, qs, via="child").select_related("child__school_class__grade", "programme", "child__family")


def period_days(period: Period) -> list[dt.date]:
    """The custody days of a period: its working days by the shared calendar."""
    return calendar.working_days(period.start, period.end)


def eligibility_problem(programme: Programme, child: Child, on: dt.date | None = None) -> str | None:
    """Why this child may not apply to this programme, or None. A community programme admits the pupils who
    live there whatever school they attend, including those without a class in the registry (a school outside
    the county, home for the holidays) when they are of school age (S-11)."""
    if programme.school_id and child.school_id != programme.school_id:
        return f"该项目只面向{programme.school.name}的学生"
    if programme.community_id and child.family.community_id != programme.community_id:
        return f"该项目只面向居住在{programme.community.name}的儿童"
    if child.school_class_id:
        if child.school_class.grade.year not in programme.eligible_grades:
            return "孩子所在年级不在本项目招收范围内（毕业年级一般不招收）"
        return None
    if programme.community_id and rules.of_school_age(child.birth_date, on or timezone.localdate()):
        return None
    return "该项目只面向在读中小学生"


@dataclass
class ParentOffer:
    """An open programme a parent's child may join, and the child's live application to it if there is one."""

    programme: Programme
    application: Application | None


def open_programmes_for_parent(user) -> list[tuple[Child, list[ParentOffer]]]:
    """Each of the parent's children with the open programmes they may apply to: a programme the child has
    already applied to shows that application instead of an apply button."""
    children = list(scope.children(user).filter(guardianships__guardian__user=user)
                    .select_related("school", "school_class__grade", "family").distinct())
    live = {(a.child_id, a.programme_id): a for a in Application.objects.filter(
        child__in=children, state__in=[s for s in Application.State.values
                                       if s not in (Application.State.REJECTED, Application.State.WITHDRAWN)])}
    rows = []
    for child in children:
        programmes = Programme.objects.filter(status=Programme.Status.OPEN).filter(
            Q(school_id=child.school_id) | Q(community_id=child.family.community_id)).select_related("school", "community")
        rows.append((child, [ParentOffer(p, live.get((child.pk, p.pk))) for p in programmes
                             if eligibility_problem(p, child) is None]))
    return rows


def live_application(child: Child, programme: Programme) -> Application | None:
    return (Application.objects.filter(child=child, programme=programme)
            .exclude(state__in=[Application.State.REJECTED, Application.State.WITHDRAWN]).first())


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
    pickups = people.pickup_guardians(p.child_id for p in placements)
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


# How each applicant stands at the end of the chain, counted once per child (人) by their latest application.
OUTCOMES = [
    ("placed", "已安置", (Application.State.PLACED,)),
    ("waiting", "候补中", (Application.State.WAITING,)),
    ("pending", "审核中", (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED)),
    ("rejected", "未通过", (Application.State.REJECTED,)),
    ("withdrawn", "已撤回", (Application.State.WITHDRAWN,)),
]
_OUTCOME_OF = {state: key for key, _, states in OUTCOMES for state in states}
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
            return f"{a.region.name}人民政府", a.region.name
    for a in scope.assignments(user):
        if a.role == Role.COUNTY_EDU:
            return f"{a.region.name}教育局", a.region.name
        if a.role == Role.COUNTY_CIVIL:
            return f"{a.region.name}民政局", a.region.name
    return "系统管理员", "全部区域"


def venues_to_borrow(programme: Programme):
    """Sites a programme may borrow: every venue in the county that is not already one of its sites and does not
    belong to its own organiser (public venues, community rooms, other schools' rooms)."""
    county = programme.organiser_region.path.split("/")[1]
    return (Site.objects.filter(region__path__startswith=f"/{county}/").exclude(pk__in=programme.sites.values("pk"))
            .select_related("school", "region").order_by("kind", "name"))


@dataclass
class VenueRow:
    site: Site
    loan: VenueLoan | None  # when another body lends it


@dataclass
class ProgrammeOverview:
    periods: list[dict]
    venues: list[VenueRow]
    counts: list[tuple[str, str, int]]


def programme_overview(programme: Programme) -> ProgrammeOverview:
    """The programme page: periods with their custody days and groups, its venues (own and lent), applications
    by state."""
    periods = [{"period": p, "days": len(period_days(p)), "groups": list(p.groups.all())}
               for p in programme.periods.prefetch_related("groups__site")]
    loans = {loan.site_id: loan for loan in VenueLoan.objects.filter(programme=programme)}
    venues = [VenueRow(site, loans.get(site.pk)) for site in programme.sites.order_by("name")]
    counts = [(state, Application.State(state).label, n) for state, n in
              Application.objects.filter(programme=programme).values_list("state").annotate(n=Count("id")).order_by("state")]
    return ProgrammeOverview(periods=periods, venues=venues, counts=counts)


def organiser_choices(user) -> tuple[QuerySet, QuerySet]:
    """The schools and communities this user may organise programmes and surveys for."""
    schools = School.objects.none()
    communities = Region.objects.none()
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER:
            schools |= School.objects.filter(pk=a.school_id)
        elif a.role == Role.COMMUNITY_WORKER:
            communities |= Region.objects.filter(pk=a.region_id)
    if Role.ADMIN in scope.roles(user):
        schools, communities = School.objects.all(), Region.objects.filter(level=Region.Level.COMMUNITY)
    return schools, communities


# ---------------------------------------------------------------- the sign-up survey (报名摸底, C-21/C-22)

def organises_survey(user, survey: DemandSurvey) -> bool:
    """The school leader of its school, the community worker of its community, an administrator."""
    return DemandSurvey.objects.filter(permissions.organiser_q(user), pk=survey.pk).exists()


def surveys_overseen(user) -> QuerySet:
    """Surveys the user organises or oversees (township and county offices see those of their area)."""
    q = permissions.organiser_q(user)
    for a in scope.assignments(user):
        if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL):
            q |= Q(school__region__path__startswith=a.region.path) | Q(community__path__startswith=a.region.path)
    return DemandSurvey.objects.filter(q).select_related("school", "community")


def survey_children(survey: DemandSurvey) -> QuerySet:
    """Who the survey asks about: a school's pupils of the grades a holiday programme takes, or the school-age
    children living in a community."""
    if survey.school_id:
        return people.pupils_of(survey.school_id, rules.default_eligible_grades())
    born_after = dt.date(survey.opens.year - rules.SCHOOL_AGE[1] - 1, survey.opens.month, 1)
    born_before = dt.date(survey.opens.year - rules.SCHOOL_AGE[0], survey.opens.month, 28)
    return people.residents_of(survey.community_id).filter(birth_date__range=(born_after, born_before))


def may_offer_to_serve(user, survey: DemandSurvey) -> bool:
    for a in scope.assignments(user):
        if survey.school_id and a.role in (Role.CLASS_TEACHER, Role.SCHOOL_LEADER) and (
                a.school_id == survey.school_id or (a.school_class_id and a.school_class.school_id == survey.school_id)):
            return True
        if a.role == Role.VOLUNTEER and a.region_id and survey.organiser_region.path.startswith(
                a.region.parent.path if a.region.parent_id else a.region.path):
            return True
    return False


@dataclass
class SurveyFigures:
    """A survey's result: every figure in 人; asked = answered + not yet answered; need ≤ answered."""

    asked: int
    answered: int
    need: int
    lunch: int
    reasons: list[tuple[str, int]]
    priority: dict[str, int]
    by_grade: list[dict]
    teachers_willing: int
    teachers_declining: int

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered

    def as_report(self) -> dict:
        return {"asked": self.asked, "answered": self.answered, "need": self.need, "lunch": self.lunch,
                "reasons": self.reasons, "priority": self.priority, "by_grade": self.by_grade,
                "teachers_willing": self.teachers_willing, "teachers_declining": self.teachers_declining}


def survey_figures(survey: DemandSurvey) -> SurveyFigures:
    asked = survey_children(survey)
    answers = list(SurveyAnswer.objects.filter(survey=survey, child__in=asked)
                   .values_list("child_id", "needs_custody", "needs", "lunch"))
    needing = [a for a in answers if a[1]]
    reasons = Counter(Need(n).label for _, _, needs, _ in needing for n in needs if n in Need.values)
    need_ids = [a[0] for a in needing]
    by_grade = []
    if survey.school_id:
        grade_of = dict(asked.values_list("id", "school_class__grade__year"))
        answered_ids = {a[0] for a in answers}
        for year in rules.default_eligible_grades():
            ids = {cid for cid, y in grade_of.items() if y == year}
            by_grade.append({"grade": grade_label(year), "asked": len(ids), "answered": len(ids & answered_ids),
                             "need": len(ids & set(need_ids))})
    offers = dict(SurveyVolunteer.objects.filter(survey=survey).values_list("willing").annotate(n=Count("id")))
    return SurveyFigures(
        asked=asked.count(), answered=len(answers), need=len(needing), lunch=sum(1 for a in needing if a[3]),
        reasons=reasons.most_common(), priority=people.care_counts(asked.filter(pk__in=need_ids)),
        by_grade=by_grade, teachers_willing=offers.get(True, 0), teachers_declining=offers.get(False, 0),
    )


@dataclass
class OpenSurvey:
    survey: DemandSurvey
    children: list[tuple[Child, SurveyAnswer | None]]
    my_offer: SurveyVolunteer | None
    may_serve: bool


def open_surveys_for(user, today: dt.date) -> list[OpenSurvey]:
    """Surveys open today that ask about this parent's children, or that this teacher may answer."""
    rows = []
    own = list(people.children_of_login(user)) if Role.PARENT in scope.roles(user) else []
    for survey in DemandSurvey.objects.filter(opens__lte=today, closes__gte=today).select_related("school", "community"):
        mine = list(survey_children(survey).filter(pk__in=[c.pk for c in own]).order_by("pk")) if own else []
        may_serve = may_offer_to_serve(user, survey)
        if not mine and not may_serve:
            continue
        answers = {a.child_id: a for a in SurveyAnswer.objects.filter(survey=survey, child__in=mine)}
        rows.append(OpenSurvey(survey, [(c, answers.get(c.pk)) for c in mine],
                               SurveyVolunteer.objects.filter(survey=survey, staff=user).first(), may_serve))
    return rows


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

"""Programmes, their periods and venues, and who may apply to them."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tongxin.orgs import calendar, scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Region, Role, School, Site
from tongxin.people.models import Child

from .. import permissions, rules
from ..models import Application, Period, Placement, Programme, VenueLoan


def applications_for(user, programme: Programme | None = None) -> QuerySet:
    """Applications the user may see: through the child's scope (class teacher, school, community, parent)."""
    qs = Application.objects.all() if programme is None else Application.objects.filter(programme=programme)
    return scope.narrow(user, qs, via="child").select_related("child__school_class__grade", "programme", "child__family")


def period_days(period: Period) -> list[dt.date]:
    """The custody days of a period: its working days by the shared calendar."""
    return calendar.working_days(period.start, period.end)


def spans_days(spans: Mapping[int, tuple[dt.date, dt.date]]) -> dict[int, list[dt.date]]:
    """The custody days of many periods, given as id -> (start, end), from one read of the calendar."""
    if not spans:
        return {}
    exceptions = calendar.exceptions(min(s for s, _ in spans.values()), max(e for _, e in spans.values()))
    return {pk: calendar.working_days_in(start, end, exceptions) for pk, (start, end) in spans.items()}


def periods_days(periods: Iterable[Period]) -> dict[int, list[dt.date]]:
    """`period_days` of many periods in one query: period id -> its custody days."""
    return spans_days({p.pk: (p.start, p.end) for p in periods})


def eligibility_problem(programme: Programme, child: Child, on: dt.date | None = None) -> str | None:
    """Why this child may not apply to this programme, or None. A community programme admits the pupils who
    live there whatever school they attend, including those without a class in the registry (a school outside
    the county, home for the holidays) when they are of school age (S-11)."""
    if programme.school is not None and child.school_id != programme.school_id:
        return f"该项目只面向{programme.school.name}的学生"
    if programme.community is not None and child.family.community_id != programme.community_id:
        return f"该项目只面向居住在{programme.community.name}的儿童"
    if child.school_class is not None:
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


def venues_to_borrow(programme: Programme):
    """Sites a programme may borrow: every venue in the county that is not already one of its sites and does not
    belong to its own organiser (public venues, community rooms, other schools' rooms); never a childcare
    centre or point."""
    county = programme.organiser_region.path.split("/")[1]
    return (orgs.custody_venues().filter(region__path__startswith=f"/{county}/").exclude(pk__in=programme.sites.values("pk"))
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
    rows = list(programme.periods.prefetch_related("groups__site"))
    days = periods_days(rows)
    periods = [{"period": p, "days": len(days[p.pk]), "groups": list(p.groups.all())} for p in rows]
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
            schools |= School.objects.filter(pk__in=[a.school_id])
        elif a.role == Role.COMMUNITY_WORKER:
            communities |= Region.objects.filter(pk__in=[a.region_id])
    if Role.ADMIN in scope.roles(user):
        schools, communities = School.objects.all(), Region.objects.filter(level=Region.Level.COMMUNITY)
    return schools, communities


def placement_board(user, programme: Programme) -> list[dict]:
    """Per period: its placement runs, each group's children and the waiting list in draw order, as far as this
    user may see the children (the organiser all of them), and how many approved applications wait for a run."""
    manages = permissions.is_organiser(user, programme)
    periods = []
    for period in programme.periods.prefetch_related("groups", "runs"):
        qs = Placement.objects.filter(period=period)
        if not manages:
            qs = scope.narrow(user, qs, via="child")
        rows = list(qs.exclude(state=Placement.State.WITHDRAWN).select_related("child", "group", "application"))
        periods.append({
            "period": period,
            "runs": period.runs.all(),
            "groups": [(g, [r for r in rows if r.group_id == g.pk]) for g in period.groups.all()],
            "waiting": sorted((r for r in rows if r.state == Placement.State.WAITING),
                              key=lambda r: (r.application.tier, r.lottery_key)),
            "approved_unplaced": Application.objects.filter(programme=programme, periods=period,
                                                            state=Application.State.APPROVED)
            .exclude(placements__period=period).count(),
        })
    return periods


def holiday_placements(child_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, str]:
    """Children placed (not waiting, not withdrawn) in a custody period overlapping [start, end]: child id ->
    "programme name（period name）" of the earliest such period. For the care line's holiday handover lists."""
    found: dict[int, str] = {}
    rows = (Placement.objects.filter(child_id__in=list(child_ids), state=Placement.State.PLACED,
                                     period__start__lte=end, period__end__gte=start)
            .order_by("period__start").values_list("child_id", "period__programme__name", "period__name"))
    for child_id, programme, period in rows:
        found.setdefault(child_id, f"{programme}（{period}）")
    return found

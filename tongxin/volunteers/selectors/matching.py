"""Matching the pool to a need (a custody programme's duty, a child's pairing): by place (就近就熟就便, P-36),
skill, availability and the load already carried (read through care's and custody's selectors)."""

import datetime as dt
from dataclasses import dataclass

from tongxin.care.selectors import pairings as care
from tongxin.custody import selectors as custody
from tongxin.orgs import scope
from tongxin.orgs.models import Region

from .. import rules
from ..choices import State
from ..models import Check, Person


def home_community(user) -> int | None:
    """The first community of the searcher's own area (a community's worker: its own; a township's officer: its
    first; a school: the community it stands in), where a search starts."""
    for a in scope.assignments(user):
        region = a.region or (a.school.region if a.school is not None else None)
        if region is None:
            continue
        first = (Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=region.path)
                 .order_by("path").values_list("pk", flat=True).first())
        if first is not None:
            return first
    return None


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    source: str
    home: str
    skills: str
    place: str
    rank: int
    skill_hit: bool
    available: bool
    load: int
    times: str = ""  # when they can serve, e.g. "周二、周五；寒暑假；放学后"


def candidates(*, community: Region, on: dt.date, skill: str = "", weekday: str = "", holidays: bool = False,
               limit: int = 50) -> list[Candidate]:
    """The accepted people of the county with a current employment inquiry on `on`, best first
    (`rules.match_key`)."""
    county = community.path.strip("/").split("/")[0]
    people = list(Person.objects.filter(state=State.ACCEPTED, home__path__startswith=f"/{county}/")
                  .select_related("user", "home__parent").prefetch_related("areas"))
    checks: dict[int, list[rules.CheckRow]] = {p.pk: [] for p in people}
    for c in Check.objects.filter(person_id__in=checks):
        checks[c.person_id].append(rules.CheckRow(c.kind, c.result, c.checked_on, c.valid_until))
    people = [p for p in people if rules.check_problem(checks[p.pk], on) is None]
    ids = [p.user_id for p in people]
    pairings, shifts = care.running_counts(ids, on=on), custody.upcoming_counts(ids, since=on)
    skill = skill.strip()
    found = []
    for p in people:
        rank = rules.place_rank(community.path, p.home.path, [a.path for a in p.areas.all()])
        available = (not weekday or weekday in p.weekdays) and (not holidays or p.holidays)
        times = rules.availability_text(weekdays=p.weekdays, holidays=p.holidays, hours=p.hours)
        found.append(Candidate(p.pk, p.user.display_name, p.get_source_display(),
                               f"{p.home.parent.name if p.home.parent else ''}{p.home.name}", p.skills,
                               rules.place_label(rank, lives_there=p.home.path == community.path), rank,
                               bool(skill) and skill in p.skills, available,
                               pairings.get(p.user_id, 0) + shifts.get(p.user_id, 0), times))
    found.sort(key=lambda c: rules.match_key(rank=c.rank, skill_hit=c.skill_hit, available=c.available, load=c.load,
                                             name=c.name))
    return found[:limit]

"""Reads of the pool. `check_refusal` is what care's pairings and custody's roster ask before a person works with
children."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Value, When

from tongxin.orgs import scope

from .. import rules
from ..choices import LetterKind, State, TrainingPhase
from ..models import Check, Letter, Person, PoolRule, Training


def _rows(person_id: int) -> list[rules.CheckRow]:
    return [rules.CheckRow(c.kind, c.result, c.checked_on, c.valid_until)
            for c in Check.objects.filter(person_id=person_id)]


def check_refusal(*, user_id: int, on: dt.date, needs_health: bool = False) -> str | None:
    """Why this login may not be paired with a child or rostered with children on `on` (in Chinese), or None."""
    person = Person.objects.filter(user_id=user_id).select_related("user").first()
    if person is None:
        return "未登记在志愿者（师资）库，须登记并完成入职查询后才能服务儿童"
    name = person.user.display_name
    if person.state != State.ACCEPTED:
        return f"{name}尚未通过志愿者（师资）库审核"
    problem = rules.check_problem(_rows(person.pk), on, needs_health=needs_health)
    return f"{name}{problem}" if problem else None


@dataclass(frozen=True)
class PoolRow:
    id: int
    name: str
    source: str
    home: str
    skills: str
    state: str
    state_label: str
    check: str | None  # the refusal today, None when the checks are current


POOL_PER_PAGE = 20


def _pool_qs(user, *, state: str, name: str):
    waiting_first = Case(When(state=State.PENDING, then=Value(0)), When(state=State.ACCEPTED, then=Value(1)),
                         default=Value(2))
    qs = (Person.objects.filter(scope.volunteer_pool_q(user)).distinct().select_related("user", "home__parent")
          .annotate(waiting_first=waiting_first).order_by("waiting_first", "home__path", "user__real_name", "pk"))
    if state:
        qs = qs.filter(state=state)
    if name:
        qs = qs.filter(user__real_name__contains=name)
    return qs


def _pool_rows(people: list[Person], on: dt.date) -> list[PoolRow]:
    checks: dict[int, list[rules.CheckRow]] = {p.pk: [] for p in people}
    for c in Check.objects.filter(person_id__in=checks):
        checks[c.person_id].append(rules.CheckRow(c.kind, c.result, c.checked_on, c.valid_until))
    return [PoolRow(p.pk, p.user.display_name, p.get_source_display(), f"{p.home.parent.name if p.home.parent else ''}"
                    f"{p.home.name}", p.skills, p.state, p.get_state_display(),
                    rules.check_problem(checks[p.pk], on)) for p in people]


def pool(user, *, state: str = "", name: str = "", on: dt.date, limit: int = 200) -> list[PoolRow]:
    return _pool_rows(list(_pool_qs(user, state=state, name=name)[:limit]), on)


def pool_page(user, *, state: str = "", name: str = "", on: dt.date, number: str | None) -> tuple[Page, list[PoolRow]]:
    """One page of the pool (pending first, then by place and name), twenty at a time, with its rows."""
    page = Paginator(_pool_qs(user, state=state, name=name), POOL_PER_PAGE).get_page(number)
    return page, _pool_rows(list(page.object_list), on)


def counts(user) -> dict[str, int]:
    qs = Person.objects.filter(scope.volunteer_pool_q(user)).distinct()
    return {s: qs.filter(state=s).count() for s in State.values}


def own(user) -> Person | None:
    return Person.objects.filter(user=user).select_related("home", "school").first()


@dataclass(frozen=True)
class Newcomer:
    """Where a person stands against the county's newcomer rule (P-39) and the letters (C-25)."""

    training_hours: Decimal
    training_needed: Decimal
    services_done: int
    services_before_alone: int
    letters: dict[str, dt.datetime]  # kind -> last signed at
    problems: list[str]

    @property
    def may_work_alone(self) -> bool:
        return not self.problems


def rule_for(person: Person) -> tuple[Decimal, int]:
    return county_rule(person.home.path.strip("/").split("/")[0])


def county_rule(county_code: str) -> tuple[Decimal, int]:
    """The county's newcomer rule (training hours before service, services alongside before working alone); the
    defaults until the county sets its own."""
    found = PoolRule.objects.filter(county__code=county_code).first()
    if found is None:
        return rules.DEFAULT_TRAINING_HOURS_BEFORE, rules.DEFAULT_SERVICES_BEFORE_ALONE
    return found.training_hours_before, found.services_before_alone


def newcomer(person: Person, *, on: dt.date) -> Newcomer:
    from .hours import services_of  # reads custody and care: imported when asked, not when they import us

    needed, before_alone = rule_for(person)
    trained = sum((t.hours for t in Training.objects.filter(person=person, phase=TrainingPhase.BEFORE,
                                                            held_on__lte=on)), Decimal(0))
    done = len(services_of([person.user_id], until=on)[person.user_id])
    letters: dict[str, dt.datetime] = {}
    for letter in Letter.objects.filter(person=person).order_by("signed_at"):
        letters[letter.kind] = letter.signed_at
    problems = [p for p in (rules.training_problem(hours_before=trained, required=needed),
                            rules.alone_problem(services_done=done, services_before_alone=before_alone)) if p]
    problems += [f"尚未签署{label}" for kind, label in LetterKind.choices if kind not in letters]
    return Newcomer(trained, needed, done, before_alone, letters, problems)

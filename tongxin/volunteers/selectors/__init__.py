"""Reads of the pool. `check_refusal` is what care's pairings and custody's roster ask before a person works with
children."""

import datetime as dt
from dataclasses import dataclass

from tongxin.orgs import scope

from .. import rules
from ..choices import State
from ..models import Check, Person


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


def pool(user, *, state: str = "", on: dt.date, limit: int = 200) -> list[PoolRow]:
    qs = (Person.objects.filter(scope.volunteer_pool_q(user)).distinct()
          .select_related("user", "home__parent").order_by("state", "home__path", "user__real_name"))
    if state:
        qs = qs.filter(state=state)
    people = list(qs[:limit])
    checks: dict[int, list[rules.CheckRow]] = {p.pk: [] for p in people}
    for c in Check.objects.filter(person_id__in=checks):
        checks[c.person_id].append(rules.CheckRow(c.kind, c.result, c.checked_on, c.valid_until))
    return [PoolRow(p.pk, p.user.display_name, p.get_source_display(), f"{p.home.parent.name if p.home.parent else ''}"
                    f"{p.home.name}", p.skills, p.state, p.get_state_display(),
                    rules.check_problem(checks[p.pk], on)) for p in people]


def counts(user) -> dict[str, int]:
    qs = Person.objects.filter(scope.volunteer_pool_q(user)).distinct()
    return {s: qs.filter(state=s).count() for s in State.values}


def own(user) -> Person | None:
    return Person.objects.filter(user=user).select_related("home", "school").first()

"""Service and hours: every duty signed in a custody programme and every care contact recorded counts towards a
person's volunteer hours (read through custody's and care's selectors)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from tongxin.care.selectors import pairings as care
from tongxin.custody import selectors as custody
from tongxin.orgs import scope

from .. import rules
from ..choices import State
from ..models import Person

CARE = "关爱帮扶"


@dataclass(frozen=True)
class Service:
    day: dt.date
    kind: str  # 托管值班 / 关爱帮扶
    where: str
    hours: Decimal


def services_of(user_ids: list[int], *, until: dt.date | None = None) -> dict[int, list[Service]]:
    found: dict[int, list[Service]] = {u: [] for u in user_ids}
    for d in custody.signed_duties(user_ids, until=until):
        found[d.user_id].append(Service(d.date, "托管值班", f"{d.organiser} {d.programme}", d.hours))
    for user_id, day in care.contacts_by(user_ids, until=until):
        found[user_id].append(Service(day, CARE, "结对关爱", rules.CONTACT_HOURS))
    for rows in found.values():
        rows.sort(key=lambda s: s.day)
    return found


def total(rows: list[Service]) -> Decimal:
    return sum((s.hours for s in rows), Decimal(0))


@dataclass(frozen=True)
class AreaHours:
    area: str
    people: int
    serving: int
    services: int
    hours: Decimal


@dataclass(frozen=True)
class HoursTable:
    by: str  # what a row is: the township people live in, or their community when all live in one township
    rows: list[AreaHours]
    total: AreaHours


def area_totals(user, *, until: dt.date | None = None) -> HoursTable:
    """The accepted people of the user's pool by the township they live in (by community when they all live in
    one township, as a community's or a school's pool does): how many, how many served, the services and hours;
    with the total."""
    people = list(Person.objects.filter(scope.volunteer_pool_q(user), state=State.ACCEPTED).distinct()
                  .select_related("home__parent").order_by("home__path"))
    services = services_of([p.user_id for p in people], until=until)
    by_township = len({p.home.parent_id for p in people}) > 1
    per: dict[str, list] = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    for p in people:
        name = p.home.parent.name if by_township and p.home.parent else p.home.name
        row, mine = per[name], services[p.user_id]
        row[0] += 1
        row[1] += 1 if mine else 0
        row[2] += len(mine)
        row[3] += total(mine)
    rows = [AreaHours(name, *values) for name, values in per.items()]
    whole = AreaHours("合计", sum(r.people for r in rows), sum(r.serving for r in rows),
                      sum(r.services for r in rows), sum((r.hours for r in rows), Decimal(0)))
    return HoursTable("乡镇（街道）" if by_township else "居住社区（村）", rows, whole)


@dataclass(frozen=True)
class LedgerRow:
    name: str
    source: str
    home: str
    services: int
    hours: Decimal


def ledger(user, *, until: dt.date | None = None) -> dict[str, list[LedgerRow]]:
    """Per organisation served (a custody programme's organiser, or care's pairings), the people of the user's
    pool who served there, their services and hours."""
    people = list(Person.objects.filter(scope.volunteer_pool_q(user), state=State.ACCEPTED).distinct()
                  .select_related("user", "home").order_by("home__path", "user__real_name"))
    services = services_of([p.user_id for p in people], until=until)
    book: dict[str, list[LedgerRow]] = defaultdict(list)
    for p in people:
        per: dict[str, list[Service]] = defaultdict(list)
        for s in services[p.user_id]:
            per[CARE if s.kind == CARE else s.where.split(" ")[0]].append(s)
        for org, rows in per.items():
            book[org].append(LedgerRow(p.user.display_name, p.get_source_display(), p.home.name, len(rows), total(rows)))
    return dict(sorted(book.items()))

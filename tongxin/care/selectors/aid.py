"""Reads of aid (P-62, P-63): the records the user may see, each school's shares against the guide, aid by care
category for townships and the county, one donation receipt."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Sum
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, User
from tongxin.people import selectors as people

from .. import aid_rules
from ..aid_models import AidKind, AidRecord
from ..choices import Category
from ..models import CareFile
from .picker import child_labels

PAGE_SIZE = 30
OVERSEERS = frozenset({Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL})


@dataclass(frozen=True)
class AidRow:
    pk: int
    child: str
    where: str
    kind: str
    donor: str
    what: str
    amount: Decimal
    given_on: dt.date
    receipt_no: str


@dataclass(frozen=True)
class SchoolShares:
    school: str
    shares: aid_rules.Shares


@dataclass(frozen=True)
class CategoryRow:
    category: str
    kind: str
    children: int
    amount: Decimal


@dataclass
class AidPage:
    year: tuple[dt.date, dt.date]
    rows: list[AidRow]
    page: Page
    schools: list[SchoolShares] = field(default_factory=list)
    by_category: list[CategoryRow] = field(default_factory=list)


def visible(user: User):
    return AidRecord.objects.filter(scope.care_ledger_q(user, prefix="child__"))


def school_shares(user: User, year: tuple[dt.date, dt.date]) -> list[SchoolShares]:
    """Each school in the user's area: its pupils aided with cash and with material in the school year."""
    schools = orgs.schools_in_area(user)
    given = (AidRecord.objects.filter(school__in=schools, given_on__range=year, kind__in=[AidKind.CASH,
                                                                                           AidKind.MATERIAL])
             .values_list("school_id", "kind", "child_id").distinct())
    aided: dict[tuple[int, str], set[int]] = defaultdict(set)
    for school_id, kind, child_id in given:
        aided[(school_id, kind)].add(child_id)
    enrolled = people.enrolled_counts([s.pk for s in schools])
    return [SchoolShares(s.name, aid_rules.shares(enrolled.get(s.pk, 0), aided[(s.pk, AidKind.CASH)],
                                                  aided[(s.pk, AidKind.MATERIAL)])) for s in schools]


def _by_category(user: User, year: tuple[dt.date, dt.date]) -> list[CategoryRow]:
    rows = (visible(user).filter(given_on__range=year).values("child_id", "kind")
            .annotate(amount=Sum("amount")))
    categories = dict(CareFile.objects.filter(child_id__in={r["child_id"] for r in rows})
                      .values_list("child_id", "category"))
    table: dict[tuple[str, str], tuple[set[int], Decimal]] = {}
    for r in rows:
        category = categories.get(r["child_id"], Category.NONE)
        key = (category, r["kind"])
        children, amount = table.get(key, (set(), Decimal("0")))
        children.add(r["child_id"])
        table[key] = (children, amount + (r["amount"] or Decimal("0")))
    order = [Category.LEFT_BEHIND, Category.VULNERABLE, Category.MIGRANT, Category.NONE]
    return [CategoryRow("其他儿童" if cat == Category.NONE else Category(cat).label, AidKind(kind).label,
                        len(children), amount)
            for (cat, kind), (children, amount) in sorted(table.items(), key=lambda item: (
                order.index(Category(item[0][0])), AidKind.values.index(item[0][1])))]


def aid_page(user: User, *, today: dt.date, child_id: int | None = None, page: int = 1) -> AidPage:
    year = aid_rules.school_year(today)
    found = visible(user).order_by("-given_on", "-pk")
    if child_id is not None:
        found = found.filter(child_id=child_id)
    paged = Paginator(found, PAGE_SIZE).get_page(page)
    records = list(paged.object_list)
    labels = child_labels([r.child_id for r in records])
    rows = [AidRow(r.pk, *labels.get(r.child_id, ("", "")), r.get_kind_display(), r.donor, r.what, r.amount,
                   r.given_on, r.receipt_no) for r in records]
    result = AidPage(year=year, rows=rows, page=paged)
    roles = scope.roles(user)
    if roles & (OVERSEERS | {Role.SCHOOL_LEADER}):
        result.schools = school_shares(user, year)
    if roles & OVERSEERS:
        result.by_category = _by_category(user, year)
    return result


@dataclass(frozen=True)
class Receipt:
    record: AidRecord
    child: str
    school: str


def receipt(user: User, aid_id: int) -> Receipt:
    found = visible(user).select_related("school", "recorded_by").filter(pk=aid_id).first()
    if found is None:
        if AidRecord.objects.filter(pk=aid_id).exists():
            raise PermissionDenied("无权查看该资助记录")
        raise Http404("未找到该资助记录")
    if not found.receipt_no:
        raise Http404("该资助无需开具捐赠收据（200 元以下或政策性资助）")
    name = child_labels([found.child_id]).get(found.child_id, ("", ""))[0]
    return Receipt(found, name, found.school.name if found.school else "")


def children_aided(user: User) -> int:
    return visible(user).aggregate(n=Count("child_id", distinct=True))["n"]

"""A centre's month for its bills (N-11): what each child owes, computed by `rules.bill_for_month` from the
contracts and bookings, the prices and subsidies in force, and the registry's household facts; the bills issued,
for the manager's page, the parents' and the Excel export."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from tongxin.orgs.calendar import working_days
from tongxin.people import selectors as people
from tongxin.web.downloads import Table

from .. import rules
from ..choices import SubsidyKind
from ..models import Bill, Booking, Centre, Contract, Price, Subsidy


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def _county_path(centre: Centre) -> str:
    return "/" + centre.site.region.path.strip("/").split("/")[0] + "/"


@dataclass
class MonthInputs:
    centre: Centre
    month: dt.date
    month_days: list[dt.date]
    names: dict[int, str]
    births: dict[int, dt.date]
    contracts: dict[int, list[rules.ContractTerm]]
    bookings: dict[int, list[rules.BookingTerm]]
    prices: list[rules.PriceRow]
    county_prices: list[rules.PriceRow]
    per_child: Decimal | None
    hardship_percent: Decimal | None
    hardship: set[int]

    def draft(self, child_id: int) -> rules.BillDraft:
        return rules.bill_for_month(
            month_days=self.month_days, birth=self.births[child_id], contracts=self.contracts.get(child_id, []),
            bookings=self.bookings.get(child_id, []), prices=self.prices, county_prices=self.county_prices,
            affordable=self.centre.affordable, per_child=self.per_child, hardship_percent=self.hardship_percent,
            hardship=child_id in self.hardship)

    @property
    def child_ids(self) -> list[int]:
        return sorted(set(self.contracts) | set(self.bookings), key=lambda pk: (self.names.get(pk, ""), pk))


def month_inputs(centre: Centre, month: dt.date) -> MonthInputs:
    first, last = month_bounds(month)
    days = working_days(first, last)
    contracts: dict[int, list[rules.ContractTerm]] = defaultdict(list)
    for c in (Contract.objects.filter(centre=centre, state=Contract.State.ACTIVE, starts_on__lte=last)
              .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first)).select_related("room")):
        if rules.month_share(days, c.starts_on, c.ends_on):
            contracts[c.child_id].append(rules.ContractTerm(
                c.care_type, c.starts_on, c.ends_on, rules.extended_minutes(c.span, centre.closes) > 0, c.room.name))
    bookings: dict[int, list[rules.BookingTerm]] = defaultdict(list)
    for b in Booking.objects.filter(centre=centre, state=Booking.State.BOOKED, day__range=(first, last)):
        bookings[b.child_id].append(rules.BookingTerm(b.day, b.span, centre.closes))
    ids = set(contracts) | set(bookings)
    county = _county_path(centre)
    own_subsidies = [rules.SubsidyRow(s.kind, s.amount, s.effective_from) for s in Subsidy.objects.filter(centre=centre)]
    county_subsidies = [rules.SubsidyRow(s.kind, s.amount, s.effective_from)
                        for s in Subsidy.objects.filter(region__path=county, centre__isnull=True)]
    facts = people.household_facts(ids)
    return MonthInputs(
        centre=centre, month=first, month_days=days,
        names=dict(people.children_by_ids(ids).values_list("pk", "name")),
        births={pk: f.birth_date for pk, f in facts.items()}, contracts=dict(contracts), bookings=dict(bookings),
        prices=[rules.PriceRow(p.item, p.band, p.amount, p.effective_from) for p in Price.objects.filter(centre=centre)],
        county_prices=[rules.PriceRow(p.item, p.band, p.amount, p.effective_from)
                       for p in Price.objects.filter(region__path=county, centre__isnull=True)],
        per_child=rules.subsidy_on(own_subsidies, county_subsidies, SubsidyKind.PER_CHILD, first),
        hardship_percent=rules.subsidy_on(own_subsidies, county_subsidies, SubsidyKind.HARDSHIP, first),
        hardship={pk for pk, f in facts.items() if f.low_income or f.extreme_poverty})


@dataclass(frozen=True)
class BillRow:
    pk: int
    child_id: int
    child: str
    fees: Decimal
    subsidy: Decimal
    reduction: Decimal
    due: Decimal
    paid: bool
    issued_at: dt.datetime
    paid_at: dt.datetime | None
    lines: list[dict]


def _row(b: Bill) -> BillRow:
    return BillRow(b.pk, b.child_id, b.child.name, b.fees, b.subsidy, b.reduction, b.due, b.state == Bill.State.PAID,
                   b.issued_at, b.paid_at, b.lines)


@dataclass
class BillsPage:
    centre: Centre
    month: dt.date
    rows: list[BillRow]
    waiting: int  # children owing something this month with no bill issued yet
    fees: Decimal
    subsidy: Decimal
    reduction: Decimal
    due: Decimal
    paid: Decimal

    @property
    def unpaid(self) -> Decimal:
        return self.due - self.paid


def bills_page(centre: Centre, month: dt.date) -> BillsPage:
    first, _ = month_bounds(month)
    bills = list(Bill.objects.filter(centre=centre, month=first).select_related("child")
                 .order_by("child__initials", "pk"))
    rows = [_row(b) for b in bills]
    billed = {r.child_id for r in rows}
    inputs = month_inputs(centre, first)
    zero = Decimal("0.00")
    return BillsPage(
        centre=centre, month=first, rows=rows, waiting=len([pk for pk in inputs.child_ids if pk not in billed]),
        fees=sum((r.fees for r in rows), zero), subsidy=sum((r.subsidy for r in rows), zero),
        reduction=sum((r.reduction for r in rows), zero), due=sum((r.due for r in rows), zero),
        paid=sum((r.due for r in rows if r.paid), zero))


BILL_FILTERS = {"unpaid": "未缴费", "paid": "已缴费", "all": "全部"}


def bills_shown(page: BillsPage, *, show: str, name: str) -> list[BillRow]:
    """The bills a manager asked to see: unpaid, paid or all, and those whose child's name contains `name`."""
    rows = [r for r in page.rows if show == "all" or r.paid == (show == "paid")]
    name = name.strip()
    return [r for r in rows if name in r.child] if name else rows


def bills_of_children(child_ids: list[int], *, months: int = 6) -> list[tuple[str, BillRow]]:
    """The latest bills of these children (a parent's own), with the centre's name, newest first."""
    found = Bill.objects.filter(child_id__in=child_ids).select_related("child", "centre__site").order_by(
        "-month", "child_id")[:months * max(len(child_ids), 1)]
    return [(f"{b.centre.name} {b.month.year}年{b.month.month}月", _row(b)) for b in found]


def bills_table(page: BillsPage) -> Table:
    """The month's bills as a sheet: one row a child, the lines folded into one cell."""
    rows = [[r.child, float(r.fees), float(r.subsidy), float(r.reduction), float(r.due), "已缴费" if r.paid else "未缴费",
             f"{r.paid_at:%Y-%m-%d}" if r.paid_at else "",
             "；".join(f"{line['label']} {line['amount']}" for line in r.lines)] for r in page.rows]
    title = f"{page.centre.name} {page.month.year}年{page.month.month}月托育费"
    notes = [f"应收 {page.fees} 元，补贴 {page.subsidy} 元，减免 {page.reduction} 元，家长应缴 {page.due} 元，"
             f"已缴 {page.paid} 元，未缴 {page.unpaid} 元"]
    return Table(sheet=f"{page.month.year}年{page.month.month}月", title=title, notes=notes,
                 headers=["幼儿", "应收（元）", "补贴（元）", "减免（元）", "家长应缴（元）", "状态", "缴费日期", "明细"],
                 rows=rows, widths={7: 80})

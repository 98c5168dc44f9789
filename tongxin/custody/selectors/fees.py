"""Bills, exemptions and the school's hardship certificates."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from tongxin.people.models import Child

from .. import rules
from ..models import Application, FeeExemption, HardshipCertificate, Placement, Programme
from .programmes import applications_for, periods_days


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
        days_of = {pk: len(days) for pk, days in periods_days(programme.periods.all()).items()}
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


def _no_fees() -> dict:
    return {"children": 0, "care_fee": Decimal("0"), "lunch_fee": Decimal("0"), "exemption": Decimal("0"),
            "total": Decimal("0"), "exempted_children": 0, "entitled_children": 0}


def fee_totals(programmes: Iterable[Programme], days_of: Mapping[int, int],
               placed_by_lunch: Mapping[tuple[int, int, bool], int] | None = None) -> dict[int, dict]:
    """The totals of `_bills` (every placed child's bill, no child shown) for many programmes in three grouped
    queries: programme id -> totals. `days_of` maps each of their period ids to its number of custody days;
    `placed_by_lunch`, when the caller has counted them, maps (programme, period, lunch) to placed children.

    Care and lunch fees are days × price (exact in cents), so they are summed per period and lunch choice; only
    an exemption is rounded per child, so only the children with an approved exemption are read one by one."""
    by_pk = {p.pk: p for p in programmes}
    totals = {pk: _no_fees() for pk in by_pk}
    placed = Placement.objects.filter(state=Placement.State.PLACED, application__programme__in=list(by_pk)).order_by()
    if placed_by_lunch is None:
        placed_by_lunch = {(pid, period_id, lunch): n for pid, period_id, lunch, n in (
            placed.values_list("application__programme", "period", "application__lunch").annotate(n=Count("id")))}
    for (pid, period_id, lunch), n in placed_by_lunch.items():
        p, t = by_pk[pid], totals[pid]
        days = days_of[period_id] * n
        t["care_fee"] += p.fee_per_day * days
        if lunch:
            t["lunch_fee"] += p.lunch_price * days
    approved = Q(application__exemption__state=FeeExemption.State.APPROVED)
    for pid, children, exempted, entitled in placed.values_list("application__programme").annotate(
            children=Count("application", distinct=True), exempted=Count("application", distinct=True, filter=approved),
            entitled=Count("application", distinct=True,
                           filter=Q(application__exemption__basis=FeeExemption.Basis.ENTITLEMENT))):
        totals[pid].update(children=children, exempted_children=exempted, entitled_children=entitled)
    exempt: dict[int, list] = defaultdict(lambda: [0, 0, 0, False])  # application -> programme, percent, days, lunch
    for app_id, pid, percent, period_id, lunch in placed.filter(approved).values_list(
            "application", "application__programme", "application__exemption__percent", "period", "application__lunch"):
        row = exempt[app_id]
        row[0], row[1], row[3] = pid, percent, lunch
        row[2] += days_of[period_id]
    for pid, percent, days, lunch in exempt.values():
        p = by_pk[pid]
        totals[pid]["exemption"] += rules.bill(days, p.fee_per_day, days if lunch else 0, p.lunch_price, percent).exemption
    for t in totals.values():
        if t["children"]:  # in cents, as `_bills` sums them (exact: prices in cents × whole days)
            for key in ("care_fee", "lunch_fee", "exemption"):
                t[key] = t[key].quantize(rules.CENT)
        t["total"] = t["care_fee"] - t["exemption"] + t["lunch_fee"]
    return totals


def fee_report(user, programme: Programme) -> tuple[list[BillRow], dict]:
    """Bills of the placed children this user may see."""
    return _bills(programme, applications_for(user, programme))


def fees_due(programme: Programme) -> Decimal:
    """What the families of all the programme's placed children owe (the 收费 page's 应收合计), whoever reads it."""
    return _bills(programme, Application.objects.filter(programme=programme))[1]["total"]


def hardship_certificates(child: Child) -> QuerySet:
    return HardshipCertificate.objects.filter(child=child).select_related("certified_by")


def pending_exemptions(user, programme: Programme) -> QuerySet:
    """Reduction requests of this programme waiting for the organiser, for the children this user may see."""
    return FeeExemption.objects.filter(application__in=applications_for(user, programme),
                                       state=FeeExemption.State.REQUESTED).select_related("application__child")

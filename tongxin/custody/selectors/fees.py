"""Bills, exemptions and the school's hardship certificates."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from tongxin.people.models import Child

from .. import rules
from ..models import Application, FeeExemption, HardshipCertificate, Placement, Programme
from .programmes import applications_for, period_days


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


def hardship_certificates(child: Child) -> QuerySet:
    return HardshipCertificate.objects.filter(child=child).select_related("certified_by")


def pending_exemptions(user, programme: Programme) -> QuerySet:
    """Reduction requests of this programme waiting for the organiser, for the children this user may see."""
    return FeeExemption.objects.filter(application__in=applications_for(user, programme),
                                       state=FeeExemption.State.REQUESTED).select_related("application__child")

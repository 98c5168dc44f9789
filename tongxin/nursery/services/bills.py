"""Monthly bills (N-11): issued by the centre's manager for a month (each child's, computed by
`rules.bill_for_month`; an unpaid bill issued again is brought up to date, a paid one stays as it was paid), then
marked paid when the family pays."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access
from ..models import Bill, Centre
from ..selectors.bills import month_inputs

A = AuditEntry.Action


@transaction.atomic
def bills_issue(actor: User, *, centre_id: int, month: dt.date, today: dt.date, now: dt.datetime) -> int:
    """Issue (or bring up to date) the month's bills of every child in care or booked at the centre that month.
    Refused while anything charged has no price. Returns how many bills were written."""
    centre = Centre.objects.select_for_update().filter(pk=centre_id).select_related("site__region").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre, "只有本托育机构的负责人可以开具账单")
    first = month.replace(day=1)
    if first > today.replace(day=1):
        raise ValidationError("不能开具以后月份的账单")
    if first.year < today.year - 1:
        raise ValidationError("只能开具近两年的账单")
    inputs = month_inputs(centre, first)
    drafts = {pk: inputs.draft(pk) for pk in inputs.child_ids}
    missing = sorted({item for d in drafts.values() for item in d.missing})
    if missing:
        raise ValidationError(f"以下收费项目尚未定价，请先在“收费标准”中设置：{'、'.join(missing)}")
    existing = {b.child_id: b for b in Bill.objects.select_for_update().filter(centre=centre, month=first)}
    written = 0
    for child_id, draft in drafts.items():
        bill = existing.get(child_id)
        if bill is not None and bill.state == Bill.State.PAID:
            continue
        bill = bill or Bill(centre=centre, child_id=child_id, month=first)
        bill.lines = [line.as_json() for line in draft.lines]
        bill.fees, bill.subsidy, bill.reduction, bill.due = draft.fees, draft.subsidy, draft.reduction, draft.due
        bill.issued_at, bill.issued_by = now, actor
        bill.save()
        written += 1
    record(actor, A.UPDATE, centre, reason=f"开具{first.year}年{first.month}月托育费账单 {written} 份")
    return written


@transaction.atomic
def bill_mark_paid(actor: User, *, bill_id: int, now: dt.datetime) -> Bill:
    bill = Bill.objects.select_for_update().select_related("centre__site", "child").filter(pk=bill_id).first()
    if bill is None:
        raise ValidationError("未找到该账单")
    access.require_manager(actor, bill.centre, "只有本托育机构的负责人可以登记缴费")
    if bill.state == Bill.State.PAID:
        raise ValidationError("该账单已登记缴费")
    bill.state, bill.paid_at, bill.paid_by = Bill.State.PAID, now, actor
    bill.save(update_fields=["state", "paid_at", "paid_by"])
    record(actor, A.UPDATE, bill, fields=["state"], reason=f"登记缴费 {bill.due} 元")
    return bill

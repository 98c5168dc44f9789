"""Monthly bills."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.web.downloads import tables_book, xlsx_download
from tongxin.web.feedback import attempt

from .. import access, forms
from ..models import Bill
from ..selectors import bills as bill_sel
from ..services import bills as bill_svc

# ---------------------------------------------------------------- bills


def _month(request) -> dt.date:
    form = forms.MonthForm({"month": request.GET.get("month", "")})
    if form.is_valid() and form.cleaned_data["month"]:
        return form.cleaned_data["month"]
    if request.GET.get("month"):
        messages.error(request, "月份格式应为 YYYY-MM，已显示本月")
    return timezone.localdate().replace(day=1)


BILLS_PER_PAGE = 20


@login_required
def bills(request, centre_id: int):
    """托育费账单: the month's bills, issued (or brought up to date) by the manager, marked paid, exported."""
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以查看账单")
    month = _month(request)
    if request.method == "POST":
        written = attempt(request, bill_svc.bills_issue, request.user, centre_id=found.pk, month=month,
                          today=timezone.localdate(), now=timezone.now())
        if written is not None:
            messages.success(request, f"已开具（更新）{written} 份账单")
        return redirect(f"{request.path}?month={month:%Y-%m}")
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    page = bill_sel.bills_page(found, month)
    form = forms.BillFilterForm(request.GET)
    wanted = form.cleaned_data if form.is_valid() else {"show": "", "name": ""}
    show = wanted["show"] or ("unpaid" if page.unpaid else "all")
    shown = bill_sel.bills_shown(page, show=show, name=wanted["name"])
    return render(request, "nursery/bills.html", {
        "centre": found, "page": page, "prev": prev, "next": nxt if nxt <= timezone.localdate() else None,
        "filters": bill_sel.BILL_FILTERS, "show": show, "name": wanted["name"],
        "shown": Paginator(shown, BILLS_PER_PAGE).get_page(request.GET.get("page"))})


@login_required
def bills_xlsx(request, centre_id: int):
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以导出账单")
    month = _month(request)
    page = bill_sel.bills_page(found, month)
    record(request.user, AuditEntry.Action.EXPORT, found, reason=f"导出{month.year}年{month.month}月托育费账单")
    return xlsx_download(tables_book([bill_sel.bills_table(page)]),
                         f"{found.name}{month.year}年{month.month}月托育费.xlsx")


@login_required
@require_POST
def bill_paid(request, bill_id: int):
    bill = Bill.objects.filter(pk=bill_id).select_related("centre").first()
    if bill is None:
        raise Http404("未找到该账单")
    access.require_manager(request.user, bill.centre, "只有本托育机构的负责人可以登记缴费")
    attempt(request, bill_svc.bill_mark_paid, request.user, bill_id=bill.pk, now=timezone.now(),
            success="已登记缴费")
    return redirect(f"/nursery/centres/{bill.centre_id}/bills/?month={bill.month:%Y-%m}")

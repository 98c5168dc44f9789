"""Fees, waivers as of right and exemptions."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tongxin.web.redirects import safe_next

from .. import permissions, rules, selectors, services
from ..forms import ExemptionDecisionForm, ExemptionRequestForm, HardshipForm, form_errors
from ..models import FeeExemption
from ._base import PAGE_SIZE, attempt, overseen_programme


def _post(request, programme):
    action = request.POST.get("action", "decide")
    if action == "certify":
        form = HardshipForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return
        d = form.cleaned_data
        application = selectors.applications_for(request.user, programme).filter(pk=d["application"]).first()
        if application is None:
            messages.error(request, "找不到该儿童的报名")
            return
        attempt(request, services.certify_hardship, request.user, application.child, school_year=d["school_year"],
                note=d["note"], success=f"{application.child.name}：已认定家庭经济困难，托管费依规全免")
        return
    form = ExemptionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return
    d = form.cleaned_data
    exemption = get_object_or_404(FeeExemption, pk=d["exemption"], application__programme=programme)
    attempt(request, services.decide_exemption, request.user, exemption, approve=d["decision"] == "approve",
            percent=d["percent"], success="已审批减免")


@login_required
def fees(request, programme_id):
    programme = overseen_programme(request, programme_id)
    permissions.require_records_reader(request.user, programme)
    if request.method == "POST":
        _post(request, programme)
        return redirect("custody:fees", programme.pk)
    all_rows, totals = selectors.fee_report(request.user, programme)
    page = Paginator(all_rows, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = page.object_list
    pending = selectors.pending_exemptions(request.user, programme)
    first = programme.periods.order_by("start").first()
    certifiable = {r.application.pk for r in rows if not r.entitled
                   and permissions.can_certify_hardship(request.user, r.application.child)}
    return render(request, "custody/fees.html", {
        "programme": programme, "rows": rows, "page": page, "totals": totals, "pending": pending,
        "manages": permissions.is_organiser(request.user, programme), "certifiable": certifiable,
        "school_year": rules.school_year_of(first.start) if first else None,
        "eligible": services.EXEMPTION_ELIGIBLE,
    })


@login_required
@require_POST
def request_exemption(request, application_id):
    application = get_object_or_404(selectors.applications_for(request.user), pk=application_id)
    back = safe_next(request, "/custody/")
    form = ExemptionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(back)
    attempt(request, services.request_exemption, request.user, application, percent=form.cleaned_data["percent"],
            reason=form.cleaned_data["reason"], success="减免申请已提交，等待学校审批")
    return redirect(back)

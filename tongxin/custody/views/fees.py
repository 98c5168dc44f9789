"""Fees and exemptions."""


from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..models import FeeExemption
from ._base import attempt, overseen_programme


@login_required
def fees(request, programme_id):
    programme = overseen_programme(request, programme_id)
    if request.method == "POST":
        exemption = get_object_or_404(FeeExemption, pk=request.POST.get("exemption"), application__programme=programme)
        percent = request.POST.get("percent")
        attempt(request, services.decide_exemption, request.user, exemption, approve=request.POST.get("decision") == "approve",
             percent=int(percent) if percent and percent.isdigit() else None, success="已审批减免")
        return redirect("custody:fees", programme.pk)
    rows, totals = selectors.fee_report(request.user, programme)
    pending = FeeExemption.objects.filter(application__in=selectors.applications_for(request.user, programme),
                                          state=FeeExemption.State.REQUESTED).select_related("application__child")
    return render(request, "custody/fees.html", {
        "programme": programme, "rows": rows, "totals": totals, "pending": pending,
        "manages": permissions.is_organiser(request.user, programme),
    })


@login_required
@require_POST
def request_exemption(request, application_id):
    application = get_object_or_404(selectors.applications_for(request.user), pk=application_id)
    percent = request.POST.get("percent", "100")
    attempt(request, services.request_exemption, request.user, application, percent=int(percent) if percent.isdigit() else 0,
         reason=request.POST.get("reason", ""), success="减免申请已提交，等待学校审批")
    return redirect(request.POST.get("next") or "custody:hub")

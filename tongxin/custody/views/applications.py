"""Applications, the review chain and placement."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongxin.web.redirects import safe_next

from .. import permissions, selectors, services
from ..forms import PlacementForm, ReviewForm, form_errors
from ..models import Application
from ._base import PAGE_SIZE, attempt, records_programme


@login_required
def applications(request, programme_id):
    programme = records_programme(request, programme_id)
    state = request.GET.get("state", "")
    qs = selectors.applications_for(request.user, programme).order_by("tier", "created_at", "pk")
    if state in Application.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.prefetch_related("periods"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "custody/applications.html", {
        "programme": programme, "page": page, "applications": page.object_list, "state": state,
        "states": Application.State.choices,
        "manages": permissions.is_organiser(request.user, programme),
    })


@login_required
@require_POST
def review(request, application_id):
    application = get_object_or_404(selectors.applications_for(request.user), pk=application_id)
    back = safe_next(request, reverse("custody:hub"))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(back)
    d = form.cleaned_data
    approve = d["decision"] == "approve"
    if application.state == Application.State.SUBMITTED:
        attempt(request, services.class_review, request.user, application, approve=approve, reason=d["reason"],
                need_confirmed=d["need_confirmed"], need_note=d["need_note"],
                success=f"{application.child.name}：{'初审通过' if approve else '已退回'}")
    else:
        attempt(request, services.organiser_decision, request.user, application, approve=approve, reason=d["reason"],
                success=f"{application.child.name}：{'已批准' if approve else '不予批准'}")
    return redirect(back)


@login_required
def placement(request, programme_id):
    programme = records_programme(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    if request.method == "POST":
        form = PlacementForm(request.POST, programme=programme)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            period = form.cleaned_data["period"]
            run = attempt(request, services.run_placement, request.user, period, seed=form.cleaned_data["seed"] or None)
            if run:
                messages.success(request, f"{period.name}：安置 {run.placed} 人，候补 {run.waiting} 人。抽签种子 {run.seed} 已公布。")
        return redirect("custody:placement", programme.pk)
    return render(request, "custody/placement.html", {
        "programme": programme, "periods": selectors.placement_board(request.user, programme), "manages": manages})

"""Parents: apply, withdraw, evaluate, the check-in code."""


import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongxin.orgs import scope

from .. import permissions, selectors, services
from ..forms import ApplicationForm, EvaluationForm
from ..models import Application, Placement, Programme
from ._base import attempt


@login_required
def apply(request, programme_id, child_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    child = get_object_or_404(scope.children(request.user), pk=child_id)
    permissions.require_guardian_of(request.user, child)
    problem = selectors.eligibility_problem(programme, child)
    existing = selectors.live_application(child, programme)
    if existing is not None:
        messages.info(request, f"{child.name}已报名{programme.name}（{existing.get_state_display()}），无需重复报名")
        return redirect(f"{reverse('custody:hub')}#application-{existing.pk}")
    form = ApplicationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        app = attempt(request, services.apply, request.user, programme=programme, child=child, periods=list(d["periods"]),
                   lunch=d.get("lunch", False), needs=d["needs"], note=d["note"], signature=d["signature"],
                   agree_service=d["agree_service"], agree_safety=d["agree_safety"],
                   success="报名已提交，请留意审核进度")
        if app:
            return redirect("custody:hub")
    periods = [(p, len(selectors.period_days(p))) for p in programme.periods.all()]
    return render(request, "custody/apply.html", {"programme": programme, "child": child, "form": form,
                                                  "problem": problem, "periods": periods})


@login_required
@require_POST
def withdraw(request, application_id):
    application = get_object_or_404(Application, pk=application_id, applicant=request.user)
    attempt(request, services.withdraw, request.user, application, reason="家长撤回", success="已撤回，名额已释放")
    return redirect("custody:hub")


@login_required
def evaluate(request, placement_id):
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"), pk=placement_id,
                                  application__applicant=request.user)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        comment = d.pop("comment")
        if attempt(request, services.submit_evaluation, request.user, placement, scores=d, comment=comment, success="感谢您的评价"):
            return redirect("custody:hub")
    return render(request, "custody/evaluate.html", {"form": form, "placement": placement})


@login_required
def qr(request, placement_id):
    placement = get_object_or_404(Placement, pk=placement_id)
    if not scope.can_view_child(request.user, placement.child):
        raise PermissionDenied
    svg = segno.make(placement.qr_token, error="m").svg_inline(scale=6, border=2)
    return HttpResponse(svg, content_type="image/svg+xml")

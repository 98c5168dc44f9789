"""The duty day: roll call, hand-over, health checks, absence, incidents, alerts."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.people import pickup
from tongxin.people import selectors as people
from tongxin.web.redirects import safe_next

from .. import permissions, selectors, services
from ..forms import IncidentForm, RollFilterForm, TodayActionForm
from ..models import AbsenceKind, Alert, Placement, Symptom
from ._base import attempt, overseen_programme


@login_required
def today(request, programme_id):
    programme = overseen_programme(request, programme_id)
    date = timezone.localdate()
    permissions.require_duty_or_organiser(request.user, programme, date)
    form = RollFilterForm(request.GET)
    form.is_valid()
    if form.query_refused:
        messages.error(request, form.query_refused)
    day = selectors.duty_day(request.user, programme, date, form.group_id(), page=request.GET.get("page"),
                             query=form.query())
    return render(request, "custody/today.html", {"day": day, "programme": programme, "page": day.page,
                                                  "absence_kinds": AbsenceKind.choices, "symptoms": Symptom.choices})


def _placement_on_roll(user, programme, placement_id: int) -> Placement:
    """A placement of this programme whose child is on this user's roll today; anything else is not found."""
    placements = Placement.objects.filter(period__programme=programme).select_related("child", "period__programme")
    placement = scope.on_duty(user, placements, timezone.localdate()).filter(pk=placement_id).first()
    if placement is None:
        raise Http404("该儿童不在您今天的名单上")
    return placement


@login_required
@require_POST
def today_action(request, programme_id):
    programme = overseen_programme(request, programme_id)
    back = safe_next(request, reverse("custody:today", args=[programme.pk]))
    form = TodayActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(back)
    d = form.cleaned_data
    action = d["action"]
    if action == "code":
        attempt(request, services.check_in_by_code, request.user, d["code"], success="扫码入托成功")
        return redirect(back)
    if action == "alert":
        alert = get_object_or_404(Alert, pk=d["alert"], programme=programme)
        attempt(request, services.handle_alert, request.user, alert, success="已处理")
        return redirect(back)
    if action == "follow_up":
        attendance = get_object_or_404(selectors.illness_follow_ups(request.user, programme, timezone.localdate()),
                                       pk=d["attendance"])
        attempt(request, services.record_follow_up, request.user, attendance, outcome=d["outcome"],
                success="已记录病因追踪结果")
        return redirect(back)
    placement = _placement_on_roll(request.user, programme, d["placement"])
    name = placement.child.name
    if action == "in":
        attempt(request, services.check_in, request.user, placement, success=f"{name} 已入托")
    elif action == "out":
        link = people.guardianship_of(placement.child_id, d["guardian"])
        guardian = link.guardian if link is not None else None
        if guardian is None:
            messages.error(request, pickup.OUTSIDER_REFUSAL.format(child=name))
            return redirect(back)
        try:
            attempt(request, services.check_out, request.user, placement, guardian=guardian,
                    success=f"{name} 已由 {guardian.name} 接走")
        except PermissionDenied as exc:
            messages.error(request, f"{exc}。已通知值班领导。")
    elif action == "absent":
        attempt(request, services.mark_absent, request.user, placement, reason=d["reason"], kind=d["kind"],
                symptoms=d["symptoms"], success=f"{name} 已登记缺勤")
    elif action == "health":
        attempt(request, services.record_health_check, request.user, placement, slot=d["slot"],
                temperature=d["temperature"], note=d["note"], success=f"{name} 体温已记录")
    return redirect(back)


@login_required
def incident(request, placement_id):
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"), pk=placement_id)
    programme = placement.period.programme
    permissions.require_duty_or_organiser(request.user, programme, timezone.localdate())
    placement = _placement_on_roll(request.user, programme, placement.pk)
    form = IncidentForm(request.POST or None, initial={"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        if attempt(request, services.record_incident, request.user, placement, **form.cleaned_data, success="已记录并报告值班领导"):
            return redirect("custody:today", programme.pk)
    return render(request, "custody/incident.html", {"form": form, "placement": placement, "programme": programme})

"""The duty day: roll call, hand-over, health checks, absence, incidents, alerts."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.people.models import Guardian

from .. import permissions, selectors, services
from ..forms import IncidentForm
from ..models import Alert, Group, Placement, RosterShift
from ._base import attempt, overseen_programme


@login_required
def today(request, programme_id):
    programme = overseen_programme(request, programme_id)
    date = timezone.localdate()
    permissions.require_duty_or_organiser(request.user, programme, date)
    services.scan_alerts(programme)
    group_id = request.GET.get("group")
    group = Group.objects.filter(pk=group_id, period__programme=programme).first() if group_id else None
    roll = selectors.todays_roll(request.user, programme, date, group)
    alerts = Alert.objects.filter(programme=programme, date=date, handled_at=None).select_related("placement__child")
    return render(request, "custody/today.html", {
        "programme": programme, "date": date, "roll": roll, "alerts": alerts, "group": group,
        "groups": Group.objects.filter(period__programme=programme, period__start__lte=date, period__end__gte=date),
        "leader": services.leader_on_duty(programme, date),
        "my_shift": RosterShift.objects.filter(programme=programme, date=date, staff=request.user).first(),
        "present": sum(1 for r in roll if r.attendance and r.attendance.check_in_at and not r.attendance.check_out_at),
        "gone": sum(1 for r in roll if r.attendance and r.attendance.check_out_at),
        "absent": sum(1 for r in roll if r.attendance and r.attendance.absence_reason),
    })


@login_required
@require_POST
def today_action(request, programme_id):
    programme = overseen_programme(request, programme_id)
    action = request.POST.get("action")
    back = request.POST.get("next") or f"/custody/p/{programme.pk}/today/"
    if action == "code":
        attempt(request, services.check_in_by_code, request.user, request.POST.get("code", ""), success="扫码入托成功")
        return redirect(back)
    if action == "alert":
        alert = get_object_or_404(Alert, pk=request.POST.get("alert"), programme=programme)
        attempt(request, services.handle_alert, request.user, alert, success="已处理")
        return redirect(back)
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"),
                                  pk=request.POST.get("placement"), period__programme=programme)
    name = placement.child.name
    if action == "in":
        attempt(request, services.check_in, request.user, placement, success=f"{name} 已入托")
    elif action == "out":
        guardian = get_object_or_404(Guardian, pk=request.POST.get("guardian"))
        try:
            attempt(request, services.check_out, request.user, placement, guardian=guardian, success=f"{name} 已由 {guardian.name} 接走")
        except PermissionDenied as exc:
            messages.error(request, f"{exc}。已通知值班领导。")
    elif action == "absent":
        attempt(request, services.mark_absent, request.user, placement, reason=request.POST.get("reason", ""), success=f"{name} 已登记缺勤")
    elif action == "health":
        try:
            temperature = Decimal(request.POST.get("temperature", ""))
        except ArithmeticError:
            messages.error(request, "请输入体温，如 36.5")
        else:
            attempt(request, services.record_health_check, request.user, placement, slot=request.POST.get("slot", "morning"),
                 temperature=temperature, note=request.POST.get("note", ""), success=f"{name} 体温已记录")
    return redirect(back)


@login_required
def incident(request, placement_id):
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"), pk=placement_id)
    programme = placement.period.programme
    permissions.require_duty_or_organiser(request.user, programme, timezone.localdate())
    form = IncidentForm(request.POST or None, initial={"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        if attempt(request, services.record_incident, request.user, placement, **form.cleaned_data, success="已记录并报告值班领导"):
            return redirect("custody:today", programme.pk)
    return render(request, "custody/incident.html", {"form": form, "placement": placement, "programme": programme})

"""Safety incidents after they are recorded: the open ones on the leader's list, and closing one once the
guardian was informed (C-29)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from .. import permissions, selectors, services
from ..forms import IncidentCloseForm, form_errors
from ..models import Incident
from ._base import attempt, overseen_programme


@login_required
def incidents(request, programme_id):
    programme = overseen_programme(request, programme_id)
    if not permissions.staff_oversees(request.user, programme):
        raise PermissionDenied("安全事件由值班领导和主办单位处理")
    open_ones = [i for i in selectors.open_incidents(request.user) if i.placement.period.programme_id == programme.pk]
    return render(request, "custody/incidents.html", {
        "programme": programme, "open": open_ones, "form": IncidentCloseForm(),
        "closed": Incident.objects.filter(placement__period__programme=programme, state=Incident.State.CLOSED)
        .filter(pk__in=_visible(request.user, programme)).select_related("placement__child", "closed_by")[:20],
    })


def _visible(user, programme):
    from tongxin.orgs import scope

    return scope.narrow(user, Incident.objects.filter(placement__period__programme=programme), via="placement__child") \
        .values("pk")


@login_required
def incident_close(request, incident_id):
    incident = Incident.objects.select_related("placement__period__programme", "placement__child").filter(
        pk=incident_id).first()
    if incident is None or not permissions.can_close_incident(request.user, incident):
        raise Http404("找不到该安全事件")
    programme = incident.placement.period.programme
    if request.method == "POST":
        form = IncidentCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            attempt(request, services.close_incident, request.user, incident, **form.cleaned_data,
                    success=f"{incident.placement.child.name} 的安全事件已结案")
    return redirect("custody:incidents", programme.pk)

"""A group's timetable."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from .. import permissions, services
from ..forms import parse_timetable
from ..models import Activity, Group
from ._base import attempt


@login_required
def timetable(request, group_id):
    group = get_object_or_404(Group.objects.select_related("period__programme"), pk=group_id)
    programme = group.period.programme
    if not permissions.oversees(request.user, programme):
        raise PermissionDenied
    manages = permissions.is_organiser(request.user, programme)
    rows = None
    if request.method == "POST":
        permissions.require_organiser(request.user, programme)
        rows, errors = parse_timetable(request.POST)
        if errors:
            messages.error(request, "；".join(errors))
        elif attempt(request, services.save_timetable, request.user, group, rows, success="作息安排已保存"):
            return redirect("custody:timetable", group.pk)
        rows = [{k: (f"{v:%H:%M}" if k in ("start", "end") else v) for k, v in r.items()} for r in rows]
    slots = rows or [{"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "activity": s.activity, "title": s.title}
                     for s in group.slots.all()]
    if not slots and manages:
        slots = [{"start": s, "end": e, "activity": a, "title": t} for s, e, a, t in services.DEFAULT_DAY]
        messages.info(request, "已按推荐作息预填，确认后保存")
    slots += [{"start": "", "end": "", "activity": "", "title": ""}] * 2 if manages else []
    return render(request, "custody/timetable.html", {"group": group, "programme": programme, "slots": slots,
                                                      "activities": Activity.choices, "manages": manages})

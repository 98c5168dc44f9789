"""The roster and the workload export."""


from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from .. import exports, permissions, selectors, services
from ..forms import ShiftForm
from ..models import RosterShift
from ._base import attempt, overseen_programme


@login_required
def roster(request, programme_id):
    programme = overseen_programme(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    form = ShiftForm(request.POST or None, programme=programme, initial={"staff": request.user.username})
    if request.method == "POST":
        if "remove" in request.POST:
            shift = get_object_or_404(RosterShift, pk=request.POST["remove"], programme=programme)
            attempt(request, services.remove_shift, request.user, shift, success="已取消排班")
        elif "sign" in request.POST:
            shift = get_object_or_404(RosterShift, pk=request.POST["sign"], staff=request.user)
            attempt(request, services.sign_shift, request.user, shift, success="已记录")
        elif form.is_valid():
            d = form.cleaned_data
            staff = get_user_model().objects.filter(username=d["staff"], is_active=True).first()
            if staff is None:
                messages.error(request, f"找不到账号 {d['staff']}")
            else:
                attempt(request, services.add_shift, request.user, programme, staff=staff, date=d["date"], duty=d["duty"],
                     group=d["group"], start=d["start"], end=d["end"], success="已排班")
        return redirect("custody:roster", programme.pk)
    days = selectors.roster(programme)
    return render(request, "custody/roster.html", {
        "programme": programme, "days": days, "form": form, "manages": manages,
        "workload": selectors.workload(programme), "gap_days": sum(1 for d in days if not d.ok),
    })


@login_required
def workload_xlsx(request, programme_id):
    programme = overseen_programme(request, programme_id)
    return exports.xlsx_response(exports.workload_book(programme), f"{programme.name}-教师志愿者工作量.xlsx",
                                 request.user, programme)

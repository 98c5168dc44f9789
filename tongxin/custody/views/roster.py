"""The roster and the workload export.

The organiser rosters people, approves sign-ups and publishes days as ready; staff who read the programme see
the whole roster; everyone (a volunteer too) sees their own shifts, accepts or declines them, signs in and out,
and offers themselves for a day. Who may do what is decided in `permissions`.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import exports, permissions, selectors, services
from ..forms import PublishForm, RosterActionForm, ShiftForm, SignUpForm, form_errors
from ..models import RosterShift
from ._base import attempt, overseen_programme


def _shift(programme, shift_id: int, **filters) -> RosterShift:
    shift = RosterShift.objects.filter(programme=programme, pk=shift_id, **filters).first()
    if shift is None:
        raise Http404("找不到该排班")
    return shift


def _post(request, programme, manages: bool):
    user = request.user
    data = request.POST.copy()
    data.setdefault("action", "add" if manages else "signup")  # the add / sign-up form has no button name
    form = RosterActionForm(data)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return
    d = form.cleaned_data
    action = d["action"]
    if action == "add":
        permissions.require_roster_manager(user, programme)
        shift_form = ShiftForm(data, programme=programme)
        if not shift_form.is_valid():
            messages.error(request, form_errors(shift_form))
            return
        s = shift_form.cleaned_data
        staff = get_user_model().objects.filter(username=s["staff"], is_active=True).first()
        if staff is None:
            messages.error(request, f"找不到账号 {s['staff']}")
            return
        attempt(request, services.add_shift, user, programme, staff=staff, date=s["date"], duty=s["duty"],
                group=s["group"], start=s["start"], end=s["end"],
                success="已排班，等待本人确认" if staff.pk != user.pk else "已排班")
    elif action == "signup":
        if not permissions.may_sign_up(user, programme):
            raise PermissionDenied("您不能报名该项目的值班")
        signup = SignUpForm(data, programme=programme)
        if not signup.is_valid():
            messages.error(request, form_errors(signup))
            return
        s = signup.cleaned_data
        attempt(request, services.add_shift, user, programme, staff=user, date=s["date"], duty=RosterShift.Duty.TEACHER,
                group=s["group"], start=s["start"], end=s["end"], success="已报名，等待主办方审核")
    elif action in ("accept", "decline"):
        shift = _shift(programme, d["shift"], staff=user)
        attempt(request, services.answer_shift, user, shift, accept=action == "accept",
                success="已确认值班" if action == "accept" else "已谢绝该排班")
    elif action in ("approve", "refuse"):
        permissions.require_roster_manager(user, programme)
        attempt(request, services.decide_sign_up, user, _shift(programme, d["shift"]), approve=action == "approve",
                success="已同意报名" if action == "approve" else "已婉拒报名")
    elif action == "sign":
        attempt(request, services.sign_shift, user, _shift(programme, d["shift"], staff=user), success="已记录")
    elif action == "remove":
        shift = _shift(programme, d["shift"]) if manages else _shift(programme, d["shift"], staff=user)
        attempt(request, services.remove_shift, user, shift, success="已取消排班")
    elif action == "publish":
        permissions.require_roster_manager(user, programme)
        published = attempt(request, services.publish_roster, user, programme, start=d["start_date"], end=d["end_date"])
        if published:
            messages.success(request, f"已发布 {len(published)} 天的值班表")


@login_required
def roster(request, programme_id):
    programme = overseen_programme(request, programme_id)
    user = request.user
    manages = permissions.is_organiser(user, programme)
    if request.method == "POST":
        _post(request, programme, manages)
        return redirect("custody:roster", programme.pk)
    sees_all = permissions.staff_oversees(user, programme)
    all_days = selectors.roster(programme) if sees_all else []
    today = timezone.localdate()
    mine = selectors.my_shifts(user, programme)
    dates = [d.date for d in all_days] or list(mine.values_list("date", flat=True))
    month, months = selectors.month_window(dates, request.GET.get("month", ""), today)
    days = [d for d in all_days if d.date.strftime("%Y-%m") == month]
    if month:
        mine = mine.filter(date__year=int(month[:4]), date__month=int(month[5:]))
    # Past duty that needs nothing more is counted, not listed: what is listed still asks something of the person.
    done = mine.filter(date__lt=today).exclude(state=RosterShift.State.AWAITING_STAFF)
    mine_done = done.count()
    mine = mine.exclude(pk__in=done.values("pk"))
    return render(request, "custody/roster.html", {
        "programme": programme, "manages": manages, "sees_all": sees_all, "today": today,
        "days": days, "gap_days": sum(1 for d in all_days if not d.ok), "month": month, "months": months,
        "leaderless": [d.date for d in all_days if d.lacks_leader and d.date >= today],
        "mine": mine, "mine_done": mine_done,
        "form": ShiftForm(programme=programme) if manages else None,
        "signup_form": SignUpForm(programme=programme) if not manages and permissions.may_sign_up(user, programme) else None,
        "publish_form": PublishForm() if manages else None,
        "sign_ups": selectors.sign_ups_to_decide(programme) if manages else [],
        "workload": selectors.workload(programme) if permissions.can_view_workload(user, programme) else None,
        "duty_limit": programme.max_consecutive_duty_days,
    })


@login_required
def workload_xlsx(request, programme_id):
    programme = overseen_programme(request, programme_id)
    permissions.require_workload_reader(request.user, programme)
    return exports.xlsx_response(exports.workload_book(programme), f"{programme.name}-教师志愿者工作量.xlsx",
                                 request.user, programme)

"""Age packages and parent classes (N-05, N-06): the packages' activities and a class's week plan for the staff, the
parent classes for the manager (publish, attendance, figures), and for a parent this week's plan and the classes to
book, cancel and rate — phone-first."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.web.feedback import attempt

from .. import access, forms_classes, rules_classes
from ..models import Room
from ..models_classes import ParentClass, PlanItem, Seat
from ..selectors import classes as sel
from ..services import classes as svc
from ._base import _rooms, _status, _submit


def _week(request) -> dt.date:
    form = forms_classes.WeekForm({"week": request.GET.get("week", "")})
    if form.is_valid() and form.cleaned_data["week"]:
        return rules_classes.week_of(form.cleaned_data["week"])
    if request.GET.get("week"):
        messages.error(request, "日期格式应为 YYYY-MM-DD，已显示本周")
    return rules_classes.week_of(timezone.localdate())


@login_required
def activities(request, centre_id: int):
    """年龄包: the 0–1 and 1–3 packages' activities by domain; the manager adds the centre's own."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    form = None
    if manages:
        form = forms_classes.ActivityForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if _submit(request, form, svc.activity_create, actor=request.user, centre_id=found.pk,
                       success="已添加活动", **form.cleaned_data):
                return redirect("nursery:activities", found.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有本托育机构的负责人可以添加活动")
    return render(request, "nursery/classes_activities.html", {
        "centre": found, "staff": True, "manages": manages, "packages": sel.packages(found), "form": form},
        status=_status(form))


@login_required
def plans(request, centre_id: int):
    """周活动计划: each class's activities Monday to Friday; the staff pick from the packages."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    monday = _week(request)
    rooms = list(Room.objects.filter(centre=found, active=True).order_by("class_type", "name"))
    room = next((r for r in rooms if str(r.pk) == request.GET.get("room")), rooms[0] if rooms else None)
    form = forms_classes.PlanForm(request.POST or None, rooms=_rooms(found), activities=sel.activity_choices(found),
                                  initial={"day": max(monday, timezone.localdate()), "room": room and room.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _submit(request, form, svc.plan_add, actor=request.user, room_id=d["room"], day=d["day"],
                   activity_id=d["activity"], today=timezone.localdate(), success="已安排活动"):
            return redirect(f"{request.path}?week={rules_classes.week_of(d['day']):%Y-%m-%d}&room={d['room']}")
    return render(request, "nursery/classes_plans.html", {
        "centre": found, "staff": True, "manages": access.manages(request.user, found), "monday": monday,
        "prev": monday - dt.timedelta(weeks=1), "next": monday + dt.timedelta(weeks=1), "rooms": rooms,
        "room": room, "weeks": sel.week_plan([room] if room else [], monday), "form": form,
        "today": timezone.localdate()}, status=_status(form))


@login_required
@require_POST
def plan_remove(request, item_id: int):
    item = PlanItem.objects.select_related("room__centre").filter(pk=item_id).first()
    if item is None:
        raise Http404("未找到该活动安排")
    access.require_staff(request.user, item.room.centre)
    attempt(request, svc.plan_remove, actor=request.user, item_id=item.pk, today=timezone.localdate(),
            success="已删除活动安排")
    return redirect(f"{reverse('nursery:plans', args=[item.room.centre_id])}?week={rules_classes.week_of(item.day):%Y-%m-%d}")


@login_required
def centre_classes(request, centre_id: int):
    """家长课堂: the centre's classes and talks with attendance and ratings; the manager publishes one."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    form = None
    if manages:
        form = forms_classes.ClassForm(request.POST or None,
                                       initial={"day": timezone.localdate() + dt.timedelta(days=7)})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            starts_at = timezone.make_aware(dt.datetime.combine(d["day"], d["start"]))
            if _submit(request, form, svc.class_create, actor=request.user, centre_id=found.pk, kind=d["kind"],
                       title=d["title"], speaker=d["speaker"], starts_at=starts_at, minutes=d["minutes"],
                       place=d["place"], online=d["online"], seats=d["seats"], now=timezone.now(),
                       success="已发布，家长可以报名"):
                return redirect("nursery:centre_classes", found.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有本托育机构的负责人可以发布家长课堂")
    return render(request, "nursery/classes_centre.html", {
        "centre": found, "staff": True, "manages": manages, "rows": sel.centre_classes(found), "form": form,
        "now": timezone.now()}, status=_status(form))


@login_required
def parent_class(request, class_id: int):
    """One class: who booked; once it has begun, the staff mark who came; the feedback given."""
    found = ParentClass.objects.select_related("centre__site").filter(pk=class_id).first()
    if found is None:
        raise Http404("未找到该课堂")
    access.require_staff(request.user, found.centre)
    seats = sel.class_seats(found)
    form = forms_classes.AttendanceForm(request.POST or None, seats=[(s.pk, s.parent) for s in seats],
                                        initial={"present": [s.pk for s in seats if s.attended]})
    if request.method == "POST" and form.is_valid():
        if _submit(request, form, svc.attendance_mark, actor=request.user, class_id=found.pk,
                   present=set(form.cleaned_data["present"]), now=timezone.now(), success="已登记出席"):
            return redirect("nursery:parent_class", found.pk)
    return render(request, "nursery/classes_detail.html", {
        "centre": found.centre, "staff": True, "manages": access.manages(request.user, found.centre), "found": found,
        "seats": seats, "form": form, "begun": found.starts_at <= timezone.now(),
        "figures": next(r.figures for r in sel.centre_classes(found.centre) if r.pk == found.pk)},
        status=_status(form))


# ---------------------------------------------------------------- parents


@login_required
def family_week(request):
    """本周活动: on a parent's phone, this week's activities of their children's classes."""
    access.require_parent(request.user)
    today = timezone.localdate()
    return render(request, "nursery/classes_week.html", {
        "weeks": sel.family_week(request.user, today), "today": today, "monday": rules_classes.parent_week(today)})


@login_required
def my_classes(request):
    """家长课堂 for a parent: the classes and talks to come (book, cancel) and those attended (rate)."""
    access.require_parent(request.user)
    return render(request, "nursery/classes_parent.html", {
        "page": sel.parent_classes(request.user, timezone.now()), "feedback": forms_classes.FeedbackForm()})


@login_required
@require_POST
def class_book(request, class_id: int):
    access.require_parent(request.user)
    found = ParentClass.objects.select_related("centre").filter(pk=class_id).first()
    if found is None:
        raise Http404("未找到该课堂")
    attempt(request, svc.seat_book, actor=request.user, class_id=found.pk, now=timezone.now(),
            success=f"已报名「{found.title}」")
    return redirect("nursery:my_classes")


def _own_seat(request, seat_id: int) -> Seat:
    seat = Seat.objects.filter(pk=seat_id).first()
    if seat is None:
        raise Http404("未找到该报名")
    if seat.parent_id != request.user.pk:
        raise PermissionDenied("只能办理自己的报名")
    return seat


@login_required
@require_POST
def seat_cancel(request, seat_id: int):
    seat = _own_seat(request, seat_id)
    attempt(request, svc.seat_cancel, actor=request.user, seat_id=seat.pk, now=timezone.now(), success="已取消报名")
    return redirect("nursery:my_classes")


@login_required
@require_POST
def seat_feedback(request, seat_id: int):
    seat = _own_seat(request, seat_id)
    form = forms_classes.FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择 1–5 分，评价最多 200 个字")
        return redirect("nursery:my_classes")
    attempt(request, svc.seat_rate, actor=request.user, seat_id=seat.pk, rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"], now=timezone.now(), success="感谢您的评价")
    return redirect("nursery:my_classes")

"""The day's pages: a centre's rooms today, a room's 「今日」 page for its carers on a tablet (check-in and hand-over,
the whole-room records and the children who differ), and a child's day for the family on a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs.calendar import working_day_after, working_day_before
from tongxin.people import selectors as people

from .. import access, forms_day, rules_day
from ..models import Room
from ..selectors import day as day_sel
from ..selectors import records
from ..services import day as day_svc
from ._base import _day


@login_required
def day_centre(request, centre_id: int):
    """今日: the centre's rooms with the children due, come and still there, and their outdoor time."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    today = timezone.localdate()
    rooms = day_sel.centre_day(found, today)
    mine = day_sel.rooms_on_duty(request.user, today)
    rooms.sort(key=lambda r: r.pk not in mine)  # the carer's own room(s) today first
    return render(request, "nursery/day_centre.html", {
        "centre": found, "rooms": rooms, "mine": mine, "today": today, "staff": True,
        "manages": access.manages(request.user, found)})


def _room(user, room_id: int) -> Room:
    room = Room.objects.filter(pk=room_id).select_related("centre__site__region", "centre__site__parent").first()
    if room is None:
        raise Http404("未找到该班级")
    access.require_staff(user, room.centre)
    return room


def _post(request, room: Room, page: day_sel.RoomDay):
    """Run the action posted; returns the form that failed (the page answers 400 with it), or None."""
    action = forms_day.ActionForm(request.POST)
    if not action.is_valid():
        return action
    what, now = action.cleaned_data["action"], timezone.now()
    if what in ("in", "out"):
        guardians = sorted({g.id for r in page.roll for g in r.guardians})
        form = forms_day.CheckForm(request.POST, children=[(r.child_id, r.name) for r in page.roll],
                                   guardians=guardians)
        if not form.is_valid():
            return form
        d = form.cleaned_data
        name = next(r.name for r in page.roll if r.child_id == d["child"])
        try:
            if what == "in":
                day_svc.child_check_in(actor=request.user, room_id=room.pk, child_id=d["child"], now=now)
                messages.success(request, f"{name} 已入园")
            else:
                if d["guardian"] is None:
                    form.add_error("guardian", "请选择接走孩子的人")
                    return form
                done = day_svc.child_check_out(actor=request.user, room_id=room.pk, child_id=d["child"],
                                               guardian_id=d["guardian"], now=now)
                messages.success(request, f"{name} 已由 {done.picked_up_by.name if done.picked_up_by else ''} 接走")
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, ValidationError(str(exc.messages[0]) if isinstance(exc, ValidationError)
                                                 else str(exc)))
            return form
        return None
    if what == "entry":
        form = forms_day.EntryForm(request.POST)
        if not form.is_valid():
            return form
        d = form.cleaned_data
        try:
            day_svc.entry_add(actor=request.user, room_id=room.pk, kind=d["kind"], value=d["value"], start=d["start"],
                              end=d["end"], note=d["note"], now=now)
        except ValidationError as exc:
            form.add_error(None, exc)
            return form
        messages.success(request, f"已记录全班{rules_day.KINDS[d['kind']]}")
        return None
    form = _exception_form(page, request.POST)
    if not form.is_valid():
        return form
    d = form.cleaned_data
    try:
        day_svc.exception_set(actor=request.user, entry_id=d["entry"], child_id=d["child"], value=d["value"],
                              start=d["start"], end=d["end"], note=d["note"], now=now)
    except ValidationError as exc:
        form.add_error(None, exc)
        return form
    messages.success(request, "已登记该幼儿的情况")
    return None


def _exception_form(page: day_sel.RoomDay, data=None) -> forms_day.ExceptionForm:
    return forms_day.ExceptionForm(
        data, entries=[(e.pk, e.kind, f"{e.kind_label} {e.hours} {e.value}") for e in page.entries],
        children=[(r.child_id, r.name) for r in page.roll if r.in_at])


@login_required
def day_room(request, room_id: int):
    """A room's 「今日」 for its carers, built for a tablet: each child's 入园/离园 button, the records for the whole
    room, the children who differ, the outdoor time against two hours."""
    room = _room(request.user, room_id)
    now = timezone.localtime()
    on = min(_day(request), now.date()) if request.method == "GET" else now.date()
    at = now.time() if on == now.date() else room.centre.hours.last
    page = day_sel.room_day(room, on, at)
    failed = None
    if request.method == "POST":
        failed = _post(request, room, page)
        if failed is None:
            return redirect("nursery:day_room", room.pk)
        page = day_sel.room_day(room, on, at)
    entry_form = failed if isinstance(failed, forms_day.EntryForm) else forms_day.EntryForm(
        initial={"start": f"{now.hour:02d}:{now.minute // 15 * 15:02d}"})
    exception_form = failed if isinstance(failed, forms_day.ExceptionForm) else _exception_form(page)
    check_error = failed if isinstance(failed, (forms_day.CheckForm, forms_day.ActionForm)) else None
    return render(request, "nursery/day_room.html", {
        "page": page, "room": room, "centre": room.centre, "staff": True,
        "manages": access.manages(request.user, room.centre), "entry_form": entry_form,
        "exception_form": exception_form, "check_error": check_error, "kinds": rules_day.KINDS,
        "values": rules_day.VALUES, "live": on == now.date(), "prev": working_day_before(on),
        "next": min(working_day_after(on), now.date()) if on < now.date() else None}, status=400 if failed is not None else 200)


@login_required
def child_day(request, child_id: int):
    """孩子在园的一天: a parent's own child's day on a phone — arrived, meals, nap, nappies, outdoor, picked up by whom."""
    access.require_parent(request.user)
    if not people.is_guardian_of(request.user, child_id):
        raise PermissionDenied("只能查看自己孩子的在园情况")
    today = timezone.localdate()
    on = _day(request)
    if on > today:
        on = today
    own = {pk: name for pk, name, _ in records.own_children(request.user, today)}
    if child_id not in own:
        raise Http404("未找到该孩子的托育记录")
    page = day_sel.child_day(child_id, on, name=own[child_id])
    return render(request, "nursery/day_child.html", {
        "page": page, "child_id": child_id, "prev": working_day_before(on),
        "next": min(working_day_after(on), today) if on < today else None, "today": today})

"""The network pages: centres, rooms, contracts, the waiting list and the roster."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.orgs.calendar import working_day_after, working_day_before
from tongxin.orgs.models import Role
from tongxin.web.feedback import attempt
from tongxin.web.forms import error_text

from .. import access, access_circle, forms
from ..models import Contract, DutyShift, WaitlistEntry
from ..selectors import network, records
from ..services import contracts as contract_svc
from ..services import roster as roster_svc
from ..services import waitlist as waitlist_svc
from ._base import _day, _rooms, _status, _submit

# ---------------------------------------------------------------- the network


@login_required
def centres(request):
    """社区托育: the centres and points the user may open, with their places."""
    access.require_reader(request.user)
    today = timezone.localdate()
    rows = network.centre_rows(network.visible_centres(request.user), on=today)
    totals = {"places": sum(r.total for r in rows), "taken": sum(r.taken for r in rows),
              "used": sum(r.used for r in rows),
              "waiting": sum(r.waiting for r in rows)}
    return render(request, "nursery/centres.html", {
        "rows": rows, "totals": totals, "today": today, "managed": access.managed_centres(request.user),
        "parent": Role.PARENT in scope.roles(request.user),
        "office": access.office_county(request.user) is not None,
        "circle": access_circle.is_reader(request.user)})


@login_required
def centre(request, centre_id: int):
    """A centre or point: its classes, places taken and free, and the day's ratio board per room."""
    found = access.access_centre(request.user, centre_id)
    on = _day(request)
    page = network.centre_page(found, on=on, user=request.user)
    return render(request, "nursery/centre.html", {
        "page": page, "manages": access.manages(request.user, found), "staff": access.works_at(request.user, found),
        "parent": Role.PARENT in scope.roles(request.user)})


# ---------------------------------------------------------------- contracts


@login_required
def contracts(request, centre_id: int):
    """托育协议: the centre's contracts; its manager signs a child in (found by ID number and name)."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    today = timezone.localdate()
    form = None
    if manages:
        form = forms.ContractForm(request.POST or None, rooms=_rooms(found), initial={"starts_on": today})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            if _submit(request, form, contract_svc.contract_create, request.user, room_id=d["room"], child_id=d["child_id"],
                       care_type=d["care_type"], starts_on=d["starts_on"], drop_off=d["drop_off"],
                       pick_up=d["pick_up"], today=today, now=timezone.now(), success="已签订托育协议"):
                return redirect("nursery:contracts", found.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有本托育机构的负责人可以签订托育协议")
    past = request.GET.get("show") == "past"
    rooms = _rooms(found)
    room_id = next((pk for pk, _ in rooms if str(pk) == request.GET.get("room")), None)  # anything else: every class
    return render(request, "nursery/contracts.html", {
        "centre": found, "rows": records.contracts_of(request.user, found, on=today, past=past, room_id=room_id),
        "form": form, "end_form": forms.EndForm(initial={"last_day": today}), "manages": manages, "past": past,
        "today": today, "rooms": rooms, "room_id": room_id},
        status=_status(form))


@login_required
@require_POST
def contract_end(request, contract_id: int):
    contract = Contract.objects.filter(pk=contract_id).select_related("centre").first()
    if contract is None:
        raise Http404("未找到该托育协议")
    access.require_manager(request.user, contract.centre, "只有本托育机构的负责人可以办理退托")
    form = forms.EndForm(request.POST)
    if form.is_valid():
        attempt(request, contract_svc.contract_end, request.user, contract_id=contract.pk,
                last_day=form.cleaned_data["last_day"], reason=form.cleaned_data["reason"],
                today=timezone.localdate(), now=timezone.now(), success="已办理退托")
    else:
        messages.error(request, error_text(form))
    return redirect("nursery:contracts", contract.centre_id)


# ---------------------------------------------------------------- the waiting list


@login_required
def waitlist(request, centre_id: int):
    """排队登记: the centre's waiting list by age group; its manager adds a child or offers the free places."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    today, now = timezone.localdate(), timezone.now()
    form = None
    if manages:
        posted = request.method == "POST" and request.POST.get("action") != "offer"
        form = forms.WaitlistAddForm(request.POST if posted else None, initial={"wanted_from": today})
        if request.method == "POST" and request.POST.get("action") == "offer":
            offered = attempt(request, waitlist_svc.waitlist_offer, request.user, centre_id=found.pk, today=today,
                              now=now)
            if offered is not None:
                if offered.entries:
                    messages.success(request, f"已按排队顺序通知 {len(offered.entries)} 名幼儿入托")
                for why in offered.held_back:
                    messages.warning(request, f"暂不能通知{why}")
                if not offered.entries and not offered.held_back:
                    messages.success(request, "排队的幼儿都已通知")
            return redirect("nursery:waitlist", found.pk)
        if posted and form.is_valid():
            d = form.cleaned_data
            if _submit(request, form, waitlist_svc.waitlist_join, request.user, centre_id=found.pk,
                       child_id=d["child_id"],
                       care_type=d["care_type"], wanted_from=d["wanted_from"], today=today, now=now,
                       success="已登记排队"):
                return redirect("nursery:waitlist", found.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有本托育机构的负责人可以办理排队登记")
    return render(request, "nursery/waitlist.html", {
        "centre": found, "rows": records.waitlist_of(request.user, found), "form": form, "manages": manages},
        status=_status(form))


@login_required
@require_POST
def waitlist_answer(request, entry_id: int):
    """The family (or the centre for them) accepts or declines an offer, or withdraws from the list."""
    entry = WaitlistEntry.objects.filter(pk=entry_id).select_related("centre").first()
    if entry is None:
        raise Http404("未找到该排队登记")
    if not WaitlistEntry.objects.filter(scope.nursery_record_q(request.user, "centre__site__"), pk=entry.pk).exists():
        raise PermissionDenied("无权办理该排队登记")
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择接受、放弃或撤回")
    elif form.cleaned_data["decision"] == "withdraw":
        attempt(request, waitlist_svc.waitlist_withdraw, request.user, entry_id=entry.pk, now=timezone.now(),
                today=timezone.localdate(), success="已撤回排队登记")
    else:
        accept = form.cleaned_data["decision"] == "accept"
        attempt(request, waitlist_svc.waitlist_answer, request.user, entry_id=entry.pk, accept=accept,
                today=timezone.localdate(), now=timezone.now(),
                success="已接受入托通知，托育协议已签订" if accept else "已放弃本次入托通知")
    if access.works_at(request.user, entry.centre):
        return redirect("nursery:waitlist", entry.centre_id)
    return redirect("nursery:mine")


# ---------------------------------------------------------------- the roster


@login_required
def roster(request, centre_id: int):
    """保育人员排班: a day's carers on duty per room with the ratio hour by hour; the manager adds and copies."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    day = _day(request, "day")
    today = timezone.localdate()
    shift_form = repeat_form = None
    if manages:
        rooms = _rooms(found)
        action = request.POST.get("action") if request.method == "POST" else None
        shift_form = forms.ShiftForm(request.POST if action == "add" else None, rooms=rooms,
                                     carers=records.carer_choices(found), initial={"day": day})
        repeat_form = forms.RepeatForm(request.POST if action == "repeat" else None, rooms=rooms,
                                       initial={"day": day, "until": _month_end(day)})
        if action == "add" and shift_form.is_valid():
            d = shift_form.cleaned_data
            if _submit(request, shift_form, roster_svc.shift_add, request.user, room_id=d["room"], day=d["day"],
                       carer_id=d["carer"], start=d["start"], end=d["end"], today=today, success="已排班"):
                return redirect(f"{request.path}?day={d['day']:%Y-%m-%d}")
        elif action == "repeat" and repeat_form.is_valid():
            d = repeat_form.cleaned_data
            added = _submit(request, repeat_form, roster_svc.roster_repeat, request.user, room_id=d["room"],
                            day=d["day"], until=d["until"], today=today)
            if added is not None:
                messages.success(request, f"已复制 {added} 个班次")
                return redirect(f"{request.path}?day={d['day']:%Y-%m-%d}")
    elif request.method == "POST":
        raise PermissionDenied("只有本托育机构的负责人可以排班")
    return render(request, "nursery/roster.html", {
        "centre": found, "day": day, "rooms": records.roster_day(found, day), "shift_form": shift_form,
        "repeat_form": repeat_form, "manages": manages,
        "prev": working_day_before(day), "next": working_day_after(day)},
        status=_status(shift_form, repeat_form))


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


@login_required
@require_POST
def shift_remove(request, shift_id: int):
    shift = DutyShift.objects.filter(pk=shift_id).select_related("room__centre").first()
    if shift is None:
        raise Http404("未找到该排班")
    access.require_manager(request.user, shift.room.centre, "只有本托育机构的负责人可以排班")
    attempt(request, roster_svc.shift_remove, request.user, shift_id=shift.pk, today=timezone.localdate(),
            success="已取消该班次")
    return redirect(f"/nursery/centres/{shift.room.centre_id}/roster/?day={shift.day:%Y-%m-%d}")

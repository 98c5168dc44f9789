"""A family's pages: temporary-care booking and 「我的托育」."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.web.feedback import attempt

from .. import access, forms
from ..models import Booking
from ..selectors import records
from ..services import bookings as booking_svc
from ..services import waitlist as waitlist_svc
from ._base import _status, _submit

# ---------------------------------------------------------------- families


@login_required
def book(request):
    """预约临时托 on a phone: choose the centre, the child, the day and the hours; a refusal says why."""
    access.require_parent(request.user)
    today = timezone.localdate()
    children = [(pk, f"{name}（{age}个月）") for pk, name, age in records.own_children(request.user, today)]
    centre_choices = records.bookable_centres(request.user)
    initial = {"day": today + dt.timedelta(days=1)}
    wanted = request.GET.get("centre", "")
    if wanted.isdigit() and int(wanted) in {pk for pk, _ in centre_choices}:
        initial["centre"] = int(wanted)
    form = forms.BookForm(request.POST or None, centres=centre_choices, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _submit(request, form, booking_svc.booking_create, request.user, centre_id=d["centre"], child_id=d["child"],
                   day=d["day"], start=d["start"], end=d["end"], today=today, now=timezone.localtime(),
                   success=f"已预约 {d['day'].month}月{d['day'].day}日 {d['start']:%H:%M}–{d['end']:%H:%M} 的临时托"):
            return redirect("nursery:mine")
    return render(request, "nursery/book.html", {"form": form, "children": children}, status=_status(form))


@login_required
def mine(request):
    """我的托育: a parent's children's contracts, bookings, waiting-list places and bills; joining a waiting list."""
    access.require_parent(request.user)
    today, now = timezone.localdate(), timezone.localtime()
    children = [(pk, f"{name}（{age}个月）") for pk, name, age in records.own_children(request.user, today)]
    form = forms.JoinForm(request.POST or None, children=children, centres=records.bookable_centres(request.user),
                          initial={"wanted_from": (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry = _submit(request, form, waitlist_svc.waitlist_join, request.user, centre_id=d["centre"],
                        child_id=d["child"], care_type=d["care_type"], wanted_from=d["wanted_from"], today=today,
                        now=now)
        if entry is not None:
            messages.success(request, "已有空位，已为孩子保留托位，请在下方确认入托" if entry.state == entry.State.OFFERED
                             else "已登记排队，有空位时将按登记顺序通知您")
            return redirect("nursery:mine")
    return render(request, "nursery/mine.html", {
        "page": records.family_page(request.user, today=today, now=now), "form": form},
        status=_status(form))


@login_required
@require_POST
def booking_cancel(request, booking_id: int):
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise Http404("未找到该预约")
    if not Booking.objects.filter(scope.nursery_record_q(request.user, "centre__site__"), pk=booking.pk).exists():
        raise PermissionDenied("无权取消该预约")
    attempt(request, booking_svc.booking_cancel, request.user, booking_id=booking.pk, now=timezone.now(),
            success="已取消预约")
    return redirect("nursery:mine")

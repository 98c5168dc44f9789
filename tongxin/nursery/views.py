"""The nursery pages: thin — parse with a form, call one service or selector, render. Who may open what is
`access` over `orgs.scope`; a service's refusal is shown in Chinese and stores nothing."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.downloads import tables_book, xlsx_download
from tongxin.web.feedback import attempt
from tongxin.web.forms import error_text

from . import access, forms
from .models import Bill, Booking, Contract, DutyShift, Room, WaitlistEntry
from .selectors import bills as bill_sel
from .selectors import network, records
from .selectors import settings as settings_sel
from .services import bills as bill_svc
from .services import bookings as booking_svc
from .services import contracts as contract_svc
from .services import roster as roster_svc
from .services import settings as settings_svc
from .services import waitlist as waitlist_svc


def _day(request, name: str = "on") -> dt.date:
    """A page's day from the query string (today when absent or not a date)."""
    form = forms.DayForm({"on": request.GET.get(name, "")})
    if form.is_valid() and form.cleaned_data["on"]:
        return form.cleaned_data["on"]
    if request.GET.get(name):
        messages.error(request, "日期格式应为 YYYY-MM-DD，已显示今天")
    return timezone.localdate()


def _submit(request, form, fn, *args, success: str | None = None, **kwargs):
    """Run a service for a form; its refusal becomes the form's error (the page answers 400 and shows it)."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _status(*form_list) -> int:
    return 400 if any(f is not None and f.errors for f in form_list) else 200


def _rooms(centre) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.name}（{r.get_class_type_display()}）")
            for r in Room.objects.filter(centre=centre, active=True).order_by("class_type", "name")]


# ---------------------------------------------------------------- the network


@login_required
def centres(request):
    """社区托育: the centres and points the user may open, with their places."""
    access.require_reader(request.user)
    today = timezone.localdate()
    rows = network.centre_rows(network.visible_centres(request.user), on=today)
    totals = {"places": sum(r.total for r in rows), "taken": sum(r.taken for r in rows),
              "waiting": sum(r.waiting for r in rows)}
    return render(request, "nursery/centres.html", {
        "rows": rows, "totals": totals, "today": today, "managed": access.managed_centres(request.user),
        "parent": Role.PARENT in scope.roles(request.user),
        "office": access.office_county(request.user) is not None})


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
    return render(request, "nursery/contracts.html", {
        "centre": found, "rows": records.contracts_of(request.user, found, on=today, past=past), "form": form,
        "end_form": forms.EndForm(initial={"last_day": today}), "manages": manages, "past": past, "today": today},
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
                messages.success(request, f"已按排队顺序通知 {len(offered)} 名幼儿入托" if offered
                                 else "暂无适合排队幼儿的空余托位")
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
        "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1)},
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


# ---------------------------------------------------------------- prices, limits, subsidies


def _settings_forms(request):
    action = request.POST.get("action") if request.method == "POST" else None
    return (action,
            forms.PriceForm(request.POST if action == "price" else None,
                            initial={"effective_from": timezone.localdate().replace(day=1)}),
            forms.SubsidyForm(request.POST if action == "subsidy" else None,
                              initial={"effective_from": timezone.localdate().replace(day=1)}),
            forms.LimitForm(request.POST if action == "limit" else None))


def _settings_post(request, action, price, subsidy, limit, *, centre_id: int | None) -> bool:
    today = timezone.localdate()
    if action == "price" and price.is_valid():
        d = price.cleaned_data
        return bool(_submit(request, price, settings_svc.price_set, request.user, item=d["item"], band=d["band"],
                            amount=d["amount"], effective_from=d["effective_from"], today=today, centre_id=centre_id,
                            success="价格已保存"))
    if action == "subsidy" and subsidy.is_valid():
        d = subsidy.cleaned_data
        return bool(_submit(request, subsidy, settings_svc.subsidy_set, request.user, kind=d["kind"], amount=d["amount"],
                            effective_from=d["effective_from"], today=today, centre_id=centre_id,
                            success="补贴已保存"))
    if action == "limit" and limit.is_valid():
        d = limit.cleaned_data
        return bool(_submit(request, limit, settings_svc.limit_set, request.user, class_type=d["class_type"],
                            max_size=d["max_size"], per_carer=d["per_carer"], centre_id=centre_id,
                            success="班型限额已保存"))
    return False


@login_required
def prices(request, centre_id: int):
    """收费标准: the centre's prices (within the county's 普惠 price), its subsidies and its tighter class limits."""
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以设置收费标准")
    action, price, subsidy, limit = _settings_forms(request)
    if _settings_post(request, action, price, subsidy, limit, centre_id=found.pk):
        return redirect("nursery:prices", found.pk)
    return render(request, "nursery/prices.html", {
        "centre": found, "s": settings_sel.office_settings(today=timezone.localdate(), centre=found),
        "price_form": price, "subsidy_form": subsidy, "limit_form": limit}, status=_status(price, subsidy, limit))


@login_required
def county(request):
    """全县托育标准: the county health bureau's class limits, affordable (普惠) prices and subsidies."""
    found = access.require_office(request.user)
    action, price, subsidy, limit = _settings_forms(request)
    if _settings_post(request, action, price, subsidy, limit, centre_id=None):
        return redirect("nursery:county")
    return render(request, "nursery/county.html", {
        "county": found, "s": settings_sel.office_settings(today=timezone.localdate(), county=found),
        "price_form": price, "subsidy_form": subsidy, "limit_form": limit}, status=_status(price, subsidy, limit))


# ---------------------------------------------------------------- bills


def _month(request) -> dt.date:
    form = forms.MonthForm({"month": request.GET.get("month", "")})
    if form.is_valid() and form.cleaned_data["month"]:
        return form.cleaned_data["month"]
    if request.GET.get("month"):
        messages.error(request, "月份格式应为 YYYY-MM，已显示本月")
    return timezone.localdate().replace(day=1)


@login_required
def bills(request, centre_id: int):
    """托育费账单: the month's bills, issued (or brought up to date) by the manager, marked paid, exported."""
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以查看账单")
    month = _month(request)
    if request.method == "POST":
        written = attempt(request, bill_svc.bills_issue, request.user, centre_id=found.pk, month=month,
                          today=timezone.localdate(), now=timezone.now())
        if written is not None:
            messages.success(request, f"已开具（更新）{written} 份账单")
        return redirect(f"{request.path}?month={month:%Y-%m}")
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "nursery/bills.html", {
        "centre": found, "page": bill_sel.bills_page(found, month), "prev": prev,
        "next": nxt if nxt <= timezone.localdate() else None})


@login_required
def bills_xlsx(request, centre_id: int):
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以导出账单")
    month = _month(request)
    page = bill_sel.bills_page(found, month)
    record(request.user, AuditEntry.Action.EXPORT, found, reason=f"导出{month.year}年{month.month}月托育费账单")
    return xlsx_download(tables_book([bill_sel.bills_table(page)]),
                         f"{found.name}{month.year}年{month.month}月托育费.xlsx")


@login_required
@require_POST
def bill_paid(request, bill_id: int):
    bill = Bill.objects.filter(pk=bill_id).select_related("centre").first()
    if bill is None:
        raise Http404("未找到该账单")
    access.require_manager(request.user, bill.centre, "只有本托育机构的负责人可以登记缴费")
    attempt(request, bill_svc.bill_mark_paid, request.user, bill_id=bill.pk, now=timezone.now(),
            success="已登记缴费")
    return redirect(f"/nursery/centres/{bill.centre_id}/bills/?month={bill.month:%Y-%m}")


# ---------------------------------------------------------------- families


def _require_parent(user) -> None:
    if Role.PARENT not in scope.roles(user):
        raise PermissionDenied("只有家长可以为孩子预约托育")


@login_required
def book(request):
    """预约临时托 on a phone: choose the centre, the child, the day and the hours; a refusal says why."""
    _require_parent(request.user)
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
    _require_parent(request.user)
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

"""The mandatory report's pages: raise one on a phone, the lists, one report with its actions, the townships'
receiving settings. Thin: parse with a form, call one service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.web.feedback import attempt

from . import report_forms as forms
from .selectors import picker
from .selectors import reports as sel
from .services import reports as svc


def _may_raise(user) -> bool:
    return bool(scope.roles(user) & svc.RAISERS)


@login_required
def reports(request):
    """强制报告: open ones (oldest first), closed ones, and the user's own."""
    form = forms.TabForm(request.GET)
    if not form.is_valid():
        return render(request, "care/reports.html", {"form": form, "rows": None}, status=400)
    paged, rows, tab = sel.report_list(request.user, now=timezone.now(), tab=form.cleaned_data["tab"] or "open",
                                       page=form.cleaned_data["page"] or 1)
    return render(request, "care/reports.html", {
        "form": form, "rows": rows, "page": paged, "tab": tab, "tabs": sel.TABS, "may_raise": _may_raise(request.user),
        "handler": sel.is_handler_anywhere(request.user),
        "route_setter": bool(sel.route_townships(request.user))})


@login_required
def report_new(request):
    """Raise a report in a minute: pick the child (or come from the child's file), tick what was found, say it."""
    if not _may_raise(request.user):
        raise PermissionDenied("当前角色不能在此提交强制报告，如遇紧急情况请直接拨打 110")
    pick = forms.PickForm(request.GET)
    if not pick.is_valid():
        return render(request, "care/report_new.html", {"pick": pick, "choices": []}, status=400)
    child_id = pick.cleaned_data["child"]
    if child_id is None:
        return render(request, "care/report_new.html", {
            "pick": pick, "choices": picker.pick_children(request.user, pick.cleaned_data["q"]), "limit": picker.PICK_LIMIT})
    chosen = next(iter(picker.pick_child(request.user, child_id)), None)
    if chosen is None:
        raise PermissionDenied("该儿童不在您负责的范围内")
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = attempt(request, svc.report_raise, request.user, child_id=child_id, now=timezone.now(),
                         success="报告已发送至公安机关和乡镇人民政府", **form.cleaned_data)
        if report:
            return redirect("care:report", report.pk)
    return render(request, "care/report_new.html", {"pick": pick, "chosen": chosen, "form": form},
                  status=400 if form.errors else 200)


@login_required
def report(request, report_id: int):
    found = svc.access_report(request.user, report_id)
    detail = sel.report_detail(request.user, found, now=timezone.now())
    return render(request, "care/report.html", {"d": detail, "form": forms.ActionForm(), "actions": forms.ACTIONS})


@login_required
@require_POST
def report_action(request, report_id: int, action: str):
    """签收, 登记公安机关接报, 处置, 补充, 结案: each adds one event (a report is never edited)."""
    if action not in forms.ACTIONS:
        raise Http404("没有这个操作")
    found = svc.access_report(request.user, report_id)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        detail = sel.report_detail(request.user, found, now=timezone.now(), audit=False)
        return render(request, "care/report.html", {"d": detail, "form": form, "actions": forms.ACTIONS,
                                                    "failed": action}, status=400)
    now, text = timezone.now(), form.cleaned_data["text"]
    {
        "receive": lambda: attempt(request, svc.report_receive, request.user, found, now=now, success="已签收"),
        "police": lambda: attempt(request, svc.report_police_receipt, request.user, found, text=text, now=now,
                                  success="已登记公安机关接报情况"),
        "act": lambda: attempt(request, svc.report_act, request.user, found, text=text, now=now,
                               success="已记录处置情况"),
        "note": lambda: attempt(request, svc.report_note, request.user, found, text=text, now=now,
                                success="已补充情况"),
        "close": lambda: attempt(request, svc.report_close, request.user, found, text=text, now=now,
                                 success="已结案"),
    }[action]()  # a refusal is shown as a message on the report
    return redirect("care:report", report_id)


@login_required
def routes(request):
    """Where each township's reports go (P-18): police station, government contact, leader, time to acknowledge."""
    rows = sel.route_townships(request.user)
    if not rows:
        raise PermissionDenied("只有乡镇（街道）干部和县民政局可以设置强制报告接收单位")
    officers = {row.township.pk: row.officers for row in rows}
    posted = None
    if request.method == "POST":
        try:
            township_id = int(request.POST.get("township", ""))
        except ValueError:
            township_id = 0
        posted = forms.RouteForm(request.POST, officers=officers.get(township_id, []))
        if posted.is_valid():
            data = posted.cleaned_data
            if attempt(request, svc.route_set, request.user, township_id=data["township"],
                       police_name=data["police_name"], police_contact=data["police_contact"],
                       police_phone=data["police_phone"], government_contact_id=data["government_contact"],
                       leader_id=data["leader"], ack_minutes=data["ack_minutes"], success="已保存"):
                return redirect("care:report_routes")
    items = []
    for row in rows:
        if posted is not None and posted.data.get("township") == str(row.township.pk):
            form = posted
        else:
            r = row.route
            form = forms.RouteForm(officers=row.officers, initial={
                "township": row.township.pk, "ack_minutes": row.ack_minutes,
                **({"police_name": r.police_name, "police_contact": r.police_contact, "police_phone": r.police_phone,
                    "government_contact": r.government_contact_id, "leader": r.leader_id} if r else {})})
        items.append((row, form))
    return render(request, "care/report_routes.html", {"items": items},
                  status=400 if posted is not None and posted.errors else 200)

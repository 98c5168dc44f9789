"""The absence and dropout pages (控辍保学): the class's daily register on a phone, the school's day at a glance,
the cases, one case with what can be done on it, the written report as a PDF. Thin: parse with a form, call one
service or selector, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.web.feedback import attempt

from . import absence_forms as forms
from . import absence_pdf
from .absence_forms import SHORT
from .selectors import absence as sel
from .services import absence as svc


def _register_url(class_id: int | None, day=None) -> str:
    query = {k: v for k, v in (("class", class_id), ("day", day.isoformat() if day else None)) if v}
    return reverse("care:absence_register") + (f"?{urlencode(query)}" if query else "")


def _saved_messages(request, result: svc.RegisterResult) -> None:
    c = result.counts
    reasons = "，".join(f"{SHORT[r]}{c[r]}人" for r in SHORT if r and c[r])
    messages.success(request, f"已保存：应到{c['roster']}人，实到{c['present']}人" + (f"（{reasons}）" if reasons else "，全勤"))
    for name, _ in result.opened:
        messages.warning(request, f"{name}无故缺课，已开立控辍保学个案，请及时了解原因")
    for name in result.withdrawn:
        messages.info(request, f"已更正：撤销{name}的控辍保学个案")
    for name, _ in result.back:
        messages.info(request, f"{name}今天到校，请在其个案中登记返校结案")


@login_required
def register(request):
    """每日点名: the whole class on one screen, everyone present until marked; one save. Without `?class=`, a
    school's leader sees the day's classes to pick from."""
    if not scope.roles(request.user) & sel.SCHOOL_SIDE:
        raise PermissionDenied("只有班主任和学校领导可以点名")
    today = timezone.localdate()
    pick = forms.PickForm(request.GET)
    if not pick.is_valid():
        return render(request, "care/absence_register.html", {"pick": pick, "today": today}, status=400)
    day = pick.cleaned_data["day"] or today
    class_id = pick.cleaned_data["klass"]
    if class_id is None and request.method != "POST":
        classes = sel.register_classes(request.user)
        if len(classes) != 1:
            return render(request, "care/absence_register.html", {
                "pick": pick, "today": today, "day": day, "overview": sel.school_day(request.user, day=day)})
        class_id = classes[0][0]
    form, refused = None, False
    if request.method == "POST":
        posted = request.POST.get("class_id", "")
        class_id = int(posted) if posted.isascii() and posted.isdigit() and 0 < int(posted) < 2**31 else class_id
        if class_id is None:
            return render(request, "care/absence_register.html", {"pick": pick, "today": today, "bad": True},
                          status=400)
        pupils = list(sel.register_pupils(request.user, class_id).values_list("pk", "name"))
        form = forms.RegisterForm(request.POST, pupils=pupils)
        if form.is_valid():
            day = form.cleaned_data["day"]
            result = attempt(request, svc.register_save, actor=request.user, class_id=form.cleaned_data["class_id"],
                             day=day, marks=form.marks(), today=today, now=timezone.now())
            if result:
                _saved_messages(request, result)
                return redirect(_register_url(form.cleaned_data["class_id"], day if day != today else None))
            refused = True
        elif form.cleaned_data.get("day"):
            day = form.cleaned_data["day"]
    sheet = sel.register_sheet(request.user, class_id, day=day, today=today)
    if form is None or (form.is_valid() and not refused):
        form = forms.RegisterForm(pupils=[(p.pk, p.name) for p in sheet.pupils], initial={
            "class_id": class_id, "day": day, **{f"c{p.pk}": p.reason for p in sheet.pupils}})
    return render(request, "care/absence_register.html", {
        "pick": pick, "today": today, "day": day, "sheet": sheet, "form": form,
        "rows": [(p, form[f"c{p.pk}"]) for p in sheet.pupils],
        "several": len(sel.register_classes(request.user)) > 1},
        status=400 if form.errors or refused else 200)


@login_required
def cases(request):
    """控辍保学个案: open ones (longest away first), the overdue ones, closed ones."""
    if not sel.reads_cases(request.user):
        raise PermissionDenied("当前角色不能查看控辍保学个案")
    form = forms.TabForm(request.GET)
    if not form.is_valid():
        return render(request, "care/absence_cases.html", {"form": form, "found": None}, status=400)
    today = timezone.localdate()
    found = sel.case_list(request.user, today=today, tab=form.cleaned_data["tab"] or "open",
                          page=form.cleaned_data["page"] or 1)
    return render(request, "care/absence_cases.html", {
        "form": form, "found": found, "tabs": sel.TABS, "today": today,
        "takes_registers": bool(scope.roles(request.user) & sel.SCHOOL_SIDE)})


def _case_page(request, found, *, failed: str = "", bound=None, status: int = 200):
    today = timezone.localdate()
    detail = sel.case_detail(request.user, found, today=today, audit=not failed)
    initial = {"day": today, "people": request.user.display_name}
    built = {name: cls(initial=initial if name == "persuade" else {"day": today}, auto_id=f"{name}_%s",
                       **({"choices": detail.choices} if name == "reassign" else {}))
             for name, cls in forms.ACTIONS.items()}
    if failed and bound is not None:
        built[failed] = bound
    return render(request, "care/absence_case.html", {"d": detail, "f": built, "failed": failed, "today": today},
                  status=status)


@login_required
def case(request, case_id: int):
    return _case_page(request, sel.access_case(request.user, case_id))


@login_required
@require_POST
def case_action(request, case_id: int, action: str):
    """了解原因, 劝返, 更换责任人, 认定劝返无效, 登记送达, 结案, 补充: each one service."""
    if action not in forms.ACTIONS:
        raise Http404("没有这个操作")
    found = sel.access_case(request.user, case_id)
    extra = {"choices": sel.responsible_choices(found)} if action == "reassign" else {}
    form = forms.ACTIONS[action](request.POST, auto_id=f"{action}_%s", **extra)
    if not form.is_valid():
        return _case_page(request, found, failed=action, bound=form, status=400)
    data, user, today, now = form.cleaned_data, request.user, timezone.localdate(), timezone.now()
    common = {"actor": user, "case": found, "today": today, "now": now}
    done = {
        "cause": lambda: attempt(request, svc.case_cause, day=data["day"], method=data["method"], text=data["text"],
                                 success="已记录缺课原因", **common),
        "persuade": lambda: attempt(request, svc.case_persuade, day=data["day"], method=data["method"],
                                    people=data["people"], result=data["result"], text=data["text"],
                                    success="已记录劝返情况", **common),
        "reassign": lambda: attempt(request, svc.case_reassign, responsible_id=data["responsible"], text=data["text"],
                                    success="已更换责任人", **common),
        "fail": lambda: attempt(request, svc.case_fail, day=data["day"], text=data["text"],
                                success="已认定劝返无效，请打印书面报告送达乡镇教育管理中心和乡镇人民政府", **common),
        "deliver": lambda: attempt(request, svc.case_deliver, recipient=data["recipient"], day=data["day"],
                                   delivery=data["delivery"], people=data["people"], text=data["text"],
                                   success="已登记送达", **common),
        "close": lambda: attempt(request, svc.case_close, closing=data["closing"], day=data["day"],
                                 cause=data["cause"], text=data["text"], success="已结案", **common),
        "note": lambda: attempt(request, svc.case_note, day=data["day"], text=data["text"], success="已补充",
                                **common),
    }[action]()
    if not done:  # refused by the rules: the message says why, the form keeps what was typed
        return _case_page(request, found, failed=action, bound=form, status=400)
    return redirect("care:absence_case", case_id)


@login_required
def case_pdf(request, case_id: int):
    """劝返无效书面报告: the PDF to print, sign, stamp and deliver."""
    found = sel.access_case(request.user, case_id)
    report = sel.written_report(request.user, found, today=timezone.localdate())
    response = HttpResponse(absence_pdf.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=dropout-report-{found.pk}.pdf"
    response["Cache-Control"] = "no-store"
    return response

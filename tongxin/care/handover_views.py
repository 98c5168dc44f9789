"""The holiday handover's pages: thin — parse with a form, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.feedback import attempt

from . import handover_forms as forms
from .handover_models import HandoverRound
from .selectors import handovers as sel
from .services import handovers as svc

READERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU,
                     Role.COUNTY_CIVIL})


def _schools(user) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in sel.leader_schools(user)]


@login_required
def handovers(request):
    """假期交接: the school hands over before a holiday; villages receive; townships and the county follow."""
    if not scope.roles(request.user) & READERS:
        raise PermissionDenied("当前角色不办理假期交接")
    today = timezone.localdate()
    schools = _schools(request.user)
    page = sel.handover_page(request.user, today=today)  # a refused form shows the same page; a success redirects
    form = None
    if schools:
        focus = page.due[0].holiday if page.due else None
        initial = {"school": schools[0][0]} | ({"holiday": focus.holiday, "year": focus.year,
                                                 "holiday_start": focus.start, "school_start": focus.school_start}
                                                if focus else {"year": today.year})
        form = forms.HandoverForm(request.POST or None, schools=schools, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if attempt(request, svc.handover_create, request.user, school_id=data["school"], holiday=data["holiday"],
                       year=data["year"], holiday_start=data["holiday_start"], school_start=data["school_start"],
                       today=today, success="已生成交接名单，各村（社区）儿童主任将在系统中确认接收"):
                return redirect("care:handovers")
    elif request.method == "POST":
        raise PermissionDenied("只有学校领导可以办理假期交接")
    return render(request, "care/handovers.html", {
        "page": page, "form": form, "rounds": sel.recent_rounds([pk for pk, _ in schools])},
        status=400 if form is not None and form.errors else 200)


@login_required
def handover(request, handover_id: int):
    found = sel.access_handover(request.user, handover_id)
    form = forms.ReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(request, svc.handover_receive, request.user, found, note=form.cleaned_data["note"],
                   now=timezone.now(), success="已确认接收"):
            return redirect("care:handover", handover_id)
    detail = sel.handover_detail(request.user, found, today=timezone.localdate(), audit=request.method != "POST")
    return render(request, "care/handover.html", {"d": detail, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def handover_refresh(request, round_id: int):
    found = HandoverRound.objects.filter(pk=round_id).first()
    if found is None:
        raise Http404("未找到该交接")
    changed = svc.handover_refresh(request.user, found)
    messages.success(request, f"已按台账更新 {changed} 份未接收的名单" if changed else "未接收的名单与台账一致，无需更新")
    return redirect("care:handovers")

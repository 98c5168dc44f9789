"""Custody pages. Thin: read the form, call one service or selector, show the result."""

from decimal import Decimal

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role, School
from tongxin.people.models import Guardian

from . import exports, permissions, selectors, services
from .forms import ApplicationForm, EvaluationForm, GroupForm, IncidentForm, PeriodForm, ProgrammeForm, ShiftForm
from .models import (
    Activity,
    Alert,
    Application,
    FeeExemption,
    Group,
    Incident,
    Period,
    Placement,
    Programme,
    RosterShift,
)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _try(request, fn, *args, success=None, **kwargs):
    """Run a service; a refusal by its rules becomes a message the user reads. Returns the result or None."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _overseen(request, programme_id) -> Programme:
    programme = get_object_or_404(Programme, pk=programme_id)
    if not permissions.oversees(request.user, programme):
        raise PermissionDenied("您无权查看该托管项目")
    return programme


def _managed(request, programme_id) -> Programme:
    programme = get_object_or_404(Programme, pk=programme_id)
    permissions.require_organiser(request.user, programme)
    return programme


@login_required
def hub(request):
    user = request.user
    roles = scope.roles(user)
    today = timezone.localdate()
    context = {
        "managed": permissions.managed_programmes(user).select_related("school", "community"),
        "overseen": permissions.overseen_programmes(user).select_related("school", "community"),
        "to_review": selectors.applications_for(user).filter(state=Application.State.SUBMITTED)
        if Role.CLASS_TEACHER in roles else [],
        "duty_today": RosterShift.objects.filter(staff=user, date=today).select_related("programme", "group"),
        "my_alerts": Alert.objects.filter(notify=user, handled_at=None).select_related("programme", "placement__child"),
        "parent_rows": selectors.open_programmes_for_parent(user) if Role.PARENT in roles else [],
        "my_applications": Application.objects.filter(applicant=user).select_related("programme", "child")
        .prefetch_related("placements__period", "placements__group") if Role.PARENT in roles else [],
        "can_create": bool(roles & {Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.ADMIN}),
        "county_view": permissions.has_overview(user),
        "today": today,
    }
    return render(request, "custody/hub.html", context)


def _organiser_choices(user):
    schools = School.objects.none()
    communities = Region.objects.none()
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER:
            schools |= School.objects.filter(pk=a.school_id)
        elif a.role == Role.COMMUNITY_WORKER:
            communities |= Region.objects.filter(pk=a.region_id)
    if Role.ADMIN in scope.roles(user):
        schools, communities = School.objects.all(), Region.objects.filter(level=Region.Level.COMMUNITY)
    return schools, communities


@login_required
def programme_new(request):
    schools, communities = _organiser_choices(request.user)
    if not schools.exists() and not communities.exists():
        raise PermissionDenied("只有学校领导或社区儿童主任可以创建托管项目")
    form = ProgrammeForm(request.POST or None, schools=schools, communities=communities,
                         initial={"school": schools.first(), "agreement_text": DEFAULT_AGREEMENT, "commitment_text": DEFAULT_COMMITMENT})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("school", "community")}
        programme = _try(request, services.create_programme, request.user, **data, success="托管项目已创建，请添加期次和班组")
        if programme:
            return redirect("custody:programme", programme.pk)
    return render(request, "custody/programme_form.html", {"form": form, "title": "新建托管项目"})


@login_required
def programme_edit(request, programme_id):
    programme = _managed(request, programme_id)
    schools, communities = _organiser_choices(request.user)
    form = ProgrammeForm(request.POST or None, instance=programme, schools=schools, communities=communities)
    if request.method == "POST" and form.is_valid():
        fresh = Programme.objects.get(pk=programme.pk)
        changes = {k: v for k, v in form.cleaned_data.items() if k not in ("school", "community")}
        if _try(request, services.update_programme, request.user, fresh, **changes, success="已保存"):
            return redirect("custody:programme", programme.pk)
    return render(request, "custody/programme_form.html", {"form": form, "title": f"修改：{programme.name}"})


@login_required
def programme(request, programme_id):
    programme = _overseen(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    if request.method == "POST":
        permissions.require_organiser(request.user, programme)
        action = request.POST.get("action")
        if action == "period":
            form = PeriodForm(request.POST)
            if form.is_valid():
                _try(request, services.add_period, request.user, programme, **form.cleaned_data, success="期次已添加")
            else:
                messages.error(request, "请完整填写期次名称和起止日期")
        elif action == "group":
            form = GroupForm(request.POST, programme=programme)
            if form.is_valid():
                d = form.cleaned_data
                _try(request, services.add_group, request.user, d["period"], site=d["site"], name=d["name"],
                     capacity=d["capacity"], success="班组已添加")
            else:
                messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        elif action == "status":
            status = request.POST.get("status")
            if status in Programme.Status.values:
                _try(request, services.update_programme, request.user, programme, status=status,
                     success=f"项目状态已改为“{Programme.Status(status).label}”")
        return redirect("custody:programme", programme.pk)
    periods = []
    for p in programme.periods.prefetch_related("groups__site"):
        periods.append({"period": p, "days": len(services.period_days(p)), "groups": list(p.groups.all())})
    return render(request, "custody/programme.html", {
        "programme": programme, "periods": periods, "manages": manages,
        "period_form": PeriodForm(), "group_form": GroupForm(programme=programme),
        "statuses": Programme.Status.choices,
        "counts": [(state, Application.State(state).label, n) for state, n in
                   Application.objects.filter(programme=programme).values_list("state").annotate(n=Count("id")).order_by("state")],
    })


DEFAULT_AGREEMENT = ("一、学校（社区）在托管时间内负责学生的安全看护、作业辅导和文体活动，不组织集体补课、不上新课、不考试。\n"
                     "二、家长按时接送，确需他人代接的须事先在平台登记授权接送人。\n"
                     "三、收费按实际托管天数计算，午餐另计；符合条件的困难家庭可申请减免。")
DEFAULT_COMMITMENT = ("本人承诺：如实告知孩子的健康状况和过敏史；孩子身体不适时不送托；教育孩子遵守纪律、注意安全；"
                      "接到学校（社区）通知后及时到场。")


@login_required
def applications(request, programme_id):
    programme = _overseen(request, programme_id)
    state = request.GET.get("state", "")
    qs = selectors.applications_for(request.user, programme).order_by("tier", "created_at")
    if state:
        qs = qs.filter(state=state)
    return render(request, "custody/applications.html", {
        "programme": programme, "applications": qs.prefetch_related("periods"), "state": state,
        "states": Application.State.choices,
        "manages": permissions.is_organiser(request.user, programme),
    })


@login_required
@require_POST
def review(request, application_id):
    application = get_object_or_404(selectors.applications_for(request.user), pk=application_id)
    approve = request.POST.get("decision") == "approve"
    reason = request.POST.get("reason", "")
    if application.state == Application.State.SUBMITTED:
        _try(request, services.class_review, request.user, application, approve=approve, reason=reason,
             success=f"{application.child.name}：{'初审通过' if approve else '已退回'}")
    else:
        _try(request, services.organiser_decision, request.user, application, approve=approve, reason=reason,
             success=f"{application.child.name}：{'已批准' if approve else '不予批准'}")
    return redirect(request.POST.get("next") or "custody:hub")


@login_required
def placement(request, programme_id):
    programme = _overseen(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    if request.method == "POST":
        period = get_object_or_404(Period, pk=request.POST.get("period"), programme=programme)
        run = _try(request, services.run_placement, request.user, period, seed=request.POST.get("seed", "").strip() or None)
        if run:
            messages.success(request, f"{period.name}：安置 {run.placed} 人，候补 {run.waiting} 人。抽签种子 {run.seed} 已公布。")
        return redirect("custody:placement", programme.pk)
    periods = []
    for period in programme.periods.prefetch_related("groups"):
        rows = scope.narrow(request.user, Placement.objects.filter(period=period), via="child") \
            if not manages else Placement.objects.filter(period=period)
        rows = rows.exclude(state=Placement.State.WITHDRAWN).select_related("child", "group", "application")
        periods.append({
            "period": period,
            "runs": period.runs.all(),
            "groups": [(g, [r for r in rows if r.group_id == g.pk]) for g in period.groups.all()],
            "waiting": sorted((r for r in rows if r.state == Placement.State.WAITING),
                              key=lambda r: (r.application.tier, r.lottery_key)),
            "approved_unplaced": Application.objects.filter(programme=programme, periods=period, state=Application.State.APPROVED)
            .exclude(placements__period=period).count(),
        })
    return render(request, "custody/placement.html", {"programme": programme, "periods": periods, "manages": manages})


@login_required
def timetable(request, group_id):
    group = get_object_or_404(Group.objects.select_related("period__programme"), pk=group_id)
    programme = group.period.programme
    if not permissions.oversees(request.user, programme):
        raise PermissionDenied
    manages = permissions.is_organiser(request.user, programme)
    rows = None
    if request.method == "POST":
        permissions.require_organiser(request.user, programme)
        rows = [{"start": s, "end": e, "activity": a, "title": t}
                for s, e, a, t in zip(request.POST.getlist("start"), request.POST.getlist("end"),
                                      request.POST.getlist("activity"), request.POST.getlist("title"), strict=False)
                if s and e and a]
        try:
            services.save_timetable(request.user, group, rows)
        except (ValidationError, ValueError) as exc:
            messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else "时间格式不正确")
        else:
            messages.success(request, "作息安排已保存")
            return redirect("custody:timetable", group.pk)
    slots = rows or [{"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "activity": s.activity, "title": s.title}
                     for s in group.slots.all()]
    if not slots and manages:
        slots = [{"start": s, "end": e, "activity": a, "title": t} for s, e, a, t in services.DEFAULT_DAY]
        messages.info(request, "已按推荐作息预填，确认后保存")
    slots += [{"start": "", "end": "", "activity": "", "title": ""}] * 2 if manages else []
    return render(request, "custody/timetable.html", {"group": group, "programme": programme, "slots": slots,
                                                      "activities": Activity.choices, "manages": manages})


@login_required
def roster(request, programme_id):
    programme = _overseen(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    form = ShiftForm(request.POST or None, programme=programme, initial={"staff": request.user.username})
    if request.method == "POST":
        if "remove" in request.POST:
            shift = get_object_or_404(RosterShift, pk=request.POST["remove"], programme=programme)
            _try(request, services.remove_shift, request.user, shift, success="已取消排班")
        elif "sign" in request.POST:
            shift = get_object_or_404(RosterShift, pk=request.POST["sign"], staff=request.user)
            _try(request, services.sign_shift, request.user, shift, success="已记录")
        elif form.is_valid():
            d = form.cleaned_data
            staff = get_user_model().objects.filter(username=d["staff"], is_active=True).first()
            if staff is None:
                messages.error(request, f"找不到账号 {d['staff']}")
            else:
                _try(request, services.add_shift, request.user, programme, staff=staff, date=d["date"], duty=d["duty"],
                     group=d["group"], start=d["start"], end=d["end"], success="已排班")
        return redirect("custody:roster", programme.pk)
    days = selectors.roster(programme)
    return render(request, "custody/roster.html", {
        "programme": programme, "days": days, "form": form, "manages": manages,
        "workload": selectors.workload(programme), "gap_days": sum(1 for d in days if not d.ok),
    })


@login_required
def workload_xlsx(request, programme_id):
    programme = _overseen(request, programme_id)
    return exports.xlsx_response(exports.workload_book(programme), f"{programme.name}-教师志愿者工作量.xlsx",
                                 request.user, programme)


@login_required
def fees(request, programme_id):
    programme = _overseen(request, programme_id)
    if request.method == "POST":
        exemption = get_object_or_404(FeeExemption, pk=request.POST.get("exemption"), application__programme=programme)
        percent = request.POST.get("percent")
        _try(request, services.decide_exemption, request.user, exemption, approve=request.POST.get("decision") == "approve",
             percent=int(percent) if percent and percent.isdigit() else None, success="已审批减免")
        return redirect("custody:fees", programme.pk)
    rows, totals = selectors.fee_report(request.user, programme)
    pending = FeeExemption.objects.filter(application__in=selectors.applications_for(request.user, programme),
                                          state=FeeExemption.State.REQUESTED).select_related("application__child")
    return render(request, "custody/fees.html", {
        "programme": programme, "rows": rows, "totals": totals, "pending": pending,
        "manages": permissions.is_organiser(request.user, programme),
    })


@login_required
@require_POST
def request_exemption(request, application_id):
    application = get_object_or_404(selectors.applications_for(request.user), pk=application_id)
    percent = request.POST.get("percent", "100")
    _try(request, services.request_exemption, request.user, application, percent=int(percent) if percent.isdigit() else 0,
         reason=request.POST.get("reason", ""), success="减免申请已提交，等待学校审批")
    return redirect(request.POST.get("next") or "custody:hub")


@login_required
def today(request, programme_id):
    programme = _overseen(request, programme_id)
    date = timezone.localdate()
    permissions.require_duty_or_organiser(request.user, programme, date)
    services.scan_alerts(programme)
    group_id = request.GET.get("group")
    group = Group.objects.filter(pk=group_id, period__programme=programme).first() if group_id else None
    roll = selectors.todays_roll(request.user, programme, date, group)
    alerts = Alert.objects.filter(programme=programme, date=date, handled_at=None).select_related("placement__child")
    return render(request, "custody/today.html", {
        "programme": programme, "date": date, "roll": roll, "alerts": alerts, "group": group,
        "groups": Group.objects.filter(period__programme=programme, period__start__lte=date, period__end__gte=date),
        "leader": services.leader_on_duty(programme, date),
        "my_shift": RosterShift.objects.filter(programme=programme, date=date, staff=request.user).first(),
        "present": sum(1 for r in roll if r.attendance and r.attendance.check_in_at and not r.attendance.check_out_at),
        "gone": sum(1 for r in roll if r.attendance and r.attendance.check_out_at),
        "absent": sum(1 for r in roll if r.attendance and r.attendance.absence_reason),
    })


@login_required
@require_POST
def today_action(request, programme_id):
    programme = _overseen(request, programme_id)
    action = request.POST.get("action")
    back = request.POST.get("next") or f"/custody/p/{programme.pk}/today/"
    if action == "code":
        _try(request, services.check_in_by_code, request.user, request.POST.get("code", ""), success="扫码入托成功")
        return redirect(back)
    if action == "alert":
        alert = get_object_or_404(Alert, pk=request.POST.get("alert"), programme=programme)
        _try(request, services.handle_alert, request.user, alert, success="已处理")
        return redirect(back)
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"),
                                  pk=request.POST.get("placement"), period__programme=programme)
    name = placement.child.name
    if action == "in":
        _try(request, services.check_in, request.user, placement, success=f"{name} 已入托")
    elif action == "out":
        guardian = get_object_or_404(Guardian, pk=request.POST.get("guardian"))
        try:
            _try(request, services.check_out, request.user, placement, guardian=guardian, success=f"{name} 已由 {guardian.name} 接走")
        except PermissionDenied as exc:
            messages.error(request, f"{exc}。已通知值班领导。")
    elif action == "absent":
        _try(request, services.mark_absent, request.user, placement, reason=request.POST.get("reason", ""), success=f"{name} 已登记缺勤")
    elif action == "health":
        try:
            temperature = Decimal(request.POST.get("temperature", ""))
        except ArithmeticError:
            messages.error(request, "请输入体温，如 36.5")
        else:
            _try(request, services.record_health_check, request.user, placement, slot=request.POST.get("slot", "morning"),
                 temperature=temperature, note=request.POST.get("note", ""), success=f"{name} 体温已记录")
    return redirect(back)


@login_required
def incident(request, placement_id):
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"), pk=placement_id)
    programme = placement.period.programme
    permissions.require_duty_or_organiser(request.user, programme, timezone.localdate())
    form = IncidentForm(request.POST or None, initial={"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        if _try(request, services.record_incident, request.user, placement, **form.cleaned_data, success="已记录并报告值班领导"):
            return redirect("custody:today", programme.pk)
    return render(request, "custody/incident.html", {"form": form, "placement": placement, "programme": programme})


@login_required
def report(request, programme_id):
    programme = _overseen(request, programme_id)
    summary = selectors.programme_summary(programme)
    incidents = [(Incident.Kind(k).label, n) for k, n in summary.incidents.items()]
    return render(request, "custody/report.html", {"programme": programme, "s": summary, "incidents": incidents})


@login_required
def report_xlsx(request, programme_id):
    programme = _overseen(request, programme_id)
    return exports.xlsx_response(exports.summary_book(programme), f"{programme.name}-托管工作总结.xlsx", request.user, programme)


@login_required
def county(request):
    if not permissions.has_overview(request.user):
        raise PermissionDenied("县、乡镇管理人员可查看全县托管概况")
    rows = [selectors.programme_summary(p) for p in permissions.overseen_programmes(request.user)
            .select_related("school", "community").order_by("-created_at")]
    return render(request, "custody/county.html", {"rows": rows})


@login_required
def county_xlsx(request):
    if not permissions.has_overview(request.user):
        raise PermissionDenied
    programmes = list(permissions.overseen_programmes(request.user))
    return exports.xlsx_response(exports.county_book(programmes), "全县托管工作汇总.xlsx", request.user, None)


# ------------------------------------------------------------------ parents

@login_required
def apply(request, programme_id, child_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    child = get_object_or_404(scope.children(request.user), pk=child_id)
    permissions.require_guardian_of(request.user, child)
    problem = services.eligibility_problem(programme, child)
    form = ApplicationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        app = _try(request, services.apply, request.user, programme=programme, child=child, periods=list(d["periods"]),
                   lunch=d.get("lunch", False), needs=d["needs"], note=d["note"], signature=d["signature"],
                   agree_service=d["agree_service"], agree_safety=d["agree_safety"],
                   success="报名已提交，请留意审核进度")
        if app:
            return redirect("custody:hub")
    periods = [(p, len(services.period_days(p))) for p in programme.periods.all()]
    return render(request, "custody/apply.html", {"programme": programme, "child": child, "form": form,
                                                  "problem": problem, "periods": periods})


@login_required
@require_POST
def withdraw(request, application_id):
    application = get_object_or_404(Application, pk=application_id, applicant=request.user)
    _try(request, services.withdraw, request.user, application, reason="家长撤回", success="已撤回，名额已释放")
    return redirect("custody:hub")


@login_required
def evaluate(request, placement_id):
    placement = get_object_or_404(Placement.objects.select_related("child", "period__programme"), pk=placement_id,
                                  application__applicant=request.user)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        comment = d.pop("comment")
        if _try(request, services.submit_evaluation, request.user, placement, scores=d, comment=comment, success="感谢您的评价"):
            return redirect("custody:hub")
    return render(request, "custody/evaluate.html", {"form": form, "placement": placement})


@login_required
def qr(request, placement_id):
    placement = get_object_or_404(Placement, pk=placement_id)
    if not scope.can_view_child(request.user, placement.child):
        raise PermissionDenied
    svg = segno.make(placement.qr_token, error="m").svg_inline(scale=6, border=2)
    return HttpResponse(svg, content_type="image/svg+xml")

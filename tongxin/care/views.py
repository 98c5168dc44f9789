"""The care line's pages: thin — parse with a form, call one selector or service, render."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.downloads import xlsx_download
from tongxin.web.feedback import attempt, refusal_text
from tongxin.web.forms import error_text

from . import access, forms, services
from .choices import PairingKind
from .selectors import board as board_sel
from .selectors import contact_rules as rules_sel
from .selectors import exchange
from .selectors import ledger as ledger_sel
from .selectors import reports as reports_sel
from .selectors import settings as settings_sel
from .selectors import todo as todo_sel
from .selectors import village as village_sel
from .selectors.pairings import helper_choices, peer_choices
from .services.reports import RAISERS


@login_required
def todo(request):
    """待办: what the user has to do on a day (today, or ?on= to look back or plan ahead)."""
    form = forms.OnForm(request.GET)
    if not form.is_valid():
        return render(request, "care/todo.html", {"form": form, "todo": None}, status=400)
    today = timezone.localdate()
    on = form.cleaned_data["on"] or today
    return render(request, "care/todo.html", {"form": form, "todo": todo_sel.todo_for(request.user, on, today=today),
                                              "today": today,
                                              "ledger_reader": bool(scope.roles(request.user) & scope.CARE_LEDGER_ROLES)})


@login_required
def ledger(request):
    """台账: the files in the user's scope, with this month's check and the assessment due."""
    if not scope.roles(request.user) & scope.CARE_LEDGER_ROLES:
        raise PermissionDenied("当前角色不能查看关爱台账")
    form = forms.LedgerFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "care/ledger.html", {"form": form, "ledger": None}, status=400)
    data = form.cleaned_data
    on = timezone.localdate()
    found = ledger_sel.ledger(request.user, on=on, school_class_id=data["school_class"], category=data["category"],
                              only=data["only"], query=data["q"].strip(), page=data["page"] or 1)
    return render(request, "care/ledger.html", {"form": form, "ledger": found, "editor": access.is_editor(request.user),
                                                "overseer": bool(scope.roles(request.user) & ledger_sel.OVERSEERS),
                                                "village": "community_worker" in scope.roles(request.user),
                                                "rule_setter": access.office_area(request.user) is not None})


@login_required
def file(request, file_id: int):
    """一人一档: one child's file, its helpers and its growth file (成长档案)."""
    detail = ledger_sel.file_detail(request.user, file_id, on=timezone.localdate())
    return render(request, "care/file.html", {"d": detail, "category_form": forms.CategoryForm(
        initial={"category": detail.file.override, "reason": detail.file.override_reason}),
        "reports": reports_sel.child_reports(request.user, detail.file.child_id, now=timezone.now()),
        "may_report": bool(scope.roles(request.user) & RAISERS),
        "end_kinds": access.arrangeable_kinds(request.user, detail.file) if access.is_arranger(request.user) else []})


@login_required
def file_edit(request, file_id: int):
    found = access.access_file(request.user, file_id)
    access.require_editor(request.user, found)
    form = forms.FileForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note_change"]
        changes = form.changes()
        found.refresh_from_db()
        if attempt(request, services.file_update, request.user, found, on=timezone.localdate(), reason=note,
                    success="档案已保存", **changes):
            return redirect("care:file", file_id)
    return render(request, "care/file_edit.html", {"form": form, "file": found}, status=400 if form.errors else 200)


@login_required
@require_POST
def file_category(request, file_id: int):
    found = access.access_file(request.user, file_id)
    form = forms.CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("care:file", file_id)
    attempt(request, services.file_set_category, request.user, found, category=form.cleaned_data["category"],
             reason=form.cleaned_data["reason"], on=timezone.localdate(), success="关爱类别已更新")
    return redirect("care:file", file_id)


@login_required
def family_change(request, file_id: int):
    """家庭情况变动 (P-10): a parent went away or came back, a carer changed or can no longer care… — one short
    form; the category is derived anew at once, and a material change asks the class teacher for a review."""
    today = timezone.localdate()
    page = ledger_sel.family_form(request.user, file_id, on=today, audit=request.method != "POST")
    found = page.file
    asked = request.GET.get("guardian", "")
    initial = {"day": today, "guardian": int(asked) if asked.isascii() and asked.isdigit() and len(asked) <= 18
               and int(asked) in {pk for pk, _ in page.choices} else None}
    form = forms.FamilyChangeForm(request.POST or None, guardians=page.choices, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.family_change_add(
                request.user, found, guardian_id=data["guardian"], change=data["change"], day=data["day"],
                today=today, work_city=data["work_city"], health=data["health"], phone=data["phone"],
                address=data["address"], note=data["note"])
        except ValidationError as exc:  # the service's refusal, shown at its field where it names one
            named = getattr(exc, "error_dict", None)
            form.add_error(None, exc if named and set(named) <= set(form.fields) else refusal_text(exc))
        else:
            text = "家庭情况变动已记录"
            if done.category != found.category:
                text += f"，关爱类别改为{done.get_category_display()}"
            if done.review_from is not None:
                text += "。情况有较大变化，请重新进行风险评估"
            messages.success(request, text)
            return redirect("care:file", file_id)
    return render(request, "care/family_change.html", {"form": form, "page": page, "file": found},
                  status=400 if form.errors else 200)


@login_required
def growth(request, file_id: int):
    """成长档案: every record of the child, newest first, 50 a page, one kind or all (?kind=, ?page=)."""
    form = forms.GrowthForm(request.GET)
    if not form.is_valid():
        found = access.access_file(request.user, file_id)
        return render(request, "care/growth.html", {"form": form, "g": None, "file": found}, status=400)
    g = ledger_sel.growth(request.user, file_id, kind=form.cleaned_data["kind"], page=form.cleaned_data["page"] or 1)
    return render(request, "care/growth.html", {"form": form, "g": g, "file": g.file})


@login_required
def record_add(request, file_id: int):
    """Record a talk, visit, call… — one short form, quick on a phone."""
    found = access.access_file(request.user, file_id)
    if not access.may_read_notes(request.user, found):
        raise PermissionDenied("您不是这名儿童的帮扶人，不能记录")
    today = timezone.localdate()
    form = forms.RecordForm(request.POST or None, initial={"day": today, "kind": request.GET.get("kind", "talk"),
                                                           "party": request.GET.get("party", "child")})
    if request.method == "POST" and form.is_valid():
        if attempt(request, services.record_add, request.user, found, today=today, success="已记录",
                    **form.cleaned_data):
            return redirect("care:todo") if request.GET.get("next") == "todo" else redirect("care:file", file_id)
    return render(request, "care/record_form.html", {"form": form, "file": found,
                                                     "from_todo": request.GET.get("next") == "todo"},
                  status=400 if form.errors else 200)


@login_required
def assess(request, file_id: int):
    found = access.access_file(request.user, file_id)
    access.require_editor(request.user, found)
    today = timezone.localdate()
    form = forms.AssessmentForm(request.POST or None, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        done = attempt(request, services.assessment_add, request.user, found, on=form.cleaned_data["on"],
                        scores=form.scores(), problems=form.cleaned_data["problems"],
                        measures=form.cleaned_data["measures"], today=today)
        if done:
            messages.success(request, f"评估已保存：{done.get_level_display()}风险")
            return redirect("care:file", file_id)
    return render(request, "care/assess.html", {"form": form, "file": found}, status=400 if form.errors else 200)


@login_required
@require_POST
def check(request):
    """按月核对: the class teacher confirms the listed files for this month."""
    raw = request.POST.getlist("file")
    if not all(v.isascii() and v.isdigit() and len(v) <= 10 for v in raw):
        return HttpResponseBadRequest("档案编号不正确")
    ids = sorted({int(v) for v in raw})
    if not ids or len(ids) > 500:
        messages.error(request, "请选择要核对的档案（每次最多 500 份）")
    else:
        n = attempt(request, services.files_check, request.user, file_ids=ids, on=timezone.localdate())
        if n is not None:
            messages.success(request, f"已核对 {len(ids)} 份档案" + (f"（其中 {n} 份为本月新核对）" if n != len(ids) else ""))
    return redirect("care:todo" if request.POST.get("back") == "todo" else "care:ledger")


@login_required
@require_POST
def census(request, class_id: int):
    """排查: the class teacher confirms the class's list for the term."""
    today = timezone.localdate()
    klass = next((a.school_class for a in scope.assignments(request.user)
                  if a.role == Role.CLASS_TEACHER and a.school_class_id == class_id), None)
    if klass is None:
        raise PermissionDenied("只能确认本人所带班级的排查")
    attempt(request, services.census_confirm, request.user, school_class_id=class_id,
             term_start=todo_sel.term_start(today), covered=todo_sel.covered_in_class(class_id),
             success=f"{klass.label}本学期排查已确认")
    return redirect("care:todo")


@login_required
def pair(request, file_id: int):
    """结对: pair a teacher, volunteer, staff helper or a pupil with the child (a class teacher: a subject teacher of
    the class, for the monthly talk)."""
    found = access.access_file(request.user, file_id)
    kinds = access.arrangeable_kinds(request.user, found)
    if not kinds:
        raise PermissionDenied("只有学校领导、班主任、村（社区）儿童主任和乡镇干部可以为其负责的儿童安排结对")
    helpers = helper_choices(request.user, found, kinds)
    peers = peer_choices(request.user, found) if PairingKind.STUDY_HELPER in kinds else []
    form = forms.PairingForm(request.POST or None, helpers=helpers, peers=peers, kinds=kinds,
                             initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(request, services.pairing_add, request.user, found, kind=data["kind"], start=data["start"],
                    helper_id=data["helper"], peer_child_id=data["peer"], card_signed_on=data["card_signed_on"], note=data["note"],
                    success="结对已安排"):
            return redirect("care:file", file_id)
    return render(request, "care/pair.html", {"form": form, "file": found, "no_helpers": not helpers,
                                              "only_talks": kinds == [PairingKind.SUBJECT_TEACHER]},
                  status=400 if form.errors else 200)


@login_required
def ledger_import(request):
    """导入台账: upload the exchange file; every bad row is listed with its reason, and nothing is imported while
    any row is bad."""
    if not access.is_editor(request.user):
        raise PermissionDenied("当前角色不能导入关爱台账")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.ledger_import(request.user, data=upload.read(), on=timezone.localdate(), source=upload.name[:100])
        if not result.errors:
            messages.success(request, f"已导入 {result.rows} 行：新建档案 {result.opened} 份，修改 {result.changed} 份，"
                                      f"无变化 {result.unchanged} 份"
                             + (f"；{result.reviews} 份因家庭情况变动需重新进行风险评估" if result.reviews else ""))
            return redirect("care:ledger")
    status = 400 if form.errors or (result and result.errors) else 200
    return render(request, "care/import.html", {"form": form, "result": result}, status=status)


@login_required
def ledger_xlsx(request):
    """导出台账 in the exchange layout."""
    if not scope.roles(request.user) & scope.CARE_LEDGER_ROLES:
        raise PermissionDenied("当前角色不能导出关爱台账")
    data, _ = exchange.ledger_export(request.user, on=timezone.localdate())
    return xlsx_download(data, f"关爱台账-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def compliance(request):
    """达标情况: who is behind on which contact rule, by how much, summed per class, school or township."""
    if not scope.roles(request.user) & ledger_sel.OVERSEERS:
        raise PermissionDenied("只有学校领导、村（社区）、乡镇和县级部门可以查看达标情况")
    form = forms.BoardForm(request.GET)
    if not form.is_valid():
        return render(request, "care/board.html", {"form": form, "board": None}, status=400)
    roles = scope.roles(request.user)
    # The widest scope held decides the default grouping: a county by township, a township or village by school,
    # a school by class.
    by = form.cleaned_data["by"] or ("township" if roles & {"county_edu", "county_civil", "admin"} else
                                     "school" if roles & {"township_officer", "community_worker"} else "class")
    found = board_sel.board(request.user, on=form.cleaned_data["on"] or timezone.localdate(), by=by)
    page = Paginator(found.behind, board_sel.PAGE).get_page(form.cleaned_data["page"])
    return render(request, "care/board.html", {"form": form, "board": found, "page": page})


@login_required
def village(request):
    """村居台账对接: the village's check of its residents' files, and the differences both ways."""
    found = village_sel.docking(request.user)
    if not found.communities:
        raise PermissionDenied("只有村（社区）儿童主任可以核实村居台账")
    if request.method == "POST":
        form = forms.VillageCheckForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect("care:village")
        data = form.cleaned_data
        known = {r.file_id: r for r in found.rows}
        if not set(data["files"]) <= set(known):
            raise PermissionDenied("有档案不属于本村（社区）")
        done = attempt(request, services.village_checks, request.user, file_ids=data["files"],
                        category=data["category"], note=data["note"])
        if done is not None:
            messages.success(request, f"已核实 {done} 份档案")
        return redirect("care:village")
    return render(request, "care/village.html", {"dock": found, "categories": forms.VILLAGE_CATEGORIES})


@login_required
def pairing_end(request, pairing_id: int):
    """结束结对: a helper leaves, a child moves, a pairing is replaced — ended on a date with a reason (the pairing
    and its records stay; the helper stops seeing the child from the next day)."""
    pairing, found = access.access_pairing_to_change(request.user, pairing_id)
    form = forms.PairingEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if attempt(request, services.pairing_end, request.user, pairing, end=form.cleaned_data["end"],
                   reason=form.cleaned_data["reason"], success="结对已结束"):
            return redirect("care:file", found.pk)
    return render(request, "care/pairing_end.html", {"form": form, "pairing": pairing, "file": found},
                  status=400 if form.errors else 200)


@login_required
def pairing_card(request, pairing_id: int):
    """爱心结对卡 (P-35): a printable card of one pairing, with the contact rules the helper keeps."""
    card = ledger_sel.pairing_card(request.user, pairing_id, on=timezone.localdate())
    return render(request, "care/card.html", {"c": card})


@login_required
def contact_rules(request):
    """联系频次规则: the rules in force for the school or county, with where each comes from; an office changes its
    own (count, period, on or off) or restores the one above it."""
    school_id, region_id, path = services.rule_area(request.user)
    if request.method == "POST":
        form = forms.RuleForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
        elif form.cleaned_data["restore"]:
            attempt(request, services.rule_restore, request.user, key=form.cleaned_data["key"], success="已恢复上级或默认规则")
        else:
            d = form.cleaned_data
            attempt(request, services.rule_set, request.user, key=d["key"], count=d["count"], window=d["window"],
                     active=d["active"], success="规则已保存")
        return redirect("care:rules")
    rows = rules_sel.rules_page(school_id=school_id, region_id=region_id, path=path)
    return render(request, "care/rules.html", {"rows": rows, "school": bool(school_id),
                                               "windows": forms.Window.choices})


@login_required
def care_settings(request):
    """关爱工作设置: the teachers' load, the assessment months and the months away in force for the school or county,
    with where each comes from; an office changes its own or restores the one above it."""
    school_id, region_id, path = services.settings_area(request.user)
    if request.method == "POST":
        form = forms.SettingForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect("care:settings")
        key, today = form.cleaned_data["key"], timezone.localdate()
        label = settings_sel.FIELD[key].label
        if form.cleaned_data["restore"]:
            changed = attempt(request, services.care_settings_restore, request.user, key=key, on=today,
                              success=f"{label}已恢复上级或默认设置")
        else:
            changed = attempt(request, services.care_settings_set, request.user, key=key, value=form.value, on=today,
                              success=f"{label}已保存")
        if changed:
            messages.info(request, f"已按新标准重新认定档案：{changed} 名儿童的关爱类别有变化（见各档案的修改记录）")
        return redirect("care:settings")
    return render(request, "care/settings.html", {
        "rows": settings_sel.settings_page(school_id=school_id, region_id=region_id, path=path),
        "school": bool(school_id), "schools": [] if school_id else settings_sel.county_schools(path),
        "fields": settings_sel.FIELDS, "months": range(1, 13)})

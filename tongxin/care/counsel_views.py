"""Counselling and support pages (P-55, P-58, P-59): thin — parse with a form, call one service or selector,
render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.web.feedback import attempt

from . import access
from . import counsel_forms as forms
from . import counsel_rules as rules
from .selectors import counsel as sel
from .services import counsel as svc
from .services.reports import RAISERS

NOT_COUNSELLING = "心理辅导记录只有本校的心理辅导教师和学校领导可以查看"


# ---------------------------------------------------------------- study support plans (P-55)


@login_required
def study_plans(request):
    """学习帮扶计划: the covered children in the user's care, with this term's plan or none yet."""
    if not scope.roles(request.user) & scope.CARE_NOTE_ROLES:
        raise PermissionDenied("当前角色不填写学习帮扶计划")
    form = forms.StudyFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "care/counsel_study_list.html", {"form": form, "rows": None}, status=400)
    data = form.cleaned_data
    paged, rows, term_start = sel.study_list(request.user, today=timezone.localdate(), query=data["q"],
                                             missing=data["only"] == "missing", page=data["page"] or 1)
    return render(request, "care/counsel_study_list.html", {"form": form, "rows": rows, "page": paged,
                                                            "term": rules.term_label(term_start)})


@login_required
def study(request, file_id: int):
    """One child's study support plan this term (time, content, goal) and its staged results."""
    found = access.access_file(request.user, file_id)
    if not access.may_read_notes(request.user, found):
        raise PermissionDenied("只有这名儿童的班主任、帮扶人和学校、村（社区）的关爱工作人员可以查看学习帮扶计划")
    today = timezone.localdate()
    plan = sel.current_plan(found.child_id, today=today)
    plan_form = forms.StudyPlanForm(initial={"schedule": plan.schedule, "content": plan.content, "goal": plan.goal}
                                    if plan else None)
    result_form = forms.StudyResultForm(initial={"day": today})
    failed = False
    if request.method == "POST":
        if request.POST.get("part") == "result":
            result_form = forms.StudyResultForm(request.POST)
            if result_form.is_valid() and plan is not None and attempt(
                    request, svc.study_result_add, request.user, plan, today=today, success="已记录阶段成效",
                    **result_form.cleaned_data):
                return redirect("care:study", file_id)
            if plan is None:
                messages.error(request, "请先制定本学期的学习帮扶计划，再记录阶段成效")
            failed = True
        else:
            plan_form = forms.StudyPlanForm(request.POST)
            if plan_form.is_valid() and attempt(request, svc.study_plan_save, request.user, found, today=today,
                                                success="已保存学习帮扶计划", **plan_form.cleaned_data):
                return redirect("care:study", file_id)
            failed = True
    detail = sel.study_detail(request.user, found, today=today, audit=not failed)
    return render(request, "care/counsel_study.html", {
        "d": detail, "term": rules.term_label(detail.term_start), "plan_form": plan_form,
        "result_form": result_form}, status=400 if failed else 200)


# ---------------------------------------------------------------- counselling records (P-59)


@login_required
def counsel(request):
    """心理辅导: the records the user may read (their own, or every one of the schools they lead)."""
    if not sel.reads_counselling(request.user):
        raise PermissionDenied(NOT_COUNSELLING)
    form = forms.PageForm(request.GET)
    if not form.is_valid():
        return render(request, "care/counsel.html", {"form": form, "rows": None}, status=400)
    today = timezone.localdate()
    paged, rows = sel.counselling_list(request.user, page=form.cleaned_data["page"] or 1)
    designations = sel.designations(request.user)
    counts = sel.mailbox_counts([d.school_id for d in designations], today=today) if designations else {}
    return render(request, "care/counsel.html", {
        "rows": rows, "page": paged, "designations": designations, "leads": bool(sel.led_schools(request.user)),
        "waiting": sum(c.waiting for c in counts.values()), "overdue": sum(c.overdue for c in counts.values())})


def _counsellor_for(request, school_id: int | None):
    designations = sel.designations(request.user)
    if not designations:
        raise PermissionDenied("只有本校指定的心理辅导教师可以填写心理辅导记录")
    return next((d for d in designations if d.school_id == school_id), designations[0]), designations


@login_required
def counsel_new(request):
    """A new record: pick the children (the school's covered children, a whole class, or names), then say what
    was done."""
    which = forms.BoardForm(request.GET)  # the school alone (for a counsellor at several)
    school_id = which.cleaned_data["school"] if which.is_valid() else None
    counsellor, designations = _counsellor_for(request, school_id)
    classes = sel.school_classes(counsellor.school_id)
    pick = forms.PickForm(request.GET, classes=classes)
    if not pick.is_valid():
        return render(request, "care/counsel_form.html", {"pick": pick, "form": None, "counsellor": counsellor,
                                                          "designations": designations}, status=400)
    kept = forms.ChosenForm(request.POST or None)
    chosen = kept.cleaned_data["children"] if kept.is_valid() else []
    pupils = sel.pupil_choices(counsellor.school_id, query=pick.cleaned_data["q"],
                               class_id=pick.cleaned_data["school_class"], chosen=chosen)
    form = forms.RecordForm(request.POST or None, pupils=[(p.pk, p.name) for p in pupils],
                            initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = attempt(request, svc.counselling_create, request.user, counsellor_id=counsellor.pk, kind=data["kind"],
                        day=data["day"], child_ids=data["children"], topic=data["topic"], notes=data["notes"],
                        follow_up=data["follow_up"], today=timezone.localdate(), success="已保存心理辅导记录")
        if found:
            return redirect("care:counsel_record", found.pk)
    searching = bool(pick.cleaned_data["q"] or pick.cleaned_data["school_class"])
    return render(request, "care/counsel_form.html", {
        "pick": pick, "form": form, "pupils": pupils, "checked": set(chosen), "counsellor": counsellor,
        "designations": designations, "open_all": searching or len(pupils) <= 12,
        "open_classes": {p.class_label for p in pupils if p.pk in set(chosen)},
        "limit": sel.PICK_LIMIT if searching else sel.COVERED_LIMIT}, status=400 if request.method == "POST" else 200)


@login_required
def counsel_record(request, record_id: int):
    """One record; reading it is audited. Its counsellor corrects it or adds the follow-up here."""
    found = sel.access_counselling(request.user, record_id)
    form = None
    if request.method == "POST":
        detail = sel.counselling_detail(request.user, found, audit=False)
        if not detail.may_edit:
            raise PermissionDenied("只有填写这条记录的心理辅导教师可以修改")
        form = forms.RecordEditForm(request.POST)
        if form.is_valid() and attempt(request, svc.counselling_update, request.user, found,
                                       today=timezone.localdate(), success="已保存", **form.cleaned_data):
            return redirect("care:counsel_record", record_id)
        return render(request, "care/counsel_record.html", {"d": detail, "form": form}, status=400)
    detail = sel.counselling_detail(request.user, found)
    if detail.may_edit:
        r = detail.record
        form = forms.RecordEditForm(initial={"day": r.day, "topic": r.topic, "notes": r.notes,
                                             "follow_up": r.follow_up})
    return render(request, "care/counsel_record.html", {"d": detail, "form": form})


@login_required
def counsellors(request):
    """The school's leader designates its counsellors among its staff and sets the mailbox's answer day."""
    if not sel.led_schools(request.user):
        raise PermissionDenied("只有学校领导可以指定心理辅导教师")
    now = timezone.now()
    today = timezone.localdate()
    failed = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "end":
            form = forms.EndForm(request.POST)
            if form.is_valid() and attempt(request, svc.counsellor_end, request.user,
                                           counsellor_id=form.cleaned_data["counsellor"], now=now, success="已卸任"):
                return redirect("care:counsellors")
        elif action == "weekday":
            form = forms.WeekdayForm(request.POST)
            if form.is_valid() and attempt(request, svc.mailbox_weekday_set, request.user, success="已保存回信日",
                                           school_id=form.cleaned_data["school"],
                                           weekday=form.cleaned_data["weekday"]):
                return redirect("care:counsellors")
        else:
            which = forms.SchoolForm(request.POST)
            staff = sel.staff_of(which.cleaned_data["school"]) if which.is_valid() else []
            form = forms.DesignateForm(request.POST, staff=staff)
            if form.is_valid() and attempt(request, svc.counsellor_designate, request.user, now=now,
                                           school_id=form.cleaned_data["school"], user_id=form.cleaned_data["user"],
                                           success="已指定心理辅导教师"):
                return redirect("care:counsellors")
        failed = form
    schools = sel.school_counsel(request.user, today=today)
    items = []
    for s in schools:
        designate = forms.DesignateForm(staff=s.candidates, initial={"school": s.school.pk})
        weekday = forms.WeekdayForm(initial={"school": s.school.pk, "weekday": s.weekday})
        if failed is not None and failed.data.get("school") == str(s.school.pk):
            if isinstance(failed, forms.DesignateForm):
                designate = failed
            elif isinstance(failed, forms.WeekdayForm):
                weekday = failed
        items.append((s, designate, weekday))
    return render(request, "care/counsel_staff.html", {"items": items, "failed": failed},
                  status=400 if failed is not None else 200)


# ---------------------------------------------------------------- the mailbox (P-58)


@login_required
def mailbox(request):
    """悄悄话信箱: write a letter without a name (a child on this phone, or a teacher for the child) and read the
    school's board of answers. No child is chosen and none is recorded."""
    schools = sel.mailbox_schools(request.user)
    if not schools:
        raise PermissionDenied("悄悄话信箱由学校的老师打开，请找班主任或心理辅导老师")
    choices = [(s.pk, s.name) for s in schools]
    board_form = forms.BoardForm(request.GET)
    shown = board_form.cleaned_data.get("school") if board_form.is_valid() else None
    school = next((s for s in schools if s.pk == shown), schools[0])
    form = forms.LetterForm(request.POST or None, schools=choices, initial={"school": school.pk})
    today = timezone.localdate()
    if request.method == "POST" and form.is_valid():
        found = attempt(request, svc.letter_leave, request.user, school_id=form.cleaned_data["school"],
                        text=form.cleaned_data["text"], today=today)
        if found:
            due = sel.next_answer_day(found.school_id, today=today)
            messages.success(request, f"信已投进信箱，编号 {found.pk}。心理老师会在{due.month}月{due.day}日"
                                      f"（{rules.WEEKDAY_NAMES[due.weekday()]}）前回信，回信贴在下面的回音板上。")
            return redirect(f"{reverse('care:mailbox')}?school={found.school_id}")
    due = sel.next_answer_day(school.pk, today=today)
    return render(request, "care/counsel_mailbox.html", {
        "form": form, "school": school, "schools": schools if len(schools) > 1 else [],
        "board": sel.board(request.user, school.pk), "due": due, "due_day": rules.WEEKDAY_NAMES[due.weekday()],
        "answer_day": rules.WEEKDAY_NAMES[sel.answer_weekday(school.pk)],
        "may_report": bool(scope.roles(request.user) & RAISERS), "counsellor": sel.is_counsellor(request.user)},
        status=400 if form.errors else 200)


@login_required
def mailbox_inbox(request):
    """The counsellor's mailbox: the overdue letters first, then those waiting, then the latest answered."""
    if not sel.reads_mailbox(request.user):
        raise PermissionDenied("信箱里的来信只有本校心理辅导教师可以查看")
    today = timezone.localdate()
    return render(request, "care/counsel_inbox.html", {"box": sel.inbox(request.user, today=today), "today": today})


@login_required
def mailbox_letter(request, message_id: int):
    """One letter and its answer (or the form to answer it)."""
    today = timezone.localdate()
    letter = sel.access_letter(request.user, message_id, today=today)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and attempt(request, svc.letter_answer, request.user, message_id=message_id,
                                       text=form.cleaned_data["text"], on_board=form.cleaned_data["on_board"],
                                       today=today, success="已回信"):
            return redirect("care:mailbox_inbox")
        letter = sel.access_letter(request.user, message_id, today=today)
    return render(request, "care/counsel_letter.html", {"letter": letter, "form": form},
                  status=400 if request.method == "POST" else 200)


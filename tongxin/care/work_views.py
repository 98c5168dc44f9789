"""The teachers' care work sheet and the leadership group (P-73, P-76): thin views."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.downloads import Table, tables_book, xlsx_download
from tongxin.web.feedback import attempt

from .org_models import GroupRole
from .selectors import work as sel
from .services import group as svc


class GroupForm(forms.Form):
    school = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    user = forms.IntegerField(label="成员", min_value=1, max_value=2**31 - 1)
    role = forms.ChoiceField(label="职责", choices=GroupRole.choices)
    remove = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _sheet(request) -> sel.WorkSheet:
    if not sel.may_read_work(request.user):
        raise PermissionDenied("只有学校领导、乡镇（街道）和县教育局可以查看教师关爱工作考核表")
    return sel.work_sheet(request.user, on=timezone.localdate())


@login_required
def work(request):
    sheet = _sheet(request)
    leads = {a.school_id for a in scope.assignments(request.user) if a.role == Role.SCHOOL_LEADER}
    return render(request, "care/work.html", {"sheet": sheet, "leads": leads, "roles": GroupRole.choices})


@login_required
@require_POST
def group(request):
    form = GroupForm(request.POST)
    if not form.is_valid():
        return HttpResponse("参数有误", status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    if data["remove"]:
        attempt(request, svc.group_remove, request.user, school_id=data["school"], user_id=data["user"],
                success="已移出领导小组")
    else:
        attempt(request, svc.group_set, request.user, school_id=data["school"], user_id=data["user"],
                role=data["role"], since=timezone.localdate(), success="已保存")
    return redirect("care:work")


@login_required
def work_xlsx(request):
    sheet = _sheet(request)
    headers = ["教师", "职务", "结对儿童", "谈心", "家访", "其他联系", "合计", "联系未达标", "严重失职（一票否决）"]
    data = tables_book([Table(w.school.name, f"{w.school.name} 教师关爱工作考核表（{sheet.term[0]:%Y-%m-%d} 起本学期）",
                              headers, [[t.name, t.duty, t.paired, t.talks, t.home_visits, t.other, t.total, t.behind,
                                         "；".join(t.neglect)] for t in w.teachers], widths={1: 16, 8: 50})
                        for w in sheet.schools])
    record(request.user, AuditEntry.Action.EXPORT, None, reason="导出教师关爱工作考核表")
    return xlsx_download(data, f"教师关爱工作考核表-{timezone.localdate():%Y%m%d}.xlsx")

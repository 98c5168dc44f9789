"""The care dashboard (P-73…P-80): a page of every figure with its goal and chart, and the same as an Excel workbook
(one sheet a section)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.web.downloads import Table, tables_book, xlsx_download

from .selectors import dashboard as sel


def _found(request) -> sel.Dashboard:
    if not scope.roles(request.user) & sel.READERS:
        raise PermissionDenied("只有学校领导、乡镇（街道）和县教育局、民政局可以查看关爱工作统计")
    return sel.dashboard(request.user, now=timezone.now(), on=timezone.localdate())


@login_required
def dashboard(request):
    return render(request, "care/dashboard.html", {"d": _found(request)})


@login_required
def dashboard_xlsx(request):
    found = _found(request)
    data = tables_book([Table(s.title, s.title, s.headers, s.rows,
                              [f"目标：{s.goal}"] * bool(s.goal) + [f"提示：{s.alert}"] * bool(s.alert))
                        for s in found.sections])
    record(request.user, AuditEntry.Action.EXPORT, None, reason="导出关爱工作统计")
    return xlsx_download(data, f"关爱工作统计-{found.on:%Y%m%d}.xlsx")

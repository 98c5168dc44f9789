"""The care dashboard (P-73…P-80): a page of every figure with its goal and chart, and the same as an Excel workbook
(one sheet a section)."""

import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope

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
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for section in found.sections:
        sheet = book.add_worksheet(section.title[:31].replace("/", "／"))
        sheet.write_row(0, 0, [section.title], bold)
        if section.goal:
            sheet.write_row(1, 0, [f"目标：{section.goal}"])
        sheet.write_row(3, 0, section.headers, bold)
        for i, row in enumerate(section.rows, start=4):
            sheet.write_row(i, 0, row)
        if section.alert:
            sheet.write_row(len(section.rows) + 5, 0, [f"提示：{section.alert}"])
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, len(section.headers), 14)
    book.close()
    record(request.user, AuditEntry.Action.EXPORT, None, reason="导出关爱工作统计")
    response = HttpResponse(buffer.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''care-dashboard-{found.on:%Y%m%d}.xlsx"
    return response

"""Summaries and the county view, on the page and in Excel."""


from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .. import exports, permissions, selectors
from ..models import Incident
from ..selectors.reports import PROGRAMME_PAGE, area_page
from ._base import records_programme

PAGE_SIZE = PROGRAMME_PAGE  # programmes per page of the county table; the totals above it cover them all


@login_required
def report(request, programme_id):
    programme = records_programme(request, programme_id)
    summary = selectors.programme_summary(programme)
    incidents = [(Incident.Kind(k).label, n) for k, n in summary.incidents.items()]
    return render(request, "custody/report.html", {"programme": programme, "s": summary, "incidents": incidents})


@login_required
def report_xlsx(request, programme_id):
    programme = records_programme(request, programme_id)
    return exports.xlsx_response(exports.summary_book(programme), f"{programme.name}-托管工作总结.xlsx", request.user, programme)


@login_required
def county(request):
    if not permissions.has_overview(request.user):
        raise PermissionDenied("县、乡镇管理人员可查看托管概况")
    overview = area_page(request.user, page=request.GET.get("page"), township_page=request.GET.get("tpage"))
    unit, area = selectors.overview_unit(request.user)
    return render(request, "custody/county.html", {"o": overview, "unit": unit, "area": area})


@login_required
def county_xlsx(request):
    if not permissions.has_overview(request.user):
        raise PermissionDenied("县、乡镇管理人员可导出托管汇总表")
    unit, area = selectors.overview_unit(request.user)
    overview = selectors.area_overview(request.user)
    return exports.xlsx_response(exports.county_book(overview, unit=unit, area=area), f"{area}托管工作汇总.xlsx",
                                 request.user, None)

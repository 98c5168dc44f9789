"""Hours: the certificate of one person's hours (PDF), the township totals, the Excel ledger per organisation,
and the county's newcomer rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.web.downloads import Table, tables_book, xlsx_download

from .. import access, certificate, forms, rules
from .. import selectors as county_sel
from ..selectors import hours as sel
from ..services import training as training_svc


@login_required
def person_certificate(request, person_id: int):
    found = access.access_person(request.user, person_id)
    today = timezone.localdate()
    rows = sel.services_of([found.user_id], until=today)[found.user_id]
    issuer = f"{found.home.parent.name if found.home.parent else ''}{found.home.name}"
    pdf = certificate.render_pdf({"p": found, "rows": rows, "hours": sel.total(rows), "today": today,
                                  "issuer": issuer, "contact_hours": rules.CONTACT_HOURS})
    record(request.user, AuditEntry.Action.EXPORT, found, reason="志愿服务时长证明")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=volunteer-hours-{found.pk}.pdf"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def hours(request):
    access.require_reader(request.user)
    county = access.office_county(request.user)
    form = None
    if county is not None:
        hours_before, services_before = county_sel.county_rule(county.code)
        form = forms.RuleForm(request.POST or None, initial={"training_hours_before": hours_before,
                                                            "services_before_alone": services_before})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有县教育局、县民政局可以设置志愿服务规则")
        if form.is_valid():
            try:
                training_svc.rule_set(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "志愿服务规则已保存")
                return redirect("volunteers:hours")
    today = timezone.localdate()
    return render(request, "volunteers/hours.html", {
        "table": sel.area_totals(request.user, until=today), "contact_hours": rules.CONTACT_HOURS, "form": form},
        status=400 if form is not None and form.errors else 200)


@login_required
def ledger_xlsx(request):
    access.require_reader(request.user)
    today = timezone.localdate()
    book = sel.ledger(request.user, until=today)
    tables = [Table(sheet=org, title=f"{org} 志愿服务台账（截至 {today:%Y-%m-%d}）",
                    headers=["姓名", "来源", "居住社区（村）", "服务次数", "服务时长（小时）"],
                    rows=[[r.name, r.source, r.home, r.services, float(r.hours)] for r in rows])
              for org, rows in book.items()] or [Table(sheet="志愿服务台账", title="暂无服务记录", headers=[], rows=[])]
    record(request.user, AuditEntry.Action.EXPORT, None, target_repr="志愿服务台账", reason="导出志愿服务台账")
    return xlsx_download(tables_book(tables), f"志愿服务台账-{today:%Y%m%d}.xlsx")

"""Growth pages (生长发育): a child's chart against the WHO standards (staff of the child's centre, the child's
guardians), the centre's children with their alerts, and a parent's own children."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .. import access, forms_growth, growth_chart, rules_growth
from ..selectors import growth
from ..services import growth as growth_svc
from ._base import _status, _submit


@login_required
def child_growth(request, child_id: int):
    """一个孩子的生长曲线：WHO 百分位线与孩子的测量点；在托机构的工作人员可记录当天的身长体重。"""
    today = timezone.localdate()
    page = growth.child_growth(request.user, child_id, today=today)
    form = None
    if page.recordable_centre_id is not None:
        form = forms_growth.MeasurementForm(request.POST or None, initial={"measured_on": today})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            if _submit(request, form, growth_svc.measurement_record, request.user,
                       centre_id=page.recordable_centre_id, child_id=child_id, measured_on=d["measured_on"],
                       height_cm=d["height_cm"], weight_kg=d["weight_kg"], today=today, success="已记录身长体重"):
                return redirect("nursery:child_growth", child_id)
    elif request.method == "POST":
        raise PermissionDenied("只有孩子所在托育机构的工作人员可以记录身长体重")
    charts = [
        mark_safe(growth_chart.chart(rules_growth.WEIGHT, page.sex, page.weight_points, "年龄别体重")),  # noqa: S308
        mark_safe(growth_chart.chart(rules_growth.HEIGHT, page.sex, page.height_points, "年龄别身长/身高")),  # noqa: S308
    ]
    return render(request, "nursery/growth_child.html", {
        "page": page, "form": form, "charts": zip(["年龄别体重（kg）", "年龄别身长/身高（cm）"], charts, strict=True),
        "centiles": rules_growth.MAJOR_CENTILES, "thresholds": rules_growth.THRESHOLDS,
        "parent": Role.PARENT in scope.roles(request.user)}, status=_status(form))


@login_required
def centre_growth(request, centre_id: int):
    """本机构在托幼儿的生长发育：最近一次测量、百分位和提醒，有提醒的排在前面。"""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    today = timezone.localdate()
    rows = growth.centre_children(found, today=today)
    alerted = sum(1 for r in rows if r.alerts)
    return render(request, "nursery/growth_centre.html", {
        "centre": found, "rows": rows, "alerted": alerted, "others": len(rows) - alerted, "today": today,
        "manages": access.manages(request.user, found), "thresholds": rules_growth.THRESHOLDS})


@login_required
def growth_mine(request):
    """家长：自己孩子的生长曲线入口。"""
    access.require_parent(request.user)
    return render(request, "nursery/growth_mine.html", {"children": growth.own_children_growth(request.user)})

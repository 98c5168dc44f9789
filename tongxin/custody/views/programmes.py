"""The hub and programme set-up pages."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import permissions, selectors, services
from ..forms import GroupForm, PeriodForm, ProgrammeForm, StatusForm, VenueLoanForm, form_errors
from ..models import Programme
from ..selectors import partners as partners_read
from ._base import attempt, managed_programme, overseen_programme


@login_required
def hub(request):
    return render(request, "custody/hub.html", selectors.hub(request.user, timezone.localdate()))


@login_required
def alerts(request):
    """The unhandled alerts addressed to this person, a page at a time (the hub shows the latest few)."""
    page = Paginator(selectors.my_alerts(request.user, timezone.localdate()), ALERTS_PAGE).get_page(request.GET.get("page"))
    return render(request, "custody/alerts.html", {"page": page})


ALERTS_PAGE = 50


@login_required
def programme_new(request):
    schools, communities = selectors.organiser_choices(request.user)
    if not schools.exists() and not communities.exists():
        raise PermissionDenied("只有学校领导或社区儿童主任可以创建托管项目")
    form = ProgrammeForm(request.POST or None, schools=schools, communities=communities,
                         initial={"school": schools.first(), "agreement_text": DEFAULT_AGREEMENT, "commitment_text": DEFAULT_COMMITMENT})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("school", "community")}
        programme = attempt(request, services.create_programme, request.user, **data, success="托管项目已创建，请添加期次和班组")
        if programme:
            return redirect("custody:programme", programme.pk)
    return render(request, "custody/programme_form.html", {"form": form, "title": "新建托管项目"})


@login_required
def programme_edit(request, programme_id):
    programme = managed_programme(request, programme_id)
    schools, communities = selectors.organiser_choices(request.user)
    form = ProgrammeForm(request.POST or None, instance=programme, schools=schools, communities=communities)
    if request.method == "POST" and form.is_valid():
        fresh = Programme.objects.get(pk=programme.pk)
        changes = {k: v for k, v in form.cleaned_data.items() if k not in ("school", "community")}
        if attempt(request, services.update_programme, request.user, fresh, **changes, success="已保存"):
            return redirect("custody:programme", programme.pk)
    return render(request, "custody/programme_form.html", {"form": form, "title": f"修改：{programme.name}"})


def _programme_post(request, programme: Programme) -> None:
    """One organiser's change on the programme page: a period, a group, a borrowed venue or the status."""
    permissions.require_organiser(request.user, programme)
    action = request.POST.get("action")
    if action == "period":
        form = PeriodForm(request.POST)
        if form.is_valid():
            attempt(request, services.add_period, request.user, programme, **form.cleaned_data, success="期次已添加")
    elif action == "group":
        form = GroupForm(request.POST, programme=programme)
        if form.is_valid():
            d = form.cleaned_data
            attempt(request, services.add_group, request.user, d["period"], site=d["site"], name=d["name"],
                    capacity=d["capacity"], success="班组已添加")
    elif action == "venue":
        form = VenueLoanForm(request.POST, venues=selectors.venues_to_borrow(programme))
        if form.is_valid():
            attempt(request, services.borrow_venue, request.user, programme, **form.cleaned_data,
                    success="已登记借用场所，可在该场所设置班组")
    else:
        form = StatusForm(request.POST)
        if form.is_valid():
            status = form.cleaned_data["status"]
            attempt(request, services.update_programme, request.user, programme, status=status,
                    success=f"项目状态已改为“{Programme.Status(status).label}”")
    if form.errors:
        messages.error(request, form_errors(form))


@login_required
def programme(request, programme_id):
    programme = overseen_programme(request, programme_id)
    if request.method == "POST":
        _programme_post(request, programme)
        return redirect("custody:programme", programme.pk)
    manages = permissions.is_organiser(request.user, programme)
    return render(request, "custody/programme.html", {
        "programme": programme, "o": selectors.programme_overview(programme), "manages": manages,
        "period_form": PeriodForm(), "group_form": GroupForm(programme=programme),
        "venue_form": VenueLoanForm(venues=selectors.venues_to_borrow(programme)) if manages else None,
        "statuses": Programme.Status.choices,
        "drills": partners_read.drill_board(programme, timezone.localdate()),
        "reads_records": permissions.staff_oversees(request.user, programme),
    })


DEFAULT_AGREEMENT = ("一、学校（社区）在托管时间内负责学生的安全看护、作业辅导和文体活动，不组织集体补课、不上新课、不考试。\n"
                     "二、家长按时接送，确需他人代接的须事先在平台登记授权接送人。\n"
                     "三、收费按实际托管天数计算，午餐另计；符合条件的困难家庭可申请减免。")
DEFAULT_COMMITMENT = ("本人承诺：如实告知孩子的健康状况和过敏史；孩子身体不适时不送托；教育孩子遵守纪律、注意安全；"
                      "接到学校（社区）通知后及时到场。")

"""Partners' registry and venues, a programme's bookings, its account and statement, and its guest sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Region

from .. import exports_partners, partner_rules, permissions
from ..forms import form_errors
from ..forms_partners import (
    BookingForm,
    DrillFrequencyForm,
    GuestSessionForm,
    IncomeForm,
    PartnerEditForm,
    PartnerForm,
    PartnerVenueForm,
    SpendingForm,
    VenueEditForm,
    WithdrawForm,
)
from ..models import Fund, Income, Partner, PartnerVenue, Programme, Spending
from ..selectors import partners as read
from ..services import accounts as money
from ..services import partners as lend
from ._base import attempt, records_programme


def _refused(request, form) -> None:
    messages.error(request, form_errors(form))


def _manage_regions(user):
    return (Region.objects.filter(permissions.partner_manage_q(user, "path"))
            .filter(level__in=[Region.Level.TOWNSHIP, Region.Level.COMMUNITY]).order_by("path"))


@login_required
def partners(request):
    """The registry of the township's (or county's) partners; organisers add to it."""
    keeps = permissions.may_keep_partners(request.user)
    if not keeps and not permissions.has_overview(request.user):
        raise PermissionDenied("合作单位名录供学校领导、社区儿童主任和上级主管部门使用")
    form = PartnerForm(request.POST or None, regions=_manage_regions(request.user)) if keeps else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有学校领导或社区儿童主任可以登记合作单位")
        if form.is_valid():
            partner = attempt(request, lend.register_partner, actor=request.user, **form.cleaned_data,
                              success="合作单位已登记，请添加其出借的场所")
            if partner:
                return redirect("custody:partner", partner.pk)
        else:
            _refused(request, form)
        return redirect("custody:partners")
    return render(request, "custody/partners.html", {"partners": read.visible_partners(request.user), "form": form,
                                                     "withdrawn": read.withdrawn_partners(request.user)})


@login_required
def partner(request, partner_id):
    partner = get_object_or_404(Partner, pk=partner_id)
    if not Partner.objects.filter(permissions.partner_read_q(request.user)).filter(pk=partner.pk).exists():
        raise PermissionDenied("该合作单位不在您所在乡镇（街道）或主管范围内")
    manages = Partner.objects.filter(permissions.partner_manage_q(request.user)).filter(pk=partner.pk).exists()
    county = partner.region.path.strip("/").split("/")[0]
    sites = orgs.custody_venues().filter(region__path__startswith=f"/{county}/").order_by("name")
    if request.method == "POST":
        permissions.require_partner_manager(request.user, partner)
        form = PartnerVenueForm(request.POST, sites=sites)
        if form.is_valid():
            attempt(request, lend.add_partner_venue, actor=request.user, partner=partner, **form.cleaned_data,
                    success="场所已登记")
        else:
            _refused(request, form)
        return redirect("custody:partner", partner.pk)
    return render(request, "custody/partner.html", {
        "partner": partner, "venues": read.partner_venues(partner), "manages": manages,
        "form": PartnerVenueForm(sites=sites) if manages else None})


@login_required
def bookings(request, programme_id):
    programme = records_programme(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    venues = lend.bookable_venues(programme)
    if request.method == "POST":
        permissions.require_organiser(request.user, programme)
        form = BookingForm(request.POST, venues=venues)
        if form.is_valid():
            attempt(request, lend.book_partner_venue, actor=request.user, programme=programme, **form.cleaned_data,
                    success="已预约，该场所已加入本项目的托管场所")
        else:
            _refused(request, form)
        return redirect("custody:bookings", programme.pk)
    return render(request, "custody/bookings.html", {
        "programme": programme, "bookings": read.programme_bookings(programme), "manages": manages,
        "form": BookingForm(venues=venues, initial={"weekdays": [1, 2, 3, 4, 5], "day_start": programme.day_start,
                                                    "day_end": programme.day_end}) if manages else None})


def _accounts_programme(request, programme_id) -> Programme:
    programme = get_object_or_404(Programme, pk=programme_id)
    permissions.require_accounts_reader(request.user, programme)
    return programme


@login_required
def accounts(request, programme_id):
    """The programme's account: income and spending by fund, the statement, and (organiser) the entry forms. A
    refused entry comes back filled in, its form open, with the reason."""
    programme = _accounts_programme(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    statement = read.statement(programme)
    funds = partner_rules.spending_fund_choices(statement.balances, Fund.choices)
    today = timezone.localdate()
    income_form = IncomeForm(initial={"received_on": today}) if manages else None
    spending_form = SpendingForm(initial={"spent_on": today}, funds=funds) if manages else None
    failed = ""
    if request.method == "POST":
        permissions.require_accounts_keeper(request.user, programme)
        if request.POST.get("action") == "spending":
            form: IncomeForm | SpendingForm = SpendingForm(request.POST, funds=funds)
            service, done, failed, spending_form = money.record_spending, "支出已登记", "spending", form
        else:
            form = IncomeForm(request.POST)
            service, done, failed, income_form = money.record_income, "收入已登记", "income", form
        if form.is_valid():
            if attempt(request, service, actor=request.user, programme=programme, **form.cleaned_data, success=done):
                return redirect("custody:accounts", programme.pk)
        else:
            _refused(request, form)
    return render(request, "custody/accounts.html", {
        "programme": programme, "s": statement, "manages": manages, "failed": failed,
        "income_form": income_form, "spending_form": spending_form}, status=400 if failed else 200)


@login_required
def accounts_xlsx(request, programme_id):
    programme = _accounts_programme(request, programme_id)
    return exports_partners.xlsx_statement(programme, request.user)


@login_required
def guests(request, programme_id):
    programme = records_programme(request, programme_id)
    manages = permissions.is_organiser(request.user, programme)
    partners = Partner.objects.filter(permissions.partner_read_q(request.user), withdrawn_at__isnull=True).order_by("name")
    if request.method == "POST":
        permissions.require_organiser(request.user, programme)
        if request.POST.get("action") == "frequency":
            frequency = DrillFrequencyForm(request.POST)
            if frequency.is_valid():
                attempt(request, money.set_drill_frequency, actor=request.user, programme=programme,
                        every_weeks=frequency.cleaned_data["every_weeks"], success="演练频次已保存")
            else:
                _refused(request, frequency)
            return redirect("custody:guests", programme.pk)
        form = GuestSessionForm(request.POST, partners=partners)
        if form.is_valid():
            d = form.cleaned_data
            attempt(request, money.record_guest_session, actor=request.user, programme=programme,
                    **{**d, "drill_kind": d["drill_kind"] or "", "drill_result": d["drill_result"] or ""},
                    success="专题活动已登记")
        else:
            _refused(request, form)
        return redirect("custody:guests", programme.pk)
    drills = read.drill_board(programme, timezone.localdate())
    return render(request, "custody/guests.html", {
        "programme": programme, "sessions": read.statement(programme).sessions, "manages": manages,
        "drills": drills,
        "drill_form": DrillFrequencyForm(initial={"every_weeks": drills.every_weeks}) if manages else None,
        "form": GuestSessionForm(partners=partners) if manages else None})


# ---------------------------------------------------------------- corrections: edit or withdraw (the row stays)


def _correct(request, *, obj, form, edit, withdraw, title: str, back: str, what: str):
    """One correction page: the edit form and the withdraw form (with a reason) of a partner, a venue or a money
    entry, for those who may record it. A withdrawn record shows who withdrew it and why, and nothing to do."""
    if request.method == "POST" and obj.withdrawn_at is None:
        if request.POST.get("action") == "withdraw":
            w = WithdrawForm(request.POST)
            if w.is_valid() and attempt(request, withdraw, reason=w.cleaned_data["reason"], success=f"{what}已撤销"):
                return redirect(back)
            if not w.is_valid():
                _refused(request, w)
            return redirect(request.path)
        if form.is_valid():
            if attempt(request, edit, **form.cleaned_data, success=f"{what}已更正"):
                return redirect(back)
        else:
            _refused(request, form)
        return redirect(request.path)
    return render(request, "custody/correct.html", {
        "obj": obj, "form": form, "withdraw_form": WithdrawForm(), "title": title, "back": back, "what": what})


@login_required
def partner_edit(request, partner_id):
    partner = get_object_or_404(Partner, pk=partner_id)
    permissions.require_partner_manager(request.user, partner)
    initial = {k: getattr(partner, k) for k in PartnerEditForm.base_fields}
    form = PartnerEditForm(request.POST or None, initial=initial)
    return _correct(
        request, obj=partner, form=form, title=f"更正合作单位 · {partner.name}", what="合作单位",
        back=reverse("custody:partner", args=[partner.pk]),
        edit=lambda **d: lend.edit_partner(actor=request.user, partner=partner, **d),
        withdraw=lambda reason: lend.withdraw_partner(actor=request.user, partner=partner, reason=reason))


@login_required
def venue_edit(request, venue_id):
    venue = get_object_or_404(PartnerVenue.objects.select_related("partner", "site"), pk=venue_id)
    permissions.require_partner_manager(request.user, venue.partner)
    initial = {k: getattr(venue, k) for k in VenueEditForm.base_fields}
    form = VenueEditForm(request.POST or None, initial=initial)
    return _correct(
        request, obj=venue, form=form, title=f"更正出借场所 · {venue.partner.name}·{venue.site.name}", what="出借场所",
        back=reverse("custody:partner", args=[venue.partner_id]),
        edit=lambda **d: lend.edit_partner_venue(actor=request.user, venue=venue, **d),
        withdraw=lambda reason: lend.withdraw_partner_venue(actor=request.user, venue=venue, reason=reason))


@login_required
def income_edit(request, income_id):
    income = get_object_or_404(Income.objects.select_related("programme"), pk=income_id)
    permissions.require_accounts_keeper(request.user, income.programme)
    initial = {k: getattr(income, k) for k in IncomeForm.base_fields}
    return _correct(
        request, obj=income, form=IncomeForm(request.POST or None, initial=initial),
        title=f"更正收入 · {income.programme.name}", what="收入",
        back=reverse("custody:accounts", args=[income.programme_id]),
        edit=lambda **d: money.edit_income(actor=request.user, income=income, **d),
        withdraw=lambda reason: money.withdraw_income(actor=request.user, income=income, reason=reason))


@login_required
def spending_edit(request, spending_id):
    spending = get_object_or_404(Spending.objects.select_related("programme"), pk=spending_id)
    permissions.require_accounts_keeper(request.user, spending.programme)
    initial = {k: getattr(spending, k) for k in SpendingForm.base_fields}
    return _correct(
        request, obj=spending, form=SpendingForm(request.POST or None, initial=initial),
        title=f"更正支出 · {spending.programme.name}", what="支出",
        back=reverse("custody:accounts", args=[spending.programme_id]),
        edit=lambda **d: money.edit_spending(actor=request.user, spending=spending, **d),
        withdraw=lambda reason: money.withdraw_spending(actor=request.user, spending=spending, reason=reason))

"""Prices, limits and subsidies: a centre's and the county's."""


from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import access, forms
from ..selectors import settings as settings_sel
from ..services import settings as settings_svc
from ._base import _status, _submit

# ---------------------------------------------------------------- prices, limits, subsidies


def _settings_forms(request):
    action = request.POST.get("action") if request.method == "POST" else None
    return (action,
            forms.PriceForm(request.POST if action == "price" else None,
                            initial={"effective_from": timezone.localdate().replace(day=1)}),
            forms.SubsidyForm(request.POST if action == "subsidy" else None,
                              initial={"effective_from": timezone.localdate().replace(day=1)}),
            forms.LimitForm(request.POST if action == "limit" else None))


def _settings_post(request, action, price, subsidy, limit, *, centre_id: int | None) -> bool:
    today = timezone.localdate()
    if action == "price" and price.is_valid():
        d = price.cleaned_data
        return bool(_submit(request, price, settings_svc.price_set, request.user, item=d["item"], band=d["band"],
                            amount=d["amount"], effective_from=d["effective_from"], today=today, centre_id=centre_id,
                            success="价格已保存"))
    if action == "subsidy" and subsidy.is_valid():
        d = subsidy.cleaned_data
        return bool(_submit(request, subsidy, settings_svc.subsidy_set, request.user, kind=d["kind"], amount=d["amount"],
                            effective_from=d["effective_from"], today=today, centre_id=centre_id,
                            success="补贴已保存"))
    if action == "limit" and limit.is_valid():
        d = limit.cleaned_data
        return bool(_submit(request, limit, settings_svc.limit_set, request.user, class_type=d["class_type"],
                            max_size=d["max_size"], per_carer=d["per_carer"], centre_id=centre_id,
                            success="班型限额已保存"))
    return False


@login_required
def prices(request, centre_id: int):
    """收费标准: the centre's prices (within the county's 普惠 price), its subsidies and its tighter class limits."""
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以设置收费标准")
    action, price, subsidy, limit = _settings_forms(request)
    if _settings_post(request, action, price, subsidy, limit, centre_id=found.pk):
        return redirect("nursery:prices", found.pk)
    return render(request, "nursery/prices.html", {
        "centre": found, "s": settings_sel.office_settings(today=timezone.localdate(), centre=found),
        "price_form": price, "subsidy_form": subsidy, "limit_form": limit}, status=_status(price, subsidy, limit))


@login_required
def county(request):
    """全县托育标准: the county health bureau's class limits, affordable (普惠) prices and subsidies."""
    found = access.require_office(request.user)
    action, price, subsidy, limit = _settings_forms(request)
    if _settings_post(request, action, price, subsidy, limit, centre_id=None):
        return redirect("nursery:county")
    return render(request, "nursery/county.html", {
        "county": found, "s": settings_sel.office_settings(today=timezone.localdate(), county=found),
        "price_form": price, "subsidy_form": subsidy, "limit_form": limit}, status=_status(price, subsidy, limit))

"""The aid pages: thin — parse with a form, call one service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.web.feedback import attempt

from . import access
from . import aid_forms as forms
from .selectors import aid as sel
from .selectors import picker
from .services import aid as svc


@login_required
def aid(request):
    """资助: the records in scope, each school's shares against the guide, aid by category; record aid."""
    if not scope.roles(request.user) & scope.CARE_LEDGER_ROLES:
        raise PermissionDenied("当前角色不能查看资助记录")
    today = timezone.localdate()
    filters = forms.AidFilterForm(request.GET)
    if not filters.is_valid():
        return render(request, "care/aid.html", {"filters": filters, "data": None}, status=400)
    child_id = filters.cleaned_data["child"]
    chosen = next(iter(picker.pick_child(request.user, child_id)), None) if child_id else None
    if child_id and chosen is None:
        raise PermissionDenied("该儿童不在您负责的范围内")
    editor = access.is_editor(request.user)
    form = None
    if chosen is not None and editor:
        form = forms.AidForm(request.POST or None, initial={"given_on": today})
        if request.method == "POST" and form.is_valid():
            found = attempt(request, svc.aid_add, request.user, child_id=chosen.pk, today=today,
                            success="已登记资助", **form.cleaned_data)
            if found:
                return redirect("care:aid_receipt", found.pk) if found.receipt_no else redirect(
                    f"{request.path}?child={chosen.pk}")
    elif request.method == "POST":
        raise PermissionDenied("请先选择儿童" if editor else "当前角色不能登记资助")
    data = sel.aid_page(request.user, today=today, child_id=child_id, page=filters.cleaned_data["page"] or 1)
    choices = picker.pick_children(request.user, filters.cleaned_data["q"]) if (
        editor and chosen is None and filters.cleaned_data["q"]) else []
    return render(request, "care/aid.html", {"filters": filters, "data": data, "chosen": chosen, "form": form,
                                             "editor": editor, "choices": choices},
                  status=400 if form is not None and form.errors else 200)


@login_required
def aid_receipt(request, aid_id: int):
    return render(request, "care/aid_receipt.html", {"r": sel.receipt(request.user, aid_id)})

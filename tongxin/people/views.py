"""The registry's pages: the list of children a user may see, and one child's record."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import ChildFilterForm, ChildReadForm


@login_required
@require_GET
def child_list(request):
    form = ChildFilterForm(request.user, request.GET)
    form.is_valid()
    filters = form.filters()
    qs = selectors.visible_children(request.user, filters["query"], school_class_id=filters["school_class_id"],
                                    care_status=filters["care_status"])
    listing = selectors.ChildListing(request.user, qs)
    page = Paginator(listing, 50).get_page(request.GET.get("page"))
    return render(request, "people/child_list.html", {
        "page": page,
        "rows": page.object_list,
        "capped": listing.capped,
        "form": form,
        "notices": form.notices(),
        "q": filters["query"],
        "classes": form.classes,
        "class_id": filters["school_class_id"],
        "care_status": filters["care_status"],
        "care_choices": form.care_choices,
    }, status=400 if form.errors else 200)


@login_required
@require_GET
def child_detail(request, child_id):
    form = ChildReadForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(m for errors in form.errors.values() for m in errors),
                                      content_type="text/plain; charset=utf-8")
    record = selectors.read_child(request.user, child_id, reason=form.cleaned_data["reason"])
    return render(request, "people/child_detail.html", {"rec": record, "child": record.child})

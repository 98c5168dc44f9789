"""家庭定位: where a community's households with an infant under 3 live, for the 15-minute circle (N-10). The
community's children's worker sets each position on a phone (typed, or filled in by the phone's own location:
static/nursery/js/position.js); the township and county offices see who is placed and who not."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from tongxin.people import services as people_svc

from .. import access_circle
from ..forms_circle import PositionForm
from ..selectors import circle as circle_sel
from ._base import _day, _submit


@login_required
def positions(request):
    """The communities the user reads, with how many households are placed; a worker of one community goes
    straight to it."""
    access_circle.require_reader(request.user)
    own = access_circle.own_communities(request.user)
    if len(own) == 1 and not request.GET:
        return redirect("nursery:community_positions", own[0].pk)
    rows = circle_sel.positions_overview(request.user, on=_day(request))
    return render(request, "nursery/circle_positions.html", {"rows": rows})


@login_required
def community_positions(request, community_id: int):
    """One community's households with an infant: the unplaced first, each with its position's fields for the
    community's worker (POST sets one household's position)."""
    community = access_circle.access_community(request.user, community_id)
    on = _day(request)
    page = circle_sel.community_positions(request.user, community, on=on)
    form, failed = None, None
    if request.method == "POST":
        access_circle.require_editor(request.user, community)
        form = PositionForm(request.POST, bounds=page.bounds, families={r.family_id for r in page.rows})
        if form.is_valid():
            d = form.cleaned_data
            b = page.bounds
            done = _submit(request, form, people_svc.household_locate, actor=request.user, family_id=d["family"],
                           latitude=d["latitude"], longitude=d["longitude"],
                           within=(b.south, b.west, b.north, b.east) if b is not None else None)
            if done:
                name = next(r.head_name for r in page.rows if r.family_id == d["family"])
                messages.success(request, f"已保存{name}户的住址位置")
                return redirect(reverse("nursery:community_positions", args=[community.pk]))
        failed = form.cleaned_data.get("family") if form.errors else None
        if failed is None:
            try:
                failed = int(request.POST.get("family", ""))
            except ValueError:
                failed = None
    return render(request, "nursery/circle_community_positions.html",
                  {"p": page, "form": form, "failed": failed}, status=400 if form is not None and form.errors else 200)

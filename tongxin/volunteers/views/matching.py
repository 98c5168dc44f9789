"""Matching: search the pool for a need and invite; the person answers on their own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs.models import Region

from .. import access, forms
from ..selectors import matching as sel
from ..services import invitations as svc

SHOWN = 10  # the best candidates shown open; the rest fold away, so a phone's page stays short


@login_required
def match(request):
    if not access.is_vetter(request.user):
        raise PermissionDenied("只有社区（村）、乡镇（街道）和学校可以匹配志愿者")
    today = timezone.localdate()
    search = forms.MatchForm(request.GET or None, initial={"community": sel.home_community(request.user)})
    invite = forms.InviteForm(request.POST or None)
    rows: list[sel.Candidate] = []
    community = None
    if request.method == "POST" and invite.is_valid():
        d = invite.cleaned_data
        try:
            svc.invite(actor=request.user, person_id=d["person"], kind=d["kind"], about=d["about"],
                       community_id=d["community"], start=d["start"], today=today)
        except ValidationError as exc:
            invite.add_error(None, exc)
        else:
            messages.success(request, "邀请已发出，等待本人答复")
            return redirect(request.get_full_path())
    if search.is_valid():
        d = search.cleaned_data
        community = Region.objects.filter(pk=d["community"]).first()
        if community is not None:
            rows = sel.candidates(community=community, on=today, skill=d["skill"], weekday=d["weekday"],
                                  holidays=d["holidays"])
    fits = [c for c in rows if c.available]
    status = 400 if request.method == "POST" and invite.errors else 200
    return render(request, "volunteers/match.html", {
        "search": search, "invite": invite, "community": community, "today": today,
        "shown": fits[:SHOWN], "more": fits[SHOWN:], "misfits": [c for c in rows if not c.available]}, status=status)


@login_required
def answer(request):
    form = forms.AnswerForm(request.POST or None)
    if request.method != "POST":
        return redirect("volunteers:mine")
    if form.is_valid():
        try:
            svc.invitation_answer(actor=request.user, invitation_id=form.cleaned_data["invitation"],
                                  accept=form.cleaned_data["accept"] == "1")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已答复")
    else:
        messages.error(request, "答复无效")
    return redirect("volunteers:mine")

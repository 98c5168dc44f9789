"""The activities pages: thin — parse with a form, call one service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.feedback import attempt

from . import activity_forms as forms
from .selectors import activities as sel
from .services import activities as svc

READERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.CLASS_TEACHER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER,
                     Role.COUNTY_EDU, Role.COUNTY_CIVIL})  # those `orgs.scope.activity_q` grants anything


@login_required
def activities(request):
    """关爱活动: this term's activities and checks, left-behind pupils' priority, the list."""
    params = forms.PlaceForm(request.GET)
    if not params.is_valid():
        return render(request, "care/activities.html", {"data": None, "params": params}, status=400)
    if not scope.roles(request.user) & READERS:
        raise PermissionDenied("当前角色不查看关爱活动")
    data = sel.activities_page(request.user, today=timezone.localdate(), page=params.cleaned_data["page"] or 1)
    return render(request, "care/activities.html", {"data": data, "places": svc.places_of(request.user)})


@login_required
def activity_new(request):
    places = svc.places_of(request.user)
    if not places:
        raise PermissionDenied("只有学校领导、班主任和村（社区）儿童主任可以记录活动")
    params = forms.PlaceForm(request.GET)
    if not params.is_valid():
        return render(request, "care/activity_form.html", {"params": params, "form": None}, status=400)
    place = params.place_value() or (places[0][0], places[0][1])
    if place not in {(k, pk) for k, pk, _ in places}:
        raise PermissionDenied("不能为该学校或村（社区）记录活动")
    classes = [(c.pk, c.label) for c in scope.classes(request.user).filter(school_id=place[1]).select_related("grade")
               ] if place[0] == "school" else []
    own = [a.school_class_id for a in scope.assignments(request.user) if a.school_class_id]
    class_id = params.cleaned_data["school_class"] or (own[0] if own and place[0] == "school" else None)
    if class_id is not None and class_id not in {pk for pk, _ in classes}:
        raise PermissionDenied("不能列出该班级的学生")
    choices = sel.participant_choices(request.user, place, class_id)
    form = forms.ActivityForm(request.POST or None, choices=[(c.pk, c.name) for c in choices],
                              initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handed, escorted = set(data["handed_over"]), set(data["escorted_home"])
        found = attempt(request, svc.activity_add, request.user, place=place, kind=data["kind"], title=data["title"],
                        venue=data["venue"], on=data["on"], run_by=data["run_by"], in_charge=data["in_charge"],
                        note=data["note"], today=timezone.localdate(), success="活动已记录",
                        taking=[svc.Taking(pk, pk in handed, pk in escorted) for pk in data["children"]])
        if found:
            return redirect("care:activity", found.pk)
    return render(request, "care/activity_form.html", {
        "params": params, "form": form, "choices": choices, "places": places, "place": place, "classes": classes,
        "class_id": class_id}, status=400 if form.errors else 200)


@login_required
def activity(request, activity_id: int):
    found, participants = sel.activity_detail(request.user, activity_id)
    return render(request, "care/activity.html", {"a": found, "participants": participants})

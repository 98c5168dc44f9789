"""Reads of activities (P-64…P-71): this term's activities of each school or village in the user's view with the
term's checks (legal and safety education, drills) and the left-behind pupils' priority; one activity; the children
a recorder may list as taking part."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import activity_rules, rules
from ..activity_models import Activity, ActivityChild
from ..choices import Category, Window
from ..models import CareFile
from .picker import child_labels

PAGE_SIZE = 20


@dataclass(frozen=True)
class PlaceTerm:
    name: str
    held: int
    checks: list[activity_rules.TermCheck]
    priority: activity_rules.Priority | None  # schools only


@dataclass(frozen=True)
class ActivityRow:
    pk: int
    on: dt.date
    title: str
    kind: str
    place: str
    children: int
    left_behind: int


@dataclass
class ActivitiesPage:
    term: tuple[dt.date, dt.date]
    places: list[PlaceTerm]
    rows: list[ActivityRow]
    page: Page


def _left_behind(child_ids: set[int]) -> set[int]:
    return set(CareFile.objects.filter(child_id__in=child_ids, category=Category.LEFT_BEHIND)
               .values_list("child_id", flat=True))


def activities_page(user: User, *, today: dt.date, page: int = 1) -> ActivitiesPage:
    term = rules.window_of(Window.TERM, today)
    visible = Activity.objects.filter(scope.activity_q(user)).select_related("school", "community")
    this_term = list(visible.filter(on__range=term))
    taking: dict[int, set[int]] = defaultdict(set)
    for activity_id, child_id in ActivityChild.objects.filter(activity__in=this_term).values_list("activity_id",
                                                                                                "child_id"):
        taking[activity_id].add(child_id)
    by_place: dict[tuple[str, int], list[Activity]] = defaultdict(list)
    for a in this_term:
        by_place[("school", a.school_id) if a.school_id else ("community", a.community_id or 0)].append(a)
    places = []
    for (kind, _), held in sorted(by_place.items(), key=lambda item: item[0]):
        name = held[0].school.name if kind == "school" and held[0].school else (
            f"{held[0].community.name}儿童之家" if held[0].community else "")
        prio = None
        if kind == "school" and held[0].school_id:
            pupils = set(people.pupils_of(held[0].school_id).values_list("pk", flat=True))
            left = _left_behind(pupils)
            took = set().union(*(taking[a.pk] for a in held))
            prio = activity_rules.priority(left, pupils - left, took)
        places.append(PlaceTerm(name, len(held), activity_rules.term_checks(a.kind for a in held), prio))
    paged = Paginator(visible.order_by("-on", "-pk"), PAGE_SIZE).get_page(page)
    shown = list(paged.object_list)
    counts: dict[int, set[int]] = defaultdict(set)
    for activity_id, child_id in ActivityChild.objects.filter(activity__in=shown).values_list("activity_id",
                                                                                            "child_id"):
        counts[activity_id].add(child_id)
    left = _left_behind(set().union(*counts.values()) if counts else set())
    rows = [ActivityRow(a.pk, a.on, a.title, a.get_kind_display(),
                        a.school.name if a.school else f"{a.community.name if a.community else ''}儿童之家",
                        len(counts[a.pk]), len(counts[a.pk] & left)) for a in shown]
    return ActivitiesPage(term=term, places=places, rows=rows, page=paged)


@dataclass(frozen=True)
class Participant:
    name: str
    where: str
    left_behind: bool
    handed_over: bool
    escorted_home: bool


def activity_detail(user: User, activity_id: int) -> tuple[Activity, list[Participant]]:
    found = Activity.objects.filter(scope.activity_q(user), pk=activity_id).select_related(
        "school", "community", "recorded_by").first()
    if found is None:
        if Activity.objects.filter(pk=activity_id).exists():
            raise PermissionDenied("无权查看该活动")
        raise Http404("未找到该活动")
    taking = list(ActivityChild.objects.filter(activity=found).values_list("child_id", "handed_over", "escorted_home"))
    labels = child_labels([c for c, _, _ in taking])
    left = _left_behind({c for c, _, _ in taking})
    rows = sorted((Participant(*labels.get(c, ("", "")), c in left, h, e) for c, h, e in taking),
                  key=lambda p: (not p.left_behind, p.where, p.name))
    return found, rows


@dataclass(frozen=True)
class Choice:
    pk: int
    name: str
    where: str
    left_behind: bool


def participant_choices(user: User, place: tuple[str, int], class_id: int | None) -> list[Choice]:
    """The children a recorder may tick: a school's class (the teacher's own by default), or the village's
    children; left-behind pupils first (活动上优先安排)."""
    visible = scope.children(user)
    if place[0] == "school":
        found = visible.filter(school_id=place[1], school_class_id=class_id) if class_id else visible.filter(
            school_id=place[1], pk__in=CareFile.objects.filter(category=Category.LEFT_BEHIND).values("child_id"))
    else:
        found = visible.filter(family__community_id=place[1])
    ids = list(found.order_by("initials", "pk").values_list("pk", flat=True)[:200])
    labels = child_labels(ids)
    left = _left_behind(set(ids))
    return sorted((Choice(pk, *labels[pk], pk in left) for pk in ids if pk in labels),
                  key=lambda c: (not c.left_behind, c.where, c.name))

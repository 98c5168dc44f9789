"""Reads of pairings, and orgs.scope's pairing provider."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from ..choices import PairingKind
from ..models import Pairing


def running(on: dt.date) -> Q:
    """Pairings in force on `on`."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def pairing_provider(user, prefix: str) -> Q:
    """orgs.scope's pairing provider: the children paired with this login today (a volunteer sees exactly these,
    for the time the pairing runs)."""
    ids = Pairing.objects.filter(running(timezone.localdate()), helper_id=user.pk).values("child_id")
    return Q(**{f"{prefix}pk__in": ids})


def helper_choices(user, file, kinds=None) -> list[tuple[int, str]]:
    """Who may be paired with the file's child, for the kinds the arranger may arrange (all when None): the staff
    of the child's school and area and the volunteers attached there, and for the monthly talk (P-44) the subject
    teachers of the child's class (the service checks the role for the kind chosen)."""
    from tongxin.orgs import selectors as orgs
    from tongxin.people import selectors as people

    kinds = set(PairingKind) if kinds is None else set(kinds)
    school_id, class_id, path = people.where_of([file.child_id])[file.child_id]
    found: list[tuple[int, str]] = []
    if kinds - {PairingKind.SUBJECT_TEACHER, PairingKind.STUDY_HELPER}:
        found = orgs.staff_near(school_id=school_id, area_path=path, roles=frozenset(
            {"class_teacher", "subject_teacher", "school_leader", "volunteer", "community_worker", "township_officer"}))
    elif PairingKind.SUBJECT_TEACHER in kinds and class_id:
        found = [(pk, f"{name}（任课教师）") for pk, name, _ in orgs.subject_teachers([class_id]).get(class_id, [])]
    return found


def peer_choices(user, file) -> list[tuple[int, str]]:
    """Pupils of the child's class the arranger can see, for a study helper (学习帮手, P-38)."""
    from tongxin.people import selectors as people

    _, class_id, _ = people.where_of([file.child_id])[file.child_id]
    if not class_id:
        return []
    return [(pk, name) for pk, name in people.classmates(user, class_id).exclude(pk=file.child_id).values_list("pk", "name")]


def contacts_by(user_ids, *, since: dt.date | None = None, until: dt.date | None = None) -> list[tuple[int, dt.date]]:
    """Every care contact (talk, visit, call… recorded by its helper) of these logins, as (user id, day), oldest
    first: for the volunteer pool's service count and hours."""
    from ..models import ContactRecord

    qs = ContactRecord.objects.filter(by_id__in=list(user_ids))
    if since:
        qs = qs.filter(day__gte=since)
    if until:
        qs = qs.filter(day__lte=until)
    return list(qs.order_by("day", "pk").values_list("by_id", "day"))


def running_counts(user_ids, *, on: dt.date) -> dict[int, int]:
    """How many children each of these logins is paired with on `on` (a helper's load)."""
    from django.db.models import Count

    return dict(Pairing.objects.filter(running(on), helper_id__in=list(user_ids)).values("helper_id")
                .annotate(n=Count("pk")).values_list("helper_id", "n"))

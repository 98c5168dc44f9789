"""Placement: priority, a published lottery, seats taken safely, the waiting list, withdrawal."""

import secrets
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import permissions, rules
from ..models import Application, Group, Period, Placement, PlacementRun
from ._common import LIVE, A, lock, require_state
from .fees import waive_as_of_right


def _take_seats(group_id: int, n: int) -> bool:
    """Take n seats if they are free: one conditional UPDATE, safe under concurrent requests on both
    databases (and the group's check constraint refuses anything over capacity as a last line)."""
    return bool(Group.objects.filter(pk=group_id, seats_taken__lte=F("capacity") - n)
                .update(seats_taken=F("seats_taken") + n))


def _free_seat(group_id: int) -> None:
    Group.objects.filter(pk=group_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _sync_application_states(application_ids) -> None:
    """An application is 'placed' once any of its periods has a seat, else 'waiting' while any waits:
    recomputed for many applications in three queries."""
    states = defaultdict(set)
    for app_id, state in (Placement.objects.filter(application_id__in=application_ids)
                          .exclude(state=Placement.State.WITHDRAWN).values_list("application_id", "state")):
        states[app_id].add(state)
    placed = [a for a, s in states.items() if Placement.State.PLACED in s]
    waiting = [a for a, s in states.items() if Placement.State.PLACED not in s]
    now = timezone.now()
    Application.objects.filter(pk__in=placed).exclude(state=Application.State.PLACED).update(
        state=Application.State.PLACED, updated_at=now)
    Application.objects.filter(pk__in=waiting).exclude(state=Application.State.WAITING).update(
        state=Application.State.WAITING, updated_at=now)
    waive_as_of_right(application_ids=placed)  # C-08: hard-up pupils' care fee is waived as they are placed


@transaction.atomic
def run_placement(actor: User, period: Period, *, seed: str | None = None) -> PlacementRun:
    """Place every approved application for this period that has no seat or waiting place yet.
    Order: priority tier, then a lottery keyed by the published seed; siblings (same family) are one unit
    and share a group; a unit that does not fit waits."""
    programme = period.programme
    permissions.require_organiser(actor, programme)
    seed = seed or secrets.token_hex(8)
    groups = list(Group.objects.select_for_update(of=("self",)).filter(period=period).order_by("name", "pk"))
    if not groups:
        raise ValidationError("请先为该期次设置托管班组")
    already = Placement.objects.filter(period=period).exclude(state=Placement.State.WITHDRAWN).values("application_id")
    candidates = list(
        Application.objects.select_for_update(of=("self",))
        .filter(programme=programme, periods=period, state__in=[Application.State.APPROVED, Application.State.PLACED,
                                                                Application.State.WAITING])
        .exclude(pk__in=already)
        .select_related("child")
    )
    by_family = defaultdict(list)
    for app in candidates:
        by_family[app.child.family_id].append(app)
    units = [rules.Unit(key=f"family:{fid}", tier=min(a.tier for a in apps), members=tuple(sorted(a.pk for a in apps)))
             for fid, apps in by_family.items()]
    ordered = rules.draw_order(units, seed)
    placed, waiting = rules.assign_seats(ordered, {g.pk: g.seats_free for g in groups})
    run = PlacementRun.objects.create(period=period, seed=seed, run_by=actor)
    apps = {a.pk: a for a in candidates}
    # The groups are locked for this transaction, so their free seats cannot change under us: take each
    # group's seats in one conditional UPDATE (which still refuses to overfill).
    taken: dict[int, int] = defaultdict(int)
    for unit in ordered:
        if unit.key in placed:
            taken[placed[unit.key]] += len(unit.members)
    for gid, n in taken.items():
        if not _take_seats(gid, n):
            raise ValidationError("班组名额在安置过程中发生变化，请重新执行安置")
    rows = []
    for unit in ordered:
        target = placed.get(unit.key)
        for app_id in unit.members:
            rows.append(Placement(application_id=app_id, child_id=apps[app_id].child_id, period=period, group_id=target,
                                  state=Placement.State.PLACED if target else Placement.State.WAITING,
                                  lottery_key=rules.lottery_key(seed, unit.key), run=run))
    Placement.objects.bulk_create(rows)
    _sync_application_states([a.pk for a in candidates])
    run.placed = sum(r.state == Placement.State.PLACED for r in rows)
    run.waiting = len(rows) - run.placed
    run.save(update_fields=["placed", "waiting"])
    record(actor, A.CREATE, run, reason=f"安置 {run.placed} 人，候补 {run.waiting} 人，种子 {seed}")
    return run


@transaction.atomic
def place_late_application(actor: User, application: Application, period: Period) -> Placement:
    """Place one approved application after the main run (e.g. a late approval): the first group with a
    free seat, or the waiting list."""
    permissions.require_organiser(actor, application.programme)
    application = lock(application)
    require_state(application, Application.State.APPROVED, Application.State.PLACED, Application.State.WAITING)
    if not application.periods.filter(pk=period.pk).exists():
        raise ValidationError("该申请未选择这一期次")
    group_id = None
    for group in Group.objects.filter(period=period).order_by("name", "pk"):
        if _take_seats(group.pk, 1):
            group_id = group.pk
            break
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                application=application, child_id=application.child_id, period=period, group_id=group_id,
                state=Placement.State.PLACED if group_id else Placement.State.WAITING,
                lottery_key=rules.lottery_key("late", str(application.pk)))
    except IntegrityError:
        raise ValidationError("该儿童在这一期次已有安置，不能重复安置") from None
    _sync_application_states([application.pk])
    record(actor, A.CREATE, placement, child_id=application.child_id)
    return placement


def _promote_waiting(period: Period, group_id: int, actor) -> Placement | None:
    """Move the first waiting child of the period (by tier, then lottery) into the freed group."""
    waiting = (Placement.objects.select_for_update(of=("self",))
               .filter(period=period, state=Placement.State.WAITING)
               .order_by("application__tier", "lottery_key", "pk").first())
    if waiting is None or not _take_seats(group_id, 1):
        return None
    waiting.state, waiting.group_id = Placement.State.PLACED, group_id
    waiting.save(update_fields=["state", "group", "updated_at"])
    _sync_application_states([waiting.application_id])
    record(actor, A.UPDATE, waiting, child_id=waiting.child_id, fields=["state", "group"], reason="候补递补")
    return waiting


@transaction.atomic
def withdraw(actor: User, application: Application, *, reason: str = "") -> Application:
    """The parent withdraws: seats are freed and the waiting list moves up."""
    application = lock(application)
    if application.applicant_id != actor.pk:
        permissions.require_guardian_of(actor, application.child)
    require_state(application, *LIVE)
    for placement in application.placements.select_for_update(of=("self",)).exclude(state=Placement.State.WITHDRAWN):
        was_placed = placement.state == Placement.State.PLACED
        placement.state = Placement.State.WITHDRAWN
        placement.save(update_fields=["state", "updated_at"])
        if was_placed and placement.group_id is not None:  # a placed row always has a group (check constraint)
            _free_seat(placement.group_id)
            _promote_waiting(placement.period, placement.group_id, actor)
    application.state = Application.State.WITHDRAWN
    application.reject_reason = reason[:255]
    application.save(update_fields=["state", "reject_reason", "updated_at"])
    record(actor, A.UPDATE, application, fields=["state"], reason="家长撤回")
    return application

"""Placement: priority, a published lottery, seats taken safely, the waiting list, withdrawal."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from itertools import batched
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.db import insert_rows
from tongxin.orgs.models import User

from .. import permissions, rules
from ..models import Application, Group, Period, Placement, PlacementRun, Programme, new_qr_tokens
from ._common import IN_LIST_MAX, LIVE, A, lock, require_state
from .fees import waive_as_of_right


def _take_seats(group_id: int, n: int) -> bool:
    """Take n seats if they are free: one conditional UPDATE, safe under concurrent requests on both
    databases (and the group's check constraint refuses anything over capacity as a last line)."""
    return bool(Group.objects.filter(pk=group_id, seats_taken__lte=F("capacity") - n)
                .update(seats_taken=F("seats_taken") + n))


def _free_seat(group_id: int) -> None:
    Group.objects.filter(pk=group_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _lock_programme(programme_id: int) -> None:
    """Everything that moves a programme's seats or its applications' placement states (a placement run, a late
    placement, a withdrawal with the waiting list moving up) takes this one row lock first, so they run one
    after another: a run need not lock the tens of thousands of applications it places, and a run of one
    period cannot compute an application's state from placements another period's run is still writing.
    (SQLite ignores row locks; its write transactions are serialised anyway.)"""
    list(Programme.objects.select_for_update().filter(pk=programme_id).values_list("pk", flat=True))


def _sync_application_states(application_ids: Iterable[int]) -> None:
    """An application is 'placed' once any of its periods has a seat, else 'waiting' while any waits (for the
    few applications of a late placement or a withdrawal; a run sets its own from its rows)."""
    states = defaultdict(set)
    for chunk in batched(list(application_ids), IN_LIST_MAX):
        for app_id, state in (Placement.objects.filter(application_id__in=chunk).exclude(state=Placement.State.WITHDRAWN)
                              .values_list("application_id", "state")):
            states[app_id].add(state)
    placed = [a for a, s in states.items() if Placement.State.PLACED in s]
    waiting = [a for a, s in states.items() if Placement.State.PLACED not in s]
    now = timezone.now()
    for state, ids in ((Application.State.PLACED, placed), (Application.State.WAITING, waiting)):
        for chunk in batched(ids, IN_LIST_MAX):
            Application.objects.filter(pk__in=chunk).exclude(state=state).update(state=state, updated_at=now)
    waive_as_of_right(application_ids=placed)  # C-08: hard-up pupils' care fee is waived as they are placed


def _candidates(period: Period) -> list[tuple[int, int, int, int]]:
    """(application, child, family, tier) of every approved application for this period without a seat or a
    waiting place in it yet. Three plain reads joined here rather than one statement joining the period link
    and excluding the placed: without fresh statistics PostgreSQL estimated one row on each side of that join
    and rescanned the period's whole link table for every application (minutes at 50,000 applications). Each
    read below has one plan whatever the statistics say; the programme's lock keeps them consistent."""
    in_period = set(Application.periods.through.objects.filter(period=period).values_list("application_id", flat=True))
    seated = set(Placement.objects.filter(period=period).exclude(state=Placement.State.WITHDRAWN)
                 .values_list("application_id", flat=True))
    applications = (Application.objects.filter(programme_id=period.programme_id, state__in=PLACEABLE).order_by()
                    .values_list("pk", "child_id", "child__family_id", "tier"))
    return [row for row in applications if row[0] in in_period and row[0] not in seated]


PLACEABLE = (Application.State.APPROVED, Application.State.PLACED, Application.State.WAITING)


@transaction.atomic
def run_placement(actor: User, period: Period, *, seed: str | None = None) -> PlacementRun:
    """Place every approved application for this period that has no seat or waiting place yet.
    Order: priority tier, then a lottery keyed by the published seed; siblings (same family) are one unit
    and share a group; a unit that does not fit waits."""
    programme = period.programme
    permissions.require_organiser(actor, programme)
    seed = seed or secrets.token_hex(8)
    _lock_programme(programme.pk)
    groups = list(Group.objects.select_for_update().filter(period=period).order_by("name", "pk"))
    if not groups:
        raise ValidationError("请先为该期次设置托管班组")
    candidates = _candidates(period)
    by_family: dict[int, list[tuple[int, int]]] = defaultdict(list)  # family -> (application, tier)
    child_of = {}
    for app_id, child_id, family_id, tier in candidates:
        by_family[family_id].append((app_id, tier))
        child_of[app_id] = child_id
    units = [rules.Unit(key=f"family:{fid}", tier=min(t for _, t in apps), members=tuple(sorted(a for a, _ in apps)))
             for fid, apps in by_family.items()]
    drawn = rules.draw(units, seed)
    ordered = [u for u, _ in drawn]
    placed, _ = rules.assign_seats(ordered, {g.pk: g.seats_free for g in groups})
    # The groups are locked for this transaction, so their free seats cannot change under us: the seats taken
    # are added in one statement for all groups, by how many each took (most groups fill up, so there are few
    # distinct counts), and the database still refuses to overfill one.
    taken: dict[int, int] = defaultdict(int)
    for unit in ordered:
        if unit.key in placed:
            taken[placed[unit.key]] += len(unit.members)
    by_count: dict[int, list[int]] = defaultdict(list)
    for gid, n in taken.items():
        by_count[n].append(gid)
    if taken:
        Group.objects.filter(pk__in=list(taken)).update(seats_taken=F("seats_taken") + Case(
            *(When(pk__in=gids, then=Value(n)) for n, gids in sorted(by_count.items())), default=Value(0)))
    n_placed = sum(taken.values())
    run = PlacementRun.objects.create(period=period, seed=seed, run_by=actor, placed=n_placed,
                                      waiting=len(candidates) - n_placed)
    # Tens of thousands of rows: plain tuples in one statement, not a model object each (`insert_rows`), in
    # application order (the database's indexes take them faster so; the waiting list orders by lottery key).
    rows: list[tuple[int, int, int | None, str, str]] = []
    for unit, key in drawn:
        target = placed.get(unit.key)
        state = Placement.State.PLACED if target else Placement.State.WAITING
        rows.extend((app_id, child_of[app_id], target, state, key) for app_id in unit.members)
    rows.sort(key=itemgetter(0))
    with_tokens = [(*row, token) for row, token in zip(rows, new_qr_tokens(len(rows)), strict=True)]
    now = timezone.now()
    insert_rows(Placement, ["application_id", "child_id", "group_id", "state", "lottery_key", "qr_token"], with_tokens,
                period=period.pk, run=run.pk, created_at=now, updated_at=now)
    # The applications' states, read by the database from this run's rows rather than sent back as lists of ids:
    # seated here -> placed; waiting here -> waiting, unless seated in another period of the programme.
    now = timezone.now()
    mine = Placement.objects.filter(run=run)
    seated_elsewhere = Exists(Placement.objects.filter(application_id=OuterRef("pk"), state=Placement.State.PLACED)
                              .exclude(period_id=period.pk))
    Application.objects.filter(pk__in=mine.filter(state=Placement.State.PLACED).values("application_id")).exclude(
        state=Application.State.PLACED).update(state=Application.State.PLACED, updated_at=now)
    waiting_here = Application.objects.filter(pk__in=mine.filter(state=Placement.State.WAITING).values("application_id"))
    waiting_here.filter(seated_elsewhere).exclude(state=Application.State.PLACED).update(
        state=Application.State.PLACED, updated_at=now)
    waiting_here.filter(~seated_elsewhere).exclude(state=Application.State.WAITING).update(
        state=Application.State.WAITING, updated_at=now)
    waive_as_of_right(application_ids=mine.values("application_id"))  # C-08: those now placed are waived
    record(actor, A.CREATE, run, reason=f"安置 {run.placed} 人，候补 {run.waiting} 人，种子 {seed}")
    return run


@transaction.atomic
def place_late_application(actor: User, application: Application, period: Period) -> Placement:
    """Place one approved application after the main run (e.g. a late approval): the first group with a
    free seat, or the waiting list."""
    permissions.require_organiser(actor, application.programme)
    _lock_programme(application.programme_id)
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
    _lock_programme(application.programme_id)
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

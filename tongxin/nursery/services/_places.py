"""Taking a place (shared by contracts and the waiting list): a child admitted to a room for a span of hours from a
day, refused with the reason when the class would be over its size or its carers' ratio at any moment; and the
waiting list's offers, in order of joining, of the places that are free. The caller holds the rooms' locks."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from tongxin.orgs.models import User

from .. import rules
from ..choices import CareType
from ..models import Centre, Contract, Room, WaitlistEntry
from ..selectors.health import attendance_refusal
from ..selectors.occupancy import admission_problems, room_plan
from ._common import age_on, day_label, locked_rooms
from .notices import offer_notices_send

AGE_GROUPS = ("infant", "toddler", "older")  # the waiting list's age groups: the class types but the mixed one


def age_group(age_months: int) -> str | None:
    """The waiting list's age group of a child of this age (乳儿班, 托小班 or 托大班 ages), or None."""
    return next((t for t in AGE_GROUPS if rules.class_fits(age_months, t)), None)


def contract_overlap(child_id: int, starts_on: dt.date, ends_on: dt.date | None, *,
                     exclude: int | None = None) -> Contract | None:
    """The child's live contract (at any centre) meeting these dates, if any: a child has one contract at a time."""
    found = Contract.objects.filter(child_id=child_id, state=Contract.State.ACTIVE).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)).select_related("centre__site")
    if ends_on is not None:
        found = found.filter(starts_on__lte=ends_on)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.first()


def admission_refusals(room: Room, *, child_id: int, care_type: str, span: rules.Span, starts_on: dt.date,
                       ends_on: dt.date | None, exclude_offer: int | None = None,
                       exclude_contract: int | None = None) -> list[str]:
    """Why the child cannot take a place in this room on these terms (empty: they can)."""
    problem = rules.age_problem(age_on(child_id, starts_on), room.class_type)
    if problem:
        return [problem]
    problem = rules.contract_hours_problem(care_type, span, room.centre.hours)
    if problem:
        return [problem]
    plan = room_plan(room, starts_on, ends_on, exclude_offer=exclude_offer, exclude_contract=exclude_contract)
    return admission_problems(plan, span, start=starts_on, end=ends_on)


def admit(room: Room, *, child_id: int, care_type: str, span: rules.Span, starts_on: dt.date,
          ends_on: dt.date | None, actor: User, now: dt.datetime, exclude_offer: int | None = None) -> Contract:
    """Write the contract once every check passes (the room locked by the caller)."""
    if care_type not in CareType.values:
        raise ValidationError("请选择托育类型")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("结束日期不能早于入托日期")
    other = contract_overlap(child_id, starts_on, ends_on)
    if other is not None:
        raise ValidationError(f"该幼儿在{other.centre.name}已有{day_label(other.starts_on)}起的托育协议，"
                              "同一时期只能签一份")
    refusal = attendance_refusal(child_id=child_id, on=starts_on)
    if refusal:
        raise ValidationError(refusal)
    refusals = admission_refusals(room, child_id=child_id, care_type=care_type, span=span, starts_on=starts_on,
                                  ends_on=ends_on, exclude_offer=exclude_offer)
    if refusals:
        raise ValidationError(refusals)
    return Contract.objects.create(centre=room.centre, room=room, child_id=child_id, care_type=care_type,
                                   starts_on=starts_on, ends_on=ends_on, drop_off=span.start, pick_up=span.end,
                                   created_by=actor, created_at=now)


def offer_start(entry: WaitlistEntry, today: dt.date) -> dt.date:
    """An offered place starts no earlier than the day the family wished, nor than tomorrow."""
    return max(entry.wanted_from, today + dt.timedelta(days=1))


def free_from(room: Room, entry: WaitlistEntry, span: rules.Span, base: dt.date) -> dt.date | None:
    """The first day from `base` on which the child can take a place in this room for good: `base` itself, or the
    day after a contract of the room ends."""
    ends = Contract.objects.filter(room=room, state=Contract.State.ACTIVE, ends_on__gte=base).values_list(
        "ends_on", flat=True)
    for start in sorted({base} | {end + dt.timedelta(days=1) for end in ends if end is not None}):
        if not rules.class_fits(age_on(entry.child_id, start), room.class_type):
            continue
        if not admission_refusals(room, child_id=entry.child_id, care_type=entry.care_type, span=span,
                                  starts_on=start, ends_on=None):
            return start
    return None


def held_back(centre: Centre, *, today: dt.date) -> list[str]:
    """Why the first child still waiting in each age group was offered no place: the first room of their age's
    reason on the day their place would start (e.g. the carers on duty are full), for the manager to act on."""
    rooms = list(Room.objects.filter(centre=centre, active=True).select_related("centre__site__region")
                 .order_by("class_type", "name"))
    seen: set[str] = set()
    out = []
    for entry in (WaitlistEntry.objects.filter(centre=centre, state=WaitlistEntry.State.WAITING)
                  .select_related("child").order_by("joined_at", "pk")):
        if entry.class_type in seen:
            continue
        seen.add(entry.class_type)
        base = offer_start(entry, today)
        fitting = [r for r in rooms if rules.class_fits(age_on(entry.child_id, base), r.class_type)]
        span = rules.default_span(entry.care_type, centre.hours)
        reasons = [admission_refusals(r, child_id=entry.child_id, care_type=entry.care_type, span=span,
                                      starts_on=base, ends_on=None) for r in fitting]
        why = next((rs[0] for rs in reasons if rs), "没有该年龄的班级" if not fitting else "")
        if why:
            out.append(f"{entry.get_class_type_display()}排第 1 位的{entry.child.name}（{day_label(base)}起）：{why}")
    return out


def offer_places(centre: Centre, *, today: dt.date, now: dt.datetime) -> list[WaitlistEntry]:
    """Offer the free places of a centre to its waiting list, in order of joining: each waiting child is offered
    the first room of their age that takes them on the terms they asked for, from the first day it can (the day
    they wished, or the day after a child leaves); the offered place is held (counted in every later check) until
    the family answers. Returns the entries offered a place."""
    waiting = list(WaitlistEntry.objects.filter(centre=centre, state=WaitlistEntry.State.WAITING)
                   .order_by("joined_at", "pk"))
    if not waiting:
        return []
    rooms = locked_rooms(list(Room.objects.filter(centre=centre, active=True).values_list("pk", flat=True)))
    offered = []
    for entry in waiting:
        base = offer_start(entry, today)
        if contract_overlap(entry.child_id, base, None) is not None:
            continue
        span = rules.default_span(entry.care_type, centre.hours)
        for room in rooms:
            start = free_from(room, entry, span, base)
            if start is None:
                continue
            entry.state, entry.offered_room, entry.offered_from, entry.offered_at = (
                WaitlistEntry.State.OFFERED, room, start, now)
            entry.reply_by = rules.offer_reply_by(timezone.localdate(now), centre.offer_reply_days)
            entry.save(update_fields=["state", "offered_room", "offered_from", "offered_at", "reply_by"])
            offered.append(entry)
            break
    offer_notices_send(centre, offered, now=now)
    return offered

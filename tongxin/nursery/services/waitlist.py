"""The waiting list (排队登记) of a centre or point, by age group: a family (or the centre) puts a child on it; a free
place is offered in order of joining, held until the family accepts (the contract is signed on the offered terms)
or declines (the place goes to the next)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import access, rules
from ..choices import CareType, ClassType
from ..models import Centre, WaitlistEntry
from ._common import age_on, day_label, locked_room
from ._places import admit, age_group, contract_overlap, held_back, offer_places

A = AuditEntry.Action
WAIT_AHEAD_DAYS = 366


def _may_act_for(actor: User, centre: Centre, child_id: int) -> None:
    if not (people.is_guardian_of(actor, child_id) or access.manages(actor, centre)):
        raise PermissionDenied("只能为自己的孩子排队登记")


@transaction.atomic
def waitlist_join(actor: User, *, centre_id: int, child_id: int, care_type: str, wanted_from: dt.date,
                  today: dt.date, now: dt.datetime) -> WaitlistEntry:
    """Put a child on a centre's waiting list for the age group they will be in on the wished day; a place free
    for them now is offered at once."""
    centre = Centre.objects.filter(pk=centre_id, active=True).select_related("site__region").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    _may_act_for(actor, centre, child_id)
    if care_type not in CareType.values:
        raise ValidationError("请选择托育类型")
    if wanted_from < today:
        raise ValidationError("希望入托日期不能早于今天")
    if (wanted_from - today).days > WAIT_AHEAD_DAYS:
        raise ValidationError("最多可登记一年以内入托")
    age = age_on(child_id, wanted_from)
    group = age_group(age)
    if group is None:
        raise ValidationError(rules.age_problem(age, ClassType.TODDLER) or "该幼儿不在托育年龄内")
    if contract_overlap(child_id, wanted_from, None) is not None:
        raise ValidationError("该幼儿在希望入托日期已有托育协议")
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(centre=centre, class_type=group, child_id=child_id,
                                                 care_type=care_type, wanted_from=wanted_from, joined_at=now,
                                                 joined_by=actor)
    except IntegrityError:
        raise ValidationError(f"该幼儿已在{centre.name}排队") from None
    offered = offer_places(centre, today=today, now=now)
    entry.refresh_from_db()
    record(actor, A.CREATE, entry,
           reason=f"排队登记：{centre.name}{ClassType(group).label}{CareType(care_type).label}，"
                  f"希望{day_label(wanted_from)}入托" + ("；已有空位，已通知入托" if entry in offered else ""))
    return entry


@dataclass(frozen=True)
class Offered:
    entries: list[WaitlistEntry]
    held_back: list[str]  # why the first still waiting in each age group got no place


@transaction.atomic
def waitlist_offer(actor: User, *, centre_id: int, today: dt.date, now: dt.datetime) -> Offered:
    """The manager offers the centre's free places to its waiting list now (as ending a contract does); those
    still waiting are told why."""
    centre = Centre.objects.filter(pk=centre_id).select_related("site__region").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre)
    offered = offer_places(centre, today=today, now=now)
    record(actor, A.UPDATE, centre, reason=f"按排队顺序通知 {len(offered)} 名幼儿入托")
    return Offered(offered, held_back(centre, today=today))


@transaction.atomic
def waitlist_answer(actor: User, *, entry_id: int, accept: bool, today: dt.date, now: dt.datetime) -> WaitlistEntry:
    """The family (or the centre for them) answers an offer: accepting signs the contract on the offered terms
    (checked again: the place was held); declining gives the place to the next in line."""
    found = WaitlistEntry.objects.filter(pk=entry_id).values_list("offered_room_id", "centre_id").first()
    if found is None:
        raise ValidationError("未找到该排队登记")
    room = locked_room(found[0]) if found[0] else None
    entry = WaitlistEntry.objects.select_for_update().select_related("centre__site__region").get(pk=entry_id)
    _may_act_for(actor, entry.centre, entry.child_id)
    if entry.state != WaitlistEntry.State.OFFERED or room is None or entry.offered_from is None:
        raise ValidationError("该排队登记没有待答复的入托通知")
    if accept and entry.reply_by is not None and rules.offer_lapsed(entry.reply_by, today):
        raise ValidationError(f"入托通知的答复期限（{day_label(entry.reply_by)}）已过，托位将让给排在后面的孩子；"
                              "如仍需入托，请重新排队登记")
    entry.answered_at = now
    if accept:
        span = rules.default_span(entry.care_type, entry.centre.hours)
        contract = admit(room, child_id=entry.child_id, care_type=entry.care_type, span=span,
                         starts_on=entry.offered_from, ends_on=None, actor=actor, now=now, exclude_offer=entry.pk)
        entry.state, entry.contract = WaitlistEntry.State.ACCEPTED, contract
        entry.save(update_fields=["state", "answered_at", "contract"])
        record(actor, A.CREATE, contract, reason=f"排队入托：{room.name}{contract.get_care_type_display()}，"
                                                 f"{day_label(contract.starts_on)}起")
        return entry
    entry.state = WaitlistEntry.State.DECLINED
    entry.save(update_fields=["state", "answered_at"])
    offered = offer_places(entry.centre, today=today, now=now)
    record(actor, A.UPDATE, entry, fields=["state"],
           reason="放弃入托通知" + ("；托位已通知排队的下一名幼儿" if offered else ""))
    return entry


@transaction.atomic
def waitlist_withdraw(actor: User, *, entry_id: int, now: dt.datetime, today: dt.date) -> WaitlistEntry:
    """Take a child off the waiting list (a held place goes to the next in line)."""
    entry = WaitlistEntry.objects.select_for_update().select_related("centre__site__region").filter(pk=entry_id).first()
    if entry is None:
        raise ValidationError("未找到该排队登记")
    _may_act_for(actor, entry.centre, entry.child_id)
    if entry.state not in WaitlistEntry.LIVE:
        raise ValidationError("该排队登记已结束")
    held = entry.state == WaitlistEntry.State.OFFERED
    entry.state, entry.answered_at = WaitlistEntry.State.WITHDRAWN, now
    entry.save(update_fields=["state", "answered_at"])
    offered = offer_places(entry.centre, today=today, now=now) if held else []
    record(actor, A.UPDATE, entry, fields=["state"],
           reason="撤回排队登记" + ("；托位已通知排队的下一名幼儿" if offered else ""))
    return entry


def waitlist_expire(*, today: dt.date, now: dt.datetime) -> int:
    """Offers not answered by their last day lapse (逾期未答复) and each centre's freed places go to the next in
    line. Idempotent: a lapsed offer is closed once. Returns how many offers lapsed. Each centre is its own
    transaction, so one centre's failure does not hold the others' places."""
    centre_ids = sorted(set(WaitlistEntry.objects.filter(state=WaitlistEntry.State.OFFERED, reply_by__lt=today)
                            .values_list("centre_id", flat=True)))
    return sum(_expire_at(centre_id, today=today, now=now) for centre_id in centre_ids)


@transaction.atomic
def _expire_at(centre_id: int, *, today: dt.date, now: dt.datetime) -> int:
    centre = Centre.objects.select_related("site__region").get(pk=centre_id)
    lapsed = list(WaitlistEntry.objects.select_for_update().filter(
        centre_id=centre_id, state=WaitlistEntry.State.OFFERED, reply_by__lt=today).order_by("pk"))
    lapsed = [e for e in lapsed if rules.offer_lapsed(e.reply_by, today)]
    if not lapsed:
        return 0
    for entry in lapsed:
        entry.state, entry.answered_at = WaitlistEntry.State.EXPIRED, now
        entry.save(update_fields=["state", "answered_at"])
    offered = offer_places(centre, today=today, now=now)
    for entry in lapsed:
        last = f"（最迟 {day_label(entry.reply_by)}）" if entry.reply_by else ""
        record(None, A.UPDATE, entry, fields=["state"],
               reason=f"入托通知逾期未答复{last}"
                      + ("；托位已通知排队的下一名幼儿" if offered else ""))
    return len(lapsed)

"""Monthly contracts (托育协议, N-03, N-04): full-day or half-day with the child's daily hours, a pick-up after
closing being the extended-hours add-on; refused with the reason when the class would be over its size or its
carers' ratio at any moment (the room locked: no place sold twice). Ending one offers the freed place to the
waiting list."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access, rules
from ..choices import CareType
from ..models import Contract
from ._common import day_label, locked_room, text
from ._places import admit, offer_places

A = AuditEntry.Action


def _start_problem(starts_on: dt.date, today: dt.date) -> str | None:
    if starts_on < today.replace(day=1):
        return "入托日期不能早于本月1日"
    if (starts_on - today).days > 366:
        return "入托日期不能晚于一年以后"
    return None


@transaction.atomic
def contract_create(actor: User, *, room_id: int, child_id: int, care_type: str, starts_on: dt.date,
                    drop_off: dt.time | None = None, pick_up: dt.time | None = None, ends_on: dt.date | None = None,
                    today: dt.date, now: dt.datetime) -> Contract:
    """The manager signs a child into a class from a day, for the care type's usual hours unless others are given
    (a pick-up after closing, within extended hours, adds 延时托育)."""
    room = locked_room(room_id)
    access.require_manager(actor, room.centre, "只有本托育机构的负责人可以签订托育协议")
    if not room.active:
        raise ValidationError("该班级已停班")
    if care_type not in CareType.values:
        raise ValidationError("请选择托育类型")
    problem = _start_problem(starts_on, today)
    if problem:
        raise ValidationError(problem)
    usual = rules.default_span(care_type, room.centre.hours)
    span = rules.Span(drop_off or usual.start, pick_up or usual.end)
    contract = admit(room, child_id=child_id, care_type=care_type, span=span, starts_on=starts_on, ends_on=ends_on,
                     actor=actor, now=now)
    late = rules.extended_minutes(span, room.centre.closes)
    record(actor, A.CREATE, contract,
           reason=f"{room.name}{CareType(care_type).label} {span.label}{'（含延时托育）' if late else ''}，"
                  f"{day_label(starts_on)}起")
    return contract


@transaction.atomic
def contract_end(actor: User, *, contract_id: int, last_day: dt.date, reason: str, today: dt.date,
                 now: dt.datetime) -> Contract:
    """End a contract after `last_day` (退托); one that has not begun by then is cancelled. The freed place is
    offered to the waiting list at once."""
    found = Contract.objects.filter(pk=contract_id).values_list("room_id", flat=True).first()
    if found is None:
        raise ValidationError("未找到该托育协议")
    room = locked_room(found)
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    access.require_manager(actor, room.centre, "只有本托育机构的负责人可以办理退托")
    reason = text(reason, label="退托原因", max_length=64)
    if contract.state != Contract.State.ACTIVE:
        raise ValidationError("该协议已取消")
    if contract.ends_on is not None and contract.ends_on < today:
        raise ValidationError("该协议已结束")
    if last_day < today.replace(day=1):
        raise ValidationError("最后在托日不能早于本月1日（已开具的账单不再变动）")
    if contract.ends_on is not None and last_day > contract.ends_on:
        raise ValidationError(f"该协议原定{day_label(contract.ends_on)}结束，退托日不能更晚")
    if last_day < contract.starts_on:
        contract.state = Contract.State.CANCELLED
        what = "取消协议（尚未入托）"
    else:
        contract.ends_on = last_day
        what = f"退托，最后在托日 {day_label(last_day)}"
    contract.ended_by, contract.end_reason = actor, reason
    contract.save(update_fields=["state", "ends_on", "ended_by", "end_reason"])
    offered = offer_places(room.centre, today=today, now=now)
    record(actor, A.UPDATE, contract, fields=["state", "ends_on"],
           reason=what + (f"；空出的托位已通知排队的 {len(offered)} 名幼儿" if offered else ""))
    return contract

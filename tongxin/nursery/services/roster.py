"""The carers' duty roster (保育人员排班): who is on duty in which class's room, from when to when, day by day — what
every ratio check counts. A carer works at the room's centre (held there as 保育人员, or its manager); a carer is on
duty in one room at a time."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.calendar import working_days
from tongxin.orgs.models import Site, User

from .. import access, rules
from ..models import DutyShift, Room
from ..selectors.health import certificate_refusal
from ._common import day_label, locked_room

A = AuditEntry.Action
ROSTER_AHEAD_DAYS = 92


def _carer(carer_id: int, room: Room) -> User:
    carer = User.objects.filter(pk=carer_id, is_active=True).first()
    if carer is None or not Site.objects.filter(scope.nursery_staff_q(carer), pk=room.centre.site_id).exists():
        raise ValidationError("只能安排在本机构工作的保育人员值班")
    return carer


def _day(day: dt.date, today: dt.date) -> None:
    if day < today.replace(day=1):
        raise ValidationError("不能修改上个月及以前的排班")
    if (day - today).days > ROSTER_AHEAD_DAYS:
        raise ValidationError(f"最多可排 {ROSTER_AHEAD_DAYS} 天以内的班")


def _add(room: Room, *, day: dt.date, carer: User, span: rules.Span, actor: User) -> DutyShift:
    refusal = certificate_refusal(user_id=carer.pk, on=day)
    if refusal:
        raise ValidationError(refusal)
    others = [s.span for s in DutyShift.objects.filter(carer=carer, day=day)]
    problem = rules.shift_problem(span, room.centre.hours, others)
    if problem:
        raise ValidationError(problem)
    return DutyShift.objects.create(room=room, day=day, carer=carer, start=span.start, end=span.end,
                                    created_by=actor)


@transaction.atomic
def shift_add(actor: User, *, room_id: int, day: dt.date, carer_id: int, start: dt.time, end: dt.time,
              today: dt.date) -> DutyShift:
    room = locked_room(room_id)
    access.require_manager(actor, room.centre, "只有本托育机构的负责人可以排班")
    _day(day, today)
    carer = _carer(carer_id, room)
    shift = _add(room, day=day, carer=carer, span=rules.Span(start, end), actor=actor)
    record(actor, A.CREATE, shift, reason=f"排班：{room.name} {day_label(day)} {shift.span.label} {carer.display_name}")
    return shift


@transaction.atomic
def shift_remove(actor: User, *, shift_id: int, today: dt.date) -> None:
    """Take a carer off duty. What their going leaves short shows on the ratio board (a sick carer cannot be kept
    on the roster); bookings after it count the carers left."""
    found = DutyShift.objects.filter(pk=shift_id).values_list("room_id", flat=True).first()
    if found is None:
        raise ValidationError("未找到该排班")
    room = locked_room(found)
    access.require_manager(actor, room.centre, "只有本托育机构的负责人可以排班")
    shift = DutyShift.objects.select_related("carer").get(pk=shift_id)
    _day(shift.day, today)
    record(actor, A.DELETE, shift, reason=f"取消排班：{room.name} {day_label(shift.day)} {shift.span.label}")
    shift.delete()


@transaction.atomic
def roster_repeat(actor: User, *, room_id: int, day: dt.date, until: dt.date, today: dt.date) -> int:
    """Copy a day's roster of a room to every later working day up to `until` that has none yet (a carer already
    on duty elsewhere at those hours is left out). Returns how many shifts were added."""
    room = locked_room(room_id)
    access.require_manager(actor, room.centre, "只有本托育机构的负责人可以排班")
    _day(day, today)
    _day(until, today)
    if until <= day:
        raise ValidationError("复制截止日期应晚于所选日期")
    pattern = list(DutyShift.objects.filter(room=room, day=day).select_related("carer"))
    if not pattern:
        raise ValidationError(f"{day_label(day)}{room.name}还没有排班，无可复制")
    rostered = set(DutyShift.objects.filter(room=room, day__gt=day, day__lte=until).values_list("day", flat=True))
    added = 0
    for d in working_days(day + dt.timedelta(days=1), until):
        if d in rostered:
            continue
        for s in pattern:
            others = [o.span for o in DutyShift.objects.filter(carer=s.carer, day=d)]
            if (rules.shift_problem(s.span, room.centre.hours, others) is None
                    and certificate_refusal(user_id=s.carer_id, on=d) is None):
                DutyShift.objects.create(room=room, day=d, carer=s.carer, start=s.start, end=s.end, created_by=actor)
                added += 1
    record(actor, A.CREATE, room, reason=f"复制{day_label(day)}的排班至{day_label(until)}：{added} 个班次")
    return added

"""The day in a room: a child checked in (refused when the room would be over its size or its carers' ratio at that
moment, or the child's health record bars them: no entry check, an overdue vaccine, back after months away), handed over to a guardian the family authorised (`people.pickup`, the check custody makes too), and the
records a carer keeps for the whole room at once with the children who differ. Each call: one transaction, one
audit entry; the room's row is locked so that two check-ins never both take the last place."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import pickup

from .. import access, rules, rules_day
from ..models import Room
from ..models_day import DayAttendance, DayEntry, DayException
from ..selectors.day import expected_in, local_time, present_now
from ..selectors.health import attendance_refusal
from ..selectors.occupancy import room_plan
from ._common import locked_room, text

A = AuditEntry.Action


def _staff_room(actor: User, room_id: int) -> Room:
    room = locked_room(room_id)
    if not access.works_at(actor, room.centre):
        raise PermissionDenied("只有本托育机构的工作人员可以办理")
    return room


def _moment(now: dt.datetime) -> tuple[dt.date, dt.time]:
    local = timezone.localtime(now)
    return local.date(), local.time().replace(second=0, microsecond=0)


@transaction.atomic
def child_check_in(*, actor: User, room_id: int, child_id: int, now: dt.datetime) -> DayAttendance:
    """The child arrives (入园): one of the room's children due today, not yet checked in, and only while the room
    stays within its size and the carers on duty may look after one more."""
    room = _staff_room(actor, room_id)
    day, at = _moment(now)
    plan = room_plan(room, day, day)
    expected = {e.child_id: e for e in expected_in(plan, day)}
    if child_id not in expected:
        raise ValidationError("该幼儿今天不在本班的托育协议或临时托预约中")
    name = expected[child_id].name
    already = DayAttendance.objects.filter(child_id=child_id, day=day).select_related("room").first()
    if already is not None:
        raise ValidationError(f"{name} 已于 {local_time(already.checked_in_at):%H:%M} 在{already.room.name}入园")
    refusal = attendance_refusal(child_id=child_id, on=day)
    if refusal:
        raise ValidationError(f"{name}：{refusal}")
    problem = rules_day.check_in_problem(label=room.name, limit=plan.limit, places=room.places,
                                         present=present_now(room, day),
                                         carers=rules_day.carers_at(plan.carers(day), at), at=at)
    if problem:
        raise ValidationError(problem)
    attendance = DayAttendance.objects.create(room=room, child_id=child_id, day=day, checked_in_at=now,
                                              checked_in_by=actor)
    record(actor, A.CREATE, attendance, child_id=child_id, target_repr=f"{name} {day:%m-%d}",
           reason=f"入园：{room.name} {rules.hm(at)}")
    return attendance


@transaction.atomic
def child_check_out(*, actor: User, room_id: int, child_id: int, guardian_id: int | None,
                    now: dt.datetime) -> DayAttendance:
    """The child goes home (离园) with a guardian the family authorised to pick them up; anyone else is refused
    with the reason, and nothing is written."""
    room = _staff_room(actor, room_id)
    day, at = _moment(now)
    attendance = (DayAttendance.objects.select_for_update(of=("self",)).select_related("child")
                  .only("pk", "room_id", "child_id", "day", "checked_in_at", "checked_out_at", "child__name")
                  .filter(room=room, child_id=child_id, day=day).first())
    if attendance is None:
        raise ValidationError("该幼儿今天未在本班入园，不能办理离园")
    name = attendance.child.name
    if attendance.checked_out_at is not None:
        raise ValidationError(f"{name} 已于 {local_time(attendance.checked_out_at):%H:%M} 离园")
    check = pickup.pickup_check(child_id, guardian_id)
    if not check.allowed:
        raise PermissionDenied(check.refusal(name))
    attendance.checked_out_at, attendance.checked_out_by, attendance.picked_up_by = now, actor, check.guardian
    attendance.save(update_fields=["checked_out_at", "checked_out_by", "picked_up_by"])
    record(actor, A.UPDATE, attendance, child_id=child_id, target_repr=f"{name} {day:%m-%d}",
           reason=f"离园：{room.name} {rules.hm(at)} 由 {check.guardian.name if check.guardian else ''} 接走")
    return attendance


def _problem(room: Room, kind: str, value: str, start: dt.time | None, end: dt.time | None) -> None:
    hours = room.centre.hours
    problem = rules_day.entry_problem(kind, value, start, end, opens=hours.opens, last=hours.last)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def entry_add(*, actor: User, room_id: int, kind: str, value: str, start: dt.time | None, end: dt.time | None = None,
              note: str = "", now: dt.datetime) -> DayEntry:
    """Record for the whole room at once (e.g. lunch eaten up, a nap from–to, an hour outdoors)."""
    room = _staff_room(actor, room_id)
    day, at = _moment(now)
    note = text(note, label="备注", max_length=64)
    _problem(room, kind, value, start, end)
    assert start is not None
    if start > at:
        raise ValidationError("不能记录还没到的时间")
    if kind in rules_day.ONCE_A_DAY and DayEntry.objects.filter(room=room, day=day, kind=kind).exists():
        raise ValidationError(f"今天已记录{rules_day.KINDS[kind]}，如有个别幼儿不同，请在该记录下登记")
    entry = DayEntry.objects.create(room=room, day=day, kind=kind, value=value, start=start, end=end, note=note,
                                    recorded_by=actor, recorded_at=now)
    record(actor, A.CREATE, entry, target_repr=f"{room.name} {entry}", reason=f"{room.name}{rules_day.KINDS[kind]}：{entry.value_label}")
    return entry


@transaction.atomic
def exception_set(*, actor: User, entry_id: int, child_id: int, value: str, start: dt.time | None = None,
                  end: dt.time | None = None, note: str = "", now: dt.datetime) -> DayException:
    """Note one child who differs from the room's record (or change what was noted): a child who was there."""
    found = DayEntry.objects.filter(pk=entry_id).values_list("room_id", flat=True).first()
    if found is None:
        raise ValidationError("未找到该记录")
    room = _staff_room(actor, found)
    entry = DayEntry.objects.get(pk=entry_id)
    day, _ = _moment(now)
    if entry.day != day:
        raise ValidationError("只能补记当天的记录")
    note = text(note, label="备注", max_length=64)
    if entry.kind in rules_day.SPANNED and value not in rules_day.NOT_TAKING_PART.values():
        start, end = start or entry.start, end or entry.end
        _problem(room, entry.kind, value, start, end)
    else:
        _problem(room, entry.kind, value, entry.start, entry.end)
        start = end = None
    there = (DayAttendance.objects.filter(room=room, day=day, child_id=child_id).select_related("child")
             .only("pk", "checked_in_at", "checked_out_at", "child__name").first())
    if there is None or not rules_day.present_at(local_time(there.checked_in_at) or entry.start,
                                                  local_time(there.checked_out_at), entry.start):
        raise ValidationError("该幼儿当时不在班上")
    if value == entry.value and start in (None, entry.start) and end in (None, entry.end) and not note:
        raise ValidationError("与全班记录相同，无需单独登记")
    found_x, _ = DayException.objects.update_or_create(
        entry=entry, child_id=child_id,
        defaults={"value": value, "start": start, "end": end, "note": note, "recorded_by": actor, "recorded_at": now})
    record(actor, A.UPDATE, found_x, child_id=child_id, target_repr=f"{there.child.name} {entry}",
           reason=f"{there.child.name} {rules_day.KINDS[entry.kind]}：{found_x.value_label}")
    return found_x

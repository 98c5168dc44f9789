"""Temporary care by the hour (临时托, N-03), and extra hours for a contracted child, those after closing being
extended hours (延时托育, N-04): booked by a parent for their own child (or by the centre), on a working day the
class is rostered, refused with the reason when the class would be over its size or its carers' ratio at any
moment of it. The rooms are locked: no place sold twice under concurrent requests."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.calendar import is_working_day
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import access, rules
from ..choices import ClassType
from ..models import Booking, Centre, Contract, Room
from ..selectors.health import attendance_refusal
from ..selectors.occupancy import room_plan
from ._common import age_on, day_label, locked_rooms

A = AuditEntry.Action
BOOK_AHEAD_DAYS = 30


def _may_book(actor: User, centre: Centre, child_id: int) -> None:
    if not (people.is_guardian_of(actor, child_id) or access.manages(actor, centre)):
        raise PermissionDenied("只能为自己的孩子预约临时托")


def _clash(child_id: int, day: dt.date, span: rules.Span) -> str | None:
    """The child's own booking or contract hours that day meeting these, if any."""
    for b in Booking.objects.filter(child_id=child_id, day=day, state=Booking.State.BOOKED).select_related("centre__site"):
        if b.span.overlaps(span):
            return f"该幼儿当天 {b.span.label} 已在{b.centre.name}预约了临时托"
    for c in Contract.objects.filter(child_id=child_id, state=Contract.State.ACTIVE, starts_on__lte=day).select_related(
            "centre__site"):
        if c.covers(day) and c.span.overlaps(span):
            return f"该幼儿按托育协议当天 {c.span.label} 已在{c.centre.name}，无需预约"
    return None


@transaction.atomic
def booking_create(actor: User, *, centre_id: int, child_id: int, day: dt.date, start: dt.time, end: dt.time,
                   today: dt.date, now: dt.datetime) -> Booking:
    """Book temporary care at a centre or point: the child goes to the first class of their age that takes them
    for every moment of the hours."""
    centre = Centre.objects.filter(pk=centre_id, active=True).select_related("site").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    _may_book(actor, centre, child_id)
    span = rules.Span(start, end)
    if day < today or (day == today and start <= timezone.localtime(now).time()):
        raise ValidationError("只能预约尚未开始的时段")
    if (day - today).days > BOOK_AHEAD_DAYS:
        raise ValidationError(f"最多可预约 {BOOK_AHEAD_DAYS} 天以内的临时托")
    if not is_working_day(day):
        raise ValidationError(f"{day_label(day)}不是工作日，托育机构不开放")
    problem = rules.booking_problem(span, centre.hours)
    if problem:
        raise ValidationError(problem)
    age = age_on(child_id, day)
    candidates = [r for r in Room.objects.filter(centre=centre, active=True).order_by("class_type", "name", "pk")
                  if rules.class_fits(age, r.class_type)]
    if not candidates:
        problem = rules.age_problem(age, ClassType.TODDLER) if not 6 <= age < 36 else None
        raise ValidationError(problem or f"{centre.name}没有收 {age} 个月幼儿的班级")
    clash = _clash(child_id, day, span)
    if clash:
        raise ValidationError(clash)
    refusal = attendance_refusal(child_id=child_id, on=day)
    if refusal:
        raise ValidationError(refusal)
    reasons: list[str] = []
    for room in locked_rooms([r.pk for r in candidates]):
        plan = room_plan(room, day, day)
        if not plan.rostered(day):
            reasons.append(f"{day_label(day)}{room.name}尚未排班，暂不能预约")
            continue
        problems = rules.admission_problems(label=room.name, limit=plan.limit, places=room.places,
                                            children=plan.spans(day), carers=plan.carers(day), new=span)
        if problems:
            reasons += problems
            continue
        booking = Booking.objects.create(centre=centre, room=room, child_id=child_id, day=day, start=start, end=end,
                                         booked_by=actor, booked_at=now)
        late = rules.extended_minutes(span, centre.closes)
        record(actor, A.CREATE, booking,
               reason=f"预约临时托：{centre.name}{room.name} {day_label(day)} {span.label}"
                      + (f"（其中延时 {late} 分钟）" if late else ""))
        return booking
    raise ValidationError(reasons)


@transaction.atomic
def booking_cancel(actor: User, *, booking_id: int, now: dt.datetime) -> Booking:
    """Cancel a booking not yet begun (the parent who may book for the child, or the centre)."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id).select_related("centre__site").first()
    if booking is None:
        raise ValidationError("未找到该预约")
    _may_book(actor, booking.centre, booking.child_id)
    if booking.state != Booking.State.BOOKED:
        raise ValidationError("该预约已取消")
    local = timezone.localtime(now)
    if (booking.day, booking.start) <= (local.date(), local.time()):
        raise ValidationError("已开始的预约不能取消")
    booking.state, booking.cancelled_at = Booking.State.CANCELLED, now
    booking.save(update_fields=["state", "cancelled_at"])
    record(actor, A.UPDATE, booking, fields=["state"], reason="取消临时托预约")
    return booking

"""The roster: who is on duty, and their own sign-in and sign-out."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .. import permissions
from ..models import Group, Programme, RosterShift
from ._common import A, period_days


@transaction.atomic
def add_shift(actor, programme: Programme, *, staff, date: dt.date, duty: str, group: Group | None = None,
              start: dt.time | None = None, end: dt.time | None = None) -> RosterShift:
    """Organisers roster people; a teacher or volunteer may sign themselves up for a day."""
    if staff.pk != actor.pk or duty == RosterShift.Duty.LEADER:
        permissions.require_organiser(actor, programme)
    elif not (permissions.oversees(actor, programme) or Role.VOLUNTEER in scope.roles(actor)):
        raise PermissionDenied("您不能报名该项目的值班")
    if not any(date in period_days(p) for p in programme.periods.all()):
        raise ValidationError("该日期不是本项目的托管日")
    if group is not None and (group.period.programme_id != programme.pk or not group.period.start <= date <= group.period.end):
        raise ValidationError("所选班组不在该日期的期次内")
    start = start or programme.day_start
    end = end or programme.day_end
    if end <= start:
        raise ValidationError("结束时间须晚于开始时间")
    try:
        with transaction.atomic():
            shift = RosterShift.objects.create(programme=programme, staff=staff, date=date, duty=duty, group=group,
                                               start=start, end=end)
    except IntegrityError:
        raise ValidationError(f"{staff} 在 {date:%-m月%-d日} 已有排班") from None
    record(actor, A.CREATE, shift)
    return shift


@transaction.atomic
def remove_shift(actor, shift: RosterShift) -> None:
    if shift.staff_id != actor.pk:
        permissions.require_organiser(actor, shift.programme)
    if shift.signed_in_at:
        raise ValidationError("已签到的值班不能删除")
    record(actor, A.DELETE, shift)
    shift.delete()


@transaction.atomic
def sign_shift(actor, shift: RosterShift, *, now: dt.datetime | None = None) -> RosterShift:
    """The duty teacher's own attendance: first call signs in, second signs out."""
    if shift.staff_id != actor.pk:
        raise PermissionDenied("只能本人签到")
    now = now or timezone.now()
    if timezone.localtime(now).date() != shift.date:
        raise ValidationError("只能在值班当天签到签退")
    if shift.signed_in_at is None:
        shift.signed_in_at = now
    elif shift.signed_out_at is None:
        shift.signed_out_at = now
    else:
        raise ValidationError("今天已签到并签退")
    shift.save(update_fields=["signed_in_at", "signed_out_at"])
    record(actor, A.UPDATE, shift, fields=["signed_in_at" if shift.signed_out_at is None else "signed_out_at"])
    return shift

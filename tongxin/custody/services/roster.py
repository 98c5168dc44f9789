"""The roster: who is on duty, their acceptance, their own sign-in and sign-out, and publishing it as ready.

A shift counts (duty on the day's roll, the staff ratio, pay) only once accepted (C-02): an organiser's
rostering waits for the person (待本人确认); a person's own sign-up waits for the organiser (待主办方审核).
Only a school-level leader holds the 值班领导 duty, and a day is published as ready only with one (C-24). Nobody
is on duty more than the programme's limit of days in a row (C-27).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role, User
from tongxin.volunteers import selectors as pool

from .. import permissions, rules
from ..models import Group, Programme, PublishedRosterDay, RosterShift
from ._common import A, period_days

S = RosterShift.State


def custody_days(programme: Programme) -> list[dt.date]:
    return sorted({d for p in programme.periods.all() for d in period_days(p)})


def _check_rest(programme: Programme, staff, date: dt.date) -> None:
    """C-27 over every programme the person is on: their live shifts and this one."""
    days = (RosterShift.objects.filter(staff=staff, state__in=RosterShift.LIVE_STATES)
            .exclude(programme=programme, date=date).values_list("date", flat=True))
    window = dt.timedelta(days=programme.max_consecutive_duty_days + 1)
    problem = rules.consecutive_duty_problem([d for d in days if abs(d - date) <= window], date,
                                             programme.max_consecutive_duty_days)
    if problem:
        raise ValidationError(f"{staff.display_name}：{problem}")


@transaction.atomic
def add_shift(actor: User, programme: Programme, *, staff, date: dt.date, duty: str, group: Group | None = None,
              start: dt.time | None = None, end: dt.time | None = None) -> RosterShift:
    """Organisers roster people (the person then accepts or declines); a teacher or volunteer may offer
    themselves for a day (the organiser then approves). An organiser rostering themselves is accepted at once."""
    organiser = permissions.is_organiser(actor, programme)
    if staff.pk != actor.pk:
        permissions.require_roster_manager(actor, programme)
    elif duty == RosterShift.Duty.LEADER and not organiser:
        raise PermissionDenied("值班领导由主办单位安排")
    elif not organiser and not permissions.may_sign_up(actor, programme):
        raise PermissionDenied("您不能报名该项目的值班")
    if duty not in RosterShift.Duty.values:
        raise ValidationError("岗位选项无效")
    if duty == RosterShift.Duty.LEADER and not permissions.can_hold_leader_duty(staff, programme):
        raise ValidationError(f"{staff.display_name} 不是{programme.organiser}的学校领导（社区儿童主任），不能担任值班领导")
    if staff.pk == actor.pk and not organiser and Role.VOLUNTEER in scope.roles(actor) \
            and not permissions.staff_oversees(actor, programme):
        duty = RosterShift.Duty.VOLUNTEER  # a volunteer signs up as a volunteer, whatever the form said
    if date not in custody_days(programme):
        raise ValidationError("该日期不是本项目的托管日")
    if duty == RosterShift.Duty.VOLUNTEER or Role.VOLUNTEER in scope.roles(staff):
        refusal = pool.check_refusal(user_id=staff.pk, on=date)  # the Minors Protection Law's 入职查询
        if refusal:
            raise ValidationError(f"不能排班：{refusal}")
    if group is not None and (group.period.programme_id != programme.pk or not group.period.start <= date <= group.period.end):
        raise ValidationError("所选班组不在该日期的期次内")
    start = start or programme.day_start
    end = end or programme.day_end
    if end <= start:
        raise ValidationError("结束时间须晚于开始时间")
    _check_rest(programme, staff, date)
    if staff.pk == actor.pk:
        state = S.ACCEPTED if organiser else S.AWAITING_ORGANISER
    else:
        state = S.AWAITING_STAFF
    try:
        with transaction.atomic():
            shift = RosterShift.objects.create(programme=programme, staff=staff, date=date, duty=duty, group=group,
                                               start=start, end=end, state=state, rostered_by=actor,
                                               answered_at=timezone.now() if state == S.ACCEPTED else None)
    except IntegrityError:
        raise ValidationError(f"{staff.display_name} 在 {date:%-m月%-d日} 已有排班") from None
    record(actor, A.CREATE, shift, fields=["staff", "date", "duty", "state"])
    return shift


def _lock(shift: RosterShift) -> RosterShift:
    return RosterShift.objects.select_for_update(of=("self",)).select_related("programme", "staff").get(pk=shift.pk)


@transaction.atomic
def answer_shift(actor: User, shift: RosterShift, *, accept: bool) -> RosterShift:
    """The rostered person accepts or declines a shift an organiser gave them (C-02)."""
    shift = _lock(shift)
    if shift.staff_id != actor.pk:
        raise PermissionDenied("只有被排班的本人可以确认或谢绝")
    if shift.state != S.AWAITING_STAFF:
        raise ValidationError(f"该排班当前状态为“{shift.get_state_display()}”，不能再确认或谢绝")
    shift.state = S.ACCEPTED if accept else S.DECLINED
    shift.answered_at = timezone.now()
    shift.save(update_fields=["state", "answered_at"])
    record(actor, A.UPDATE, shift, fields=["state"], reason="本人确认值班" if accept else "本人谢绝值班")
    return shift


@transaction.atomic
def decide_sign_up(actor: User, shift: RosterShift, *, approve: bool) -> RosterShift:
    """The organiser approves (or not) a teacher's or volunteer's own sign-up."""
    shift = _lock(shift)
    permissions.require_roster_manager(actor, shift.programme)
    if shift.state != S.AWAITING_ORGANISER:
        raise ValidationError(f"该排班当前状态为“{shift.get_state_display()}”，无需审核")
    shift.state = S.ACCEPTED if approve else S.REFUSED
    shift.answered_at = timezone.now()
    shift.save(update_fields=["state", "answered_at"])
    record(actor, A.UPDATE, shift, fields=["state"], reason="同意值班报名" if approve else "未同意值班报名")
    return shift


def _leaders_left(shift: RosterShift) -> bool:
    return RosterShift.objects.filter(programme=shift.programme, date=shift.date, duty=RosterShift.Duty.LEADER,
                                      state=S.ACCEPTED).exclude(pk=shift.pk).exists()


@transaction.atomic
def remove_shift(actor: User, shift: RosterShift) -> None:
    shift = _lock(shift)
    if shift.staff_id != actor.pk:
        permissions.require_roster_manager(actor, shift.programme)
    if shift.signed_in_at:
        raise ValidationError("已签到的值班不能删除")
    if (shift.duty == RosterShift.Duty.LEADER and shift.accepted and not _leaders_left(shift)
            and PublishedRosterDay.objects.filter(programme=shift.programme, date=shift.date).exists()):
        raise ValidationError(f"{shift.date:%-m月%-d日} 的值班表已发布，请先安排另一名值班领导再取消")
    record(actor, A.DELETE, shift)
    shift.delete()


@transaction.atomic
def sign_shift(actor: User, shift: RosterShift, *, now: dt.datetime | None = None) -> RosterShift:
    """The duty teacher's own attendance: first call signs in, second signs out."""
    shift = _lock(shift)
    if shift.staff_id != actor.pk:
        raise PermissionDenied("只能本人签到")
    if not shift.accepted:
        raise ValidationError(f"该排班{shift.get_state_display()}，确认后才能签到")
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


def days_without_leader(programme: Programme, days: list[dt.date]) -> list[dt.date]:
    with_leader = set(RosterShift.objects.filter(programme=programme, date__in=days, duty=RosterShift.Duty.LEADER,
                                                 state=S.ACCEPTED).values_list("date", flat=True))
    return [d for d in days if d not in with_leader]


@transaction.atomic
def publish_roster(actor: User, programme: Programme, *, start: dt.date, end: dt.date) -> list[PublishedRosterDay]:
    """Publish the roster of the custody days from `start` to `end` (a day or a week) as ready. Refused, with
    the days named, while any of them has no accepted 值班领导 (C-24)."""
    permissions.require_roster_manager(actor, programme)
    if end < start:
        raise ValidationError("结束日期不能早于开始日期")
    if (end - start).days > 62:
        raise ValidationError("一次最多发布两个月的值班表")
    days = [d for d in custody_days(programme) if start <= d <= end]
    if not days:
        raise ValidationError("所选日期内没有托管日")
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one publication at a time
    lacking = days_without_leader(programme, days)
    if lacking:
        listed = "、".join(f"{d:%-m月%-d日}" for d in lacking[:10]) + ("等" if len(lacking) > 10 else "")
        raise ValidationError(f"{listed} 没有已确认的值班领导（须有一名学校领导在岗），不能发布为就绪")
    done = set(PublishedRosterDay.objects.filter(programme=programme, date__in=days).values_list("date", flat=True))
    new = [PublishedRosterDay(programme=programme, date=d, published_by=actor) for d in days if d not in done]
    PublishedRosterDay.objects.bulk_create(new)
    record(actor, A.UPDATE, programme, fields=["published_days"],
           reason=f"发布值班表 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}（新发布 {len(new)} 天）")
    return list(PublishedRosterDay.objects.filter(programme=programme, date__in=days))

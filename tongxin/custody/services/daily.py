"""Daily operation: check-in and hand-over, absence, health checks, incidents, alerts."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record, record_many
from tongxin.people import selectors as people
from tongxin.people.models import Child, Guardian

from .. import permissions, rules
from ..models import Alert, Attendance, HealthCheck, Incident, Placement, Programme, RosterShift
from ._common import A, period_days


def leader_on_duty(programme: Programme, date: dt.date):
    shift = programme.shifts.filter(date=date, duty=RosterShift.Duty.LEADER).select_related("staff").first()
    return shift.staff if shift else None


_UNKNOWN = object()


def _raise_alert(placement: Placement, date: dt.date, kind: str, message: str, leader=_UNKNOWN) -> tuple[Alert, bool]:
    """Raise an alert for the leader on duty, once per child, day and kind. Returns (alert, newly raised)."""
    programme = placement.period.programme
    if leader is _UNKNOWN:
        leader = leader_on_duty(programme, date)
    alert, created = Alert.objects.get_or_create(
        placement=placement, date=date, kind=kind,
        defaults={"programme": programme, "message": message[:255], "notify": leader},
    )
    if created:
        record(None, A.CREATE, alert, child_id=placement.child_id, reason=message[:255])
    return alert, created


def _resolve_alerts(placement: Placement, date: dt.date, kind: str, actor, now: dt.datetime) -> None:
    """What the duty teacher just did settles the day's open alert of this kind (e.g. the child arrived)."""
    Alert.objects.filter(placement=placement, date=date, kind=kind, handled_at=None).update(handled_by=actor, handled_at=now)


def _placement_for_today(actor, placement: Placement, now: dt.datetime) -> dt.date:
    date = timezone.localtime(now).date()
    period = placement.period
    if placement.state != Placement.State.PLACED:
        raise ValidationError("该儿童本期未被安置")
    if not period.start <= date <= period.end or date not in period_days(period):
        raise ValidationError("今天不是该期次的托管日")
    permissions.require_duty_or_organiser(actor, period.programme, date)
    return date


@transaction.atomic
def check_in(actor, placement: Placement, *, now: dt.datetime | None = None) -> Attendance:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    attendance, _ = Attendance.objects.select_for_update(of=("self",)).get_or_create(placement=placement, date=date)
    if attendance.check_in_at:
        raise ValidationError(f"{placement.child.name} 已于 {timezone.localtime(attendance.check_in_at):%H:%M} 入托")
    attendance.check_in_at, attendance.check_in_by, attendance.absence_reason = now, actor, ""
    attendance.save()
    _resolve_alerts(placement, date, Alert.Kind.MISSING, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["check_in_at"])
    return attendance


@transaction.atomic
def check_in_by_code(actor, code: str, *, now: dt.datetime | None = None) -> Attendance:
    placement = Placement.objects.filter(qr_token=code.strip()).select_related("period__programme", "child").first()
    if placement is None:
        raise ValidationError("无效的签到码")
    return check_in(actor, placement, now=now)


def authorised_pickups(child: Child):
    return people.authorised_pickups(child.pk)


def check_out(actor, placement: Placement, *, guardian: Guardian, now: dt.datetime | None = None) -> Attendance:
    """Hand the child to a guardian authorised to pick them up. Anyone else is refused, and the refusal
    raises an alert to the leader on duty (committed even though the hand-over is refused)."""
    now = now or timezone.now()
    if not people.may_pick_up(placement.child_id, guardian.pk):
        date = _placement_for_today(actor, placement, now)
        with transaction.atomic():
            _raise_alert(placement, date, Alert.Kind.UNAUTHORISED_PICKUP,
                         f"{guardian.name} 不是 {placement.child.name} 的授权接送人，已拒绝交接")
        raise PermissionDenied(f"{guardian.name} 不是 {placement.child.name} 的授权接送人，不能接走孩子")
    return _check_out(actor, placement, guardian, now)


@transaction.atomic
def _check_out(actor, placement: Placement, guardian: Guardian, now: dt.datetime) -> Attendance:
    date = _placement_for_today(actor, placement, now)
    attendance = Attendance.objects.select_for_update(of=("self",)).filter(placement=placement, date=date).first()
    if attendance is None or attendance.check_in_at is None:
        raise ValidationError(f"{placement.child.name} 今天未入托，不能办理离托")
    if attendance.check_out_at:
        raise ValidationError(f"{placement.child.name} 已于 {timezone.localtime(attendance.check_out_at):%H:%M} 离托")
    attendance.check_out_at, attendance.check_out_by, attendance.picked_up_by = now, actor, guardian
    attendance.save()
    programme = placement.period.programme
    if rules.is_late_pickup(timezone.localtime(now), programme.day_end, programme.pickup_grace_minutes):
        _raise_alert(placement, date, Alert.Kind.LATE_PICKUP,
                     f"{placement.child.name} 于 {timezone.localtime(now):%H:%M} 才被接走（应在 {programme.day_end:%H:%M} 前）")
    _resolve_alerts(placement, date, Alert.Kind.LATE_PICKUP, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["check_out_at", "picked_up_by"])
    return attendance


@transaction.atomic
def mark_absent(actor, placement: Placement, *, reason: str, now: dt.datetime | None = None) -> Attendance:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    if not reason.strip():
        raise ValidationError("请填写缺勤原因")
    attendance, _ = Attendance.objects.get_or_create(placement=placement, date=date)
    if attendance.check_in_at:
        raise ValidationError("已入托的儿童不能登记缺勤")
    attendance.absence_reason = reason.strip()[:64]
    attendance.save()
    _resolve_alerts(placement, date, Alert.Kind.MISSING, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["absence_reason"])
    return attendance


@transaction.atomic
def record_health_check(actor, placement: Placement, *, slot: str, temperature: Decimal, note: str = "",
                        now: dt.datetime | None = None) -> HealthCheck:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    temperature = Decimal(str(temperature))
    if not Decimal("34.0") <= temperature <= Decimal("42.5"):
        raise ValidationError("体温读数不合理，请重新测量")
    check, _ = HealthCheck.objects.update_or_create(
        placement=placement, date=date, slot=slot,
        defaults={"temperature": temperature, "note": note[:128], "checked_by": actor},
    )
    if temperature >= rules.FEVER:
        _raise_alert(placement, date, Alert.Kind.FEVER,
                     f"{placement.child.name} {check.get_slot_display()}体温 {temperature}℃，请联系家长")
    record(actor, A.UPDATE, check, child_id=placement.child_id, fields=["temperature", "note"])
    return check


@transaction.atomic
def record_incident(actor, placement: Placement, *, kind: str, description: str, action_taken: str = "",
                    occurred_at: dt.datetime | None = None, guardian_informed_at: dt.datetime | None = None,
                    informed_note: str = "", now: dt.datetime | None = None) -> Incident:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    if not description.strip():
        raise ValidationError("请填写事件经过")
    incident = Incident.objects.create(
        placement=placement, occurred_at=occurred_at or now, kind=kind, description=description,
        action_taken=action_taken, guardian_informed_at=guardian_informed_at, leader_informed_at=now,
        informed_note=informed_note[:255], recorded_by=actor,
    )
    _raise_alert(placement, date, Alert.Kind.INCIDENT,
                 f"{placement.child.name} 发生{incident.get_kind_display()}：{description[:60]}")
    record(actor, A.CREATE, incident, child_id=placement.child_id, fields=["kind", "description"])
    return incident


@transaction.atomic
def scan_alerts(programme: Programme, *, now: dt.datetime | None = None) -> list[Alert]:
    """Raise today's alerts (returning the new ones): placed children missing without leave, and children
    not picked up in time. Each child gets one alert of a kind a day, addressed to the leader on duty."""
    now = timezone.localtime(now or timezone.now())
    date = now.date()
    leader = leader_on_duty(programme, date)
    already = set(Alert.objects.filter(programme=programme, date=date).values_list("placement_id", "kind"))
    due = []
    for period in programme.periods.filter(start__lte=date, end__gte=date):
        if date not in period_days(period):
            continue
        placements = Placement.objects.filter(period=period, state=Placement.State.PLACED).select_related("child")
        days = {a.placement_id: a for a in Attendance.objects.filter(placement__period=period, date=date)}
        for p in placements:
            att = days.get(p.pk)
            if att is None or (att.check_in_at is None and not att.absence_reason):
                if rules.is_missing(now, programme.day_start):
                    due.append((p, Alert.Kind.MISSING, f"{p.child.name} 未到托且未请假，请立即联系家长"))
            elif att.check_in_at and att.check_out_at is None:
                if rules.is_late_pickup(now, programme.day_end, programme.pickup_grace_minutes):
                    due.append((p, Alert.Kind.LATE_PICKUP, f"{p.child.name} 超过 {programme.day_end:%H:%M} 仍未被接走"))
    new = [Alert(programme=programme, placement=p, date=date, kind=kind, message=message[:255], notify=leader)
           for p, kind, message in due if (p.pk, kind) not in already]
    if not new:
        return []
    try:
        with transaction.atomic():
            Alert.objects.bulk_create(new)
    except IntegrityError:  # another scan raised some of them meanwhile: fall back to one at a time
        raised = [_raise_alert(a.placement, date, a.kind, a.message, leader) for a in new]
        return [alert for alert, created in raised if created]
    record_many(None, A.CREATE, new, reason="托管预警")
    return new


@transaction.atomic
def handle_alert(actor, alert: Alert) -> Alert:
    permissions.require_duty_or_organiser(actor, alert.programme, alert.date)
    alert.handled_by, alert.handled_at = actor, timezone.now()
    alert.save(update_fields=["handled_by", "handled_at"])
    record(actor, A.UPDATE, alert, child_id=alert.placement.child_id, fields=["handled_at"])
    return alert

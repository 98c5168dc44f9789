"""Daily operation: check-in and hand-over, absence, health checks, incidents, alerts."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record, record_each
from tongxin.db import insert_rows
from tongxin.orgs import calendar
from tongxin.orgs.models import User
from tongxin.people import pickup
from tongxin.people import selectors as people
from tongxin.people.models import Child, Guardian

from .. import permissions, rules
from ..models import (
    AbsenceKind,
    Alert,
    Attendance,
    HealthCheck,
    Incident,
    Period,
    Placement,
    Programme,
    RosterShift,
    Symptom,
)
from ..selectors import leader_on_duty
from ._common import A, period_days
from .notices import alert_notices_send

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


def _resolve_alerts(placement: Placement, date: dt.date, kind: str, actor: User, now: dt.datetime) -> None:
    """What the duty teacher just did settles the day's open alert of this kind (e.g. the child arrived)."""
    Alert.objects.filter(placement=placement, date=date, kind=kind, handled_at=None).update(handled_by=actor, handled_at=now)


def _placement_for_today(actor: User, placement: Placement, now: dt.datetime) -> dt.date:
    date = timezone.localtime(now).date()
    period = placement.period
    if placement.state != Placement.State.PLACED:
        raise ValidationError("该儿童本期未被安置")
    if not period.start <= date <= period.end or date not in period_days(period):
        raise ValidationError("今天不是该期次的托管日")
    permissions.require_duty_or_organiser(actor, period.programme, date)
    return date


@transaction.atomic
def check_in(actor: User, placement: Placement, *, now: dt.datetime | None = None) -> Attendance:
    """The child arrives. A check-in after the session's end is recorded (the child is there and must be
    handed over) but never makes a late-pickup alert: "late" is only for a child who came during the session
    (`rules.is_late_pickup_of`)."""
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
def check_in_by_code(actor: User, code: str, *, now: dt.datetime | None = None) -> Attendance:
    placement = Placement.objects.filter(qr_token=code.strip()).select_related("period__programme", "child").first()
    if placement is None:
        raise ValidationError("无效的签到码")
    return check_in(actor, placement, now=now)


OUTSIDER_REFUSAL = pickup.OUTSIDER_REFUSAL


def authorised_pickups(child: Child):
    return people.authorised_pickups(child.pk)


def check_out(actor: User, placement: Placement, *, guardian: Guardian, now: dt.datetime | None = None) -> Attendance:
    """Hand the child to a guardian authorised to pick them up (`people.pickup`). Anyone else is refused, and the
    refusal raises an alert to the leader on duty (committed even though the hand-over is refused)."""
    now = now or timezone.now()
    check = pickup.pickup_check(placement.child_id, getattr(guardian, "pk", None))
    if not check.allowed:
        date = _placement_for_today(actor, placement, now)
        child = placement.child.name
        with transaction.atomic():
            _raise_alert(placement, date, Alert.Kind.UNAUTHORISED_PICKUP, check.report(child))
        raise PermissionDenied(check.refusal(child))
    return _check_out(actor, placement, guardian, now)


@transaction.atomic
def _check_out(actor: User, placement: Placement, guardian: Guardian, now: dt.datetime) -> Attendance:
    date = _placement_for_today(actor, placement, now)
    attendance = Attendance.objects.select_for_update(of=("self",)).filter(placement=placement, date=date).first()
    if attendance is None or attendance.check_in_at is None:
        raise ValidationError(f"{placement.child.name} 今天未入托，不能办理离托")
    if attendance.check_out_at:
        raise ValidationError(f"{placement.child.name} 已于 {timezone.localtime(attendance.check_out_at):%H:%M} 离托")
    attendance.check_out_at, attendance.check_out_by, attendance.picked_up_by = now, actor, guardian
    attendance.save()
    programme = placement.period.programme
    if rules.is_late_pickup_of(attendance.check_in_at, timezone.localtime(now), programme.day_end,
                               programme.pickup_grace_minutes):
        _raise_alert(placement, date, Alert.Kind.LATE_PICKUP,
                     f"{placement.child.name} 于 {timezone.localtime(now):%H:%M} 才被接走（应在 {programme.day_end:%H:%M} 前）")
    _resolve_alerts(placement, date, Alert.Kind.LATE_PICKUP, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["check_out_at", "picked_up_by"])
    return attendance


def _next_custody_day(placement: Placement, date: dt.date) -> dt.date:
    later = [d for d in period_days(placement.period) if d > date]
    return later[0] if later else date + dt.timedelta(days=1)


@transaction.atomic
def mark_absent(actor: User, placement: Placement, *, reason: str = "", kind: str = AbsenceKind.PERSONAL,
                symptoms: list[str] | tuple[str, ...] = (), follow_up_on: dt.date | None = None,
                now: dt.datetime | None = None) -> Attendance:
    """Record an absence. An illness absence (C-31) asks for the symptoms (categories, for the cause to be
    tracked) and sets a follow-up date (by default the next custody day) whose outcome is recorded later."""
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    reason = reason.strip()
    if kind not in AbsenceKind.values:
        raise ValidationError("缺勤类别无效")
    if "\x00" in reason or len(reason) > 64:
        raise ValidationError("缺勤原因不能超过 64 个字，且不能含有控制字符")
    symptoms = list(dict.fromkeys(symptoms))
    if kind == AbsenceKind.ILLNESS:
        if not symptoms:
            raise ValidationError("因病缺勤请选择症状（如发热、咳嗽），以便追踪病因")
        if any(s not in Symptom.values for s in symptoms):
            raise ValidationError("症状选项无效")
        follow_up_on = follow_up_on or _next_custody_day(placement, date)
        if follow_up_on < date:
            raise ValidationError("追踪日期不能早于缺勤当天")
        reason = reason or "因病：" + "、".join(Symptom(s).label for s in symptoms)
    else:
        if symptoms:
            raise ValidationError("只有因病缺勤需要填写症状")
        follow_up_on = None
        if not reason:
            raise ValidationError("请填写缺勤原因")
    attendance, _ = Attendance.objects.select_for_update(of=("self",)).get_or_create(placement=placement, date=date)
    if attendance.check_in_at:
        raise ValidationError("已入托的儿童不能登记缺勤")
    attendance.absence_reason = reason[:64]
    attendance.absence_kind = kind
    attendance.symptoms = symptoms
    attendance.follow_up_on = follow_up_on
    attendance.save()
    _resolve_alerts(placement, date, Alert.Kind.MISSING, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id,
           fields=["absence_reason", "absence_kind", "symptoms", "follow_up_on"])
    return attendance


@transaction.atomic
def record_follow_up(actor: User, attendance: Attendance, *, outcome: str, now: dt.datetime | None = None) -> Attendance:
    """The outcome of following up an illness absence (e.g. 「确诊水痘，居家隔离至 1 月 28 日」)."""
    now = now or timezone.now()
    attendance = Attendance.objects.select_for_update(of=("self",)).select_related("placement__period__programme").get(
        pk=attendance.pk)
    permissions.require_duty_or_organiser(actor, attendance.placement.period.programme, timezone.localtime(now).date())
    if attendance.absence_kind != AbsenceKind.ILLNESS:
        raise ValidationError("只有因病缺勤需要追踪病因")
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError("请填写追踪结果")
    if "\x00" in outcome or len(outcome) > 255:
        raise ValidationError("追踪结果不能超过 255 个字，且不能含有控制字符")
    if attendance.follow_up_outcome:
        raise ValidationError("该次缺勤已记录追踪结果")
    attendance.follow_up_outcome, attendance.followed_up_by, attendance.followed_up_at = outcome, actor, now
    attendance.save(update_fields=["follow_up_outcome", "followed_up_by", "followed_up_at"])
    record(actor, A.UPDATE, attendance, child_id=attendance.placement.child_id, fields=["follow_up_outcome"])
    return attendance


@transaction.atomic
def record_health_check(actor: User, placement: Placement, *, slot: str, temperature: Decimal, note: str = "",
                        now: dt.datetime | None = None) -> HealthCheck:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    temperature = rules.check_temperature(temperature)  # NaN, infinity or garbage: a Chinese refusal, not a 500
    if slot not in HealthCheck.Slot.values:
        raise ValidationError("检查时段无效，请选择晨检、午检或晚检")
    if "\x00" in note or len(note) > 128:
        raise ValidationError("情况说明不能超过 128 个字，且不能含有控制字符")
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
def record_incident(actor: User, placement: Placement, *, kind: str, description: str, action_taken: str = "",
                    occurred_at: dt.datetime | None = None, guardian_informed_at: dt.datetime | None = None,
                    informed_note: str = "", now: dt.datetime | None = None) -> Incident:
    """Record an incident; it is reported to the leader on duty at once and stays open (on the leader's list)
    until closed with the guardian informed (`close_incident`, C-29)."""
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    if not description.strip():
        raise ValidationError("请填写事件经过")
    if kind not in Incident.Kind.values:
        raise ValidationError("事件类型无效")
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
def close_incident(actor: User, incident: Incident, *, guardian_informed_at: dt.datetime | None = None,
                   informed_note: str = "", action_taken: str = "", now: dt.datetime | None = None) -> Incident:
    """Close an incident (C-29): only once the guardian was informed, with the time on record. Until then it
    stays open on the leader's list."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update(of=("self",)).select_related("placement__period__programme").get(
        pk=incident.pk)
    permissions.require_incident_closer(actor, incident)
    if incident.state == Incident.State.CLOSED:
        raise ValidationError("该事件已结案")
    for text, limit, label in ((informed_note, 255, "通知情况"), (action_taken, 2000, "处置措施")):
        if "\x00" in text or len(text) > limit:
            raise ValidationError(f"{label}不能超过 {limit} 个字，且不能含有控制字符")
    informed = guardian_informed_at or incident.guardian_informed_at
    if informed is None:
        raise ValidationError("尚未记录通知监护人的时间：须先通知监护人，才能结案")
    if informed > now + dt.timedelta(minutes=5):
        raise ValidationError("通知监护人的时间不能晚于现在")
    if informed < incident.occurred_at - dt.timedelta(minutes=5):
        raise ValidationError("通知监护人的时间不能早于事件发生时间")
    fields = ["state"]
    if guardian_informed_at is not None:
        incident.guardian_informed_at = guardian_informed_at
        fields.append("guardian_informed_at")
    if informed_note.strip():
        incident.informed_note = informed_note.strip()
        fields.append("informed_note")
    if action_taken.strip():
        incident.action_taken = action_taken.strip()
        fields.append("action_taken")
    incident.state, incident.closed_by, incident.closed_at = Incident.State.CLOSED, actor, now
    incident.save()
    Alert.objects.filter(placement=incident.placement, kind=Alert.Kind.INCIDENT, handled_at=None).update(
        handled_by=actor, handled_at=now)
    record(actor, A.UPDATE, incident, child_id=incident.placement.child_id, fields=fields, reason="安全事件结案")
    return incident


@transaction.atomic
def scan_alerts(programme: Programme, *, now: dt.datetime | None = None) -> list[Alert]:
    """Raise today's alerts of one programme (returning the new ones), each for the leader on duty, once per
    child, day and kind, and only inside the session window of the day:

    - missing: not there and not excused, from 30 minutes after the start until the session ends;
    - late pickup: checked in during the session and still there after the end plus the grace;
    - three checks incomplete (C-30): after the end, a child who was present without every health check
      the day owes.
    """
    return _scan(now, programme_id=programme.pk)


@transaction.atomic
def scan_running_programmes(*, now: dt.datetime | None = None) -> list[Alert]:
    """`scan_alerts` for every programme of the county running today, in the same few statements as for one
    (the background task `tasks.scan_alerts_task` calls it every few minutes; never a page)."""
    return _scan(now)


def _scan(now: dt.datetime | None, programme_id: int | None = None) -> list[Alert]:
    """The scan in a fixed number of statements whatever the number of programmes and children: the running
    periods with their programmes' times, the leaders on duty, the day's alerts, placements (with the child's
    name only, never the encrypted fields), attendance and, once a session is over, health checks."""
    now = timezone.localtime(now or timezone.now())
    date = now.date()
    if not calendar.is_working_day(date):  # custody days are the working days of each running period
        return []
    periods = Period.objects.filter(start__lte=date, end__gte=date)
    if programme_id is not None:
        periods = periods.filter(programme_id=programme_id)
    running: dict[int, _Session] = {}  # period -> its programme's session
    for period_id, programme, kind, day_start, day_end, grace in periods.values_list(
            "pk", "programme_id", "programme__kind", "programme__day_start", "programme__day_end",
            "programme__pickup_grace_minutes"):
        running[period_id] = _Session(programme, kind, day_start, day_end, grace)
    if not running:
        return []
    programme_ids = sorted({s.programme_id for s in running.values()})
    leaders: dict[int, int] = {}  # programme -> the accepted 值班领导 of the day (the first shift, as leader_on_duty)
    for pid, staff_id in (RosterShift.objects.filter(programme_id__in=programme_ids, date=date, duty=RosterShift.Duty.LEADER,
                                                     state=RosterShift.State.ACCEPTED)
                          .order_by("-pk").values_list("programme_id", "staff_id")):
        leaders[pid] = staff_id
    already = set(Alert.objects.filter(programme_id__in=programme_ids, date=date).values_list("placement_id", "kind"))
    placements = (Placement.objects.filter(period_id__in=list(running), state=Placement.State.PLACED).order_by("pk")
                  .values_list("pk", "period_id", "child_id", "child__name"))
    days: dict[int, tuple[dt.datetime | None, dt.datetime | None, str]] = {
        pid: (check_in, check_out, excused) for pid, check_in, check_out, excused in Attendance.objects.filter(
            placement__period_id__in=list(running), date=date).values_list(
            "placement_id", "check_in_at", "check_out_at", "absence_reason")}
    checks: dict[int, set[str]] = defaultdict(set)
    if any(rules.after_session(now, s.day_end) for s in running.values()):
        for pid, slot in HealthCheck.objects.filter(placement__period_id__in=list(running), date=date).values_list(
                "placement_id", "slot"):
            checks[pid].add(slot)
    due = []  # (placement, period, child, kind, message)
    for pk, period_id, child_id, name in placements:
        session = running[period_id]
        check_in_at, check_out_at, excused = days.get(pk, (None, None, ""))
        if check_in_at is None and not excused:
            if session.missing_now(now):
                due.append((pk, period_id, child_id, Alert.Kind.MISSING, f"{name} 未到托且未请假，请立即联系家长"))
        elif check_in_at and check_out_at is None:
            if rules.is_late_pickup_of(check_in_at, now, session.day_end, session.pickup_grace_minutes):
                due.append((pk, period_id, child_id, Alert.Kind.LATE_PICKUP,
                            f"{name} 超过 {session.day_end:%H:%M} 仍未被接走"))
        if check_in_at is not None and rules.after_session(now, session.day_end):
            missing = rules.missing_health_slots(checks.get(pk, ()), session.kind)
            if missing:
                labels = "、".join(HealthCheck.Slot(s).label for s in missing)
                due.append((pk, period_id, child_id, Alert.Kind.CHECKS_MISSING, f"{name} 今天在托，但缺{labels}（一日三检）"))
    due = [d for d in due if (d[0], d[3]) not in already]
    if not due:
        return []
    raised_at = timezone.now()
    new = [Alert(programme_id=running[period_id].programme_id, date=date, kind=kind, message=message[:255],
                 notify_id=leaders.get(running[period_id].programme_id), raised_at=raised_at,
                 placement=Placement.from_db(None, ["id", "child_id", "period_id"], (pk, child_id, period_id)))
           for pk, period_id, child_id, kind, message in due]
    with transaction.atomic():  # the alerts, their audit and their notices land together or not at all
        try:
            with transaction.atomic():  # thousands at the first scan of a county's morning: plain rows in one statement
                insert_rows(Alert, ["programme_id", "placement_id", "kind", "message", "notify_id"],
                            [(a.programme_id, a.placement_id, a.kind, a.message, a.notify_id) for a in new],
                            date=date, raised_at=raised_at)
        except IntegrityError:  # another scan raised some of them meanwhile: fall back to one at a time
            raised = []
            for a in new:
                alert, created = Alert.objects.get_or_create(
                    placement=a.placement, date=date, kind=a.kind,
                    defaults={"programme_id": a.programme_id, "message": a.message, "notify_id": a.notify_id})
                if created:
                    raised.append(alert)
            new = raised
        else:
            ids = {(p, k): pk for pk, p, k in Alert.objects.filter(programme_id__in=programme_ids, date=date)
                   .values_list("pk", "placement_id", "kind")}
            for a in new:
                a.pk = ids[(a.placement_id, a.kind)]
                a._state.adding = False
        record_each(None, Alert, [(A.CREATE, a.pk, a.placement.child_id, "托管预警", str(a)) for a in new])
        alert_notices_send(new, {s.programme_id: s.day_end for s in running.values()},
                           now=now)
    return new


@dataclass(frozen=True)
class _Session:
    """What the scan needs of a running period's programme."""

    programme_id: int
    kind: str
    day_start: dt.time
    day_end: dt.time
    pickup_grace_minutes: int

    def missing_now(self, now: dt.datetime) -> bool:
        return rules.is_missing_now(now, self.day_start, self.day_end)


@transaction.atomic
def handle_alert(actor: User, alert: Alert) -> Alert:
    permissions.require_duty_or_organiser(actor, alert.programme, alert.date)
    alert.handled_by, alert.handled_at = actor, timezone.now()
    alert.save(update_fields=["handled_by", "handled_at"])
    record(actor, A.UPDATE, alert, child_id=alert.placement.child_id, fields=["handled_at"])
    return alert

"""Admission and health (入托健康管理): centre staff enter a child's vaccinations and entry checks (the gate every
contract and booking passes, `selectors.health.attendance_refusal`); carers record the morning and midday checks
(晨午检) by exception — the whole room "checked, all well" in one tap, an abnormal child with what was done, their
parents told at once; the manager records the staff's health certificates (no certificate, no roster) and names
the centre's health worker."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.notifications import rules as notice_rules
from tongxin.notifications import selectors as notices
from tongxin.notifications.services.send import Message, Recipient, notices_send
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import access
from .. import rules_health as rh
from ..models import Centre, Room
from ..models_health import CheckFinding, HealthCertificate, HealthCheck, HealthWorker, RoomCheck, Session, VaccineDose
from ..selectors import health as health_sel
from ..selectors.records import carer_choices
from ._common import birth_of, day_label, text

A = AuditEntry.Action


def _centre(centre_id: int) -> Centre:
    centre = Centre.objects.filter(pk=centre_id).select_related("site").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    return centre


def _staff_centre(actor: User, centre_id: int) -> Centre:
    centre = _centre(centre_id)
    access.require_staff(actor, centre)
    return centre


def _past_day(day: dt.date, *, birth: dt.date | None = None, today: dt.date, label: str) -> None:
    if day > today:
        raise ValidationError(f"{label}不能晚于今天")
    if birth is not None and day < birth:
        raise ValidationError(f"{label}不能早于幼儿出生日期")


# ---------------------------------------------------------------- a child's record


@transaction.atomic
def check_record(actor: User, *, centre_id: int, child_id: int, kind: str, checked_on: dt.date, clinic: str,
                 passed: bool, notes: str = "", today: dt.date, now: dt.datetime) -> HealthCheck:
    """Record an entry check (入托体检) or a re-check after time away (返园复查) the family shows."""
    centre = _staff_centre(actor, centre_id)
    if kind not in HealthCheck.Kind.values:
        raise ValidationError("请选择体检类型")
    _past_day(checked_on, birth=birth_of(child_id), today=today, label="体检日期")
    clinic = text(clinic, label="体检机构", max_length=64)
    if not clinic:
        raise ValidationError("请填写体检机构")
    notes = text(notes, label="备注", max_length=200)
    check = HealthCheck.objects.create(child_id=child_id, kind=kind, checked_on=checked_on, clinic=clinic,
                                       passed=passed, notes=notes, centre=centre, recorded_by=actor, recorded_at=now)
    record(actor, A.CREATE, check, child_id=child_id,
           reason=f"{HealthCheck.Kind(kind).label}：{day_label(checked_on)} {clinic}，{'合格' if passed else '不合格'}")
    return check


@transaction.atomic
def doses_record(actor: User, *, centre_id: int, child_id: int, given: dict[str, dt.date], today: dt.date,
                 now: dt.datetime) -> int:
    """Enter the doses the child's vaccination certificate (预防接种证) shows, each with its day; a dose already
    entered is refused. Returns how many were entered."""
    centre = _staff_centre(actor, centre_id)
    if not health_sel.knows_child(centre, child_id):
        raise ValidationError("该幼儿不在本机构，请先登记入托体检或排队")
    if not given:
        raise ValidationError("请至少填写一剂疫苗的接种日期")
    birth = birth_of(child_id)
    had = set(VaccineDose.objects.filter(child_id=child_id).values_list("vaccine", "number"))
    made, labels = [], []
    for key, day in sorted(given.items()):
        dose = rh.dose_by_key(key)
        if dose is None:
            raise ValidationError("不在国家免疫规划程序中的疫苗")
        if (dose.vaccine, dose.number) in had:
            raise ValidationError(f"{rh.dose_label(dose)}已登记过")
        _past_day(day, birth=birth, today=today, label=f"{rh.dose_label(dose)}的接种日期")
        labels.append(f"{rh.dose_label(dose)} {day_label(day)}")
        made.append(VaccineDose(child_id=child_id, vaccine=dose.vaccine, number=dose.number, given_on=day,
                                centre=centre, recorded_by=actor, recorded_at=now))
    try:
        with transaction.atomic():
            VaccineDose.objects.bulk_create(made)
    except IntegrityError:  # entered at the same moment by someone else
        raise ValidationError("其中有剂次刚刚已被登记，请刷新后再试") from None
    record(actor, A.CREATE, centre, child_id=child_id,
           reason="登记预防接种：" + "、".join(labels))
    return len(made)


# ---------------------------------------------------------------- 晨午检


def _room(actor: User, room_id: int) -> Room:
    room = Room.objects.filter(pk=room_id, active=True).select_related("centre__site").first()
    if room is None:
        raise ValidationError("未找到该班级")
    access.require_staff(actor, room.centre)
    return room


def _session(session: str) -> str:
    if session not in Session.values:
        raise ValidationError("请选择晨检或午检")
    return session


@transaction.atomic
def room_check_done(actor: User, *, room_id: int, day: dt.date, session: str, today: dt.date,
                    now: dt.datetime) -> RoomCheck:
    """Mark a room's morning or midday check done: every child not recorded abnormal is well."""
    room = _room(actor, room_id)
    _session(session)
    if day != today:
        raise ValidationError("只能记录今天的晨午检")
    try:
        with transaction.atomic():
            done = RoomCheck.objects.create(room=room, day=day, session=session, checked_by=actor, checked_at=now)
    except IntegrityError:
        raise ValidationError(f"{room.name}今天的{Session(session).label}已记录") from None
    abnormal = CheckFinding.objects.filter(room=room, day=day, session=session).count()
    record(actor, A.CREATE, done, reason=f"{room.name}{day_label(day)}{Session(session).label}完成"
                                         + (f"，{abnormal} 名幼儿异常" if abnormal else "，全班正常"))
    return done


@transaction.atomic
def finding_add(actor: User, *, room_id: int, day: dt.date, session: str, child_id: int,
                temperature: Decimal | None, symptom: str, action: str, today: dt.date,
                now: dt.datetime) -> CheckFinding:
    """Record a child found abnormal at a check (a temperature of 37.3℃ or more, or a symptom) and what was done;
    the child's parents are told at once."""
    room = _room(actor, room_id)
    _session(session)
    if day != today:
        raise ValidationError("只能记录今天的晨午检")
    if action not in CheckFinding.Action.values:
        raise ValidationError("请选择处理方式")
    symptom = text(symptom, label="症状", max_length=64)
    if temperature is not None and not rh.TEMPERATURE_MIN <= temperature <= rh.TEMPERATURE_MAX:
        raise ValidationError(f"体温应在 {rh.TEMPERATURE_MIN}–{rh.TEMPERATURE_MAX}℃ 之间")
    if not symptom and not rh.temperature_abnormal(temperature):
        raise ValidationError(f"只记录异常幼儿：请填写症状，或 {rh.FEVER}℃ 及以上的体温")
    if child_id not in {pk for pk, _ in health_sel.room_children(room, day)}:
        raise ValidationError(f"该幼儿今天不在{room.name}")
    finding = CheckFinding.objects.create(room=room, day=day, session=session, child_id=child_id,
                                          temperature=temperature, symptom=symptom, action=action,
                                          recorded_by=actor, recorded_at=now)
    sent = finding_notice_send(finding, room, now=now)
    record(actor, A.CREATE, finding, child_id=child_id,
           reason=f"{room.name}{Session(session).label}异常：{_finding_text(finding)}，{finding.get_action_display()}"
                  f"（已通知 {sent} 条）")
    return finding


def _finding_text(finding: CheckFinding) -> str:
    parts = [f"体温 {finding.temperature}℃"] if finding.temperature is not None else []
    return "，".join(parts + ([finding.symptom] if finding.symptom else []))


def finding_notice_send(finding: CheckFinding, room: Room, *, now: dt.datetime) -> int:
    """Tell the child's guardians (up to two; inbox, SMS/WeChat as they chose) what was found and done."""
    name = dict(people.children_by_ids([finding.child_id]).values_list("pk", "name")).get(finding.child_id, "")
    guardians = people.guardians_to_notify([finding.child_id], phones=notice_rules.SMS in notices.enabled_channels())
    family = [Recipient(g.label, user_id=g.user_id, phone=g.phone) for g in guardians.get(finding.child_id, [])]
    if not family:
        return 0
    place = f"{room.centre.name}{room.name}"
    when = f"{day_label(finding.day)}{Session(finding.session).label}"
    body = (f"{name}在{place}{when}时{_finding_text(finding)}，{finding.get_action_display()}。"
            + ("请尽快来园接孩子。" if finding.action == CheckFinding.Action.SENT_HOME else "如有疑问请联系托育机构。"))
    return notices_send(messages=[(Message(
        "nursery.health", f"nursery-health-{finding.pk}", f"{name}{Session(finding.session).label}异常", body,
        {"child": name, "place": place, "time": when}, reverse("nursery:mine")), family)], now=now)


# ---------------------------------------------------------------- staff


def _centre_staff(centre: Centre, user_id: int) -> User:
    if user_id not in {pk for pk, _ in carer_choices(centre)}:
        raise ValidationError("只能登记本机构的工作人员")
    return User.objects.get(pk=user_id)


@transaction.atomic
def certificate_record(actor: User, *, centre_id: int, user_id: int, issued_on: dt.date, issuer: str,
                       today: dt.date, now: dt.datetime) -> HealthCertificate:
    """Record a staff member's health certificate (健康证), valid a year from the day issued."""
    centre = _centre(centre_id)
    access.require_manager(actor, centre, "只有本托育机构的负责人可以登记健康证")
    user = _centre_staff(centre, user_id)
    _past_day(issued_on, today=today, label="发证日期")
    if rh.certificate_valid_until(issued_on) < today:
        raise ValidationError("该健康证已过期，请登记有效期内的健康证")
    issuer = text(issuer, label="发证机构", max_length=64)
    if not issuer:
        raise ValidationError("请填写发证机构")
    cert = HealthCertificate.objects.create(user=user, centre=centre, issued_on=issued_on, issuer=issuer,
                                            recorded_by=actor, recorded_at=now)
    record(actor, A.CREATE, cert, reason=f"登记健康证：{user.display_name}，{day_label(issued_on)}发证，"
                                         f"有效至{rh.certificate_valid_until(issued_on):%Y年%m月%d日}")
    return cert


@transaction.atomic
def health_worker_name(actor: User, *, centre_id: int, user_id: int, now: dt.datetime) -> HealthWorker:
    """Name the centre's health worker (卫生保健人员), replacing the one before."""
    centre = _centre(centre_id)
    access.require_manager(actor, centre, "只有本托育机构的负责人可以指定卫生保健人员")
    user = _centre_staff(centre, user_id)
    worker, _ = HealthWorker.objects.update_or_create(centre=centre, defaults={
        "user": user, "named_by": actor, "named_at": now})
    record(actor, A.UPDATE, worker, reason=f"指定卫生保健人员：{user.display_name}")
    return worker

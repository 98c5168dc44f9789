"""Absence and dropout (控辍保学, P-21…P-26): the class's daily register, and the case an unexplained absence opens
— its reason found, persuasion (劝返) by phone or home visit, a new responsible person, persuasion declared failed,
the written report delivered to the township's education management centre and government, the return.

Each write is one transaction and one audit entry; who may do what is `selectors.absence`'s (through
`orgs.scope`)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import calendar
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import User

from .. import absence_rules as rules
from ..absence_choices import Closing, Delivery, EventKind, Method, Reason, Recipient, Result
from ..absence_models import Absence, AbsenceRegister, CaseEvent, DropoutCase
from ..selectors import absence as sel
from .common import clean_text
from .notices import absence_notices_send

A = AuditEntry.Action


def _text(value: str, label: str, *, required: bool, limit: int) -> str:
    return clean_text(value, label, limit=limit, required=required)


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


# ---------------------------------------------------------------- the register

@dataclass(frozen=True)
class RegisterResult:
    register: AbsenceRegister
    counts: dict[str, int]
    opened: list[tuple[str, int]] = field(default_factory=list)  # (pupil, case id) of the cases opened
    withdrawn: list[str] = field(default_factory=list)  # pupils whose case a correction withdrew
    back: list[tuple[str, int]] = field(default_factory=list)  # pupils with an open case who were in class


@transaction.atomic
def register_save(*, actor: User, class_id: int, day: dt.date, marks: Mapping[int, str], today: dt.date,
                  now: dt.datetime) -> RegisterResult:
    """Save a class's register for a school day: `marks` names the absent pupils and why, everyone else was
    present. Saving again replaces the day's marks (the same marks change nothing). An unexplained absence opens
    a case, unless the pupil has one open, with the class teacher responsible; a correction the same day withdraws
    a case nothing was recorded on yet."""
    pupils = dict(sel.register_pupils(actor, class_id).values_list("pk", "name"))
    school_id = orgs.school_of_class(class_id)
    assert school_id is not None  # register_pupils found the class
    d = sel.deadlines_for([school_id]).get(school_id, rules.DEFAULTS)
    problem = rules.register_day_problem(day, today, d, calendar.exceptions(day, day))
    if problem:
        raise ValidationError(problem)
    if set(marks) - set(pupils):
        raise ValidationError("名单中没有这名学生，请刷新页面后重新点名")
    if any(reason not in Reason.values for reason in marks.values()):
        raise ValidationError("请从列表中选择缺课原因")
    register = AbsenceRegister.objects.select_for_update().filter(school_class_id=class_id, day=day).first()
    created = register is None
    if register is None:
        register = AbsenceRegister.objects.create(school_class_id=class_id, day=day, roster=len(pupils), by=actor,
                                                  at=now)
    else:
        register.roster, register.by, register.at = len(pupils), actor, now
        register.save(update_fields=["roster", "by", "at"])
    before = dict(Absence.objects.filter(register=register).values_list("child_id", "reason"))
    Absence.objects.filter(register=register).exclude(child_id__in=list(marks)).delete()
    for child_id, reason in marks.items():
        if child_id in before and before[child_id] != reason:
            Absence.objects.filter(register=register, child_id=child_id).update(reason=reason)
    Absence.objects.bulk_create([Absence(register=register, child_id=child_id, day=day, reason=reason)
                                 for child_id, reason in marks.items() if child_id not in before])

    open_cases = {c.child_id: c for c in DropoutCase.objects.select_for_update().filter(
        child_id__in=list(pupils), closed_on__isnull=True)}
    teachers = orgs.class_teachers([class_id]).get(class_id, [])
    responsible = teachers[0][0] if teachers else actor.pk
    result = RegisterResult(register=register, counts=rules.tally(len(pupils), marks.values()))
    label = sel.class_label(class_id)
    for child_id, reason in marks.items():
        if reason != Reason.UNEXPLAINED:
            continue
        case = open_cases.get(child_id)
        if case is not None:
            if day < case.opened_on:  # an earlier day filled in later: the absence began then
                case.opened_on = day
                case.save(update_fields=["opened_on"])
            continue
        if DropoutCase.objects.filter(child_id=child_id, opened_on__lte=day, closed_on__gte=day).exists():
            continue  # a day inside a case already closed
        case = DropoutCase.objects.create(child_id=child_id, school_id=school_id, school_class_id=class_id,
                                          opened_on=day, opened_at=now, opened_by=actor, responsible_id=responsible)
        CaseEvent.objects.create(case=case, kind=EventKind.OPENED, day=day, by=actor, at=now,
                                 text=f"{label}点名：无故缺课")
        result.opened.append((pupils[child_id], case.pk))
    for child_id, reason in before.items():
        if reason != Reason.UNEXPLAINED or marks.get(child_id) == Reason.UNEXPLAINED:
            continue
        case = open_cases.get(child_id)
        if (case is not None and case.opened_on == day and case.school_class_id == class_id
                and not CaseEvent.objects.filter(case=case).exclude(kind=EventKind.OPENED).exists()
                and not Absence.objects.filter(child_id=child_id, day__gt=day, reason=Reason.UNEXPLAINED).exists()):
            case.delete()
            del open_cases[child_id]
            result.withdrawn.append(pupils[child_id])
    result.back.extend((pupils[c], case.pk) for c, case in open_cases.items()
                       if c not in marks and case.opened_on < day)
    absence_notices_send({c: pupils[c] for c, reason in marks.items()
                          if reason == Reason.UNEXPLAINED and before.get(c) != Reason.UNEXPLAINED},
                         day=day, school=label, now=now)
    c = result.counts
    record(actor, A.CREATE if created else A.UPDATE, register,
           reason=(f"点名 {label} {day:%Y-%m-%d}：应到{c['roster']}人，缺课{c['absent']}人"
                   + (f"，开立个案{len(result.opened)}个" if result.opened else "")
                   + (f"，撤销个案{len(result.withdrawn)}个" if result.withdrawn else "")))
    return result


# ---------------------------------------------------------------- cases

def _open_case(case: DropoutCase) -> DropoutCase:
    """The case, read again under a lock; refused once closed."""
    found = DropoutCase.objects.select_for_update().get(pk=case.pk)
    if found.closed_on is not None:
        raise ValidationError("个案已结案")
    return found


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _day(day: dt.date, case: DropoutCase, *, today: dt.date, not_before: dt.date | None = None,
         what: str = "首次缺课") -> dt.date:
    start = not_before or case.opened_on
    if day > today:
        raise ValidationError("日期不能晚于今天")
    if day < start:
        raise ValidationError(f"日期不能早于{what}日期（{_md(start)}）")
    return day


def _event(case: DropoutCase, kind: str, *, actor: User, day: dt.date, now: dt.datetime, **fields) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, day=day, by=actor, at=now, **fields)
    event.full_clean(exclude=["case", "by"])
    event.save()
    return event


def _choice(value: str, choices, message: str) -> str:
    if value not in choices.values:
        raise ValidationError(message)
    return value


@transaction.atomic
def case_cause(*, actor: User, case: DropoutCase, day: dt.date, method: str, text: str, today: dt.date,
               now: dt.datetime) -> CaseEvent:
    """Record why the pupil is away (了解原因, P-21/P-24), found by phone, a home visit or a talk."""
    _require(sel.may_act(actor, case), "您不能在该个案上记录")
    case = _open_case(case)
    day = _day(day, case, today=today)
    method = _choice(method, Method, "请选择了解原因的方式")
    text = _text(text, "缺课原因", required=True, limit=255)
    event = _event(case, EventKind.CAUSE, actor=actor, day=day, now=now, method=method, text=text)
    case.cause, case.cause_on = text, day
    case.save(update_fields=["cause", "cause_on"])
    record(actor, A.UPDATE, case, child_id=case.child_id, reason="记录缺课原因")
    return event


@transaction.atomic
def case_persuade(*, actor: User, case: DropoutCase, day: dt.date, method: str, people: str, result: str,
                  text: str, today: dt.date, now: dt.datetime) -> CaseEvent:
    """Record a persuasion (劝返, P-22/P-24): phone or home visit, who went, what came of it."""
    _require(sel.may_act(actor, case), "您不能在该个案上记录")
    case = _open_case(case)
    day = _day(day, case, today=today)
    method = _choice(method, Method, "请选择劝返方式")
    result = _choice(result, Result, "请选择劝返结果")
    people = _text(people, "参与劝返的人员", required=True, limit=128)
    text = _text(text, "劝返情况", required=True, limit=500)
    event = _event(case, EventKind.PERSUASION, actor=actor, day=day, now=now, method=method, people=people,
                   result=result, text=text)
    record(actor, A.UPDATE, case, child_id=case.child_id, reason=f"记录劝返：{Result(result).label}")
    return event


@transaction.atomic
def case_reassign(*, actor: User, case: DropoutCase, responsible_id: int, text: str, today: dt.date,
                  now: dt.datetime) -> CaseEvent:
    """Give the case to another responsible person (P-26): the school's leaders, to one of the school's teachers
    and leaders or the child's village or township staff."""
    _require(sel.is_leader(actor, case), "只有学校领导可以更换个案责任人")
    case = _open_case(case)
    names = dict(sel.responsible_choices(case))
    if responsible_id not in names:
        raise ValidationError("请从列表中选择责任人")
    if responsible_id == case.responsible_id:
        raise ValidationError("该个案的责任人已是此人")
    text = _text(text, "说明", required=False, limit=500)
    was = case.responsible.display_name
    event = _event(case, EventKind.REASSIGNED, actor=actor, day=today, now=now,
                   text="；".join(p for p in (f"{was} → {orgs.display_names([responsible_id])[responsible_id]}", text)
                                  if p)[:500])
    case.responsible_id = responsible_id
    case.save(update_fields=["responsible"])
    record(actor, A.UPDATE, case, child_id=case.child_id, reason="更换控辍保学个案责任人")
    return event


@transaction.atomic
def case_fail(*, actor: User, case: DropoutCase, day: dt.date, text: str, today: dt.date,
              now: dt.datetime) -> CaseEvent:
    """Declare persuasion failed (劝返无效, P-23): after at least one persuasion; the written report is then due."""
    _require(sel.is_leader(actor, case), "只有学校领导可以认定劝返无效")
    case = _open_case(case)
    if case.failed_on is not None:
        raise ValidationError("该个案已认定劝返无效")
    first = (CaseEvent.objects.filter(case=case, kind=EventKind.PERSUASION).order_by("day")
             .values_list("day", flat=True).first())
    if first is None:
        raise ValidationError("请先记录劝返情况，再认定劝返无效")
    day = _day(day, case, today=today, not_before=first, what="首次劝返")
    text = _text(text, "劝返无效的情况", required=True, limit=500)
    event = _event(case, EventKind.FAILED, actor=actor, day=day, now=now, text=text)
    case.failed_on = day
    case.save(update_fields=["failed_on"])
    record(actor, A.UPDATE, case, child_id=case.child_id, reason="认定劝返无效")
    return event


@transaction.atomic
def case_deliver(*, actor: User, case: DropoutCase, recipient: str, day: dt.date, delivery: str, people: str,
                 text: str, today: dt.date, now: dt.datetime) -> CaseEvent:
    """Record the written report's delivery to one of its two recipients: to whom, when, how, who signed."""
    _require(sel.is_leader(actor, case) or case.responsible_id == actor.pk, "只有学校领导和个案责任人可以登记送达")
    case = _open_case(case)
    if case.failed_on is None:
        raise ValidationError("个案尚未认定劝返无效，没有书面报告可送达")
    recipient = _choice(recipient, Recipient, "请选择送达单位")
    delivery = _choice(delivery, Delivery, "请选择送达方式")
    if CaseEvent.objects.filter(case=case, kind=EventKind.DELIVERED, recipient=recipient).exists():
        raise ValidationError(f"已登记送达{Recipient(recipient).label}")
    day = _day(day, case, today=today, not_before=case.failed_on, what="认定劝返无效")
    people = _text(people, "签收人", required=True, limit=128)
    text = _text(text, "说明", required=False, limit=500)
    event = _event(case, EventKind.DELIVERED, actor=actor, day=day, now=now, recipient=recipient,
                   delivery=delivery, people=people, text=text)
    record(actor, A.UPDATE, case, child_id=case.child_id, reason=f"登记书面报告送达{Recipient(recipient).label}")
    return event


@transaction.atomic
def case_close(*, actor: User, case: DropoutCase, closing: str, day: dt.date, cause: str, text: str,
               today: dt.date, now: dt.datetime) -> CaseEvent:
    """Close the case: the pupil is back at school, or verified at another school. The reason for the absence
    must be known by then (`cause`, when none was recorded)."""
    _require(sel.is_school_side(actor, case), "只有学校（班主任、学校领导）和个案责任人可以结案")
    case = _open_case(case)
    closing = _choice(closing, Closing, "请选择结案情况")
    day = _day(day, case, today=today)
    cause = _text(cause, "缺课原因", required=not case.cause, limit=255)
    text = _text(text, "结案说明", required=True, limit=500)
    event = _event(case, EventKind.CLOSED, actor=actor, day=day, now=now,
                   text=f"{Closing(closing).label}：{text}"[:500])
    if cause:
        case.cause, case.cause_on = cause, case.cause_on or day
    case.closed_on, case.closing = day, closing
    case.save(update_fields=["cause", "cause_on", "closed_on", "closing"])
    record(actor, A.UPDATE, case, child_id=case.child_id, reason=f"控辍保学个案结案：{Closing(closing).label}")
    return event


@transaction.atomic
def case_note(*, actor: User, case: DropoutCase, day: dt.date, text: str, today: dt.date,
              now: dt.datetime) -> CaseEvent:
    _require(sel.may_act(actor, case), "您不能在该个案上记录")
    case = _open_case(case)
    day = _day(day, case, today=today)
    text = _text(text, "补充情况", required=True, limit=500)
    event = _event(case, EventKind.NOTE, actor=actor, day=day, now=now, text=text)
    record(actor, A.UPDATE, case, child_id=case.child_id, reason="补充控辍保学个案情况")
    return event

"""Counselling and support (P-55, P-58, P-59): study support plans and their staged results, the school's
counsellors and its mailbox's answer day (set by its leader), counselling records, letters left in the mailbox
and their answers. Each write one transaction and one audit entry; every input checked here again (the pages'
forms check it first), so a refused write stores nothing."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit import context
from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import School, User
from tongxin.people import selectors as people

from .. import access, counsel_rules
from ..counsel_models import (
    CounsellingKind,
    CounsellingRecord,
    Counsellor,
    MailboxAnswer,
    MailboxMessage,
    MailboxSetting,
    StudyPlan,
    StudyResult,
)
from ..models import CareFile
from ..selectors import counsel as sel
from .common import clean_text

A = AuditEntry.Action
GROUP_MAX = 60  # a class and a half
ANSWER_WEEKDAYS = range(0, 5)  # Monday to Friday: the counsellors answer on a school day


def _text(value: str, label: str, *, limit: int, required: bool = True) -> str:
    return clean_text(value, label, limit=limit, required=required)


def _day(day: dt.date, today: dt.date, label: str = "日期") -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError(f"请填写{label}")
    if day > today:
        raise ValidationError(f"{label}不能晚于今天")
    if (today - day).days > 366:
        raise ValidationError(f"只能补记一年以内的{label}")
    return day


# ---------------------------------------------------------------- study support plans (P-55)


def _require_notes(actor: User, file: CareFile) -> None:
    if not access.may_read_notes(actor, file):
        raise PermissionDenied("只有这名儿童的班主任、帮扶人和学校、村（社区）的关爱工作人员可以填写学习帮扶计划")


@transaction.atomic
def study_plan_save(actor: User, file: CareFile, *, schedule: str, content: str, goal: str,
                    today: dt.date) -> StudyPlan:
    """This term's study support plan for the child: when the help is given, what it is, what it aims at.
    Made once a term, changed as the term goes."""
    _require_notes(actor, file)
    schedule = _text(schedule, "帮扶时间", limit=128)
    content = _text(content, "帮扶内容", limit=500)
    goal = _text(goal, "帮扶目标", limit=255, required=False)
    term_start, _ = counsel_rules.term_of(today)
    found = StudyPlan.objects.select_for_update().filter(child_id=file.child_id, term_start=term_start).first()
    if found is None:
        try:
            with transaction.atomic():
                found = StudyPlan.objects.create(child_id=file.child_id, term_start=term_start, schedule=schedule,
                                                 content=content, goal=goal, created_by=actor)
        except IntegrityError:  # made at the same moment by another helper
            raise ValidationError("本学期的学习帮扶计划刚刚已由他人制定，请刷新页面") from None
        record(actor, A.CREATE, found, child_id=file.child_id, reason=f"制定{counsel_rules.term_label(term_start)}学习帮扶计划")
        return found
    changed = [name for name, value in (("schedule", schedule), ("content", content), ("goal", goal))
               if getattr(found, name) != value]
    if changed:
        found.schedule, found.content, found.goal = schedule, content, goal
        found.save(update_fields=[*changed, "updated_at"])
    record(actor, A.UPDATE, found, child_id=file.child_id, fields=changed, reason="修改学习帮扶计划")
    return found


@transaction.atomic
def study_result_add(actor: User, plan: StudyPlan, *, day: dt.date, result: str, today: dt.date) -> StudyResult:
    """A staged result (阶段成效) of this term's plan, dated within the term."""
    file = CareFile.objects.filter(child_id=plan.child_id).first()
    if file is None:
        raise PermissionDenied("该儿童没有关爱档案")
    _require_notes(actor, file)
    term_start, term_end = counsel_rules.term_of(today)
    if plan.term_start != term_start:
        raise ValidationError("只能为本学期的计划记录阶段成效")
    _day(day, today)
    if day < term_start:
        raise ValidationError(f"阶段成效的日期应在本学期内（{term_start:%Y-%m-%d} 起）")
    result = _text(result, "阶段成效", limit=500)
    entry = StudyResult.objects.create(plan=plan, day=day, result=result, by=actor)
    record(actor, A.CREATE, entry, child_id=plan.child_id, reason="记录学习帮扶阶段成效")
    return entry


# ---------------------------------------------------------------- the school's counsellors


def _require_leader(actor: User, school_id: int) -> School:
    refusal = "只有本校领导可以指定心理辅导教师和设置信箱"
    access.require_school_leader(actor, school_id, refusal)
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        raise PermissionDenied(refusal)
    return school


@transaction.atomic
def counsellor_designate(actor: User, *, school_id: int, user_id: int, now: dt.datetime) -> Counsellor:
    """The school's leader designates one of its staff (a class teacher or leader of the school) a counsellor."""
    school = _require_leader(actor, school_id)
    if user_id not in {pk for pk, _ in sel.staff_of(school.pk)}:
        raise ValidationError("只能从本校在职的班主任和学校领导中指定心理辅导教师")
    found = Counsellor.objects.select_for_update().filter(school=school, user_id=user_id).first()
    if found is not None and found.active:
        raise ValidationError("该教师已是本校的心理辅导教师")
    if found is None:
        try:
            with transaction.atomic():
                found = Counsellor.objects.create(school=school, user_id=user_id, designated_by=actor,
                                                  designated_at=now)
        except IntegrityError:
            raise ValidationError("该教师刚刚已被指定，请刷新页面") from None
    else:
        found.active, found.designated_by, found.designated_at, found.ended_at = True, actor, now, None
        found.save(update_fields=["active", "designated_by", "designated_at", "ended_at"])
    record(actor, A.CREATE, found, reason="指定心理辅导教师")
    return found


@transaction.atomic
def counsellor_end(actor: User, *, counsellor_id: int, now: dt.datetime) -> Counsellor:
    """The designation ends: the teacher no longer reads the mailbox nor their records (the leaders still do)."""
    found = Counsellor.objects.select_for_update().filter(pk=counsellor_id).first()
    if found is None:
        raise ValidationError("未找到该心理辅导教师")
    _require_leader(actor, found.school_id)
    if not found.active:
        raise ValidationError("该教师已不是心理辅导教师")
    found.active, found.ended_at = False, now
    found.save(update_fields=["active", "ended_at"])
    record(actor, A.UPDATE, found, fields=["active"], reason="卸任心理辅导教师")
    return found


@transaction.atomic
def mailbox_weekday_set(actor: User, *, school_id: int, weekday: int) -> MailboxSetting:
    """The weekday the school's counsellors open the mailbox and answer (Monday to Friday)."""
    school = _require_leader(actor, school_id)
    if weekday not in ANSWER_WEEKDAYS:
        raise ValidationError("回信日应为周一至周五中的一天")
    found, _ = MailboxSetting.objects.select_for_update().get_or_create(school=school)
    found.answer_weekday = weekday
    found.save(update_fields=["answer_weekday"])
    record(actor, A.UPDATE, found, fields=["answer_weekday"],
           reason=f"悄悄话信箱回信日设为{counsel_rules.WEEKDAY_NAMES[weekday]}")
    return found


# ---------------------------------------------------------------- counselling records (P-59)


def _check_children(school_id: int, kind: str, child_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(child_ids))
    if kind not in CounsellingKind.values:
        raise ValidationError("请选择辅导形式")
    if not ids:
        raise ValidationError("请选择参加辅导的儿童")
    if kind == CounsellingKind.INDIVIDUAL and len(ids) != 1:
        raise ValidationError("个别心理疏导只能选择一名儿童；几名儿童一起请选择专题（团体）心理辅导")
    if kind == CounsellingKind.GROUP and len(ids) < 2:
        raise ValidationError("专题（团体）心理辅导请至少选择两名儿童")
    if len(ids) > GROUP_MAX:
        raise ValidationError(f"一次辅导最多记录 {GROUP_MAX} 名儿童")
    if people.pupils_of(school_id).filter(pk__in=ids).count() != len(ids):
        raise ValidationError("只能记录本校的学生")
    return ids


@transaction.atomic
def counselling_create(actor: User, *, counsellor_id: int, kind: str, day: dt.date, child_ids: list[int],
                       topic: str, notes: str, follow_up: str, today: dt.date) -> CounsellingRecord:
    """A counsellor records a session, individual (one child) or group (several), at their school."""
    counsellor = next((d for d in sel.designations(actor) if d.pk == counsellor_id), None)
    if counsellor is None:
        raise PermissionDenied("只有本校指定的心理辅导教师可以填写心理辅导记录")
    ids = _check_children(counsellor.school_id, kind, child_ids)
    _day(day, today)
    found = CounsellingRecord.objects.create(
        counsellor=counsellor, kind=kind, day=day, topic=_text(topic, "主题", limit=64),
        notes=_text(notes, "辅导情况", limit=2000), follow_up=_text(follow_up, "后续跟进", limit=500, required=False))
    found.children.set(ids)
    entry = record(actor, A.CREATE, found, reason=f"{found.get_kind_display()}记录（{len(ids)} 名儿童）")
    entry.children = ids
    entry.save(update_fields=["children"])
    return found


@transaction.atomic
def counselling_update(actor: User, found: CounsellingRecord, *, day: dt.date, topic: str, notes: str,
                       follow_up: str, today: dt.date) -> CounsellingRecord:
    """The counsellor who wrote it corrects it or adds the follow-up (the children stay as recorded)."""
    found = CounsellingRecord.objects.select_for_update().select_related("counsellor").get(pk=found.pk)
    if found.counsellor.user_id != actor.pk or not found.counsellor.active:
        raise PermissionDenied("只有填写这条记录的心理辅导教师可以修改")
    values = {"day": _day(day, today), "topic": _text(topic, "主题", limit=64),
              "notes": _text(notes, "辅导情况", limit=2000),
              "follow_up": _text(follow_up, "后续跟进", limit=500, required=False)}
    changed = [name for name, value in values.items() if getattr(found, name) != value]
    for name in changed:
        setattr(found, name, values[name])
    if changed:
        found.save(update_fields=[*changed, "updated_at"])
    record(actor, A.UPDATE, found, fields=changed, reason="修改心理辅导记录")
    return found


# ---------------------------------------------------------------- the mailbox (P-58)


@transaction.atomic
def letter_leave(actor: User, *, school_id: int, text: str, today: dt.date) -> MailboxMessage:
    """A letter to the school's counsellors, by a child (on a staff member's phone) or by a teacher for the
    child. Stored with the school and the day only; its audit entry names no one either (no person, no address,
    no browser, and the day rather than the moment: any of them could be matched with who was signed in), only
    that the school's mailbox received a letter that day."""
    school = next((s for s in sel.mailbox_schools(actor) if s.pk == school_id), None)
    if school is None:
        raise PermissionDenied("只能给自己学校的悄悄话信箱写信")
    found = MailboxMessage.objects.create(school=school, left_on=today, text=_text(text, "信的内容", limit=1000))
    token = context.bind(context.RequestMeta(channel=context.current().channel))
    try:
        entry = record(None, A.CREATE, school, reason="悄悄话信箱收到一封来信")
    finally:
        context.unbind(token)
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.make_aware(dt.datetime.combine(today, dt.time.min)))
    return found


@transaction.atomic
def letter_answer(actor: User, *, message_id: int, text: str, on_board: bool, today: dt.date) -> MailboxAnswer:
    """A counsellor of the school answers a letter; the answer goes on the board unless kept off it."""
    found = MailboxMessage.objects.select_for_update().filter(scope.mailbox_q(actor), pk=message_id).first()
    if found is None:
        raise PermissionDenied("只有本校的心理辅导教师可以回信")
    if MailboxAnswer.objects.filter(message=found).exists():
        raise ValidationError("这封信已经回复过了")
    answer = MailboxAnswer.objects.create(message=found, text=_text(text, "回信内容", limit=1000), answered_on=today,
                                          by=actor, on_board=bool(on_board))
    record(actor, A.CREATE, answer, reason="回复悄悄话信箱来信" + ("（公开在回音板）" if on_board else "（不公开）"))
    return answer


"""Applications by parents and the review chain (class teacher, then the organiser)."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .. import permissions, rules
from ..models import Application, Need, Period, Programme
from ..selectors import eligibility_problem
from ._common import A, lock, require_state


def priority_of(child: Child, needs: list[str]):
    facts = people.priority_facts(child)  # from the registry, not the parent's word
    return rules.priority(dataclasses.replace(facts, dual_earner=facts.dual_earner or Need.DUAL_EARNER in needs))


@transaction.atomic
def apply(actor: User, *, programme: Programme, child: Child, periods: list[Period], lunch: bool, needs: list[str],
          signature: str, agree_service: bool, agree_safety: bool, note: str = "", today: dt.date | None = None) -> Application:
    link = permissions.require_guardian_of(actor, child)
    today = today or timezone.localdate()
    if programme.status != Programme.Status.OPEN:
        raise ValidationError("该项目当前不在报名期")
    if programme.apply_deadline and today > programme.apply_deadline:
        raise ValidationError(f"报名已于 {programme.apply_deadline:%Y年%-m月%-d日} 截止")
    problem = eligibility_problem(programme, child, today)
    if problem:
        raise ValidationError(problem)
    if not periods:
        raise ValidationError("请至少选择一个托管期次")
    if any(p.programme_id != programme.pk for p in periods):
        raise ValidationError("所选期次不属于该项目")
    unknown = set(needs) - set(Need.values)
    if unknown:
        raise ValidationError("托管需求选项无效")
    if not needs:
        raise ValidationError("请选择托管需求（如父母双方上班、白天家中无人看护），班主任初审时会核实")
    if lunch and not programme.lunch_available:
        raise ValidationError("该项目不提供午餐")
    if not (agree_service and agree_safety):
        raise ValidationError("请阅读并签署《托管服务协议》和《安全承诺书》")
    if signature.strip() != link.guardian.name:
        raise ValidationError(f"签名须为监护人本人姓名（{link.guardian.name}）")
    tier, reasons = priority_of(child, needs)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, child=child, applicant=actor, guardian=link.guardian, lunch=lunch,
                needs=list(needs), note=note[:255], agreement_signed_at=now, commitment_signed_at=now,
                signature=signature.strip(), tier=tier, tier_reasons=reasons,
            )
    except IntegrityError:
        raise ValidationError("该儿童已有一份进行中的报名，请勿重复提交") from None
    application.periods.set(periods)
    record(actor, A.CREATE, application, child_id=child.pk, fields=["periods", "lunch", "needs", "signature"])
    return application


@dataclass(frozen=True)
class _Step:
    """One step of the review chain: who may decide, from which state, and what the parent reads."""

    check: Callable
    from_state: str
    to_state: str
    by_field: str
    at_field: str
    missing_reason: str
    rejected_by: Callable[[Application], str]
    notes: tuple[str, str]


_CLASS_REVIEW = _Step(
    check=lambda actor, app: permissions.require_class_teacher_of(actor, app.child),
    from_state=Application.State.SUBMITTED, to_state=Application.State.REVIEWED,
    by_field="reviewed_by", at_field="reviewed_at", missing_reason="退回申请时请填写原因，家长会看到",
    rejected_by=lambda app: "班主任初审", notes=("初审通过", "初审退回"))
_APPROVAL = _Step(
    check=lambda actor, app: permissions.require_organiser(actor, app.programme),
    from_state=Application.State.REVIEWED, to_state=Application.State.APPROVED,
    by_field="approved_by", at_field="approved_at", missing_reason="不予批准时请填写原因，家长会看到",
    rejected_by=lambda app: f"{app.programme.organiser}审批", notes=("审批通过", "审批不予通过"))


def _decide(step: _Step, actor: User, application: Application, approve: bool, reason: str) -> Application:
    application = lock(application)
    step.check(actor, application)
    require_state(application, step.from_state)
    if not approve and not reason.strip():
        raise ValidationError(step.missing_reason)
    setattr(application, step.by_field, actor)
    setattr(application, step.at_field, timezone.now())
    application.state = step.to_state if approve else Application.State.REJECTED
    application.reject_reason = "" if approve else f"{step.rejected_by(application)}未通过：{reason.strip()}"
    application.save()
    record(actor, A.UPDATE, application, fields=["state"], reason=step.notes[0] if approve else step.notes[1])
    return application


@transaction.atomic
def class_review(actor: User, application: Application, *, approve: bool, reason: str = "", need_confirmed: bool = False,
                 need_note: str = "") -> Application:
    """The class teacher's first review: approving means the teacher has checked that the child really has no
    one to look after them at home (C-16), and says how."""
    if approve and not need_confirmed:
        raise ValidationError("请先核实孩子确实家中无人照管（勾选“已核实托管需求”）再通过初审")
    application = _decide(_CLASS_REVIEW, actor, application, approve, reason)
    if approve:
        application.need_confirmed, application.need_note = True, need_note.strip()
        application.save(update_fields=["need_confirmed", "need_note", "updated_at"])
    return application


@transaction.atomic
def organiser_decision(actor: User, application: Application, *, approve: bool, reason: str = "") -> Application:
    """The school's (or community's) approval after the first review."""
    return _decide(_APPROVAL, actor, application, approve, reason)

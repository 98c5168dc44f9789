"""Fees and exemptions."""


from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.people import selectors as people

from .. import permissions
from ..models import Application, FeeExemption
from ._common import A

EXEMPTION_ELIGIBLE = "低保、特困家庭和困境儿童"


@transaction.atomic
def request_exemption(actor, application: Application, *, percent: int, reason: str) -> FeeExemption:
    child = application.child
    try:
        permissions.require_guardian_of(actor, child)
    except PermissionDenied:
        permissions.require_class_teacher_of(actor, child)
    facts = people.priority_facts(child)
    if not (facts.low_income or facts.extreme_poverty or facts.vulnerable):
        raise ValidationError(f"费用减免仅面向{EXEMPTION_ELIGIBLE}（以儿童档案登记为准）")
    if not 1 <= percent <= 100:
        raise ValidationError("减免比例应在 1% 到 100% 之间")
    exemption, _ = FeeExemption.objects.update_or_create(
        application=application,
        defaults={"percent": percent, "reason": reason[:255], "requested_by": actor, "state": FeeExemption.State.REQUESTED,
                  "decided_by": None, "decided_at": None},
    )
    record(actor, A.CREATE, exemption, child_id=child.pk, fields=["percent", "reason"])
    return exemption


@transaction.atomic
def decide_exemption(actor, exemption: FeeExemption, *, approve: bool, percent: int | None = None) -> FeeExemption:
    permissions.require_organiser(actor, exemption.application.programme)
    if exemption.state != FeeExemption.State.REQUESTED:
        raise ValidationError("该减免申请已审批")
    if percent is not None:
        if not 1 <= percent <= 100:
            raise ValidationError("减免比例应在 1% 到 100% 之间")
        exemption.percent = percent
    exemption.state = FeeExemption.State.APPROVED if approve else FeeExemption.State.REFUSED
    exemption.decided_by, exemption.decided_at = actor, timezone.now()
    exemption.save()
    record(actor, A.UPDATE, exemption, child_id=exemption.application.child_id, fields=["state", "percent"])
    return exemption

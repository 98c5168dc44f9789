"""Parents' evaluation after a period."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import permissions
from ..models import Evaluation, Placement
from ._common import A, period_days


@transaction.atomic
def submit_evaluation(actor: User, placement: Placement, *, scores: dict[str, int], comment: str = "",
                      today: dt.date | None = None) -> Evaluation:
    permissions.require_guardian_of(actor, placement.child)
    today = today or timezone.localdate()
    if placement.state != Placement.State.PLACED:
        raise ValidationError("只有参加了本期托管的家庭可以评价")
    last_day = max(period_days(placement.period), default=placement.period.end)
    if today < last_day:
        raise ValidationError(f"本期托管结束（{last_day:%-m月%-d日}）后才能评价")
    if set(scores) != set(Evaluation.QUESTIONS) or any(not 1 <= int(v) <= 5 for v in scores.values()):
        raise ValidationError("请为每一项打 1-5 分")
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(placement=placement, submitted_by=actor, comment=comment[:500],
                                                   **{k: int(v) for k, v in scores.items()})
    except IntegrityError:
        raise ValidationError("本期已评价过，感谢您的反馈") from None
    record(actor, A.CREATE, evaluation, child_id=placement.child_id)
    return evaluation

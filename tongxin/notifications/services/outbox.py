"""The administrator's follow-up of the outbox: a failed message sent again."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from ..access import require_outbox
from ..models import OutboundMessage

State = OutboundMessage.State


@transaction.atomic
def outbox_retry(actor: User, *, message_id: int, now: dt.datetime) -> OutboundMessage:
    """Queue a failed (or unknown) message again, at once; the administrator decides after checking with the
    recipient that it did not arrive."""
    require_outbox(actor)
    message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise ValidationError("没有这条外发消息")
    if message.state not in (State.FAILED, State.UNKNOWN):
        raise ValidationError("只有发送失败或结果未知的消息可以重发")
    was = message.get_state_display()
    message.state, message.next_attempt_at, message.attempts, message.lease_until = State.QUEUED, now, 0, None
    message.reason = f"管理员重发（原状态：{was}）"
    message.save(update_fields=["state", "next_attempt_at", "attempts", "lease_until", "reason"])
    record(actor, AuditEntry.Action.UPDATE, message, reason=f"重发外发消息（原状态：{was}）")
    return message

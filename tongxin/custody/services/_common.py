"""What every part of the custody services shares: the audit action names, live states, working days,
and the locking and state checks of an application."""


from django.core.exceptions import ValidationError
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.db import stored_text

from ..models import Application
from ..selectors import period_days

A = AuditEntry.Action
__all__ = ["A", "IN_LIST_MAX", "LIVE", "changed_fields", "lock", "period_days", "refuse_if_withdrawn", "require_state",
           "withdraw_record"]

# The most ids one `pk__in` list carries: under SQLite's default limit of 32,766 variables and PostgreSQL's
# 65,535 bind parameters, so a list of any length becomes one statement per this many ids.
IN_LIST_MAX = 20_000

LIVE = (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED,
        Application.State.PLACED, Application.State.WAITING)


def require_state(application: Application, *states: str) -> None:
    if application.state not in states:
        raise ValidationError(f"申请当前状态为“{application.get_state_display()}”，不能办理此操作")


def lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).get(pk=application.pk)


# ---------------------------------------------------------------- corrections of partners' and money records


def changed_fields(obj, fields: dict) -> list[str]:
    """Set the fields that differ; their names, for the save and the audit entry."""
    changed = [k for k, v in fields.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, fields[k])
    return changed


def withdraw_record(actor, obj, reason: str) -> None:
    """Mark a record withdrawn (the row stays) with when, by whom and why; audited."""
    reason = stored_text(reason, label="撤销原因", max_length=200)
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因"})
    if obj.withdrawn_at is not None:
        raise ValidationError("该记录已撤销")
    obj.withdrawn_at, obj.withdrawn_by, obj.withdraw_reason = timezone.now(), actor, reason
    obj.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record(actor, A.UPDATE, obj, fields=["withdrawn_at"], reason=f"撤销：{reason}")


def refuse_if_withdrawn(obj) -> None:
    if obj.withdrawn_at is not None:
        raise ValidationError("该记录已撤销，不能修改")

"""What every part of the custody services shares: the audit action names, live states, working days,
and the locking and state checks of an application."""


from django.core.exceptions import ValidationError

from tongxin.audit.models import AuditEntry

from ..models import Application
from ..selectors import period_days

A = AuditEntry.Action
__all__ = ["A", "IN_LIST_MAX", "LIVE", "lock", "period_days", "require_state"]

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

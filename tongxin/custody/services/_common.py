"""What every part of the custody services shares: the audit action names, live states, working days,
and the locking and state checks of an application."""

import datetime as dt

from django.core.exceptions import ValidationError

from tongxin.audit.models import AuditEntry
from tongxin.orgs import calendar

from ..models import Application, Period

A = AuditEntry.Action
LIVE = (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED,
        Application.State.PLACED, Application.State.WAITING)


def period_days(period: Period) -> list[dt.date]:
    """The custody days of a period: its working days by the shared calendar."""
    return calendar.working_days(period.start, period.end)


def require_state(application: Application, *states: str) -> None:
    if application.state not in states:
        raise ValidationError(f"申请当前状态为“{application.get_state_display()}”，不能办理此操作")


def lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).get(pk=application.pk)

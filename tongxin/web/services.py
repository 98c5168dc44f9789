"""Writes of the shell: a person's own account."""

from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User


@transaction.atomic
def password_change(user: User, *, new_password: str) -> None:
    """The user sets a new password (already checked by Django's validators); audited, the value never logged."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(user, AuditEntry.Action.PASSWORD_CHANGE, user, fields=["password"], reason="本人修改密码")

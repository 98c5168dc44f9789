import secrets

from django.db import transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record

from .models import ApiToken, RoleAssignment, User


@transaction.atomic
def issue_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; the clear value is returned once and never stored."""
    key = "txk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[4:12], key_hash=ApiToken.hash_key(key))
    record(user, AuditEntry.Action.CREATE, token)
    return token, key


def authenticate_token(key: str):
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_api_token(user: User, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, user=user).update(revoked=True)
    record(user, AuditEntry.Action.UPDATE, token, fields=["revoked"])


@transaction.atomic
def assign_role(actor: User, user: User, **scope_fields) -> RoleAssignment:
    assignment = RoleAssignment(user=user, **scope_fields)
    assignment.full_clean()
    assignment.save()
    record(actor, AuditEntry.Action.CREATE, assignment)
    return assignment

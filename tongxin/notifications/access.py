"""Who may use the notification pages beyond their own inbox."""

from django.core.exceptions import PermissionDenied

from tongxin.orgs import scope
from tongxin.orgs.models import Role


def sees_outbox(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.ADMIN in scope.roles(user))


def require_outbox(user) -> None:
    if not sees_outbox(user):
        raise PermissionDenied("只有系统管理员可以查看外发消息记录")

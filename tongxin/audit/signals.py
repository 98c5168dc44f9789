from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEntry
from .services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, AuditEntry.Action.LOGIN, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, AuditEntry.Action.LOGOUT, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(None, AuditEntry.Action.LOGIN_FAILED, reason=f"用户名：{credentials.get('username', '')}"[:255])

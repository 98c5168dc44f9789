from axes.signals import user_locked_out
from django.conf import settings
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


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    """django-axes refused a login (or just locked after the last allowed failure): who, and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    record(None, AuditEntry.Action.LOGIN_LOCKED,
           reason=f"用户名：{username or ''}；来源：{ip_address or '未知'}；失败已达 {settings.AXES_FAILURE_LIMIT} 次，"
                  f"锁定 {minutes} 分钟"[:255])

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tongxin.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import signals  # noqa: F401


class AxesConfig(BaseAxesConfig):
    """django-axes (login throttling) under a Chinese name in the admin."""

    verbose_name = "登录保护"

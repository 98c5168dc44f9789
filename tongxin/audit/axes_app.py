"""django-axes (login throttling) under a Chinese name in the admin; in INSTALLED_APPS instead of "axes".
Kept out of apps.py, where a second AppConfig would stop Django from picking AuditConfig."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "登录保护"

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "tongxin.ops"
    label = "ops"
    verbose_name = "运维"

from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "tongxin.custody"
    label = "custody"
    verbose_name = "假期与课后托管"

    def ready(self) -> None:
        from . import duty

        duty.register()

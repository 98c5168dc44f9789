from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "tongxin.custody"
    label = "custody"
    verbose_name = "假期与课后托管"

    def ready(self) -> None:
        from tongxin.web import navigation as shell

        from . import duty, navigation

        duty.register()
        shell.register(order=20, nav=navigation.nav, actions=navigation.actions)

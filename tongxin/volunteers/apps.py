from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "tongxin.volunteers"
    label = "volunteers"
    verbose_name = "志愿者与师资库"

    def ready(self) -> None:
        from tongxin.web import navigation as shell

        from . import navigation

        shell.register(order=50, nav=navigation.nav, actions=navigation.actions)

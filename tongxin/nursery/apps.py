from django.apps import AppConfig


class NurseryConfig(AppConfig):
    name = "tongxin.nursery"
    label = "nursery"
    verbose_name = "社区托育"

    def ready(self) -> None:
        from tongxin.web import navigation as shell

        from . import navigation

        shell.register(order=40, nav=navigation.nav, actions=navigation.actions)
        shell.register(order=41, actions=navigation.growth_actions)

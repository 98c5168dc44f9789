from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NurseryConfig(AppConfig):
    name = "tongxin.nursery"
    label = "nursery"
    verbose_name = "社区托育"

    def ready(self) -> None:
        from tongxin.web import navigation as shell

        from . import navigation

        shell.register(order=40, nav=navigation.nav, actions=navigation.actions)
        shell.register(order=41, actions=navigation.growth_actions)
        post_migrate.connect(_seed_activities, sender=self)


def _seed_activities(**kwargs) -> None:
    """The age packages' default activities, present after every migrate (and after a test flush)."""
    from .services.classes import activities_seed

    activities_seed()

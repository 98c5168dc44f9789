from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "tongxin.care"
    label = "care"
    verbose_name = "留守与困境儿童关爱保护"

    def ready(self) -> None:
        from tongxin.orgs import scope
        from tongxin.web import navigation as shell

        from . import navigation
        from .selectors.pairings import pairing_provider

        scope.register_pairing_provider(pairing_provider)
        shell.register(order=30, nav=navigation.nav, actions=navigation.actions)

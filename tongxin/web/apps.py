from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tongxin.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from . import navigation, shell_links

        navigation.register(order=90, nav=shell_links.nav, actions=shell_links.actions)

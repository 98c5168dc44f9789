from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tongxin.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from tongxin.web import navigation as shell

        from . import navigation

        shell.register(order=80, nav=navigation.nav, actions=navigation.actions)

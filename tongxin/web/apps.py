from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tongxin.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from django.core.validators import ProhibitNullCharactersValidator

        from . import navigation, shell_links

        # Django's own Chinese for this message reads "不允许是用空字符串", which says nothing to a teacher.
        ProhibitNullCharactersValidator.message = "不能包含空字符（\\x00），请删除后重新输入"

        navigation.register(order=90, nav=shell_links.nav, actions=shell_links.actions)

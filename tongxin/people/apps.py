from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tongxin.people"
    label = "people"
    verbose_name = "儿童与家庭"

    def ready(self) -> None:
        from tongxin.web import navigation

        from . import navigation as ours

        navigation.register(order=10, nav=ours.nav, actions=ours.actions)

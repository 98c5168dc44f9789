"""The pool's entries in the top bar and on the home page."""

from django.urls import reverse

from tongxin.web.navigation import Link

from . import access
from .selectors import own


def nav(user) -> list[Link]:
    if access.is_reader(user):
        return [Link("志愿者库", reverse("volunteers:pool"))]
    return []


def actions(user) -> list[Link]:
    cards: list[Link] = []
    if access.is_vetter(user):
        cards.append(Link("志愿者（师资）库", reverse("volunteers:pool"), "审核登记的志愿者，登记入职查询与健康检查"))
        cards.append(Link("匹配志愿者", reverse("volunteers:match"), "按就近、特长、时间和已承担的服务查找并邀请"))
    elif access.is_reader(user):
        cards.append(Link("志愿者（师资）库", reverse("volunteers:pool"), "辖区志愿者与师资的登记、审核与查询情况"))
    if getattr(user, "is_authenticated", False) and own(user) is not None:
        cards.append(Link("我的志愿者登记", reverse("volunteers:mine"), "审核结果、入职查询与健康检查"))
    return cards

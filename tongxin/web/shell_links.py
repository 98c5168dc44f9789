"""The shell's own links: API tokens for staff who connect other systems, and the administration site."""

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .navigation import Link

_NOT_STAFF = {Role.PARENT, Role.VOLUNTEER}


def nav(user) -> list[Link]:
    links = [Link("系统管理", reverse("admin:index"))] if user.is_staff else []
    return links + [Link("修改密码", reverse("password_change"))]


def actions(user) -> list[Link]:
    links = []
    if Role.ADMIN in scope.roles(user) and user.is_staff:
        links.append(Link("系统管理", reverse("admin:index"), "区划、学校、账号与角色配置，节假日与调休，审计日志"))
    if scope.roles(user) - _NOT_STAFF:
        links.append(Link("API 令牌", reverse("tokens"), "为对接系统创建或吊销 API 访问令牌"))
    return links

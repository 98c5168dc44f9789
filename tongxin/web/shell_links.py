"""The shell's own links: API tokens for offices that connect systems of their own, and the administration site."""

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .navigation import Link

# Those whose office may connect a system of its own (a school's, a bureau's, a centre's); front-line staff on
# phones are not shown the link (the page stays open to any staff member who is given it).
_CONNECTS_SYSTEMS = {Role.SCHOOL_LEADER, Role.COUNTY_EDU, Role.COUNTY_CIVIL, Role.COUNTY_HEALTH, Role.NURSERY_MANAGER,
                     Role.ADMIN}


def nav(user) -> list[Link]:
    links = [Link("系统管理", reverse("admin:index"))] if user.is_staff else []
    return links + [Link("修改密码", reverse("password_change"))]


def actions(user) -> list[Link]:
    links = []
    if Role.ADMIN in scope.roles(user) and user.is_staff:
        links.append(Link("系统管理", reverse("admin:index"), "区划、学校、账号与角色配置，节假日与调休，审计日志"))
    if scope.roles(user) & _CONNECTS_SYSTEMS:
        links.append(Link("系统对接令牌", reverse("tokens"), "本单位信息系统对接本平台时使用，由技术人员创建或吊销"))
    return links

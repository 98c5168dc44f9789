"""Custody's entries in the top bar and on the home page, and the tabs of a programme: each role sees only
what it may use (no tab that leads to a refusal)."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link, role_cards

from . import permissions
from .models import Programme

# Home-page card by role: (title, description, url name); every role the user holds adds its card once.
_ACTIONS = [
    (Role.PARENT, "托管报名", "为孩子报名假期、课后托管，查看审核进度、签到码，期末评价", "custody:hub"),
    (Role.CLASS_TEACHER, "托管初审与值班", "初审本班学生的托管申请；值班日签到、考勤、晨午晚检", "custody:hub"),
    (Role.SCHOOL_LEADER, "托管项目", "创建托管项目，审批、安置、排班、收费减免与工作总结", "custody:hub"),
    (Role.VOLUNTEER, "托管值班", "报名托管志愿服务，查看值班安排与服务时长", "custody:hub"),
    (Role.COMMUNITY_WORKER, "社区托管", "在儿童之家等场所举办托管：报名审批、安置、排班与总结", "custody:hub"),
    (Role.TOWNSHIP_OFFICER, "托管概况", "辖区托管项目的报名、安置、出勤与满意度", "custody:county"),
    (Role.COUNTY_EDU, "全县托管", "全县托管项目汇总，导出上报表", "custody:county"),
    (Role.COUNTY_CIVIL, "全县托管", "全县托管项目汇总", "custody:county"),
    (Role.ADMIN, "托管项目", "全部托管项目", "custody:hub"),
]


# Childcare's staff and the health bureau have nothing in custody (their 托管 tab led to an empty page).
_NO_CUSTODY = frozenset({Role.NURSERY_MANAGER, Role.NURSERY_CARER, Role.COUNTY_HEALTH})


def nav(user) -> list[Link]:
    return [Link("托管", reverse("custody:hub"))] if scope.roles(user) - _NO_CUSTODY else []


def actions(user) -> list[Link]:
    return role_cards(_ACTIONS, scope.roles(user))


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    url: str


def programme_tabs(user, programme: Programme, today: dt.date) -> list[Tab]:
    """The tabs of a programme this user may open."""
    organiser = permissions.is_organiser(user, programme)
    reader = organiser or permissions.staff_oversees(user, programme)
    roles = scope.roles(user)
    tabs = []
    if reader:
        tabs += [Tab("applications", "报名审核", reverse("custody:applications", args=[programme.pk])),
                 Tab("placement", "安置与候补", reverse("custody:placement", args=[programme.pk]))]
    if organiser or roles & {Role.CLASS_TEACHER, Role.VOLUNTEER}:
        tabs.append(Tab("roster", "值班排班" if organiser else "我的值班", reverse("custody:roster", args=[programme.pk])))
    if reader:
        tabs.append(Tab("fees", "收费与减免", reverse("custody:fees", args=[programme.pk])))
    if (organiser or permissions.on_duty(user, programme, today)) and permissions.runs_on(programme, today):
        tabs.append(Tab("today", "今日托管", reverse("custody:today", args=[programme.pk])))
    if reader:
        tabs.append(Tab("incidents", "安全事件", reverse("custody:incidents", args=[programme.pk])))
        tabs.append(Tab("report", "工作总结", reverse("custody:report", args=[programme.pk])))
    if reader:
        tabs.append(Tab("bookings", "合作场所", reverse("custody:bookings", args=[programme.pk])))
        tabs.append(Tab("guests", "专题活动", reverse("custody:guests", args=[programme.pk])))
    if permissions.can_read_accounts(user, programme):
        tabs.append(Tab("accounts", "经费收支", reverse("custody:accounts", args=[programme.pk])))
    if organiser:
        tabs.append(Tab("edit", "修改设置", reverse("custody:programme_edit", args=[programme.pk])))
    return tabs

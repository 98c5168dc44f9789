"""The care line's entries in the top bar and on the home page: each role sees only what it may use."""

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link, role_cards

# Home-page card by role: (title, description, url name).
_ACTIONS = [
    (Role.CLASS_TEACHER, "留守儿童关爱", "本班关爱对象：月度核对、谈心与家访记录、风险评估", "care:todo"),
    (Role.VOLUNTEER, "结对帮扶", "我结对的孩子：联系、书信、陪伴记录与本月待办", "care:todo"),
    (Role.SCHOOL_LEADER, "关爱台账", "全校留守、困境儿童台账，核对进度、风险评估与结对", "care:ledger"),
    (Role.COMMUNITY_WORKER, "关爱台账", "本村（社区）留守、困境儿童台账", "care:ledger"),
    (Role.COMMUNITY_WORKER, "村居台账对接", "核实学校台账中本村孩子的情况，查看两边的差异", "care:village"),
    (Role.TOWNSHIP_OFFICER, "关爱台账", "辖区留守、困境儿童台账与核对进度", "care:ledger"),
    (Role.COUNTY_EDU, "关爱台账", "全县在校留守、困境儿童台账", "care:ledger"),
    (Role.COUNTY_CIVIL, "关爱台账", "全县留守、困境儿童台账", "care:ledger"),
    (Role.ADMIN, "关爱台账", "全部关爱档案", "care:ledger"),
]


def nav(user) -> list[Link]:
    roles = scope.roles(user)
    if roles & scope.CARE_LEDGER_ROLES - {Role.VOLUNTEER, Role.CLASS_TEACHER}:
        return [Link("关爱", reverse("care:ledger"))]
    if roles & {Role.VOLUNTEER, Role.CLASS_TEACHER}:
        return [Link("关爱", reverse("care:todo"))]
    return []


def actions(user) -> list[Link]:
    return role_cards(_ACTIONS, scope.roles(user))

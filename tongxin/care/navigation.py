"""The care line's entries in the top bar and on the home page: each role sees only what it may use."""

from django.urls import reverse
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link, role_cards

from . import absence_navigation
from .selectors import counsel, reports
from .services.reports import RAISERS

# Home-page card by role: (title, description, url name).
_ACTIONS = [
    (Role.CLASS_TEACHER, "留守儿童关爱", "本班关爱对象：月度核对、谈心与家访记录、风险评估", "care:todo"),
    (Role.SUBJECT_TEACHER, "每月谈心", "本月谈心待办：与班主任为您安排的留守学生每月谈心一次并记录", "care:todo"),
    (Role.VOLUNTEER, "结对帮扶", "我结对的孩子：联系、书信、陪伴记录与本月待办", "care:todo"),
    (Role.SCHOOL_LEADER, "关爱台账", "全校留守、困境儿童台账，核对进度、风险评估与结对", "care:ledger"),
    (Role.SCHOOL_LEADER, "关爱工作设置", "本校代理人数上限、风险评估月份、留守认定月数与联系频次", "care:settings"),
    (Role.COMMUNITY_WORKER, "关爱台账", "本村（社区）留守、困境儿童台账", "care:ledger"),
    (Role.COMMUNITY_WORKER, "村居台账对接", "核实学校台账中本村孩子的情况，查看两边的差异", "care:village"),
    (Role.TOWNSHIP_OFFICER, "关爱台账", "辖区留守、困境儿童台账与核对进度", "care:ledger"),
    (Role.COUNTY_EDU, "关爱台账", "全县在校留守、困境儿童台账", "care:ledger"),
    (Role.COUNTY_CIVIL, "关爱台账", "全县留守、困境儿童台账", "care:ledger"),
    (Role.COUNTY_EDU, "关爱工作设置", "全县代理人数上限、风险评估月份、留守认定月数与联系频次", "care:settings"),
    (Role.COUNTY_CIVIL, "关爱工作设置", "全县代理人数上限、风险评估月份、留守认定月数与联系频次", "care:settings"),
    (Role.ADMIN, "关爱台账", "全部关爱档案", "care:ledger"),
]


def _waiting(user) -> int:
    """The reports waiting for the user's acknowledgement, counted once a request (the top bar and the home page's
    card both show it), kept on the user object as `orgs.scope` keeps the assignments."""
    cached = getattr(user, "_care_reports_waiting", None)
    if cached is None:
        cached = reports.waiting_for(user, now=timezone.now())
        user._care_reports_waiting = cached
    return cached


def nav(user) -> list[Link]:
    roles = scope.roles(user)
    links = []
    helpers = {Role.VOLUNTEER, Role.CLASS_TEACHER, Role.SUBJECT_TEACHER}  # whose care page is their to-do list
    if roles & scope.CARE_LEDGER_ROLES - helpers:
        links.append(Link("关爱", reverse("care:ledger")))
    elif roles & helpers:
        links.append(Link("关爱", reverse("care:todo")))
    if roles & scope.REPORT_HANDLER_ROLES:
        waiting = _waiting(user)
        links.append(Link(f"强制报告（{waiting}待签收）" if waiting else "强制报告", reverse("care:reports")))
    return links + absence_navigation.nav(user)


def actions(user) -> list[Link]:
    roles = scope.roles(user)
    cards = role_cards(_ACTIONS, roles)
    if roles & scope.REPORT_HANDLER_ROLES:
        waiting = _waiting(user)
        cards.insert(0, Link("强制报告办理", reverse("care:reports"),
                             f"{waiting} 份报告待签收，请立即处理" if waiting else "辖区强制报告的签收、处置与结案"))
    if roles & {Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU,
                 Role.COUNTY_CIVIL}:
        cards.append(Link("假期交接", reverse("care:handovers"),
                          "寒暑假前学校向村（居）委会交接留守学生名单" if Role.COMMUNITY_WORKER not in roles
                          else "确认接收学校交来的留守学生假期名单"))
    if roles & {Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU,
                 Role.COUNTY_CIVIL, Role.CLASS_TEACHER}:
        cards.append(Link("资助", reverse("care:aid"), "现金、物资帮扶与政策资助，受助比例与捐赠收据"))
        cards.append(Link("关爱活动", reverse("care:activities"), "安全法制教育、心理健康课、节日活动与家长会记录"))
    if roles & {Role.ADMIN, Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL}:
        cards.append(Link("关爱工作统计", reverse("care:dashboard"),
                          "类别与风险、建档率、入学率、评估、联系达标、强制报告、假期交接、资助比例"))
    if roles & {Role.ADMIN, Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU}:
        cards.append(Link("教师关爱工作", reverse("care:work"), "领导小组，教师本学期结对、谈心、家访与一票否决提示"))
    cards += _counsel_cards(user, roles)
    if roles & RAISERS and not roles & scope.REPORT_HANDLER_ROLES:
        cards.append(Link("强制报告", reverse("care:report_new"),
                          "发现儿童脱离监护、失踪或疑似受到伤害，立即报告派出所和乡镇政府"))
    return cards + absence_navigation.actions(user)


def _counsel_cards(user, roles: set[str]) -> list[Link]:
    """Counselling and support (P-55, P-58, P-59): the counsellor's mailbox and records, the leader's view of
    them, the staff's mailbox for a child, the study support plans."""
    cards = []
    designations = counsel.designations(user) if roles & {Role.CLASS_TEACHER, Role.SCHOOL_LEADER} else []
    if designations:
        counts = counsel.mailbox_counts([d.school_id for d in designations], today=timezone.localdate()).values()
        waiting, overdue = sum(c.waiting for c in counts), sum(c.overdue for c in counts)
        cards.append(Link("悄悄话信箱来信", reverse("care:mailbox_inbox"),
                          (f"{waiting} 封信待回复，其中 {overdue} 封已过回信日" if overdue else f"{waiting} 封信待回复")
                          if waiting else "每周回信日打开信箱，给孩子们回信"))
        cards.append(Link("心理辅导记录", reverse("care:counsel"), "个别心理疏导与专题（团体）心理辅导的记录"))
    elif Role.SCHOOL_LEADER in roles:
        cards.append(Link("心理辅导", reverse("care:counsel"), "本校心理辅导记录、心理辅导教师与悄悄话信箱的回复情况"))
    if roles & {Role.CLASS_TEACHER, Role.SCHOOL_LEADER}:
        cards.append(Link("悄悄话信箱", reverse("care:mailbox"), "孩子不署名写信给心理老师（可由老师代写），看回音板上的回信"))
        cards.append(Link("学习帮扶计划", reverse("care:study_plans"), "每名留守、困境儿童本学期的帮扶时间、内容和阶段成效"))
    return cards

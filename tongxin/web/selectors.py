"""What the home page shows each role: its scopes, counts inside them, and what it can do."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.orgs.selectors import describe_assignments
from tongxin.people.models import Child


@dataclass
class Action:
    title: str
    description: str
    url: str


ROLE_ACTIONS = {
    Role.PARENT: [("我的孩子", "查看孩子的档案、学校班级和监护人信息", "children"),
                  ("托管报名", "为孩子报名假期、课后托管，查看审核进度、签到码，期末评价", "custody:hub")],
    Role.CLASS_TEACHER: [("本班学生", "按姓名、拼音首字母或证件号后四位查找本班学生，查看档案", "children"),
                         ("托管初审与值班", "初审本班学生的托管申请；值班日签到、考勤、晨午晚检", "custody:hub")],
    Role.SCHOOL_LEADER: [("全校学生", "按班级查看学生名册，关注留守、困境和残疾儿童", "children"),
                         ("托管项目", "创建托管项目，审批、安置、排班、收费减免与工作总结", "custody:hub")],
    Role.VOLUNTEER: [("结对儿童", "查看与您结对的儿童（结对由社区或学校安排）", "children"),
                     ("托管值班", "报名托管志愿服务，查看值班安排与服务时长", "custody:hub")],
    Role.COMMUNITY_WORKER: [("辖区儿童", "本社区（村）居住儿童的一人一档", "children"),
                            ("社区托管", "在儿童之家等场所举办托管：报名审批、安置、排班与总结", "custody:hub")],
    Role.TOWNSHIP_OFFICER: [("全镇儿童", "本乡镇（街道）居住儿童和辖区学校学生", "children"),
                            ("托管概况", "辖区托管项目的报名、安置、出勤与满意度", "custody:county")],
    Role.COUNTY_EDU: [("全县学生", "全县学校学生名册", "children"),
                      ("全县托管", "全县托管项目汇总，导出上报表", "custody:county")],
    Role.COUNTY_CIVIL: [("全县儿童", "全县居住儿童，含留守、困境儿童", "children"),
                        ("全县托管", "全县托管项目汇总", "custody:county")],
    Role.ADMIN: [("儿童名册", "全部儿童档案", "children"), ("托管项目", "全部托管项目", "custody:hub"),
                 ("系统管理", "区划、学校、账号与角色配置，审计日志", "admin:index")],
}
COMMON_ACTIONS = [("API 令牌", "为对接系统创建或吊销 API 访问令牌", "tokens")]


def home_for(user) -> dict:
    user_roles = scope.roles(user)
    stats = scope.children(user).aggregate(
        total=Count("id"),
        left_behind=Count("id", filter=Q(care_status=Child.CareStatus.LEFT_BEHIND)),
        vulnerable=Count("id", filter=Q(care_status=Child.CareStatus.VULNERABLE)),
        disability=Count("id", filter=Q(disability=True)),
    )
    seen, actions = set(), []
    for role in Role:  # a stable order, most personal first
        if role not in user_roles:
            continue
        for title, description, url_name in ROLE_ACTIONS[role]:
            if url_name not in seen:
                seen.add(url_name)
                actions.append(Action(title, description, reverse(url_name)))
    if user_roles - {Role.PARENT, Role.VOLUNTEER}:
        actions += [Action(t, d, reverse(u)) for t, d, u in COMMON_ACTIONS]
    return {"assignments": describe_assignments(user), "stats": stats, "actions": actions}

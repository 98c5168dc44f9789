"""The registry's entries in the top bar and on the home page, worded for each role."""

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link

# (title, description) of the children list, by role; the first role the user holds in this order wins.
_LIST = [
    (Role.ADMIN, "儿童名册", "全部儿童档案"),
    (Role.COUNTY_CIVIL, "全县儿童", "全县居住儿童，含留守、困境儿童"),
    (Role.COUNTY_EDU, "全县学生", "全县学校学生名册"),
    (Role.TOWNSHIP_OFFICER, "全镇儿童", "本乡镇（街道）居住儿童和辖区学校学生"),
    (Role.COMMUNITY_WORKER, "辖区儿童", "本社区（村）居住儿童的一人一档"),
    (Role.SCHOOL_LEADER, "全校学生", "按班级查看学生名册，关注留守、困境和残疾儿童"),
    (Role.CLASS_TEACHER, "本班学生", "按姓名、拼音首字母或证件号后四位查找本班学生，查看档案"),
    (Role.SUBJECT_TEACHER, "谈心学生名单", "班主任为您安排谈心的学生的基本情况"),
    (Role.VOLUNTEER, "结对儿童", "查看与您结对的儿童（结对由社区或学校安排）"),
    (Role.PARENT, "我的孩子", "查看孩子的档案、学校班级和监护人信息"),
]


def _entry(user) -> tuple[str, str] | None:
    roles = scope.roles(user)
    return next(((title, text) for role, title, text in _LIST if role in roles), None)


def nav(user) -> list[Link]:
    entry = _entry(user)
    return [Link(entry[0], reverse("children"))] if entry else []


def actions(user) -> list[Link]:
    entry = _entry(user)
    return [Link(entry[0], reverse("children"), entry[1])] if entry else []

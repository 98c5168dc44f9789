"""The absence line's entries in the top bar and on the home page (called from `care.navigation`): the class
teacher's daily register with today's state, the cases for those who follow them."""

from django.urls import reverse
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link

from .selectors import absence as sel


def nav(user) -> list[Link]:
    return [Link("控辍保学", reverse("care:absence_cases"))] if sel.reads_cases(user) else []


def actions(user) -> list[Link]:
    roles = scope.roles(user)
    if not sel.reads_cases(user):
        return []
    s = sel.summary(user, today=timezone.localdate())
    # what is overdue first: a phone shows two lines of a card
    cases = ((f"{s.overdue} 个控辍保学个案有事项逾期（共 {s.open_cases} 个未结）" if s.overdue
              else f"{s.open_cases} 个控辍保学个案未结") if s.open_cases else "没有未结的控辍保学个案")
    if Role.CLASS_TEACHER in roles and s.classes:
        today = "今天不上课，不用点名" if not s.school_day else "今天还未点名" if s.untaken else "今天已点名"
        return [Link("每日点名", reverse("care:absence_register"), f"{today}；{cases}")]
    return [Link("控辍保学", reverse("care:absence_cases"), f"{cases}；无故缺课的学生、劝返与书面报告")]

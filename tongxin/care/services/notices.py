"""What the care line sends outside its pages, through the notifications app: a mandatory report to the township
and the police at once, its escalations up the chain, an unexplained absence to the guardians, and the helpers'
weekly digest of what their to-do asks."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tongxin.notifications import rules
from tongxin.notifications import selectors as notices
from tongxin.notifications.services.send import Message, Recipient, notices_send
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role
from tongxin.people import selectors as people

from ..report_models import MandatoryReport, ReportRoute


def _at(now: dt.datetime) -> str:
    return timezone.localtime(now).strftime("%m-%d %H:%M")


def _township_officers(path: str) -> list[Recipient]:
    return [Recipient(name, user_id=pk) for pk, name in orgs.users_holding(Role.TOWNSHIP_OFFICER,
                                                                                       region_path=path)]


def report_notices_send(report: MandatoryReport, route: ReportRoute | None, *, now: dt.datetime) -> int:
    """A new report: to the township government's contact (or, with none set, every officer of the township) and
    the police station's contact phone when it is a mobile; urgent, so day or night."""
    child = people.children_by_ids([report.child_id]).values_list("name", flat=True).first() or ""
    township = report.township.name
    situation = report.get_situation_display()
    contact = route.government_contact if route is not None else None
    recipients = ([Recipient(f"{township}人民政府：{contact.display_name}", user_id=contact.pk)]
                  if contact is not None else _township_officers(report.township.path))
    if route is not None and route.police_phone:
        recipients.append(Recipient(f"{route.police_name}{route.police_contact}", phone=route.police_phone))
    text = (f"强制报告：{township}儿童{child}，{situation}（{_at(now)}）。"
            f"请立即登录童心签收并处置；紧急情况请拨打 110。")
    message = Message("care.report", f"care-report-{report.pk}", f"强制报告：{child}", text,
                      {"child": child, "place": township, "time": _at(now)},
                      reverse("care:report", args=[report.pk]))
    return notices_send(messages=[(message, recipients)], now=now)


def escalation_notices_send(report: MandatoryReport, level: int, leader_id: int | None, *, waited: str,
                            now: dt.datetime) -> int:
    """A report nobody acknowledged in time: to the township's leader (every officer when no leader is set) at
    the first level, the county civil affairs bureau at the second."""
    child = people.children_by_ids([report.child_id]).values_list("name", flat=True).first() or ""
    township = report.township.name
    if level == 1:
        recipients = ([Recipient("乡镇分管领导", user_id=leader_id)] if leader_id
                      else _township_officers(report.township.path))
    else:
        recipients = [Recipient(name, user_id=pk) for pk, name in orgs.users_holding(
            Role.COUNTY_CIVIL, region_path=orgs.county_path(report.township.path))]
    text = (f"强制报告逾期未签收：{township}儿童{child}的强制报告已{waited}无人签收（{_at(now)}）。"
            f"请立即督促签收并处置。")
    message = Message("care.report_escalated", f"care-report-{report.pk}-up{level}", f"强制报告逾期未签收：{child}",
                      text, {"child": child, "place": township, "time": waited},
                      reverse("care:report", args=[report.pk]))
    return notices_send(messages=[(message, recipients)], now=now)


def absence_notices_send(pupils: dict[int, str], *, day: dt.date, school: str, now: dt.datetime) -> int:
    """Pupils marked absent without a reason: their guardians are told, once a pupil and day (not urgent: after
    the night's quiet hours when marked late)."""
    guardians = people.guardians_to_notify(pupils, phones=rules.SMS in notices.enabled_channels())
    messages = []
    for child_id, name in pupils.items():
        family = [Recipient(g.label, user_id=g.user_id, phone=g.phone) for g in guardians.get(child_id, [])]
        if family:
            messages.append((Message(
                "care.absence", f"care-absence-{child_id}-{day:%Y%m%d}", f"{name}{day.month}月{day.day}日未到校",
                f"{name}{day.month}月{day.day}日没有到校，也没有请假。请尽快与{school}班主任联系，告知孩子情况。",
                {"child": name, "place": school, "time": f"{day.month}月{day.day}日"}, reverse("home")), family))
    return notices_send(messages=messages, now=now) if messages else 0

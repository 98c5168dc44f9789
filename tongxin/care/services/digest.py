"""The helpers' weekly digest (issue 12): on Monday from 08:00, each teacher and volunteer with care work waiting
is told how much, by the channels they chose (WeChat by default; SMS if they ask; never in the night)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongxin.notifications import rules as notice_rules
from tongxin.notifications.services.send import Message, Recipient, notices_send, round_claim
from tongxin.orgs.models import User

from ..selectors.todo import helpers_on, todo_summary


@transaction.atomic
def digest_send(*, now: dt.datetime) -> int:
    """The week's digest, once a week however often it is called (the scheduler calls it hourly); returns how
    many people were sent one."""
    local = timezone.localtime(now)
    week = notice_rules.digest_week(local)
    if week is None or not round_claim(name="care-digest", period=week, now=now):
        return 0
    messages = []
    for user in User.objects.filter(pk__in=helpers_on(local.date()), is_active=True).order_by("pk"):
        summary = todo_summary(user, local.date())
        if not summary.count:
            continue
        detail = "，".join(f"{what} {n} 项" for what, n in summary.parts)
        messages.append((Message(
            "care.digest", f"care-digest-{week}", f"本周关爱待办 {summary.count} 项",
            f"本周您有 {summary.count} 项关爱工作待办：{detail}。请打开童心「关爱待办」查看并登记。",
            {"count": str(summary.count), "place": "关爱待办", "time": f"{local.month}月{local.day}日"},
            reverse("care:todo")), [Recipient(user.display_name, user_id=user.pk)]))
    if messages:
        notices_send(messages=messages, now=now)
    return len(messages)

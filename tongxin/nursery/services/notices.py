"""What the childcare line sends outside its pages: a family on the waiting list is told when a place is held
for their child, so that they answer before it goes to the next in line."""

import datetime as dt

from django.urls import reverse

from tongxin.notifications import rules as notice_rules
from tongxin.notifications import selectors as notices
from tongxin.notifications.services.send import Message, Recipient, notices_send
from tongxin.people import selectors as people

from ..models import Centre, WaitlistEntry


def offer_notices_send(centre: Centre, offered: list[WaitlistEntry], *, now: dt.datetime) -> int:
    """Tell up to two guardians of each child offered a place (inbox for those with a login, SMS/WeChat as they
    chose); once an offer however often it is sent."""
    if not offered:
        return 0
    child_ids = [e.child_id for e in offered]
    names = dict(people.children_by_ids(child_ids).values_list("pk", "name"))
    guardians = people.guardians_to_notify(child_ids, phones=notice_rules.SMS in notices.enabled_channels())
    place = centre.site.name
    messages = []
    for entry in offered:
        name, start = names.get(entry.child_id, ""), entry.offered_from
        when = f"{start.month}月{start.day}日" if start else ""
        last = entry.reply_by
        by = f"请在 {last.month}月{last.day}日 前" if last else "请尽快"
        family = [Recipient(g.label, user_id=g.user_id, phone=g.phone) for g in guardians.get(entry.child_id, [])]
        if family:
            messages.append((Message(
                "nursery.offer", f"nursery-offer-{entry.pk}-{entry.offered_at:%Y%m%d%H%M%S}", f"{name}排到托位了",
                f"{place}为{name}留出了托位，{when}起可以入托。{by}在童心「我的托育」中确认或放弃，逾期托位将给排在后面的孩子。",
                {"child": name, "place": place, "time": when}, reverse("nursery:mine")), family))
    return notices_send(messages=messages, now=now) if messages else 0

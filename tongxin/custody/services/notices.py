"""What custody's alerts send outside the page: a missing child and a late pick-up go to the leader on duty and the
child's guardians at once (day or night), through the notifications app; the other alerts stay on the hub."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tongxin.notifications import rules
from tongxin.notifications import selectors as notices
from tongxin.notifications.services.send import Message, Recipient, notices_send
from tongxin.people import selectors as people

from ..models import Alert, Programme

SENT_KINDS = {Alert.Kind.MISSING: "custody.missing", Alert.Kind.LATE_PICKUP: "custody.late_pickup"}


def alert_notices_send(alerts: list[Alert], day_end: dict[int, dt.time], *, now: dt.datetime) -> int:
    """Notify the leader on duty (inbox, SMS, WeChat as they chose; SMS always) and up to two guardians (SMS, and
    the inbox of a guardian with a login) of every new missing-child and late-pickup alert; returns how many
    outbound messages were queued. Called in the scan's transaction."""
    sent = [a for a in alerts if a.kind in SENT_KINDS]
    if not sent:
        return 0
    child_ids = {a.placement.child_id for a in sent}
    names = dict(people.children_by_ids(child_ids).values_list("pk", "name"))
    guardians = people.guardians_to_notify(child_ids, phones=rules.SMS in notices.enabled_channels())
    programmes = dict(Programme.objects.filter(pk__in={a.programme_id for a in sent}).values_list("pk", "name"))
    link = reverse("custody:alerts")
    at = timezone.localtime(now).strftime("%H:%M")
    messages = []
    for a in sent:
        child, place = names.get(a.placement.child_id, ""), programmes.get(a.programme_id, "")
        end = day_end.get(a.programme_id)
        params = {"child": child, "place": place, "time": at if a.kind == Alert.Kind.MISSING else f"{end:%H:%M}"}
        if a.kind == Alert.Kind.MISSING:
            title = f"{child}未到托且未请假"
            staff_text = f"{place}：{child}今天未到托，也没有请假（{at}）。请立即联系家长，确认孩子去向。"
            family_text = f"{child}今天没有到{place}，也没有请假。请立即与托管老师联系，告知孩子去向。"
        else:
            title = f"{child}超时未接"
            staff_text = f"{place}：{child}超过 {end:%H:%M} 仍未被接走（{at}）。请联系家长，并安排老师陪护至接走。"
            family_text = f"{child}在{place}超过 {end:%H:%M} 仍未被接走，请尽快来接孩子；如有困难请联系托管老师。"
        kind = SENT_KINDS[Alert.Kind(a.kind)]
        if a.notify_id:
            messages.append((Message(kind, f"custody-alert-{a.pk}", title, staff_text, params, link),
                             [Recipient("值班领导", user_id=a.notify_id)]))
        family = [Recipient(g.label, user_id=g.user_id, phone=g.phone) for g in guardians.get(a.placement.child_id, [])]
        if family:
            messages.append((Message(kind, f"custody-alert-{a.pk}-family", title, family_text, params,
                                     reverse("home")), family))
    return notices_send(messages=messages, now=now)

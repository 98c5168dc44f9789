"""The notifications app's top-bar link (with the unread count) and the administrator's outbox card."""

from django.urls import reverse

from tongxin.web.navigation import Link

from . import access, selectors


def nav(user) -> list[Link]:
    unread = selectors.unread_count(user)
    return [Link(f"消息（{unread}）" if unread else "消息", reverse("notifications:inbox"))]


def actions(user) -> list[Link]:
    if access.sees_outbox(user):
        return [Link("外发消息", reverse("notifications:outbox"), "短信、微信的发送记录、失败原因与重发")]
    return []

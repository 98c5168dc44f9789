"""Reads of the notifications app: a person's inbox and unread count, their settings as a form shows them, and the
outbox as the administrator follows it up. Plain data; never imports services."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count

from tongxin.orgs import scope
from tongxin.orgs.models import User
from tongxin.people.masking import mask_phone

from . import rules
from .models import Notice, OutboundMessage, Preference, WechatBinding


def enabled_channels() -> frozenset[str]:
    """The outbound channels this site has credentials for; none means the inbox alone."""
    from .channels.registry import configured

    return frozenset(configured())


def unread_count(user: User) -> int:
    return Notice.objects.filter(scope.notice_q(user), read_at__isnull=True).count()


def inbox(user: User, *, page: int, unread_only: bool = False, per_page: int = 20) -> Page:
    notices = Notice.objects.filter(scope.notice_q(user)).only(
        "pk", "kind", "title", "text", "link", "urgent", "created_at", "read_at")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return Paginator(notices, per_page).get_page(page)


@dataclass(frozen=True)
class ChannelChoice:
    code: str
    label: str
    on: bool
    required: bool          # the role requires it: shown ticked and not changeable
    reachable: bool         # there is a number or a binding to send it to


@dataclass(frozen=True)
class KindRow:
    code: str
    label: str
    urgent: bool
    channels: list[ChannelChoice]


@dataclass(frozen=True)
class Settings:
    kinds: list[KindRow]
    quiet_start: dt.time
    quiet_end: dt.time
    phone_masked: str
    wechat_bound_at: dt.datetime | None
    enabled: frozenset[str]

    @property
    def any_required(self) -> bool:
        return any(ch.required for k in self.kinds for ch in k.channels)


def settings_of(user: User, *, enabled: frozenset[str]) -> Settings:
    """The person's choices as the form shows them, for the channels the site has set up."""
    pref = Preference.objects.filter(user=user).first()
    binding = WechatBinding.objects.filter(user=user).first()
    roles = scope.roles(user)
    staff = rules.is_staff(roles)
    reachable = {rules.SMS: bool(user.phone), rules.WECHAT: binding is not None}
    rows = []
    for kind in rules.kinds_for(roles):
        code = kind.code
        chosen = pref.channels.get(code) if pref else None
        on = rules.channels_for(kind, chosen=frozenset(chosen) if chosen is not None else None, staff=staff)
        must = kind.staff_must if staff else frozenset()
        rows.append(KindRow(code, kind.label, kind.urgent, [
            ChannelChoice(ch, label, ch in on, ch in must, reachable[ch]) for ch, label in rules.CHANNELS.items()
            if ch in enabled]))
    return Settings(rows, pref.quiet_start if pref else rules.QUIET_START, pref.quiet_end if pref else rules.QUIET_END,
                    mask_phone(user.phone), binding.bound_at if binding else None, enabled)


def outbox(user: User, *, page: int, state: str = "") -> Page:
    messages = OutboundMessage.objects.filter(scope.outbox_q(user)).defer("address", "params", "answer")
    if state in OutboundMessage.State.values:
        messages = messages.filter(state=state)
    return Paginator(messages, 20).get_page(page)


def outbox_counts(user: User) -> dict[str, int]:
    rows = OutboundMessage.objects.filter(scope.outbox_q(user)).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def outbox_message(user: User, message_id: int) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(scope.outbox_q(user), pk=message_id).defer("address").first()

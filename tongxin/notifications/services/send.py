"""Sending a notification: the inbox notice of each recipient with a login, and an outbox row per outbound
channel the recipient receives, written in the caller's transaction; a worker sends the outbox afterwards, never
the request. An event's `key` makes everything it sends arrive once however often it is sent."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import User
from tongxin.people.crypto import lookup_hash
from tongxin.people.masking import mask_phone
from tongxin.people.validators import normalize_mobile

from .. import rules, selectors
from ..models import Notice, OutboundMessage, Preference, WechatBinding


@dataclass(frozen=True)
class Recipient:
    """A person to notify: a login (inbox, and the channels they chose), a phone alone (a guardian without a
    login, a police station's contact), or both (a guardian with a login: the registry's phone)."""

    label: str
    user_id: int | None = None
    phone: str = ""


@dataclass(frozen=True)
class Message:
    kind: str
    key: str                    # the event, e.g. "custody-alert-123"
    title: str                  # at most 64 characters
    text: str                   # at most 500 characters
    params: dict[str, str]      # the template's variables (rules.KINDS[kind].params)
    link: str = ""              # the page's path, e.g. /custody/programmes/3/today/


def _is_mobile(phone: str) -> bool:
    number = normalize_mobile(phone)
    return len(number) == 11 and number.isdigit() and number[0] == "1" and number[1] in "3456789"


def _clean(message: Message) -> Message:
    kind = rules.KINDS[message.kind]
    return Message(kind=message.kind, key=message.key,
                   title=rules.without_id_numbers(message.title)[:64],
                   text=rules.without_id_numbers(message.text)[:500],
                   params={name: rules.clip_param(message.params.get(name, "")) for name in kind.params},
                   link=message.link[:200])


def notices_send(*, messages: list[tuple[Message, list[Recipient]]], now: dt.datetime) -> int:
    """Write the inbox notices and outbox rows of many messages in a few statements; returns how many outbox
    rows are new. Call it inside the transaction of the event it reports, so that both land or neither. Outbox
    rows are written only for the channels the site has set up."""
    enabled = selectors.enabled_channels()
    user_ids = {r.user_id for _, recipients in messages for r in recipients if r.user_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True)}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    openids = dict(WechatBinding.objects.filter(user_id__in=user_ids).values_list("user_id", "openid"))
    staff = {pk for pk, u in users.items() if rules.is_staff(scope.roles(u))}
    local = timezone.localtime(now)
    notices, outbox = [], []
    for raw, recipients in messages:
        message, kind = _clean(raw), rules.KINDS[raw.kind]
        for r in recipients:
            user = users.get(r.user_id) if r.user_id else None
            pref = prefs.get(user.pk) if user else None
            chosen = pref.channels.get(kind.code) if pref else None
            wanted = rules.channels_for(kind, chosen=frozenset(chosen) if chosen is not None else None,
                                        staff=bool(user and user.pk in staff)) & enabled
            start, end = (pref.quiet_start, pref.quiet_end) if pref else (rules.QUIET_START, rules.QUIET_END)
            due = rules.not_before(local, urgent=kind.urgent, start=start, end=end)
            if user:
                notices.append(Notice(user=user, kind=kind.code, key=message.key[:64], title=message.title,
                                      text=message.text, link=message.link, urgent=kind.urgent, created_at=now))
            phone = r.phone or (user.phone if user else "")
            addresses: list[tuple[str, str, str]] = []
            if rules.SMS in wanted and phone and _is_mobile(phone):
                number = normalize_mobile(phone)
                addresses.append((rules.SMS, number, lookup_hash(number)[:16]))
            if rules.WECHAT in wanted and user and user.pk in openids:
                addresses.append((rules.WECHAT, openids[user.pk], openids[user.pk]))
            for channel, address, token in addresses:
                outbox.append(OutboundMessage(
                    key=rules.message_key(message.key, channel, token), channel=channel, kind=kind.code,
                    urgent=kind.urgent, user=user, to_label=r.label[:64], address=address,
                    address_masked=mask_phone(address) if channel == rules.SMS else address[:6] + "…",
                    params=message.params, title=message.title, text=message.text, link=message.link,
                    next_attempt_at=due, created_at=now))
    Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=500)
    outbox = list({o.key: o for o in outbox}.values())
    before = OutboundMessage.objects.filter(key__in=[o.key for o in outbox]).count() if outbox else 0
    OutboundMessage.objects.bulk_create(outbox, ignore_conflicts=True, batch_size=500)
    if outbox:
        transaction.on_commit(deliver_soon)
    return len(outbox) - before


def notice_send(*, message: Message, recipients: list[Recipient], now: dt.datetime) -> int:
    return notices_send(messages=[(message, recipients)], now=now)


def deliver_soon() -> Any:
    """Ask a worker to send the outbox now rather than at its next round. Never on the inline backend: there the
    scheduler's round sends it, outside any request."""
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend):
        return None
    from ..tasks import deliver_outbox_task
    return deliver_outbox_task.enqueue()


def round_claim(*, name: str, period: str, now: dt.datetime) -> bool:
    """Claim a periodic batch for its period; False when it was done (or is being done) already. Call it in the
    batch's transaction, so that a batch that fails is claimed by none."""
    from ..models import SentRound

    _, created = SentRound.objects.get_or_create(name=name, period=period, defaults={"done_at": now})
    return created

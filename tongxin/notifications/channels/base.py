"""What the outbox hands an outbound channel (SMS, WeChat), and what it gets back.

A channel sends one message and says how it went: `Sent` with the provider's id and answer, or raises `Failure`
(retryable or not, with the provider's answer). After a worker died between sending and recording, the outbox asks
`find` whether the provider already has the message under its key, so that it is not sent twice; a channel that
cannot tell (`can_find = False`) is never sent again once a send may have reached the provider."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    key: str                    # the outbox's idempotency key: at most 64 of [A-Za-z0-9_-]
    address: str                # a mainland mobile number (11 digits, SMS) or an official-account openid (WeChat)
    kind: str                   # the notification kind, e.g. "custody.late_pickup": picks the provider's template
    params: dict[str, str]      # the template's variables, already checked (no ID numbers, each at most 20 chars)
    title: str                  # the inbox title, for channels that show one
    text: str                   # the whole message as the inbox shows it
    link: str = ""              # an absolute https URL to the page, or ""
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class Sent:
    provider_id: str            # the provider's id of the message (Aliyun's BizId, WeChat's msgid)
    answer: str                 # the provider's answer as received (JSON text, at most 2,000 chars)


class Failure(Exception):
    def __init__(self, reason: str, *, retryable: bool, answer: str = "") -> None:
        super().__init__(reason)
        self.reason = reason        # in Chinese, for the outbox page
        self.retryable = retryable  # a timeout, a 5xx or a provider's throttle: try later; a bad number: never
        self.answer = answer        # the provider's answer as received, or ""


class Channel(Protocol):
    name: str                   # "sms" or "wechat"
    can_find: bool

    def send(self, message: Outgoing) -> Sent: ...

    def find(self, message: Outgoing) -> Sent | None: ...

"""Sending the outbox: claim each due message with a conditional update (so that several workers never send one
message twice), send it outside any transaction, record the provider's answer; retry with backoff; and after a
worker died mid-send, ask the provider whether the message arrived before sending it again.

States: queued → sending (claimed, with a lease) → sent | queued again (a retryable failure, later) | failed
(refused by the provider, or out of tries) | unknown (a channel that cannot be asked, after a crash: not sent again,
so that nobody gets it twice)."""

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import F

from .. import rules
from ..channels.base import Channel, Failure, Outgoing, Sent
from ..models import OutboundMessage

log = logging.getLogger(__name__)
State = OutboundMessage.State
ANSWER_MAX = 2000


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def touched(self) -> int:
        return self.sent + self.retried + self.failed + self.unknown + self.recovered


def _outgoing(m: OutboundMessage, base_url: str) -> Outgoing:
    link = base_url.rstrip("/") + m.link if (m.link and base_url) else ""
    return Outgoing(key=m.key, address=m.address, kind=m.kind, params={k: str(v) for k, v in m.params.items()},
                    title=m.title, text=m.text, link=link, created_at=m.created_at)


def _finish(m: OutboundMessage, now: dt.datetime, **values) -> bool:
    """Record the end of this worker's try, only if the message is still this worker's claim (the same attempt,
    still sending): a worker that outlived its lease does not overwrite what another recorded."""
    return bool(OutboundMessage.objects.filter(pk=m.pk, state=State.SENDING, attempts=m.attempts)
                .update(lease_until=None, **values))


def _sent(m: OutboundMessage, now: dt.datetime, sent: Sent) -> bool:
    return _finish(m, now, state=State.SENT, sent_at=now, provider_id=sent.provider_id[:64],
                   answer=sent.answer[:ANSWER_MAX], reason="")


def _failed(m: OutboundMessage, now: dt.datetime, failure: Failure, report: Delivery) -> None:
    reason, answer = failure.reason[:255], failure.answer[:ANSWER_MAX]
    if failure.retryable and m.attempts < rules.max_attempts(m.urgent):
        if _finish(m, now, state=State.QUEUED, next_attempt_at=now + rules.retry_after(m.attempts),
                   reason=reason, answer=answer):
            report.retried += 1
    elif _finish(m, now, state=State.FAILED, reason=reason if not failure.retryable
                 else f"{reason}（已尝试 {m.attempts} 次，不再重试）"[:255], answer=answer):
        report.failed += 1


def _recover(now: dt.datetime, channels: Mapping[str, Channel], report: Delivery) -> None:
    """Messages whose worker died while sending: sent if the provider has them under their key, else sent again;
    on a channel that cannot be asked, left as unknown rather than risk sending twice."""
    for m in OutboundMessage.objects.filter(state=State.SENDING, lease_until__lt=now).order_by("pk")[:200]:
        channel = channels.get(m.channel)
        if channel is None or not channel.can_find:
            if _finish(m, now, state=State.UNKNOWN,
                       reason="发送过程中断，无法向服务商核实是否已送达；为免重复，不再重发"):
                report.unknown += 1
            continue
        try:
            found = channel.find(_outgoing(m, ""))
        except Failure as exc:
            # Cannot tell yet: keep the claim a while longer and ask again later.
            OutboundMessage.objects.filter(pk=m.pk, state=State.SENDING, attempts=m.attempts).update(
                lease_until=now + rules.retry_after(m.attempts), reason=f"核实发送结果失败：{exc.reason}"[:255])
            continue
        if found is not None:
            if _sent(m, now, found):
                report.recovered += 1
        elif _finish(m, now, state=State.QUEUED, next_attempt_at=now, reason="发送过程中断，服务商未收到，将重发"):
            report.recovered += 1


def _claim(m: OutboundMessage, now: dt.datetime) -> bool:
    claimed = OutboundMessage.objects.filter(pk=m.pk, state=State.QUEUED, attempts=m.attempts).update(
        state=State.SENDING, lease_until=now + rules.LEASE, attempts=F("attempts") + 1)
    if claimed:
        m.attempts += 1
        m.state = State.SENDING
    return bool(claimed)


def _send_one(m: OutboundMessage, channel: Channel, tick: Callable[[], dt.datetime], base_url: str,
              report: Delivery) -> None:
    outgoing = _outgoing(m, base_url)
    if m.attempts > 1 and channel.can_find:
        # The last try failed in a way that may still have reached the provider (a timeout): ask first.
        try:
            found = channel.find(outgoing)
        except Failure as exc:
            _failed(m, tick(), exc, report)
            return
        if found is not None:
            if _sent(m, tick(), found):
                report.sent += 1
            return
    try:
        sent = channel.send(outgoing)
    except Failure as exc:
        _failed(m, tick(), exc, report)
        return
    except Exception as exc:  # a bug in a channel must not stop the round: the message is retried later
        log.exception("channel %s failed on message %s", m.channel, m.pk)
        _failed(m, tick(), Failure(f"发送程序出错：{type(exc).__name__}", retryable=True), report)
        return
    if _sent(m, tick(), sent):
        report.sent += 1


def outbox_deliver(*, now: dt.datetime, channels: Mapping[str, Channel], base_url: str = "",
                   limit: int = 200, clock: Callable[[], dt.datetime] | None = None) -> Delivery:
    """One round: recover crashed sends, then send up to `limit` due messages, urgent first. Safe to run in
    several workers at once. `channels` are the configured ones (`channels.registry.configured()`); a message
    for a channel no longer configured fails with the reason. `clock` gives the time of each claim and answer in
    a long round (the worker passes the real clock; tests leave it at `now`)."""
    report = Delivery()
    tick = clock or (lambda: now)
    _recover(now, channels, report)
    due = list(OutboundMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now)
               .order_by("-urgent", "next_attempt_at", "pk")[:limit])
    for m in due:
        if not _claim(m, tick()):
            continue  # another worker took it
        after = rules.stale_after(m.kind, m.urgent)
        if m.created_at + after < tick():
            _finish(m, tick(), state=State.FAILED, reason=rules.stale_reason(after))
            report.failed += 1
            continue
        channel = channels.get(m.channel)
        if channel is None:
            _finish(m, tick(), state=State.FAILED, reason=f"未配置{rules.CHANNELS.get(m.channel, m.channel)}发送渠道")
            report.failed += 1
            continue
        _send_one(m, channel, tick, base_url, report)
    return report

"""The outbox: each message sent once, retried with backoff, recovered after a worker died, urgent first; an
in-process channel stands in for the provider (the providers' own fakes are in test_sms_aliyun/test_wechat)."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection, connections

from tongxin.notifications import rules
from tongxin.notifications import selectors as notice_selectors
from tongxin.notifications.channels.base import Failure, Outgoing, Sent
from tongxin.notifications.models import Notice, OutboundMessage
from tongxin.notifications.services.delivery import outbox_deliver
from tongxin.notifications.services.send import Message, Recipient, notice_send

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=TZ)
State = OutboundMessage.State


class Crash(BaseException):
    """The worker dies (killed) between the provider's answer and recording it."""


class FakeChannel:
    def __init__(self, name="sms", *, can_find=True):
        self.name, self.can_find = name, can_find
        self.delivered: dict[str, Outgoing] = {}   # what the provider really has, by key
        self.sends = 0
        self.script: list = []                      # the next answers: "ok", a Failure, "crash-after", "slow"
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> Sent:
        with self.lock:
            self.sends += 1
            step = self.script.pop(0) if self.script else "ok"
        if isinstance(step, Failure):
            raise step
        with self.lock:
            self.delivered[message.key] = message
        if step == "crash-after":
            raise Crash()
        return Sent(provider_id=f"biz-{len(self.delivered)}", answer='{"Code": "OK"}')

    def find(self, message: Outgoing) -> Sent | None:
        return Sent("found", '{"OutId": "%s"}' % message.key) if message.key in self.delivered else None


@pytest.fixture
def sms_on(monkeypatch):
    monkeypatch.setattr(notice_selectors, "enabled_channels", lambda: frozenset({rules.SMS, rules.WECHAT}))


def queue(key="evt-1", *, kind="custody.missing", phone="13800138000", user_id=None, now=NOON):
    notice_send(message=Message(kind, key, "张小明未到托且未请假", "张小明今天没有到托管点。", {"child": "张小明"}),
                recipients=[Recipient("母亲", user_id=user_id, phone=phone)], now=now)
    return OutboundMessage.objects.filter(key__startswith=f"{key}-sms-").get()


def test_an_event_sent_twice_makes_one_message_and_one_notice(sms_on, demo_user):
    user = demo_user("teacher")
    queue(user_id=user.pk)
    queue(user_id=user.pk)
    assert OutboundMessage.objects.filter(key__startswith="evt-1-").count() == 1
    assert Notice.objects.filter(user=user, key="evt-1").count() == 1


def test_without_channels_only_the_inbox_is_written(monkeypatch, demo_user):
    monkeypatch.setattr(notice_selectors, "enabled_channels", lambda: frozenset())
    user = demo_user("teacher")
    notice_send(message=Message("custody.missing", "evt-2", "标题", "内容", {}),
                recipients=[Recipient("老师", user_id=user.pk, phone="13800138000")], now=NOON)
    assert Notice.objects.filter(key="evt-2").count() == 1
    assert not OutboundMessage.objects.filter(key__startswith="evt-2").exists()


def test_a_landline_gets_no_sms(sms_on):
    notice_send(message=Message("care.report", "evt-3", "标题", "内容", {}),
                recipients=[Recipient("派出所", phone="0371-6688123")], now=NOON)
    assert not OutboundMessage.objects.filter(key__startswith="evt-3").exists()


def test_no_id_number_leaves_in_a_message(sms_on):
    notice_send(message=Message("care.report", "evt-4", "报告 11010519491231002X",
                                "身份证号 11010519491231002X", {"child": "11010519491231002X"}),
                recipients=[Recipient("派出所", phone="13800138000")], now=NOON)
    m = OutboundMessage.objects.get(key__startswith="evt-4")
    channel = FakeChannel()
    outbox_deliver(now=NOON, channels={"sms": channel})
    sent = channel.delivered[m.key]
    assert "11010519491231002X" not in sent.text + sent.title + "".join(sent.params.values())


def test_a_due_message_is_sent_once_and_recorded_with_the_providers_answer(sms_on):
    m = queue()
    channel = FakeChannel()
    assert outbox_deliver(now=NOON, channels={"sms": channel}).sent == 1
    assert outbox_deliver(now=NOON, channels={"sms": channel}).sent == 0
    m.refresh_from_db()
    assert (m.state, m.attempts, m.provider_id, channel.sends) == (State.SENT, 1, "biz-1", 1)
    assert m.answer == '{"Code": "OK"}' and m.sent_at == NOON


def test_a_retryable_failure_waits_and_doubles_then_sends(sms_on):
    m = queue()
    channel = FakeChannel(can_find=False)
    channel.script = [Failure("服务商繁忙", retryable=True, answer="503"), Failure("超时", retryable=True)]
    outbox_deliver(now=NOON, channels={"sms": channel})
    m.refresh_from_db()
    assert (m.state, m.next_attempt_at, m.reason) == (State.QUEUED, NOON + dt.timedelta(seconds=30), "服务商繁忙")
    assert outbox_deliver(now=NOON + dt.timedelta(seconds=29), channels={"sms": channel}).touched == 0
    outbox_deliver(now=NOON + dt.timedelta(seconds=30), channels={"sms": channel})
    m.refresh_from_db()
    assert m.next_attempt_at == NOON + dt.timedelta(seconds=90)
    outbox_deliver(now=NOON + dt.timedelta(seconds=90), channels={"sms": channel})
    m.refresh_from_db()
    assert (m.state, m.attempts) == (State.SENT, 3)


def test_a_refused_message_is_not_retried(sms_on):
    m = queue()
    channel = FakeChannel()
    channel.script = [Failure("号码无效", retryable=False, answer='{"Code": "isv.MOBILE_NUMBER_ILLEGAL"}')]
    assert outbox_deliver(now=NOON, channels={"sms": channel}).failed == 1
    m.refresh_from_db()
    assert (m.state, m.reason) == (State.FAILED, "号码无效")
    assert "MOBILE_NUMBER_ILLEGAL" in m.answer


def test_an_urgent_message_gives_up_after_ten_tries(sms_on):
    m = queue()
    channel = FakeChannel(can_find=False)
    channel.script = [Failure("超时", retryable=True)] * 10
    now = NOON
    for _ in range(10):
        outbox_deliver(now=now, channels={"sms": channel})
        now += dt.timedelta(hours=1)
    m.refresh_from_db()
    assert (m.state, m.attempts, channel.sends) == (State.FAILED, 10, 10)
    assert "已尝试 10 次" in m.reason


def test_after_a_timeout_the_provider_is_asked_before_sending_again(sms_on):
    m = queue()
    channel = FakeChannel()

    # The provider got the message but the answer never came back: a retryable failure after delivery.
    def send_then_time_out(message):
        channel.delivered[message.key] = message
        channel.sends += 1
        raise Failure("连接超时", retryable=True)

    channel.send = send_then_time_out  # type: ignore[method-assign]
    outbox_deliver(now=NOON, channels={"sms": channel})
    outbox_deliver(now=NOON + dt.timedelta(minutes=1), channels={"sms": channel})
    m.refresh_from_db()
    assert (m.state, m.provider_id, channel.sends) == (State.SENT, "found", 1)


def test_a_worker_killed_after_sending_does_not_send_twice(sms_on):
    m = queue()
    channel = FakeChannel()
    channel.script = ["crash-after"]
    with pytest.raises(Crash):
        outbox_deliver(now=NOON, channels={"sms": channel})
    m.refresh_from_db()
    assert m.state == State.SENDING
    # Another worker, before the lease ends, leaves it alone; after, asks the provider and finds it.
    assert outbox_deliver(now=NOON + dt.timedelta(minutes=1), channels={"sms": channel}).touched == 0
    report = outbox_deliver(now=NOON + rules.LEASE + dt.timedelta(seconds=1), channels={"sms": channel})
    m.refresh_from_db()
    assert (report.recovered, m.state, channel.sends) == (1, State.SENT, 1)


def test_a_worker_killed_before_the_provider_got_it_sends_it_again(sms_on):
    m = queue()
    channel = FakeChannel()

    def die(message):
        raise Crash()

    channel.send = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        outbox_deliver(now=NOON, channels={"sms": channel})
    later = NOON + rules.LEASE + dt.timedelta(seconds=1)
    healthy = FakeChannel()
    outbox_deliver(now=later, channels={"sms": healthy})  # recovered: not at the provider, queued at once
    outbox_deliver(now=later, channels={"sms": healthy})
    m.refresh_from_db()
    assert (m.state, healthy.sends) == (State.SENT, 1)


def test_a_crash_on_a_channel_that_cannot_be_asked_is_not_resent(sms_on, demo_user):
    user = demo_user("teacher")
    from tongxin.notifications.models import WechatBinding

    WechatBinding.objects.create(user=user, openid="oWx123", bound_at=NOON)
    queue(user_id=user.pk)
    m = OutboundMessage.objects.get(key__startswith="evt-1-wechat-")
    wechat = FakeChannel("wechat", can_find=False)
    wechat.script = ["crash-after"]
    with pytest.raises(Crash):
        outbox_deliver(now=NOON, channels={"wechat": wechat, "sms": FakeChannel()})
    outbox_deliver(now=NOON + rules.LEASE + dt.timedelta(seconds=1), channels={"wechat": wechat, "sms": FakeChannel()})
    m.refresh_from_db()
    assert (m.state, wechat.sends) == (State.UNKNOWN, 1)
    assert "为免重复" in m.reason


def test_urgent_messages_go_first(sms_on):
    calm = queue("absence", kind="care.absence")
    urgent = queue("urgent")
    channel = FakeChannel()
    order: list[str] = []
    original = channel.send

    def record(message):
        order.append(message.key)
        return original(message)

    channel.send = record  # type: ignore[method-assign]
    outbox_deliver(now=NOON, channels={"sms": channel})
    assert order == [urgent.key, calm.key]


def test_a_message_for_a_channel_no_longer_configured_fails_with_the_reason(sms_on):
    m = queue()
    outbox_deliver(now=NOON, channels={})
    m.refresh_from_db()
    assert (m.state, m.reason) == (State.FAILED, "未配置短信发送渠道")


def test_a_calm_message_queued_at_night_waits_for_seven(sms_on):
    m = queue("night", kind="care.absence", now=dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ))
    assert m.next_attempt_at == dt.datetime(2026, 12, 5, 7, 0, tzinfo=TZ)
    urgent = queue("night-urgent", now=dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ))
    assert urgent.next_attempt_at == dt.datetime(2026, 12, 4, 23, 30, tzinfo=TZ)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(sms_on):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    for i in range(40):
        queue(f"race-{i}", phone=f"138001380{i:02d}")
    channel = FakeChannel()
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            outbox_deliver(now=NOON, channels={"sms": channel})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert channel.sends == 40 and len(channel.delivered) == 40
    assert OutboundMessage.objects.filter(state=State.SENT).count() == 40


def test_a_message_not_sent_within_a_day_is_dropped_as_stale(sms_on):
    m = queue()
    channel = FakeChannel()
    outbox_deliver(now=NOON + dt.timedelta(hours=24, seconds=1), channels={"sms": channel})
    m.refresh_from_db()
    assert (m.state, channel.sends) == (State.FAILED, 0) and "超过 1 天未能发出" in m.reason


def test_a_calm_message_keeps_three_days():
    assert rules.stale_after("care.absence", False) == dt.timedelta(days=3)
    assert rules.stale_reason(dt.timedelta(days=3)).startswith("超过 3 天未能发出")

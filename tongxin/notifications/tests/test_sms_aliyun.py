"""The Alibaba Cloud SMS channel against the local fake of Aliyun's API (no request leaves the machine)."""

import datetime as dt
import json
import socket
import time
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from tongxin.notifications.channels.base import Failure, Outgoing
from tongxin.notifications.channels.sms_aliyun import AliyunSms, SmsSettings, classify
from tongxin.notifications.testing.fakes import Code, Delay, Drop, FakeAliyunSms, Status

CHINA = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"


def message(key="n-1", address=PHONE, kind="custody.late_pickup", **more):
    return Outgoing(key=key, address=address, kind=kind, params={"child": "李小明", "time": "17:40"},
                    title="孩子尚未接走", text="李小明 17:40 尚未接走", **more)


@pytest.fixture
def fake():
    with FakeAliyunSms(templates={"custody.late_pickup": "SMS_100000001"}) as fake:
        with override_settings(**fake.settings(), NOTIFY_READ_TIMEOUT=0.5):
            yield fake


@pytest.fixture
def channel(fake):
    return AliyunSms(SmsSettings.from_settings())


def failure_of(channel, msg=None):
    with pytest.raises(Failure) as caught:
        channel.send(msg or message())
    return caught.value


def test_send_reaches_the_provider_with_the_kinds_template_its_params_and_the_key_as_out_id(fake, channel):
    sent = channel.send(message(key="n-abc"))

    [row] = fake.sent
    assert (row["phone"], row["sign"], row["template"], row["out_id"]) == (PHONE, "童心", "SMS_100000001", "n-abc")
    assert row["params"] == {"child": "李小明", "time": "17:40"}
    assert sent.provider_id == row["biz_id"]
    assert json.loads(sent.answer)["Code"] == "OK"


def test_a_kind_without_a_template_of_its_own_is_sent_with_the_default_template(fake, channel):
    channel.send(message(kind="care.visit_due"))

    assert fake.sent[0]["template"] == "SMS_000000000"


def test_a_timeout_is_a_retryable_failure_after_about_the_read_timeout(fake, channel):
    fake.script(Delay(5))
    started = time.monotonic()

    failure = failure_of(channel)

    assert failure.retryable and "超时" in failure.reason
    assert time.monotonic() - started < 4.5  # gave up before the 5 s the server would have taken


def test_http_500_is_retryable(fake, channel):
    fake.script(Status(500))

    assert failure_of(channel).retryable


def test_service_unavailable_is_retryable(fake, channel):
    fake.script(Code("ServiceUnavailable", status=503))

    failure = failure_of(channel)

    assert failure.retryable and "ServiceUnavailable" in failure.reason


def test_a_dropped_connection_is_retryable(fake, channel):
    fake.script(Drop())

    assert failure_of(channel).retryable


def test_a_refused_connection_is_retryable():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with FakeAliyunSms() as fake, override_settings(**{**fake.settings(), "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{port}"}):
        failure = failure_of(AliyunSms(SmsSettings.from_settings()))

    assert failure.retryable and "无法连接" in failure.reason
    assert PHONE not in failure.reason


def test_a_bad_number_is_not_retryable_and_the_reason_does_not_name_it(fake, channel):
    failure = failure_of(channel, message(address="1380013800"))

    assert not failure.retryable and "isv.MOBILE_NUMBER_ILLEGAL" in failure.reason
    assert "1380013800" not in failure.reason
    assert fake.sent == []


def test_the_providers_throttle_is_retryable(fake, channel):
    fake.script(Code("isv.BUSINESS_LIMIT_CONTROL"))

    failure = failure_of(channel)

    assert failure.retryable and "流控" in failure.reason
    assert json.loads(failure.answer)["Code"] == "isv.BUSINESS_LIMIT_CONTROL"


@pytest.mark.parametrize("answer", [
    Code("isv.SMS_TEMPLATE_ILLEGAL"),
    Code("isv.SMS_SIGNATURE_ILLEGAL"),
    Code("isv.TEMPLATE_MISSING_PARAMETERS"),
    Code("InvalidAccessKeyId.NotFound", status=404),
])
def test_template_sign_parameter_and_key_errors_are_not_retryable(fake, channel, answer):
    fake.script(answer)

    failure = failure_of(channel)

    assert not failure.retryable and answer.code in failure.reason


def test_a_template_the_provider_does_not_know_is_refused_as_not_retryable(fake):
    with override_settings(NOTIFY_SMS_TEMPLATES={"custody.late_pickup": "SMS_999"}):
        failure = failure_of(AliyunSms(SmsSettings.from_settings()))

    assert not failure.retryable and "isv.SMS_TEMPLATE_ILLEGAL" in failure.reason


def test_a_wrong_key_secret_fails_the_signature_and_stays_out_of_the_reason(fake):
    with override_settings(NOTIFY_SMS_ACCESS_KEY_SECRET="not-the-secret-0123"):
        failure = failure_of(AliyunSms(SmsSettings.from_settings()))

    assert not failure.retryable and "SignatureDoesNotMatch" in failure.reason
    assert "not-the-secret-0123" not in failure.reason + failure.answer
    assert fake.sent == []


def test_find_returns_the_earlier_send_by_its_key_and_none_for_an_unknown_key(fake, channel):
    channel.send(message(key="n-1"))
    channel.send(message(key="n-2"))

    found = channel.find(message(key="n-1"))

    assert found is not None and json.loads(found.answer)["OutId"] == "n-1"
    assert PHONE not in found.answer
    assert channel.find(message(key="n-3")) is None


def test_find_does_not_count_a_send_the_provider_reports_failed(fake, channel):
    channel.send(message(key="n-1"))
    fake.sent[0]["status"] = 2

    assert channel.find(message(key="n-1")) is None


def test_find_looks_at_the_next_day_for_a_message_made_just_before_midnight(fake, channel):
    yesterday = timezone.localtime(timezone.now(), CHINA).date() - dt.timedelta(days=1)
    made = dt.datetime.combine(yesterday, dt.time(23, 58), CHINA)
    fake.clock = lambda: made + dt.timedelta(minutes=5)  # sent just after midnight
    channel.send(message(key="n-late"))

    assert channel.find(message(key="n-late", created_at=made)) is not None


def test_find_pages_through_more_sends_than_one_page_holds(fake, channel):
    for n in range(55):
        channel.send(message(key=f"n-{n}"))

    assert channel.find(message(key="n-54")) is not None


@pytest.mark.parametrize("answer", [Status(500), Code("isv.INVALID_PARAMETERS"), Delay(5)])
def test_an_error_while_finding_is_retryable(fake, channel, answer):
    channel.send(message())
    fake.script(answer, action="QuerySendDetails")

    with pytest.raises(Failure) as caught:
        channel.find(message())

    assert caught.value.retryable


def test_an_unknown_platform_error_is_retryable_and_an_unknown_request_error_is_not():
    assert classify("isp.SOMETHING_NEW")[1]
    assert not classify("isv.SOMETHING_NEW", "号码 13812345678 不可用")[1]
    assert "13812345678" not in classify("isv.SOMETHING_NEW", "号码 13812345678 不可用")[0]

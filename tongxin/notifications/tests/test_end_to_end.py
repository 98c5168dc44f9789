"""The flows end to end against the loopback fakes of Aliyun SMS and WeChat: an event queues, the worker's task
sends through the real channels, the provider has the message once; a timeout after the provider took it is not
sent twice; a person binds WeChat through the OAuth round trip and gets the next urgent notice there too."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tongxin.care.report_choices import Situation
from tongxin.care.report_models import ReportRoute
from tongxin.care.services import reports as report_svc
from tongxin.care.tests.test_reports import _teacher_and_pupil
from tongxin.notifications.channels.registry import configured
from tongxin.notifications.models import OutboundMessage, WechatBinding
from tongxin.notifications.services.delivery import outbox_deliver
from tongxin.notifications.tasks import deliver_outbox_task
from tongxin.notifications.testing.fakes import Delay, FakeAliyunSms, FakeWechat

pytestmark = pytest.mark.django_db
State = OutboundMessage.State


@pytest.fixture
def providers(tmp_path):
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "notifications": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                "LOCATION": str(tmp_path / "cache")}}
    with FakeAliyunSms(templates={"care.report": "SMS_900000001"}) as sms, FakeWechat() as wechat:
        with override_settings(**sms.settings(), **wechat.settings(), CACHES=caches, NOTIFY_READ_TIMEOUT=0.5,
                               SITE_URL="https://tongxin.example.gov.cn",
                               NOTIFY_WECHAT_FIELDS={"child": "thing1", "place": "thing2", "time": "time3"}):
            yield sms, wechat


def _report(demo_user, now=None):
    teacher, child = _teacher_and_pupil(demo_user)
    ReportRoute.objects.filter(township__name="石门乡").update(police_phone="13907951100")
    return child, report_svc.report_raise(teacher, child_id=child.pk, situation=Situation.SUSPECTED_HARM,
                                          description="手臂有淤青", now=now or timezone.now())


def test_a_report_reaches_the_police_mobile_through_the_worker_once(demo_user, providers):
    sms, _ = providers
    child, report = _report(demo_user)
    assert deliver_outbox_task.call() >= 2
    assert deliver_outbox_task.call() == 0
    to_police = [m for m in sms.sent if m["phone"] == "13907951100"]
    assert len(to_police) == 1
    assert to_police[0]["template"] == "SMS_900000001" and to_police[0]["params"]["child"] == child.name
    row = OutboundMessage.objects.get(key=to_police[0]["out_id"])
    assert row.state == State.SENT and row.provider_id == to_police[0]["biz_id"]


def test_a_provider_that_took_the_message_but_timed_out_is_asked_not_sent_again(demo_user, providers):
    sms, _ = providers
    now = timezone.now()
    _report(demo_user, now)
    sms.script(Delay(1.5))  # longer than the 0.5 s read timeout: the provider sends it, the answer never comes
    outbox_deliver(now=now, channels=configured())
    first = OutboundMessage.objects.get(channel="sms", kind="care.report", state=State.QUEUED)
    assert "可能已发出" in first.reason and first.attempts == 1
    outbox_deliver(now=now + dt.timedelta(minutes=1), channels=configured())
    first.refresh_from_db()
    assert first.state == State.SENT
    assert [m["out_id"] for m in sms.sent].count(first.key) == 1


def test_binding_wechat_through_oauth_then_an_urgent_notice_arrives_there(client, demo_user, providers):
    _, wechat = providers
    _, probe = _teacher_and_pupil(demo_user)
    contact = ReportRoute.objects.get(township__name="石门乡").government_contact
    client.force_login(contact)
    authorise = client.get(reverse("notifications:wechat_bind"))
    assert authorise.status_code == 302 and authorise["Location"].startswith(wechat.url)
    state = authorise["Location"].split("state=")[1].split("&")[0].split("#")[0]
    wechat.next_openid = "oContact123"
    code = wechat.code_for("oContact123")
    done = client.get(reverse("notifications:wechat_callback"), {"code": code, "state": state}, follow=True)
    assert "已绑定微信" in done.content.decode()
    assert WechatBinding.objects.get(user=contact).openid == "oContact123"
    _report(demo_user)
    deliver_outbox_task.call()
    sent = [m for m in wechat.sent if m["openid"] == "oContact123"]
    assert len(sent) == 1 and "thing1" in sent[0]["data"]
    assert sent[0]["url"].startswith("https://tongxin.example.gov.cn/care/reports/")


def test_a_forged_binding_state_binds_nothing(client, demo_user, providers):
    _, wechat = providers
    user = demo_user("teacher")
    client.force_login(user)
    response = client.get(reverse("notifications:wechat_callback"),
                          {"code": wechat.code_for("oEvil"), "state": "forged"}, follow=True)
    assert "绑定链接已失效" in response.content.decode()
    assert not WechatBinding.objects.filter(user=user).exists()

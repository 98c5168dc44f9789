"""The WeChat template-message channel and the OAuth that finds a user's openid, against the local fake of
WeChat's API (no request leaves the machine)."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import override_settings

from tongxin.notifications.channels import wechat
from tongxin.notifications.channels.base import Failure, Outgoing
from tongxin.notifications.channels.wechat import Wechat, WechatSettings
from tongxin.notifications.testing.fakes import Code, Delay, FakeWechat, Status

OPENID = "oTx3Q5zv-A1b2C3d4E5f6G7h8I9j"


def message(key="n-1", address=OPENID, kind="custody.late_pickup", link="https://tongxin.example/custody/1"):
    return Outgoing(key=key, address=address, kind=kind, params={"thing1": "李小明", "time2": "17:40"},
                    title="孩子尚未接走", text="李小明 17:40 尚未接走", link=link)


@pytest.fixture
def fake(tmp_path):
    # The token lives in a file cache as in production, here one of the test's own.
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "notifications": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                "LOCATION": str(tmp_path / "cache")}}
    with FakeWechat(templates={"custody.late_pickup": "TPL-LATE-PICKUP"}) as fake:
        with override_settings(**fake.settings(), CACHES=caches, NOTIFY_READ_TIMEOUT=0.5):
            yield fake


@pytest.fixture
def channel(fake):
    return Wechat(WechatSettings.from_settings())


def failure_of(channel, msg=None):
    with pytest.raises(Failure) as caught:
        channel.send(msg or message())
    return caught.value


def test_send_posts_the_kinds_template_with_the_params_as_data_and_the_link(fake, channel):
    sent = channel.send(message())

    [row] = fake.sent
    assert (row["openid"], row["template"], row["url"]) == (OPENID, "TPL-LATE-PICKUP", "https://tongxin.example/custody/1")
    assert row["data"] == {"thing1": {"value": "李小明"}, "time2": {"value": "17:40"}}
    assert sent.provider_id == str(row["msgid"])
    assert json.loads(sent.answer)["errcode"] == 0


def test_a_message_without_a_link_is_sent_without_url_and_a_kind_without_template_with_the_default(fake, channel):
    channel.send(message(kind="care.visit_due", link=""))

    assert (fake.sent[0]["template"], fake.sent[0]["url"]) == ("FAKE-TEMPLATE-DEFAULT", None)


def test_two_sends_fetch_the_access_token_once(fake, channel):
    channel.send(message(key="n-1"))
    channel.send(message(key="n-2"))

    assert fake.token_requests == 1 and len(fake.sent) == 2


def test_channels_built_apart_share_the_token_through_the_cache(fake):
    Wechat(WechatSettings.from_settings()).send(message(key="n-1"))
    Wechat(WechatSettings.from_settings()).send(message(key="n-2"))

    assert fake.token_requests == 1


def test_an_expired_token_is_fetched_anew_and_the_message_sent_in_the_same_call(fake, channel):
    channel.send(message(key="n-1"))
    fake.expire_tokens()

    channel.send(message(key="n-2"))

    assert fake.token_requests == 2 and [row["msgid"] for row in fake.sent] == [3000000001, 3000000002]


def test_an_answer_40001_refreshes_the_token_once_then_succeeds(fake, channel):
    fake.script(Code(40001))

    channel.send(message())

    assert fake.token_requests == 2 and len(fake.sent) == 1


def test_a_token_refused_again_after_refreshing_is_a_retryable_failure_without_more_fetches(fake, channel):
    fake.script(Code(40001), Code(42001))

    failure = failure_of(channel)

    assert failure.retryable and fake.token_requests == 2 and fake.sent == []


def test_a_user_who_does_not_follow_the_account_is_not_retryable_and_not_named(fake, channel):
    fake.unsubscribed.add(OPENID)

    failure = failure_of(channel)

    assert not failure.retryable and "43004" in failure.reason
    assert OPENID not in failure.reason


@pytest.mark.parametrize("errcode", [40003, 40037, 47003])
def test_a_bad_openid_template_or_data_is_not_retryable(fake, channel, errcode):
    fake.script(Code(errcode))

    assert not failure_of(channel).retryable


@pytest.mark.parametrize("errcode", [-1, 45009])
def test_wechat_busy_or_over_its_quota_is_retryable(fake, channel, errcode):
    fake.script(Code(errcode))

    assert failure_of(channel).retryable


def test_http_5xx_is_retryable(fake, channel):
    fake.script(Status(502))

    failure = failure_of(channel)

    assert failure.retryable and "502" in failure.reason


def test_a_timeout_is_a_retryable_failure_after_about_the_read_timeout(fake, channel):
    channel.send(message(key="n-0"))  # the token first: the delay is the send's
    fake.script(Delay(5))
    started = time.monotonic()

    failure = failure_of(channel)

    assert failure.retryable and "超时" in failure.reason
    assert time.monotonic() - started < 4.5  # gave up before the 5 s the server would have taken


def test_a_timeout_fetching_the_token_is_retryable(fake, channel):
    fake.script(Delay(5), action="token")
    started = time.monotonic()

    assert failure_of(channel).retryable
    assert time.monotonic() - started < 4.5  # gave up before the 5 s the server would have taken


def test_a_wrong_app_secret_is_not_retryable_and_stays_out_of_the_reason(fake):
    with override_settings(NOTIFY_WECHAT_APP_SECRET="not-the-secret-0123"):
        failure = failure_of(Wechat(WechatSettings.from_settings()))

    assert not failure.retryable and "AppSecret" in failure.reason
    assert "not-the-secret-0123" not in failure.reason + failure.answer


def test_the_channel_cannot_find_a_message_afterwards(channel):
    assert channel.can_find is False and channel.find(message()) is None


def test_oauth_url_asks_wechat_silently_for_the_openid_and_comes_back_with_the_state(fake):
    url = urlsplit(wechat.oauth_url("https://tongxin.example/me/wechat?next=/", "s7Xk2"))
    query = parse_qs(url.query)

    assert f"{url.scheme}://{url.netloc}{url.path}" == fake.url + "/connect/oauth2/authorize"
    assert query["appid"] == [fake.app_id] and query["scope"] == ["snsapi_base"] and query["state"] == ["s7Xk2"]
    assert query["redirect_uri"] == ["https://tongxin.example/me/wechat?next=/"]
    assert url.fragment == "wechat_redirect"


def test_openid_from_code_gives_the_users_openid(fake):
    assert wechat.openid_from_code(fake.code_for(OPENID)) == OPENID


def test_a_code_used_twice_or_unknown_is_refused_as_not_retryable(fake):
    code = fake.code_for(OPENID)
    wechat.openid_from_code(code)

    for bad in (code, "0" * 32):
        with pytest.raises(Failure) as caught:
            wechat.openid_from_code(bad)
        assert not caught.value.retryable


def test_the_fakes_oauth_page_sends_the_browser_back_with_a_code_for_the_next_openid(fake):
    fake.next_openid = OPENID

    answer = requests.get(wechat.oauth_url("https://tongxin.example/me/wechat", "s1"), allow_redirects=False,
                          timeout=5)
    back = urlsplit(answer.headers["Location"])

    assert answer.status_code == 302 and parse_qs(back.query)["state"] == ["s1"]
    assert wechat.openid_from_code(parse_qs(back.query)["code"][0]) == OPENID


def test_oauth_without_a_configured_account_is_refused():
    with override_settings(NOTIFY_WECHAT_APP_ID="", NOTIFY_WECHAT_APP_SECRET=""):
        with pytest.raises(Failure):
            wechat.openid_from_code("abc")


def test_an_unusable_token_cache_does_not_stop_the_sends(fake, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "notifications": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                "LOCATION": str(blocked / "cache")}}
    with override_settings(CACHES=caches):
        channel = Wechat(WechatSettings.from_settings())
        channel.send(message(key="n-1"))
        channel.send(message(key="n-2"))

    assert len(fake.sent) == 2 and fake.token_requests == 1

"""WeChat official-account (服务号) template messages, with wechatpy; and the OAuth (snsapi_base) that finds a user's
openid, for binding it to the user's account.

`send` is one message/template/send: the template chosen by the notification's kind, the parameters as the
template's data and the page's link. An access token that WeChat calls expired or invalid (40001, 40014, 42001) is
fetched anew once and the message sent again in the same call. WeChat cannot say afterwards whether a message went
out (`can_find = False`).

The access token lives in Django's "notifications" cache (a file cache in tongxin/settings.py), so that every
process of the machine uses the same one: WeChat keeps an old token valid only 5 minutes after a new one is fetched,
and counts the fetches. wechatpy is told not to retry by itself (it would fetch tokens without end while WeChat
answered 40001) and is given the timeouts it leaves out of its token and OAuth requests.

Neither a reason nor a log line carries the app secret, a token or an openid: the requests' own error texts, which
name the URL with its token, are not passed on."""

import hashlib
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException, WeChatOAuthException
from wechatpy.oauth import WeChatOAuth
from wechatpy.session import SessionStorage

from .base import Failure, Outgoing, Sent

logger = logging.getLogger(__name__)

ANSWER_LIMIT = 2000
TOKEN_INVALID = {40001, 40014, 42001}
TOKEN_MARGIN = 300  # seconds: a token is fetched anew this long before WeChat says it ends

# WeChat's errcodes (全局返回码) whose cause passes by itself ...
RETRYABLE = {
    -1: "微信系统繁忙",
    45009: "微信接口调用已达今日上限",
    45011: "微信接口调用过于频繁",
    45047: "微信下行消息超过上限",
}
# ... and those that the same request will always get again.
FINAL = {
    40003: "openid 无效（用户需重新绑定微信）",
    43004: "用户未关注公众号",
    43101: "用户拒绝接收该消息",
    40037: "模板 ID 无效（检查 TONGXIN_WECHAT_TEMPLATES）",
    40036: "模板 ID 长度不正确（检查 TONGXIN_WECHAT_TEMPLATES）",
    47003: "模板参数与模板不符",
    47001: "请求数据格式错误",
    44002: "请求数据为空",
    48001: "公众号未获得模板消息接口权限",
    40164: "服务器 IP 不在公众号的 IP 白名单中",
    40013: "AppID 无效（检查 TONGXIN_WECHAT_APP_ID）",
    40125: "AppSecret 不正确（检查 TONGXIN_WECHAT_APP_SECRET）",
    41004: "缺少 AppSecret",
    40029: "授权码 code 无效",
    40163: "授权码 code 已被使用",
    42003: "授权码 code 已过期",
    50001: "用户未授权该接口",
    50002: "公众号受限（违规）",
}
TOKEN_FETCH = {40001: "AppSecret 不正确（检查 TONGXIN_WECHAT_APP_SECRET）"}


@dataclass(frozen=True)
class WechatSettings:
    app_id: str
    app_secret: str = field(repr=False)
    templates: Mapping[str, str]
    default_template: str
    api_base: str               # https://api.weixin.qq.com/, or http://127.0.0.1:PORT/ for the fake
    oauth_base: str             # https://open.weixin.qq.com/connect/
    connect_timeout: float      # seconds
    read_timeout: float
    fields: Mapping[str, str] = field(default_factory=dict)  # our variable -> the template's field name

    @classmethod
    def from_settings(cls) -> "WechatSettings | None":
        """The channel's settings, or None when the app is not set (tongxin/settings.py checked the environment;
        this checks again for settings overridden in tests)."""
        app_id = getattr(settings, "NOTIFY_WECHAT_APP_ID", "")
        secret = getattr(settings, "NOTIFY_WECHAT_APP_SECRET", "")
        if not app_id and not secret:
            return None
        found = cls(
            app_id=app_id,
            app_secret=secret,
            templates=dict(getattr(settings, "NOTIFY_WECHAT_TEMPLATES", {})),
            default_template=getattr(settings, "NOTIFY_WECHAT_DEFAULT_TEMPLATE", ""),
            api_base=_slashed(getattr(settings, "NOTIFY_WECHAT_API_BASE", "https://api.weixin.qq.com/")),
            oauth_base=_slashed(getattr(settings, "NOTIFY_WECHAT_OAUTH_BASE", "https://open.weixin.qq.com/connect/")),
            connect_timeout=float(getattr(settings, "NOTIFY_CONNECT_TIMEOUT", 3)),
            read_timeout=float(getattr(settings, "NOTIFY_READ_TIMEOUT", 5)),
            fields=dict(getattr(settings, "NOTIFY_WECHAT_FIELDS", {})),
        )
        missing = [name for name, value in [("TONGXIN_WECHAT_APP_ID", app_id), ("TONGXIN_WECHAT_APP_SECRET", secret)]
                   if not value]
        if not (found.templates or found.default_template):
            missing.append("TONGXIN_WECHAT_TEMPLATES 或 TONGXIN_WECHAT_DEFAULT_TEMPLATE")
        if missing:
            raise ImproperlyConfigured(f"微信通道设置不全，缺少 {'、'.join(missing)}。")
        return found

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


class CacheStorage(SessionStorage):
    """wechatpy's session storage in a Django cache: the access token shared by the processes using that cache.
    A cache that cannot be used (e.g. its directory is not writable) is reported once and replaced by this
    process's memory: the messages still go out, each process with a token of its own."""

    def __init__(self, alias: str | None = None) -> None:
        self._memory: dict[str, Any] | None = None
        try:
            self.cache = caches[alias or ("notifications" if "notifications" in settings.CACHES else "default")]
        except Exception:
            self._give_up()

    def get(self, key: str, default: Any = None) -> Any:
        if self._memory is None:
            try:
                return self.cache.get(key, default)
            except Exception:
                self._give_up()
        assert self._memory is not None
        return self._memory.get(key, default)

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        if self._memory is None:
            try:
                self.cache.set(key, value, None if ttl is None else max(int(ttl) - TOKEN_MARGIN, 60))
                return
            except Exception:
                self._give_up()
        assert self._memory is not None
        self._memory[key] = value

    def delete(self, key: str) -> None:
        if self._memory is None:
            try:
                self.cache.delete(key)
                return
            except Exception:
                self._give_up()
        assert self._memory is not None
        self._memory.pop(key, None)

    def _give_up(self) -> None:
        logger.warning("微信 access_token 的缓存不可用（TONGXIN_NOTIFY_CACHE_DIR），改存本进程内存", exc_info=True)
        self._memory = {}


class TokenError(WeChatClientException):
    """WeChat refused to give an access token (a wrong app secret, an address not on the IP whitelist, ...)."""


class _Client(WeChatClient):
    """wechatpy's client, at the configured address, with timeouts on the token fetch too."""

    def __init__(self, config: WechatSettings, storage: SessionStorage) -> None:
        super().__init__(config.app_id, config.app_secret, session=storage, timeout=config.timeout, auto_retry=False)
        self.API_BASE_URL = config.api_base + "cgi-bin/"
        self._token_url = config.api_base + "cgi-bin/token"
        # One token per app and address: the fakes' tokens never stand in for WeChat's.
        self._token_key = f"wechat-token-{config.app_id}-{hashlib.sha256(config.api_base.encode()).hexdigest()[:12]}"

    @property
    def access_token_key(self) -> str:
        return self._token_key

    def fetch_access_token(self) -> dict[str, Any]:
        response = self._http.get(self._token_url, timeout=self.timeout, params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        if response.status_code >= 400:
            raise TokenError(None, None, client=self, response=response)
        result = _decoded(response)
        if result is None:
            raise TokenError(None, "unreadable", client=self, response=response)
        if result.get("errcode") or "access_token" not in result:
            raise TokenError(result.get("errcode"), result.get("errmsg"), client=self, response=response)
        expires_in = int(result.get("expires_in") or 7200)
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result


class Wechat:
    name = "wechat"
    can_find = False

    def __init__(self, config: WechatSettings, storage: SessionStorage | None = None) -> None:
        self.config = config
        self._client = _Client(config, storage or CacheStorage())

    def template_for(self, kind: str) -> str:
        return self.config.templates.get(kind) or self.config.default_template

    def send(self, message: Outgoing) -> Sent:
        template = self.template_for(message.kind)
        if not template:
            raise Failure(f"未给“{message.kind}”类通知配置微信模板（TONGXIN_WECHAT_TEMPLATES 或 "
                          f"TONGXIN_WECHAT_DEFAULT_TEMPLATE）", retryable=False)
        data = {self.config.fields.get(name, name): {"value": value} for name, value in message.params.items()}
        try:
            try:
                result = self._client.message.send_template(message.address, template, data, url=message.link or None)
            except TokenError:
                raise
            except WeChatClientException as error:
                if error.errcode not in TOKEN_INVALID:
                    raise
                self._client.fetch_access_token()
                result = self._client.message.send_template(message.address, template, data, url=message.link or None)
        except (WeChatClientException, requests.RequestException) as error:
            failure = _failure(error, "微信消息发送失败")
            logger.warning("通知 %s：%s", message.key, failure.reason)
            raise failure from None
        if not isinstance(result, dict):
            raise Failure("微信消息发送失败：微信接口的应答无法识别", retryable=True, answer=_text(result))
        return Sent(provider_id=str(result.get("msgid") or ""), answer=_answer(result))

    def find(self, message: Outgoing) -> Sent | None:
        return None


class _OAuth(WeChatOAuth):
    """wechatpy's web OAuth at the configured addresses, with timeouts."""

    def __init__(self, config: WechatSettings, redirect_uri: str = "", state: str = "") -> None:
        super().__init__(config.app_id, config.app_secret, redirect_uri, scope="snsapi_base", state=state)
        self.API_BASE_URL = config.api_base
        self.OAUTH_BASE_URL = config.oauth_base
        self._timeout = config.timeout

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self._timeout)
        return super()._request(method, url_or_endpoint, **kwargs)


def oauth_url(redirect_uri: str, state: str) -> str:
    """Where to send a user's WeChat browser so that WeChat sends it back to `redirect_uri` with ?code=…&state=…
    (silently: snsapi_base asks the user nothing). `state`: up to 128 of [A-Za-z0-9_-]."""
    if not re.fullmatch(r"https?://\S+", redirect_uri):
        raise ValueError("redirect_uri 应为完整的 http(s) 地址")
    if not re.fullmatch(r"[A-Za-z0-9_-]{0,128}", state):
        raise ValueError("state 只能由字母、数字、_ 和 - 组成，至多 128 个")
    return _OAuth(_configured(), redirect_uri, state).authorize_url


def openid_from_code(code: str) -> str:
    """The openid of the user whose WeChat browser came back with `code` (a code serves once, for 5 minutes)."""
    config = _configured()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", code or ""):
        raise Failure("微信授权码格式不正确", retryable=False)
    try:
        result = _OAuth(config).fetch_access_token(code)
    except (WeChatClientException, requests.RequestException, ValueError, KeyError) as error:
        raise _failure(error, "微信授权失败") from None
    openid = result.get("openid") if isinstance(result, dict) else None
    if not isinstance(openid, str) or not openid:  # the answer holds the user's tokens: it is not kept
        raise Failure("微信授权失败：应答中没有 openid", retryable=True)
    return openid


def _configured() -> WechatSettings:
    config = WechatSettings.from_settings()
    if config is None:
        raise Failure("未配置微信公众号（TONGXIN_WECHAT_APP_ID、TONGXIN_WECHAT_APP_SECRET）", retryable=False)
    return config


def classify(errcode: int, *, asking: str = "send") -> tuple[str, bool]:
    """What a WeChat errcode means, in Chinese, and whether the same request may succeed later. `asking`: "send",
    "token" (the app's access token) or "oauth" (a user's code): the last two carry the app secret, so 40001 there
    means that the secret is wrong."""
    if asking != "send" and errcode in TOKEN_FETCH:
        return f"{TOKEN_FETCH[errcode]}（{errcode}）", False
    prefix = "获取 access_token 失败：" if asking == "token" else ""
    if errcode in TOKEN_INVALID:
        return f"{prefix}access_token 重新获取后仍无效（{errcode}）", True
    if errcode in RETRYABLE:
        return f"{prefix}{RETRYABLE[errcode]}（{errcode}）", True
    if errcode in FINAL:
        return f"{prefix}{FINAL[errcode]}（{errcode}）", False
    return f"{prefix}微信接口返回错误（{errcode}）", 45000 <= errcode < 46000  # 450xx: limits that reset


def _failure(error: Exception, doing: str) -> Failure:
    if isinstance(error, requests.RequestException):
        if isinstance(error, requests.ReadTimeout):
            return Failure(f"{doing}：等待微信接口应答超时（可能已发出）", retryable=True)
        if isinstance(error, requests.Timeout):
            return Failure(f"{doing}：连接微信接口超时", retryable=True)
        text = str(error)
        if "aborted" in text or "reset" in text or "RemoteDisconnected" in text:
            return Failure(f"{doing}：与微信接口的连接中断（可能已发出）", retryable=True)
        return Failure(f"{doing}：无法连接微信接口", retryable=True)
    if isinstance(error, (ValueError, KeyError)):  # the OAuth answer was not JSON, or not the expected one
        return Failure(f"{doing}：微信接口的应答无法识别", retryable=True)
    assert isinstance(error, WeChatClientException)
    response = error.response
    answer = _text(response)
    if error.errcode is None or error.errcode == "":
        status = getattr(response, "status_code", None)
        if status is not None and status >= 400:
            return Failure(f"{doing}：微信接口返回 HTTP {status}", retryable=status >= 500 or status == 429,
                           answer=answer)
        return Failure(f"{doing}：微信接口的应答无法识别", retryable=True, answer=answer)
    asking = "token" if isinstance(error, TokenError) else "oauth" if isinstance(error, WeChatOAuthException) else "send"
    reason, retryable = classify(int(error.errcode), asking=asking)
    return Failure(f"{doing}：{reason}", retryable=retryable, answer=answer)


def _decoded(response: requests.Response) -> dict[str, Any] | None:
    try:
        result = json.loads(response.content.decode("utf-8", "ignore"), strict=False)
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def _text(response: Any) -> str:
    if isinstance(response, requests.Response):
        return response.content.decode("utf-8", "replace")[:ANSWER_LIMIT]
    return ""


def _answer(result: Mapping[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False)[:ANSWER_LIMIT]


def _slashed(url: str) -> str:
    return url if url.endswith("/") else url + "/"

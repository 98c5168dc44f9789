"""SMS through Alibaba Cloud's SMS service (阿里云短信服务, Dysmsapi 2017-05-25), with its official Python SDK.

`send` is one SendSms call: the sign name from the settings, the template chosen by the notification's kind, the
parameters as the template's JSON and the outbox's key as OutId. `find` asks QuerySendDetails for the number's sends
on the day the message was made (and the next day, once it has begun) and answers with the one whose OutId is the key.

A failure says why in Chinese for the outbox page and whether a later try may succeed: a timeout, a dropped or refused
connection, a 5xx, Aliyun's throttles and quotas and its platform errors pass by themselves; a bad number, a wrong
template, sign or key do not (the codes are those of Aliyun's 国内消息 API 错误码). Neither a reason nor a log line
carries the key secret or the phone number (Aliyun's own text goes through `_masked`)."""

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525 import models as sms
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi
from darabonba.exceptions import ResponseException, RetryError, UnretryableException
from darabonba.runtime import RuntimeOptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .base import Failure, Outgoing, Sent

logger = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 50          # QuerySendDetails' largest page
MAX_PAGES = 20          # 1,000 sends to one number in a day: far past Aliyun's own per-number limits
ANSWER_LIMIT = 2000
FAILED = 2              # QuerySendDetails' SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered

# Aliyun's codes whose cause passes by itself: throttles, quotas that reset, an account topped up, platform errors.
RETRYABLE = {
    "isv.BUSINESS_LIMIT_CONTROL": "触发阿里云短信业务流控（同一号码短时间内发送过多）",
    "isv.DAY_LIMIT_CONTROL": "已达短信控制台设置的日发送量上限",
    "isv.MONTH_LIMIT_CONTROL": "已达短信控制台设置的月发送量上限",
    "isv.OUT_OF_SERVICE": "阿里云账户余额不足，短信业务已停机，充值后可重发",
    "isv.AMOUNT_NOT_ENOUGH": "阿里云账户余额不足，充值后可重发",
    "isv.BILLING_DEDUCTION_ERROR": "阿里云短信扣费异常",
    "isp.SYSTEM_ERROR": "阿里云短信平台系统错误",
    "isp.GATEWAY_ERROR": "阿里云短信平台网关错误",
    "isp.UNKNOWN": "阿里云短信平台未知错误",
    "ServiceUnavailable": "阿里云短信服务暂时不可用",
    "InternalError": "阿里云短信服务内部错误",
    "SignatureNonceUsed": "请求随机数重复",
}
# ... and those that the same request will always get again: the number, the template, the sign or the key is wrong.
FINAL = {
    "isv.MOBILE_NUMBER_ILLEGAL": "手机号码格式不正确",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过上限",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": "所用模板为国际/港澳台模板，不能发送境内号码",
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不存在或未通过审核（检查 TONGXIN_SMS_TEMPLATES）",
    "isv.TEMPLATE_MISSING_PARAMETERS": "短信模板变量缺少参数",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "短信模板变量的值不合规",
    "isv.INVALID_JSON_PARAM": "短信模板参数不是合法的 JSON",
    "isv.INVALID_PARAMETERS": "短信请求参数不正确",
    "isv.PARAM_LENGTH_LIMIT": "短信模板变量超出长度限制",
    "isv.PARAM_NOT_SUPPORT_URL": "短信模板变量不能含网址",
    "isv.BLACK_KEY_CONTROL_LIMIT": "短信模板变量含禁用关键字",
    "isv.SMS_CONTENT_ILLEGAL": "短信内容含禁止发送的内容",
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不存在或未通过审核（检查 TONGXIN_SMS_SIGN_NAME）",
    "isv.SMS_SIGN_ILLEGAL": "短信签名禁止使用（检查 TONGXIN_SMS_SIGN_NAME）",
    "isv.SIGN_STATE_ILLEGAL": "短信签名状态为不可用（检查 TONGXIN_SMS_SIGN_NAME）",
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "短信签名与模板类型不一致",
    "isv.EXTEND_CODE_ERROR": "短信扩展码使用错误",
    "isv.DENY_IP_RANGE": "服务器 IP 所在地区不能发送国内短信",
    "isv.PRODUCT_UN_SUBSCRIPT": "阿里云账号未开通短信服务",
    "isv.PRODUCT_UNSUBSCRIBE": "阿里云账号未开通短信服务",
    "isv.ACCOUNT_NOT_EXISTS": "阿里云账号不存在（检查 TONGXIN_SMS_ACCESS_KEY_ID）",
    "isv.ACCOUNT_ABNORMAL": "阿里云账号异常",
    "isp.RAM_PERMISSION_DENY": "AccessKey 没有短信权限（RAM 授权不足）",
    "SignatureDoesNotMatch": "AccessKey Secret 不正确（签名不匹配，检查 TONGXIN_SMS_ACCESS_KEY_SECRET）",
    "IncompleteSignature": "请求签名不完整",
    "InvalidTimeStamp.Expired": "服务器时间与标准时间相差过大",
}
# Families of Aliyun's gateway codes, by prefix.
RETRYABLE_PREFIXES = {"Throttling": "阿里云接口调用过于频繁（限流）"}
FINAL_PREFIXES = {
    "InvalidAccessKeyId": "AccessKey ID 不存在或已停用（检查 TONGXIN_SMS_ACCESS_KEY_ID）",
    "Forbidden": "AccessKey 无权调用短信接口",
    "Missing": "短信请求缺少必填参数",
}


@dataclass(frozen=True)
class SmsSettings:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    sign_name: str
    templates: Mapping[str, str]
    default_template: str
    endpoint: str               # https://dysmsapi.aliyuncs.com, or http://127.0.0.1:PORT for the fake
    connect_timeout: float      # seconds
    read_timeout: float

    @classmethod
    def from_settings(cls) -> "SmsSettings | None":
        """The channel's settings, or None when its key is not set (tongxin/settings.py checked the environment;
        this checks again for settings overridden in tests)."""
        key = getattr(settings, "NOTIFY_SMS_ACCESS_KEY_ID", "")
        secret = getattr(settings, "NOTIFY_SMS_ACCESS_KEY_SECRET", "")
        if not key and not secret:
            return None
        found = cls(
            access_key_id=key,
            access_key_secret=secret,
            sign_name=getattr(settings, "NOTIFY_SMS_SIGN_NAME", ""),
            templates=dict(getattr(settings, "NOTIFY_SMS_TEMPLATES", {})),
            default_template=getattr(settings, "NOTIFY_SMS_DEFAULT_TEMPLATE", ""),
            endpoint=getattr(settings, "NOTIFY_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"),
            connect_timeout=float(getattr(settings, "NOTIFY_CONNECT_TIMEOUT", 3)),
            read_timeout=float(getattr(settings, "NOTIFY_READ_TIMEOUT", 5)),
        )
        missing = [name for name, value in [("TONGXIN_SMS_ACCESS_KEY_ID", key), ("TONGXIN_SMS_ACCESS_KEY_SECRET", secret),
                                            ("TONGXIN_SMS_SIGN_NAME", found.sign_name)] if not value]
        if not (found.templates or found.default_template):
            missing.append("TONGXIN_SMS_TEMPLATES 或 TONGXIN_SMS_DEFAULT_TEMPLATE")
        if missing:
            raise ImproperlyConfigured(f"短信通道设置不全，缺少 {'、'.join(missing)}。")
        url = urlsplit(found.endpoint)
        if url.scheme not in {"http", "https"} or not url.netloc:
            raise ImproperlyConfigured(f"TONGXIN_SMS_ENDPOINT=“{found.endpoint}”无效：应为 https:// 地址。")
        return found


class AliyunSms:
    name = "sms"
    can_find = True

    def __init__(self, config: SmsSettings) -> None:
        self.config = config
        url = urlsplit(config.endpoint)
        self._client = Client(openapi.Config(
            access_key_id=config.access_key_id,
            access_key_secret=config.access_key_secret,
            endpoint=url.netloc,
            protocol=url.scheme,
            connect_timeout=int(config.connect_timeout * 1000),
            read_timeout=int(config.read_timeout * 1000),
        ))

    def template_for(self, kind: str) -> str:
        return self.config.templates.get(kind) or self.config.default_template

    def send(self, message: Outgoing) -> Sent:
        template = self.template_for(message.kind)
        if not template:
            raise Failure(f"未给“{message.kind}”类通知配置短信模板（TONGXIN_SMS_TEMPLATES 或 TONGXIN_SMS_DEFAULT_TEMPLATE）",
                          retryable=False)
        request = sms.SendSmsRequest(
            phone_numbers=message.address,
            sign_name=self.config.sign_name,
            template_code=template,
            template_param=json.dumps(message.params, ensure_ascii=False),
            out_id=message.key,
        )
        try:
            response = self._client.send_sms_with_options(request, RuntimeOptions())
        except Exception as error:
            failure = _failure(error, "短信发送失败")
            logger.warning("通知 %s：%s", message.key, failure.reason)
            raise failure from None
        body = response.body.to_map() if response.body else {}
        if body.get("Code") == "OK":
            return Sent(provider_id=str(body.get("BizId") or ""), answer=_answer(body))
        failure = _coded_failure(str(body.get("Code") or ""), str(body.get("Message") or ""), response.status_code,
                                 "短信发送失败", _answer(body))
        logger.warning("通知 %s：%s", message.key, failure.reason)
        raise failure

    def find(self, message: Outgoing) -> Sent | None:
        made = timezone.localtime(message.created_at, CHINA).date()
        days = [made]
        if made + dt.timedelta(days=1) <= timezone.localtime(timezone.now(), CHINA).date():
            days.append(made + dt.timedelta(days=1))  # sent after midnight: a message made late, or retried late
        for day in days:
            for page in range(1, MAX_PAGES + 1):
                body = self._query(message, day, page)
                rows = ((body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO")) or []
                for row in rows:
                    if row.get("OutId") == message.key and row.get("SendStatus") != FAILED:
                        # The rows carry no BizId; the answer leaves out the number and the text.
                        kept = {name: row.get(name) for name in
                                ("OutId", "SendStatus", "ErrCode", "TemplateCode", "SendDate", "ReceiveDate")}
                        return Sent(provider_id="", answer=_answer(kept))
                if len(rows) < PAGE_SIZE or page * PAGE_SIZE >= int(body.get("TotalCount") or 0):
                    break
        return None

    def _query(self, message: Outgoing, day: dt.date, page: int) -> dict[str, Any]:
        request = sms.QuerySendDetailsRequest(phone_number=message.address, send_date=day.strftime("%Y%m%d"),
                                              page_size=PAGE_SIZE, current_page=page)
        try:
            response = self._client.query_send_details_with_options(request, RuntimeOptions())
        except Exception as error:
            failure = _failure(error, "查询短信发送记录失败")
            raise Failure(failure.reason, retryable=True, answer=failure.answer) from None
        body: dict[str, Any] = response.body.to_map() if response.body else {}
        if body.get("Code") != "OK":
            failure = _coded_failure(str(body.get("Code") or ""), str(body.get("Message") or ""),
                                     response.status_code, "查询短信发送记录失败", _answer(body))
            raise Failure(failure.reason, retryable=True, answer=failure.answer)
        return body


def classify(code: str, message: str = "", status: int | None = None) -> tuple[str, bool]:
    """What an Aliyun error code means, in Chinese, and whether the same request may succeed later."""
    if code in RETRYABLE:
        return f"{RETRYABLE[code]}（{code}）", True
    if code in FINAL:
        return f"{FINAL[code]}（{code}）", False
    for prefix, text in RETRYABLE_PREFIXES.items():
        if code.startswith(prefix):
            return f"{text}（{code}）", True
    for prefix, text in FINAL_PREFIXES.items():
        if code.startswith(prefix):
            return f"{text}（{code}）", False
    said = f"：{_masked(message)[:100]}" if message else ""
    retryable = code.startswith("isp.") or (status is not None and (status >= 500 or status == 429))
    return f"阿里云短信服务返回错误{said}（{code or f'HTTP {status}'}）", retryable


def _coded_failure(code: str, message: str, status: int | None, doing: str, answer: str) -> Failure:
    reason, retryable = classify(code, message, status)
    return Failure(f"{doing}：{reason}", retryable=retryable, answer=answer)


def _failure(error: Exception, doing: str) -> Failure:
    """A Failure for what the SDK raised. Its texts are not passed on: a refused connection's names the URL, and
    with it the phone number."""
    if isinstance(error, ResponseException):
        data = error.data if isinstance(error.data, dict) else {}
        data = {name: value for name, value in data.items() if name != "statusCode"}
        return _coded_failure(str(error.code or ""), str(data.get("Message") or ""), error.status_code, doing,
                              _answer(data))
    inner = error.inner_exception if isinstance(error, UnretryableException) else error
    if isinstance(inner, RetryError):  # the HTTP request itself failed
        text = str(inner.message)
        if "Read timed out" in text:
            return Failure(f"{doing}：等待阿里云短信服务应答超时（短信可能已发出）", retryable=True)
        if "timed out" in text or "ConnectTimeout" in text:
            return Failure(f"{doing}：连接阿里云短信服务超时", retryable=True)
        if "aborted" in text or "reset" in text or "RemoteDisconnected" in text:
            return Failure(f"{doing}：与阿里云短信服务的连接中断（短信可能已发出）", retryable=True)
        return Failure(f"{doing}：无法连接阿里云短信服务", retryable=True)
    if isinstance(inner, (RuntimeError, ValueError)) and "json" in str(inner).lower():
        return Failure(f"{doing}：阿里云短信服务的应答无法识别（可能是网关错误）", retryable=True)
    return Failure(f"{doing}：短信接口出错（{type(inner).__name__}）", retryable=True)


def _masked(text: str) -> str:
    return re.sub(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)", r"\1****\2", text)


def _answer(body: Mapping[str, Any]) -> str:
    text = json.dumps(body, ensure_ascii=False)
    if len(text) > ANSWER_LIMIT:
        text = json.dumps({name: body.get(name) for name in ("Code", "Message", "RequestId", "BizId")},
                          ensure_ascii=False)[:ANSWER_LIMIT]
    return text

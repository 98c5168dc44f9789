"""Local fakes of Alibaba Cloud SMS (Dysmsapi 2017-05-25: SendSms, QuerySendDetails) and of WeChat's official-account
API (access token, template messages, web OAuth), so that the channels are tested against HTTP and never reach the
internet. Each is an HTTP server on 127.0.0.1 (port 0: one the system picks) in a thread of its own:

    with FakeAliyunSms() as fake, override_settings(**fake.settings()):
        fake.script(Code("isv.BUSINESS_LIMIT_CONTROL"))   # the next SendSms is throttled, the one after goes through
        ...
        fake.sent   # [{"phone", "sign", "template", "params", "out_id", "biz_id", "sent_at", "status"}, ...]

    with FakeWechat() as fake, override_settings(**fake.settings()):
        fake.code_for("o-openid")   # a code that the OAuth answers with this openid
        fake.token_requests         # how often an access token was asked for
        fake.sent                   # [{"openid", "template", "data", "url", "msgid", "sent_at"}, ...]

`script(*answers, action=...)` queues the next answers of one action (SMS: "SendSms" (the default),
"QuerySendDetails"; WeChat: "send" (the default), "token", "oauth"); an action with no answer queued answers as the
service would. An answer is `OK`, `Code(...)` (the service's refusal), `Status(500)` (a bare HTTP error page),
`Delay(seconds, then=...)` (answers late; the message is sent all the same) or `Drop()` (closes the connection
without an answer).

The SMS fake checks the request's signature (ACS3-HMAC-SHA256) with its key and the sign name and templates it was
given, as Aliyun does; QuerySendDetails answers from what was really sent. The WeChat fake gives out tokens, refuses
the ones it did not give or has expired (`expire_tokens()`), and answers 43004 for the openids in `unsubscribed`.

Standalone, for the production smoke test: `python -m tongxin.notifications.testing.fakes --sms-port 9010
--wechat-port 9011 --record sent.jsonl` prints the `export TONGXIN_...=...` lines that point the application at
the fakes and appends each message sent to the JSON-lines file (with "channel": "sms" or "wechat")."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import itertools
import json
import re
import secrets
import shlex
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# ---------------------------------------------------------------- scripted answers

@dataclass(frozen=True)
class Ok:
    """Answer as the service would."""


OK = Ok()


@dataclass(frozen=True)
class Code:
    """The service's refusal: an Aliyun Code (HTTP 200 for the isv.* codes as Aliyun gives them; pass `status` for a
    gateway's, e.g. Code("ServiceUnavailable", status=503)) or a WeChat errcode (e.g. Code(43004))."""
    code: str | int
    message: str = ""
    status: int = 200


@dataclass(frozen=True)
class Status:
    """A bare HTTP error with a page that is not JSON, as a gateway in front of the service gives."""
    status: int
    body: str = "<html><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass(frozen=True)
class Delay:
    """Wait, then answer with `then`. Longer than the client's read timeout, the client gives up while the service
    goes on: the message is sent all the same (as a real provider may)."""
    seconds: float
    then: Answer = OK


@dataclass(frozen=True)
class Drop:
    """Close the connection without an answer; `processed`: after handling the request (the message is sent)."""
    processed: bool = False


Answer = Ok | Code | Status | Delay | Drop


# ---------------------------------------------------------------- the HTTP server they share

@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: list[tuple[str, str]]    # the URL's query, in order (what Aliyun's signature covers)
    params: dict[str, str]          # the query and a form body together
    headers: Message
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that gave up, or a connection dropped on purpose
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: ClassVar[_Fake]
    server_version = "TongxinFake/1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.fake._handle(self, self._parsed())

    do_POST = do_GET

    def _parsed(self) -> _Request:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qsl(split.query, keep_blank_values=True)
        params = dict(query)
        if body and "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return _Request(self.command, split.path, query, params, self.headers, body)

    def reply(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, status: int, body: Mapping[str, Any]) -> None:
        self.reply(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json;charset=utf-8")

    def drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Fake:
    actions: ClassVar[tuple[str, ...]]
    channel: ClassVar[str]

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, record: str | Path | None = None) -> None:
        if host not in LOOPBACK:
            raise ValueError("假服务只在本机地址（127.0.0.1、localhost、::1）上监听")
        self.sent: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._scripts: dict[str, deque[Answer]] = {action: deque() for action in self.actions}
        self._closing = threading.Event()
        self._record = Path(record) if record else None
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # a Delay in progress ends at once, without answering
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def script(self, *answers: Answer, action: str | None = None) -> None:
        """Queue the next answers of `action` (by default the one that sends a message)."""
        action = action or self.actions[0]
        if action not in self._scripts:
            raise ValueError(f"{type(self).__name__} 没有 {action!r}，只有 {', '.join(self.actions)}")
        with self._lock:
            self._scripts[action].extend(answers)

    def _handle(self, handler: _Handler, request: _Request) -> None:
        raise NotImplementedError

    def _refusal(self, answer: Code) -> dict[str, Any]:
        raise NotImplementedError

    def _serve(self, handler: _Handler, action: str, process: Callable[[], tuple[int, dict[str, Any]]]) -> None:
        """Answer with the next scripted answer of `action`, or with what `process` (the service's behaviour) says."""
        with self._lock:
            answer = self._scripts[action].popleft() if self._scripts[action] else OK
        while isinstance(answer, Delay):
            if self._closing.wait(answer.seconds):
                handler.drop()
                return
            answer = answer.then
        if isinstance(answer, Drop):
            if answer.processed:
                process()
            handler.drop()
        elif isinstance(answer, Status):
            handler.reply(answer.status, answer.body.encode("utf-8"), "text/html;charset=utf-8")
        elif isinstance(answer, Code):
            handler.reply_json(answer.status, self._refusal(answer))
        else:
            handler.reply_json(*process())

    def _remember(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.sent.append(entry)
            if self._record is not None:
                line = {"channel": self.channel, **entry, "sent_at": entry["sent_at"].isoformat()}
                with self._record.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(line, ensure_ascii=False) + "\n")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- Alibaba Cloud SMS

SMS_MESSAGES = {
    "isv.BUSINESS_LIMIT_CONTROL": "触发号码天级流控Permits:50",
    "isv.MOBILE_NUMBER_ILLEGAL": "非法手机号",
    "isv.SMS_TEMPLATE_ILLEGAL": "该账号下找不到对应模板",
    "isv.SMS_SIGNATURE_ILLEGAL": "该账号下找不到对应签名",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板变量缺少对应参数值",
    "isv.INVALID_JSON_PARAM": "JSON参数不合法，只接受字符串值",
    "isv.INVALID_PARAMETERS": "参数格式不正确",
    "isp.SYSTEM_ERROR": "系统错误",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "Throttling.User": "Request was denied due to user flow control.",
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
    "SignatureDoesNotMatch": "Specified signature does not match our calculation.",
}


class FakeAliyunSms(_Fake):
    """Alibaba Cloud SMS on loopback: `endpoint` is its URL (TONGXIN_SMS_ENDPOINT), `settings()` the Django settings
    that point the SMS channel at it, `env()` the same as environment variables."""
    actions = ("SendSms", "QuerySendDetails")
    channel = "sms"

    def __init__(self, *, access_key_id: str = "fake-access-key-id", access_key_secret: str = "",
                 sign_name: str = "童心", templates: Mapping[str, str] | None = None,
                 default_template: str = "SMS_000000000", clock: Callable[[], dt.datetime] = _now,
                 host: str = "127.0.0.1", port: int = 0, record: str | Path | None = None) -> None:
        super().__init__(host=host, port=port, record=record)
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret or "fake-" + secrets.token_hex(12)
        self.sign_name = sign_name
        self.templates = dict(templates or {})
        self.default_template = default_template
        self.clock = clock          # when a message is sent (QuerySendDetails finds it under that day)
        self.requests = 0           # every request that reached the fake, whatever its answer

    @property
    def endpoint(self) -> str:
        return self.url

    def settings(self) -> dict[str, Any]:
        return {
            "NOTIFY_SMS_ACCESS_KEY_ID": self.access_key_id,
            "NOTIFY_SMS_ACCESS_KEY_SECRET": self.access_key_secret,
            "NOTIFY_SMS_SIGN_NAME": self.sign_name,
            "NOTIFY_SMS_TEMPLATES": dict(self.templates),
            "NOTIFY_SMS_DEFAULT_TEMPLATE": self.default_template,
            "NOTIFY_SMS_ENDPOINT": self.endpoint,
        }

    def env(self) -> dict[str, str]:
        return {
            "TONGXIN_SMS_ACCESS_KEY_ID": self.access_key_id,
            "TONGXIN_SMS_ACCESS_KEY_SECRET": self.access_key_secret,
            "TONGXIN_SMS_SIGN_NAME": self.sign_name,
            "TONGXIN_SMS_TEMPLATES": ",".join(f"{kind}={code}" for kind, code in self.templates.items()),
            "TONGXIN_SMS_DEFAULT_TEMPLATE": self.default_template,
            "TONGXIN_SMS_ENDPOINT": self.endpoint,
        }

    def _handle(self, handler: _Handler, request: _Request) -> None:
        with self._lock:
            self.requests += 1
        action = request.headers.get("x-acs-action") or request.params.get("Action", "")
        refused = self._unsigned(request)
        if refused is not None:
            handler.reply_json(*refused)
        elif action == "SendSms":
            self._serve(handler, action, lambda: self._send(request.params))
        elif action == "QuerySendDetails":
            self._serve(handler, action, lambda: self._query(request.params))
        else:
            handler.reply_json(404, self._error("InvalidAction.NotFound", f"Specified api is not found: {action}"))

    def _unsigned(self, request: _Request) -> tuple[int, dict[str, Any]] | None:
        """Aliyun's answer to a request not signed with this fake's key (ACS3-HMAC-SHA256), or None."""
        match = re.fullmatch(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)",
                             request.headers.get("Authorization") or "")
        if match is None:
            return 400, self._error("IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        if match[1] != self.access_key_id:
            return 404, self._error("InvalidAccessKeyId.NotFound", SMS_MESSAGES["InvalidAccessKeyId.NotFound"])
        payload = hashlib.sha256(request.body).hexdigest()
        query = "&".join(f"{quote(name, safe='~')}={quote(value, safe='~')}" for name, value in sorted(request.query))
        headers = "".join(f"{name}:{(request.headers.get(name) or '').strip()}\n" for name in match[2].split(";"))
        canonical = f"{request.method}\n{request.path}\n{query}\n{headers}\n{match[2]}\n{payload}"
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        expected = hmac.new(self.access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        if request.headers.get("x-acs-content-sha256") != payload or not hmac.compare_digest(expected, match[3]):
            return 400, self._error("SignatureDoesNotMatch", SMS_MESSAGES["SignatureDoesNotMatch"])
        return None

    def _send(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        phone = params.get("PhoneNumbers", "")
        template = params.get("TemplateCode", "")
        if not re.fullmatch(r"1[3-9]\d{9}", phone):
            return 200, self._error("isv.MOBILE_NUMBER_ILLEGAL")
        if params.get("SignName") != self.sign_name:
            return 200, self._error("isv.SMS_SIGNATURE_ILLEGAL")
        if template not in {*self.templates.values(), self.default_template}:
            return 200, self._error("isv.SMS_TEMPLATE_ILLEGAL")
        try:
            values = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            values = None
        if not isinstance(values, dict) or not all(isinstance(value, str) for value in values.values()):
            return 200, self._error("isv.INVALID_JSON_PARAM")
        biz_id = f"{secrets.randbelow(10**15):015d}^0"
        self._remember({"phone": phone, "sign": params["SignName"], "template": template, "params": values,
                        "out_id": params.get("OutId", ""), "biz_id": biz_id, "sent_at": self.clock(), "status": 3})
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": _request_id()}

    def _query(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        day = params.get("SendDate", "")
        try:
            size, page = int(params.get("PageSize", "")), int(params.get("CurrentPage", ""))
        except ValueError:
            size = page = 0
        if not params.get("PhoneNumber") or not re.fullmatch(r"\d{8}", day) or not 1 <= size <= 50 or page < 1:
            return 200, self._error("isv.INVALID_PARAMETERS")
        with self._lock:
            rows = [entry for entry in self.sent if entry["phone"] == params["PhoneNumber"]
                    and entry["sent_at"].astimezone(CHINA).strftime("%Y%m%d") == day]
        details = [{
            "PhoneNum": entry["phone"],
            "SendStatus": entry["status"],
            "ErrCode": "DELIVERED" if entry["status"] == 3 else "",
            "TemplateCode": entry["template"],
            "Content": f"【{entry['sign']}】" + "，".join(entry["params"].values()),
            "SendDate": entry["sent_at"].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "ReceiveDate": entry["sent_at"].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "OutId": entry["out_id"],
        } for entry in rows[(page - 1) * size:page * size]]
        return 200, {"Code": "OK", "Message": "OK", "RequestId": _request_id(), "TotalCount": len(rows),
                     "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}

    def _refusal(self, answer: Code) -> dict[str, Any]:
        return self._error(str(answer.code), answer.message)

    def _error(self, code: str, message: str = "") -> dict[str, Any]:
        return {"Code": code, "Message": message or SMS_MESSAGES.get(code, code), "RequestId": _request_id()}


def _request_id() -> str:
    raw = secrets.token_hex(16).upper()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


# ---------------------------------------------------------------- WeChat official account

WECHAT_MESSAGES = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40163: "code been used",
    43004: "require subscribe",
    45009: "reach max api daily quota limit",
    47003: "argument invalid! data.value invalid",
}


class FakeWechat(_Fake):
    """WeChat's official-account API on loopback, at `url`: the API under /cgi-bin/ and /sns/, the OAuth page
    under /connect/. `settings()` the Django settings that point the WeChat channel at it, `env()` the same as
    environment variables. Each fake has an app id of its own, so that a token cached for another never serves."""
    actions = ("send", "token", "oauth")
    channel = "wechat"

    def __init__(self, *, app_id: str = "", app_secret: str = "", templates: Mapping[str, str] | None = None,
                 default_template: str = "FAKE-TEMPLATE-DEFAULT", host: str = "127.0.0.1", port: int = 0,
                 record: str | Path | None = None) -> None:
        super().__init__(host=host, port=port, record=record)
        self.app_id = app_id or "wx" + secrets.token_hex(8)
        self.app_secret = app_secret or secrets.token_hex(16)
        self.templates = dict(templates or {})
        self.default_template = default_template
        self.token_requests = 0             # every request for an app access token, whatever its answer
        self.unsubscribed: set[str] = set()  # openids that get 43004
        self.next_openid = ""                # whom the OAuth page says came back (default: a new openid each time)
        self._tokens: set[str] = set()
        self._codes: dict[str, str] = {}
        self._used_codes: set[str] = set()
        self._msgids = itertools.count(3000000001)

    def settings(self) -> dict[str, Any]:
        return {
            "NOTIFY_WECHAT_APP_ID": self.app_id,
            "NOTIFY_WECHAT_APP_SECRET": self.app_secret,
            "NOTIFY_WECHAT_TEMPLATES": dict(self.templates),
            "NOTIFY_WECHAT_DEFAULT_TEMPLATE": self.default_template,
            "NOTIFY_WECHAT_API_BASE": self.url + "/",
            "NOTIFY_WECHAT_OAUTH_BASE": self.url + "/connect/",
        }

    def env(self) -> dict[str, str]:
        return {
            "TONGXIN_WECHAT_APP_ID": self.app_id,
            "TONGXIN_WECHAT_APP_SECRET": self.app_secret,
            "TONGXIN_WECHAT_TEMPLATES": ",".join(f"{kind}={code}" for kind, code in self.templates.items()),
            "TONGXIN_WECHAT_DEFAULT_TEMPLATE": self.default_template,
            "TONGXIN_WECHAT_API_BASE": self.url + "/",
            "TONGXIN_WECHAT_OAUTH_BASE": self.url + "/connect/",
        }

    def code_for(self, openid: str) -> str:
        """A fresh OAuth code that WeChat would hand the user `openid`'s browser (it serves once)."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = openid
        return code

    def expire_tokens(self) -> None:
        """Every access token given so far ends: the next use gets 40001."""
        with self._lock:
            self._tokens.clear()

    def _handle(self, handler: _Handler, request: _Request) -> None:
        if request.path == "/cgi-bin/token":
            with self._lock:
                self.token_requests += 1
            self._serve(handler, "token", lambda: self._token(request.params))
        elif request.path == "/cgi-bin/message/template/send" and request.method == "POST":
            self._serve(handler, "send", lambda: self._send(request))
        elif request.path == "/sns/oauth2/access_token":
            self._serve(handler, "oauth", lambda: self._oauth(request.params))
        elif request.path == "/connect/oauth2/authorize":
            self._authorize(handler, request.params)
        else:
            handler.reply_json(404, {"errcode": 404, "errmsg": "not found"})

    def _token(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if params.get("grant_type") != "client_credential":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        if params.get("appid") != self.app_id:
            return 200, self._errcode(40013)
        if params.get("secret") != self.app_secret:
            return 200, self._errcode(40125)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": 7200}

    def _send(self, request: _Request) -> tuple[int, dict[str, Any]]:
        with self._lock:
            known = request.params.get("access_token") in self._tokens
        if not known:
            return 200, self._errcode(40001)
        body = request.json()
        if not isinstance(body, dict) or not body.get("touser"):
            return 200, self._errcode(40003)
        if body["touser"] in self.unsubscribed:
            return 200, self._errcode(43004)
        if body.get("template_id") not in {*self.templates.values(), self.default_template}:
            return 200, self._errcode(40037)
        data = body.get("data")
        if not isinstance(data, dict) or not all(
                isinstance(item, dict) and isinstance(item.get("value"), str) for item in data.values()):
            return 200, self._errcode(47003)
        msgid = next(self._msgids)
        self._remember({"openid": body["touser"], "template": body["template_id"], "data": data,
                        "url": body.get("url"), "msgid": msgid, "sent_at": _now()})
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": msgid}

    def _oauth(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if params.get("appid") != self.app_id:
            return 200, self._errcode(40013)
        if params.get("secret") != self.app_secret:
            return 200, self._errcode(40125)
        code = params.get("code", "")
        with self._lock:
            if code in self._used_codes:
                return 200, self._errcode(40163)
            openid = self._codes.pop(code, None)
            if openid is None or params.get("grant_type") != "authorization_code":
                return 200, self._errcode(40029)
            self._used_codes.add(code)
        return 200, {"access_token": secrets.token_urlsafe(32), "expires_in": 7200,
                     "refresh_token": secrets.token_urlsafe(32), "openid": openid, "scope": "snsapi_base"}

    def _authorize(self, handler: _Handler, params: Mapping[str, str]) -> None:
        """WeChat's OAuth page: straight back to redirect_uri with a code (snsapi_base asks the user nothing)."""
        redirect = params.get("redirect_uri", "")
        if params.get("appid") != self.app_id or not re.match(r"https?://", redirect):
            handler.reply(200, "<html><body>参数错误</body></html>".encode(), "text/html;charset=utf-8")
            return
        code = self.code_for(self.next_openid or "o" + secrets.token_urlsafe(20))
        back = urlencode({"code": code, "state": params.get("state", "")})
        handler.reply(302, b"", "text/html", {"Location": f"{redirect}{'&' if '?' in redirect else '?'}{back}"})

    def _refusal(self, answer: Code) -> dict[str, Any]:
        return self._errcode(int(answer.code), answer.message)

    def _errcode(self, code: int, message: str = "") -> dict[str, Any]:
        rid = secrets.token_hex(4) + "-" + secrets.token_hex(4)
        return {"errcode": code, "errmsg": f"{message or WECHAT_MESSAGES.get(code, 'error')} rid: {rid}"}


# ---------------------------------------------------------------- standalone

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tongxin.notifications.testing.fakes",
        description="在本机启动阿里云短信和微信公众号的假服务，打印指向它们的环境变量（export 行），直到 Ctrl-C 或 SIGTERM。"
                    "不给端口时两者都启动，端口由系统分配。",
    )
    parser.add_argument("--sms-port", type=int, help="阿里云短信假服务的端口")
    parser.add_argument("--wechat-port", type=int, help="微信公众号假服务的端口")
    parser.add_argument("--host", default="127.0.0.1", choices=sorted(LOOPBACK), help="监听地址（只能是本机）")
    parser.add_argument("--record", help="把发出的每条消息追加写入这个 JSON Lines 文件")
    args = parser.parse_args(argv)
    both = args.sms_port is None and args.wechat_port is None
    fakes: list[FakeAliyunSms | FakeWechat] = []
    if both or args.sms_port is not None:
        fakes.append(FakeAliyunSms(host=args.host, port=args.sms_port or 0, record=args.record))
    if both or args.wechat_port is not None:
        fakes.append(FakeWechat(host=args.host, port=args.wechat_port or 0, record=args.record))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        for fake in fakes:
            fake.start()
            for name, value in fake.env().items():
                print(f"export {name}={shlex.quote(value)}")
        print(f"# 假服务已启动：{'，'.join(f'{fake.channel} {fake.url}' for fake in fakes)}"
              f"{'；记录写入 ' + args.record if args.record else ''}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        for fake in fakes:
            fake.close()


if __name__ == "__main__":
    main()

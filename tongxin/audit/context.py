"""Where the current request comes from, so that services can audit without being handed the request."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str = ""
    path: str = ""
    channel: str = "web"


_current: contextvars.ContextVar[RequestMeta] = contextvars.ContextVar("tongxin_request_meta", default=RequestMeta(channel="system"))


def current() -> RequestMeta:
    return _current.get()


def bind(meta: RequestMeta) -> contextvars.Token:
    return _current.set(meta)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)


def from_request(request) -> RequestMeta:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return RequestMeta(
        ip=ip or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        path=request.path[:255],
        channel="api" if request.path.startswith("/api/") else "web",
    )

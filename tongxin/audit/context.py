"""Where the current request comes from, so that services can audit without being handed the request."""

import contextvars
from dataclasses import dataclass

from django.conf import settings


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


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TONGXIN_PROXY_COUNT proxies the address the outermost of them
    appended to X-Forwarded-For. Entries to its left were sent by the client and prove nothing; trusting them would
    let anyone write any address into the audit log and slip past the per-address login lockout."""
    count = settings.PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


def from_request(request) -> RequestMeta:
    return RequestMeta(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        path=request.path[:255],
        channel="api" if request.path.startswith("/api/") else "web",
    )

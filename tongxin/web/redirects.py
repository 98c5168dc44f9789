"""Where to send the browser after a form: only ever to this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the form or query string names, if it points at this site; otherwise `default`.

    A `next` of another host (`https://evil.example/`, `//evil.example`, `javascript:`) is never followed.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return default

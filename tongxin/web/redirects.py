"""Where to send the browser after a form: only ever to this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the form or query string names, if it points at this site; otherwise `default`.

    A `next` of another host (`https://evil.example/`, `//evil.example`, `javascript:`) is never followed, nor one
    that is not a path of this site (`abc` would be taken for a URL name by `redirect`) or holds control characters.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and candidate.isprintable() and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default

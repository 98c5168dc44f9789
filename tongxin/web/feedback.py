"""Shared by every app's pages: a service's refusal becomes a message the user reads."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refusal_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def attempt(request, fn, *args, success=None, **kwargs):
    """Run a service; a refusal by its rules becomes a message the user reads. Returns the result (True for a
    service that returns nothing), or None when refused."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True

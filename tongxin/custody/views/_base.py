"""Shared by the custody pages: turning a refused service call into a message, and the programme lookups."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Programme


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


PAGE_SIZE = 30  # rows per page of a long list: a phone screen or three, never a 20,000-pixel page


def attempt(request, fn, *args, success=None, **kwargs):
    """Run a service; a refusal by its rules becomes a message the user reads. Returns the result or None."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def overseen_programme(request, programme_id) -> Programme:
    programme = get_object_or_404(Programme, pk=programme_id)
    if not permissions.oversees(request.user, programme):
        raise PermissionDenied("您无权查看该托管项目")
    return programme


def managed_programme(request, programme_id) -> Programme:
    programme = get_object_or_404(Programme, pk=programme_id)
    permissions.require_organiser(request.user, programme)
    return programme


def records_programme(request, programme_id) -> Programme:
    """A programme whose applications, placement, fees or summary this user may read."""
    programme = get_object_or_404(Programme, pk=programme_id)
    permissions.require_records_reader(request.user, programme)
    return programme

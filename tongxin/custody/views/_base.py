"""Shared by the custody pages: the programme lookups (and `attempt`, from the shell)."""


from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tongxin.web.feedback import attempt
from tongxin.web.feedback import refusal_text as error_text

from .. import permissions
from ..models import Programme

PAGE_SIZE = 30  # rows per page of a long list: a phone screen or three, never a 20,000-pixel page


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


__all__ = ["PAGE_SIZE", "attempt", "error_text", "managed_programme", "overseen_programme", "records_programme"]

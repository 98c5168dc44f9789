"""Helpers shared by the nursery pages."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import forms
from ..models import Room


def _day(request, name: str = "on") -> dt.date:
    """A page's day from the query string (today when absent or not a date)."""
    form = forms.DayForm({"on": request.GET.get(name, "")})
    if form.is_valid() and form.cleaned_data["on"]:
        return form.cleaned_data["on"]
    if request.GET.get(name):
        messages.error(request, "日期格式应为 YYYY-MM-DD，已显示今天")
    return timezone.localdate()


def _submit(request, form, fn, *args, success: str | None = None, **kwargs):
    """Run a service for a form; its refusal becomes the form's error (the page answers 400 and shows it)."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _status(*form_list) -> int:
    return 400 if any(f is not None and f.errors for f in form_list) else 200


def _rooms(centre) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.name}（{r.get_class_type_display()}）")
            for r in Room.objects.filter(centre=centre, active=True).order_by("class_type", "name")]



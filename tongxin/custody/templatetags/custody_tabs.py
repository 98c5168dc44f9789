from django import template
from django.utils import timezone

from ..navigation import programme_tabs

register = template.Library()


@register.inclusion_tag("custody/_tabs.html", takes_context=True)
def custody_tabs(context, programme, current: str = ""):
    """The tabs of a programme this user may open, the current one marked."""
    return {"tabs": programme_tabs(context["request"].user, programme, timezone.localdate()), "current": current,
            "programme": programme}

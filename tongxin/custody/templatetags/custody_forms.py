"""Form pieces a page repeats on every row (the duty roll's absence choices): rendered once per page."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def choice_inputs(context, name: str, choices: Iterable[tuple[str, str]], kind: str = "radio") -> SafeString:
    """Labelled radio buttons (the first checked) or checkboxes for `choices`, built once per page render and
    reused for every row that repeats them."""
    key = ("choice_inputs", name, kind)
    cache = context.render_context
    if key not in cache:
        rows = list(choices)
        cache[key] = format_html_join(
            "", '<label class="check"><input type="{}" name="{}" value="{}"{}> {}</label>',
            ((kind, name, value, mark_safe(" checked") if kind == "radio" and i == 0 else "", label)
             for i, (value, label) in enumerate(rows)))
    return cache[key]

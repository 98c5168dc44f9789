"""Forms of the shell pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

BIGINT_MAX = 2**63 - 1  # a database id never exceeds a bigint; every form and API parameter taking an id is bounded by it


def error_text(form: forms.Form) -> str:
    """A form's errors as one line a person reads: 「用途：最多 64 个字符。」 (a message that already names its
    field is not prefixed twice)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        parts += [f"{label}：{e}" if label and not e.startswith(label) else e for e in map(str, errors)]
    return "；".join(parts)


class TokenForm(forms.Form):
    """A new API token's name. Django's CharField refuses NUL characters; the length is the column's."""

    name = forms.CharField(label="用途", max_length=64, required=False,
                           error_messages={"max_length": "最多 %(limit_value)d 个字符（现有 %(show_value)d 个）"})

    def clean_name(self) -> str:
        return self.cleaned_data["name"] or "未命名"


class RevokeTokenForm(forms.Form):
    revoke = forms.IntegerField(min_value=1, max_value=BIGINT_MAX)


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked before anyone tries to authenticate: Django sets
    the field's max_length after construction, so no validator enforces it, and an over-long name would reach the
    lockout's records (a 255-character column) and fail there on PostgreSQL."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))

from django import forms

from . import rules
from .models import OutboundMessage


class PreferenceForm(forms.Form):
    """Channels per kind come as checkboxes named `on` with values `<kind>:<channel>`; the times as HH:MM."""

    quiet_start = forms.TimeField(label="免打扰开始", input_formats=["%H:%M"], error_messages={
        "required": "请填写免打扰开始时间", "invalid": "时间格式应为 时:分，如 22:00"})
    quiet_end = forms.TimeField(label="免打扰结束", input_formats=["%H:%M"], error_messages={
        "required": "请填写免打扰结束时间", "invalid": "时间格式应为 时:分，如 07:00"})

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.ticked: dict[str, set[str]] = {code: set() for code in rules.KINDS}
        if data is not None:
            for value in data.getlist("on"):
                code, _, channel = str(value).partition(":")
                if code in rules.KINDS and channel in rules.CHANNELS:
                    self.ticked[code].add(channel)


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", "全部"), *OutboundMessage.State.choices])
    page = forms.IntegerField(required=False, min_value=1)

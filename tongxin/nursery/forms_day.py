"""The day's forms: a child checked in or out, a whole-room record, one child's exception — every input bounded and
chosen from what the page offered before a service sees it."""

from django import forms

from . import rules_day
from .forms import _time

ACTIONS = [("in", "入园"), ("out", "离园"), ("entry", "全班记录"), ("exception", "个别幼儿")]
KIND_CHOICES = [("", "请选择")] + list(rules_day.KINDS.items())
# Grouped as a carer reads them: the meals share their values.
VALUE_CHOICES: list = [("", "请选择"), ("用餐", list(rules_day.VALUES["lunch"].items()))] + [
    (rules_day.KINDS[kind], list(rules_day.VALUES[kind].items())) for kind in ("nap", "nappy", "mood", "outdoor")]


def _time_field(label: str, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=[("", "—")] + [(t, t) for t in _quarter_times()],
                                  coerce=_time, required=required, empty_value=None)


def _quarter_times() -> list[str]:
    return [f"{h:02d}:{m:02d}" for h in range(6, 22) for m in (0, 15, 30, 45)]


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS, error_messages={"invalid_choice": "未知的操作"})


class CheckForm(forms.Form):
    """入园 or 离园 for a child of the roll (the guardian, for 离园, among those the page lists)."""

    child = forms.TypedChoiceField(label="幼儿", coerce=int, choices=[])
    guardian = forms.TypedChoiceField(label="接送人", coerce=int, choices=[], required=False, empty_value=None)

    def __init__(self, *args, children: list[tuple[int, str]], guardians: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(pk), name) for pk, name in children]
        self.fields["guardian"].choices = [("", "请选择")] + [(str(pk), str(pk)) for pk in guardians]
        self.fields["child"].error_messages["invalid_choice"] = "请选择本班今天的幼儿"
        self.fields["guardian"].error_messages["invalid_choice"] = "所选接送人不在名单中"


class EntryForm(forms.Form):
    """A record for the whole room."""

    kind = forms.ChoiceField(label="记录", choices=KIND_CHOICES, error_messages={"invalid_choice": "请选择记录类型"})
    value = forms.ChoiceField(label="情况", choices=VALUE_CHOICES, error_messages={"invalid_choice": "请选择情况"})
    start = _time_field("时间", required=True)
    end = _time_field("结束（午睡、户外）")
    note = forms.CharField(label="备注", max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = "请填写时间"
        self.fields["value"].error_messages["required"] = "请选择情况"
        self.fields["kind"].error_messages["required"] = "请选择记录类型"

    def clean(self) -> dict:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value")
        if kind and value and value not in rules_day.VALUES.get(kind, {}):
            self.add_error("value", f"请选择{rules_day.KINDS[kind]}的情况")
        return data


class ExceptionForm(forms.Form):
    """One child who differs from a record of the room."""

    entry = forms.TypedChoiceField(label="记录", coerce=int, choices=[],
                                   error_messages={"invalid_choice": "请选择今天的记录"})
    child = forms.TypedChoiceField(label="幼儿", coerce=int, choices=[],
                                   error_messages={"invalid_choice": "请选择在园的幼儿"})
    value = forms.ChoiceField(label="情况", choices=VALUE_CHOICES, error_messages={"invalid_choice": "请选择情况"})
    start = _time_field("开始（可不填）")
    end = _time_field("结束（可不填）")
    note = forms.CharField(label="备注", max_length=64, required=False)

    def __init__(self, *args, entries: list[tuple[int, str, str]], children: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {pk: kind for pk, kind, _ in entries}
        self.fields["entry"].choices = [(str(pk), label) for pk, _, label in entries]
        self.fields["child"].choices = [(str(pk), name) for pk, name in children]

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = self.kinds.get(data.get("entry") or 0)
        value = data.get("value")
        if kind and value and value not in rules_day.VALUES.get(kind, {}):
            self.add_error("value", f"请选择{rules_day.KINDS[kind]}的情况")
        return data

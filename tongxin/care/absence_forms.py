"""The absence pages' forms: every input parsed and bounded here before a service sees it (Django's fields refuse
NUL characters; lengths are the columns')."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from .absence_choices import Closing, Delivery, Method, Reason, Recipient, Result

ID = {"min_value": 1, "max_value": 2**31 - 1}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
SHORT = {"": "到校", Reason.SICK: "病假", Reason.PERSONAL: "事假", Reason.UNEXPLAINED: "无故缺课", Reason.OTHER: "其他"}


class DayField(forms.DateField):
    widget = DATE_WIDGET

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写日期"})
        kwargs.setdefault("label", "日期")
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not FIRST <= value <= LAST:
            raise ValidationError("日期超出范围")


class PickForm(forms.Form):
    """`?class=&day=` on the register page."""

    klass = forms.IntegerField(required=False, **ID)
    day = DayField(required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None:  # `class` is a keyword: the query's name, the form's field `klass`
            data = {"klass": data.get("class", ""), "day": data.get("day", "")}
        super().__init__(data, **kwargs)


class RegisterForm(forms.Form):
    """One select a pupil, present by default; the class and the day ride along."""

    class_id = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "invalid": "参数有误，请从页面上的链接进入", "required": "参数有误，请从页面上的链接进入",
        "min_value": "参数有误，请从页面上的链接进入", "max_value": "参数有误，请从页面上的链接进入"}, **ID)
    day = DayField(widget=forms.HiddenInput)

    def __init__(self, *args, pupils: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils = pupils
        for pk, name in pupils:
            self.fields[f"c{pk}"] = forms.ChoiceField(
                label=name, required=False, widget=forms.Select(attrs={"aria-label": name}),
                choices=[("", name)] + [(r, f"{name} {SHORT[r]}") for r in Reason.values],
                error_messages={"invalid_choice": f"{name}：请从列表中选择"})

    def marks(self) -> dict[int, str]:
        return {pk: self.cleaned_data[f"c{pk}"] for pk, _ in self.pupils if self.cleaned_data.get(f"c{pk}")}


class TabForm(forms.Form):
    tab = forms.ChoiceField(required=False, choices=[("open", ""), ("overdue", ""), ("closed", "")])
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


def _text(label: str, limit: int, *, required: bool = True, rows: int = 0, placeholder: str = "") -> forms.CharField:
    attrs = {"placeholder": placeholder} if placeholder else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, max_length=limit, required=required, widget=widget,
                           error_messages={"required": f"请填写{label}",
                                           "max_length": f"{label}最多 %(limit_value)d 字（现有 %(show_value)d 字）"})


def _choice(label: str, choices, *, radio: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect if radio else forms.Select,
                             error_messages={"required": f"请选择{label}", "invalid_choice": f"请从列表中选择{label}"})


class CauseForm(forms.Form):
    day = DayField()
    method = _choice("了解方式", Method.choices)
    text = _text("缺课原因", 255, rows=2, placeholder="家长说明的原因、孩子现在在哪里、和谁在一起")


class PersuadeForm(forms.Form):
    day = DayField()
    method = _choice("劝返方式", Method.choices)
    people = _text("参与劝返的人员", 128, placeholder="如：王老师、村委会李主任")
    result = _choice("劝返结果", Result.choices)
    text = _text("劝返情况", 500, rows=3, placeholder="见到谁、谈了什么、家长和孩子的态度、下一步")


class ReassignForm(forms.Form):
    responsible = forms.TypedChoiceField(label="新的责任人", coerce=int, error_messages={
        "required": "请选择责任人", "invalid_choice": "请从列表中选择责任人"})
    text = _text("说明", 500, required=False)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "请选择")] + [(pk, name) for pk, name in choices]


class FailForm(forms.Form):
    day = DayField(label="认定日期")
    text = _text("劝返无效的情况", 500, rows=3, placeholder="劝返几次、家长和孩子的态度、无效的原因")


class DeliverForm(forms.Form):
    recipient = _choice("送达单位", Recipient.choices)
    day = DayField(label="送达日期")
    delivery = _choice("送达方式", Delivery.choices)
    people = _text("签收人", 128, placeholder="签收人姓名、职务")
    text = _text("说明", 500, required=False)


class CloseForm(forms.Form):
    closing = _choice("结案情况", Closing.choices)
    day = DayField(label="返校（核实）日期")
    cause = _text("缺课原因", 255, required=False, rows=2)
    text = _text("结案说明", 500, rows=2, placeholder="何时返校、目前在校情况、后续关注")


class NoteForm(forms.Form):
    day = DayField()
    text = _text("补充情况", 500, rows=2)


ACTIONS = {"cause": CauseForm, "persuade": PersuadeForm, "reassign": ReassignForm, "fail": FailForm,
           "deliver": DeliverForm, "close": CloseForm, "note": NoteForm}

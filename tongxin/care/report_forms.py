"""The mandatory report pages' forms: every input bounded here before a service sees it (Django's fields refuse
NUL characters)."""

from django import forms

from .report_choices import Situation
from .report_models import DEFAULT_ACK_MINUTES

ID = {"min_value": 1, "max_value": 2**31 - 1}


class PickForm(forms.Form):
    """`?child=` (chosen) or `?q=` (searching) on the new report page."""

    child = forms.IntegerField(required=False, widget=forms.HiddenInput, **ID)
    q = forms.CharField(required=False, max_length=32, label="查找儿童",
                        widget=forms.TextInput(attrs={"placeholder": "姓名或拼音首字母", "type": "search"}))


class ReportForm(forms.Form):
    situation = forms.ChoiceField(label="发现的情形", choices=Situation.choices, widget=forms.RadioSelect,
                                  error_messages={"required": "请选择发现的情形"})
    description = forms.CharField(label="发现的情况", max_length=1000, widget=forms.Textarea(attrs={
        "rows": 4, "placeholder": "什么时候、在哪里、看到或听到了什么；孩子现在在哪里、和谁在一起"}),
        error_messages={"required": "请填写发现的情况"})
    location = forms.CharField(label="发现地点", max_length=128, required=False)
    urgent = forms.BooleanField(label="孩子现在就有危险（请同时拨打 110）", required=False)


class TabForm(forms.Form):
    tab = forms.ChoiceField(required=False, choices=[("open", ""), ("closed", ""), ("mine", "")])
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


ACTIONS = {"receive": "签收", "police": "登记公安机关接报", "act": "记录处置情况", "note": "补充情况", "close": "结案"}


class ActionForm(forms.Form):
    text = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class RouteForm(forms.Form):
    township = forms.IntegerField(widget=forms.HiddenInput, **ID)
    police_name = forms.CharField(label="派出所", max_length=64, error_messages={"required": "请填写派出所名称"})
    police_contact = forms.CharField(label="联系人", max_length=32, required=False)
    police_phone = forms.CharField(label="电话", max_length=20, error_messages={"required": "请填写派出所电话"})
    government_contact = forms.TypedChoiceField(label="乡镇政府接报人", coerce=int, empty_value=None, required=False)
    leader = forms.TypedChoiceField(label="逾期未签收时上报的分管领导", coerce=int, empty_value=None, required=False)
    ack_minutes = forms.IntegerField(label="签收时限（分钟）", min_value=10, max_value=24 * 60,
                                     initial=DEFAULT_ACK_MINUTES)

    def __init__(self, *args, officers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（全体乡镇干部）")] + [(pk, name) for pk, name in officers]
        self.fields["government_contact"].choices = choices
        self.fields["leader"].choices = [("", "（未设置）")] + [(pk, name) for pk, name in officers]

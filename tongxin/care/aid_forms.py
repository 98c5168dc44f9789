"""The aid pages' forms (every input bounded before a service sees it)."""

from decimal import Decimal

from django import forms

from .aid_models import AidKind

ID = {"min_value": 1, "max_value": 2**31 - 1}


class AidFilterForm(forms.Form):
    child = forms.IntegerField(required=False, widget=forms.HiddenInput, **ID)
    q = forms.CharField(required=False, max_length=32, label="查找儿童",
                        widget=forms.TextInput(attrs={"placeholder": "姓名或拼音首字母", "type": "search"}))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class AidForm(forms.Form):
    kind = forms.ChoiceField(label="资助类别", choices=AidKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择资助类别"})
    donor = forms.CharField(label="资助方", max_length=64, error_messages={"required": "请填写资助方"},
                            widget=forms.TextInput(attrs={"placeholder": "个人或单位名称"}))
    what = forms.CharField(label="资助内容", max_length=128, error_messages={"required": "请填写资助内容"},
                           widget=forms.TextInput(attrs={"placeholder": "如：助学金、冬衣一套、学习用品"}))
    amount = forms.DecimalField(label="金额或折价（元）", min_value=Decimal("0"), max_value=Decimal("1000000"),
                                max_digits=9, decimal_places=2, initial=Decimal("0"),
                                help_text="200 元及以上的捐赠将生成捐赠收据")
    given_on = forms.DateField(label="发放日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})

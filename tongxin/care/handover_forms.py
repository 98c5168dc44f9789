"""The holiday handover pages' forms (every input bounded before a service sees it)."""

from django import forms

from .handover_models import Holiday

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HandoverForm(forms.Form):
    school = forms.TypedChoiceField(label="学校", coerce=int)
    holiday = forms.ChoiceField(label="假期", choices=Holiday.choices, widget=forms.RadioSelect)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    holiday_start = forms.DateField(label="放假日期", widget=DATE, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    school_start = forms.DateField(label="开学日期", widget=DATE, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})

    def __init__(self, *args, schools: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = schools
        if len(schools) == 1:
            self.fields["school"].widget = forms.HiddenInput()


class ReceiveForm(forms.Form):
    note = forms.CharField(label="接收说明（可不填）", max_length=255, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：已转交各组长，假期内每周走访一次"}))

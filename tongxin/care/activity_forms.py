"""The activities pages' forms (every input bounded before a service sees it)."""

from django import forms

from .activity_models import ActivityKind

ID = {"min_value": 1, "max_value": 2**31 - 1}


class PlaceForm(forms.Form):
    """`?place=school:3&class=12`: where the activity was held and whose children to list."""

    place = forms.RegexField(required=False, regex=r"^(school|community):\d{1,9}$",
                             error_messages={"invalid": "地点参数不正确"})
    school_class = forms.IntegerField(required=False, **ID)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def place_value(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("place") or ""
        if not value:
            return None
        kind, pk = value.split(":")
        return kind, int(pk)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="活动类别", choices=ActivityKind.choices, error_messages={"required": "请选择活动类别"})
    title = forms.CharField(label="活动名称", max_length=64, error_messages={"required": "请填写活动名称"})
    venue = forms.CharField(label="地点", max_length=64, initial="留守儿童之家")
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    run_by = forms.CharField(label="主讲或组织者", max_length=64, error_messages={"required": "请填写主讲或组织者"})
    in_charge = forms.CharField(label="安全负责人", max_length=32, required=False)
    note = forms.CharField(label="活动情况", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    children = forms.TypedMultipleChoiceField(label="参加儿童", coerce=int, widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": "请选择参加活动的儿童"})
    handed_over = forms.TypedMultipleChoiceField(label="当面交接", coerce=int, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    escorted_home = forms.TypedMultipleChoiceField(label="送回家", coerce=int, required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("children", "handed_over", "escorted_home"):
            self.fields[name].choices = choices

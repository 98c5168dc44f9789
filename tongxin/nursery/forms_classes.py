"""Forms of the age packages' and parent classes' pages: every input bounded before a service sees it (Django's
text fields refuse NUL; lengths are the columns'; choices only from what the page offered)."""

import datetime as dt

from django import forms

from .choices import AgeBand
from .forms import DATE_ERRORS, date_field, time_field
from .models_classes import Domain, ParentClass

MONTHS = [(m, f"{m}个月") for m in range(0, 37)]


class ActivityForm(forms.Form):
    package = forms.ChoiceField(label="年龄包", choices=AgeBand.choices)
    domain = forms.ChoiceField(label="领域", choices=Domain.choices)
    name = forms.CharField(label="活动名称", max_length=32)
    min_months = forms.TypedChoiceField(label="适宜月龄起", choices=MONTHS, coerce=int)
    max_months = forms.TypedChoiceField(label="适宜月龄止", choices=MONTHS, coerce=int, initial=12)
    minutes = forms.IntegerField(label="时长（分钟）", min_value=1, max_value=120, initial=15)
    carer_does = forms.CharField(label="保育人员怎么做", max_length=400, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if "min_months" in data and "max_months" in data and data["min_months"] >= data["max_months"]:
            raise forms.ValidationError("适宜月龄的起始应小于截止")
        return data


class PlanForm(forms.Form):
    room = forms.TypedChoiceField(label="班级", coerce=int)
    day = date_field("日期")
    activity = forms.TypedChoiceField(label="活动", coerce=int)

    def __init__(self, *args, rooms: list[tuple[int, str]], activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = rooms
        self.fields["activity"].choices = activities


class WeekForm(forms.Form):
    week = forms.DateField(required=False, error_messages=DATE_ERRORS)


class ClassForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ParentClass.Kind.choices)
    title = forms.CharField(label="主题", max_length=48)
    speaker = forms.CharField(label="主讲人", max_length=32)
    day = date_field("日期")
    start = time_field("开始时间", initial="09:30")
    minutes = forms.IntegerField(label="时长（分钟）", min_value=15, max_value=240, initial=60)
    online = forms.TypedChoiceField(label="方式", choices=[("0", "线下"), ("1", "线上")], coerce=lambda v: v == "1",
                                    initial="0")
    place = forms.CharField(label="地点（线上填会议号或链接）", max_length=100)
    seats = forms.IntegerField(label="名额", min_value=1, max_value=500, initial=30)

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError("日期超出范围")
        return day


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(label="出席的家长", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, seats: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = seats


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label="评分", coerce=int, choices=[(n, f"{n} 分") for n in range(5, 0, -1)])
    comment = forms.CharField(label="评价（可不填）", max_length=200, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

"""The nursery pages' forms: every input bounded before a service sees it (no NUL, nothing longer than its column,
choices only from what the page offered)."""

import datetime as dt
import re
from decimal import Decimal

from django import forms

from tongxin.people import selectors as people

from .choices import AgeBand, CareType, ClassType, PriceItem, SubsidyKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}
TIMES = [f"{h:02d}:{m:02d}" for h in range(6, 22) for m in (0, 30)]


def _time(value: str) -> dt.time:
    h, m = value.split(":")
    return dt.time(int(h), int(m))


def time_field(label: str, *, required: bool = True, initial: str | None = None,
               empty_label: str = "按托育类型默认") -> forms.TypedChoiceField:
    choices = ([] if required else [("", empty_label)]) + [(t, t) for t in TIMES]
    return forms.TypedChoiceField(label=label, choices=choices, coerce=_time, required=required, empty_value=None,
                                  initial=initial)


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required, error_messages=DATE_ERRORS)


class DayForm(forms.Form):
    on = forms.DateField(required=False, error_messages=DATE_ERRORS)


class MonthForm(forms.Form):
    month = forms.CharField(required=False, max_length=7)

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value, re.ASCII)
        if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError("月份格式应为 YYYY-MM")
        return dt.date(int(match[1]), int(match[2]), 1)


class BillFilterForm(forms.Form):
    """Which of a month's bills to list; a filter that is not understood shows the default list."""

    show = forms.ChoiceField(required=False, choices=[("", ""), ("unpaid", "未缴费"), ("paid", "已缴费"), ("all", "全部")])
    name = forms.CharField(required=False, max_length=20, strip=True)


class _ChildByNumber(forms.Form):
    """A child named by the ID number and name the family shows (found in the registry, never opened)."""

    id_number = forms.CharField(label="幼儿身份证号", max_length=18, min_length=18,
                                error_messages={"min_length": "身份证号应为 18 位", "max_length": "身份证号应为 18 位"})
    name = forms.CharField(label="幼儿姓名", max_length=32)

    def clean(self):
        data = super().clean()
        if "id_number" in data and "name" in data:
            child_id = people.child_by_id_number(data["id_number"], data["name"])
            if child_id is None:
                raise forms.ValidationError("未找到身份证号与姓名相符的登记幼儿，请先到社区为幼儿建档")
            data["child_id"] = child_id
        return data


class ContractForm(_ChildByNumber):
    room = forms.TypedChoiceField(label="班级", coerce=int)
    care_type = forms.ChoiceField(label="托育类型", choices=CareType.choices)
    starts_on = date_field("入托日期")
    drop_off = time_field("入园时间", required=False)
    pick_up = time_field("离园时间（晚于闭园时间即为延时托育）", required=False)

    def __init__(self, *args, rooms: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = rooms


class EndForm(forms.Form):
    last_day = date_field("最后在托日")
    reason = forms.CharField(label="退托原因", max_length=64, required=False)


class WaitlistAddForm(_ChildByNumber):
    care_type = forms.ChoiceField(label="托育类型", choices=CareType.choices)
    wanted_from = date_field("希望入托日期")


class JoinForm(forms.Form):
    child = forms.TypedChoiceField(label="孩子", coerce=int)
    centre = forms.TypedChoiceField(label="托育机构", coerce=int)
    care_type = forms.ChoiceField(label="托育类型", choices=CareType.choices)
    wanted_from = date_field("希望入托日期")

    def __init__(self, *args, children: list[tuple[int, str]], centres: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children
        self.fields["centre"].choices = centres


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "接受"), ("decline", "放弃"), ("withdraw", "撤回")])


class BookForm(forms.Form):
    centre = forms.TypedChoiceField(label="托育机构", coerce=int)
    child = forms.TypedChoiceField(label="孩子", coerce=int)
    day = date_field("日期")
    start = time_field("开始", initial="09:00")
    end = time_field("结束", initial="12:00")

    def __init__(self, *args, centres: list[tuple[int, str]], children: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres
        self.fields["child"].choices = children


class ShiftForm(forms.Form):
    room = forms.TypedChoiceField(label="班级", coerce=int)
    day = date_field("日期")
    carer = forms.TypedChoiceField(label="保育人员", coerce=int)
    start = time_field("上班", initial="07:30")
    end = time_field("下班", initial="16:30")

    def __init__(self, *args, rooms: list[tuple[int, str]], carers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = rooms
        self.fields["carer"].choices = carers


class RepeatForm(forms.Form):
    room = forms.TypedChoiceField(label="班级", coerce=int)
    day = date_field("按此日的排班")
    until = date_field("复制到（含）")

    def __init__(self, *args, rooms: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = rooms


class PriceForm(forms.Form):
    item = forms.ChoiceField(label="收费项目", choices=PriceItem.choices)
    band = forms.ChoiceField(label="年龄段", choices=AgeBand.choices)
    amount = forms.DecimalField(label="价格（元）", min_value=Decimal(0), max_value=Decimal("99999.99"), max_digits=7,
                                decimal_places=2)
    effective_from = date_field("起始日期")


class SubsidyForm(forms.Form):
    kind = forms.ChoiceField(label="补贴类型", choices=SubsidyKind.choices)
    amount = forms.DecimalField(label="金额（元）或比例（%）", min_value=Decimal(0), max_value=Decimal("9999.99"),
                                max_digits=6, decimal_places=2)
    effective_from = date_field("起始日期")


class LimitForm(forms.Form):
    class_type = forms.ChoiceField(label="班型", choices=ClassType.choices)
    max_size = forms.IntegerField(label="每班最多幼儿（空：按上级标准）", min_value=1, max_value=20, required=False)
    per_carer = forms.IntegerField(label="每名保育人员最多照护（空：按上级标准）", min_value=1, max_value=7,
                                   required=False)

"""Forms of partners, bookings, programme accounts and guest sessions: every input checked before the service."""

from decimal import Decimal

from django import forms

from .models import Fund, GuestSession, Partner, Spending
from .partner_rules import DEFAULT_DRILL_EVERY_WEEKS, WEEKDAY_LABELS

WEEKDAYS = [(d, label) for d, label in WEEKDAY_LABELS.items()]
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})


class PartnerEditForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=64)
    kind = forms.ChoiceField(label="类型", choices=Partner.Kind.choices)
    contact = forms.CharField(label="联系人", max_length=32)
    phone = forms.RegexField(label="联系电话", regex=r"^[0-9\-]{7,20}$", max_length=20, required=False,
                             error_messages={"invalid": "请填写正确的电话号码"})
    activities = forms.CharField(label="可开展的活动", max_length=128, required=False, help_text="如：安全讲座、阅读推广、非遗手工")


class PartnerForm(PartnerEditForm):
    region = forms.ModelChoiceField(label="所在乡镇（街道）或社区（村）", queryset=None, empty_label="（请选择）")
    field_order = ["name", "kind", "contact", "phone", "region", "activities"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class VenueEditForm(forms.Form):
    capacity = forms.IntegerField(label="可容纳儿童（人）", min_value=1, max_value=2000)
    weekdays = forms.TypedMultipleChoiceField(label="开放日", choices=WEEKDAYS, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    opens = forms.TimeField(label="开放时间", widget=TIME)
    closes = forms.TimeField(label="关闭时间", widget=TIME)
    note = forms.CharField(label="使用说明", max_length=128, required=False)


class PartnerVenueForm(VenueEditForm):
    site = forms.ModelChoiceField(label="场所", queryset=None, empty_label="（请选择场所）")
    field_order = ["site", "capacity", "weekdays", "opens", "closes", "note"]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = lambda s: f"{s.name}（{s.get_kind_display()}，{s.capacity} 人）"


class BookingForm(forms.Form):
    venue = forms.ModelChoiceField(label="合作单位场所", queryset=None, empty_label="（请选择场所）")
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    weekdays = forms.TypedMultipleChoiceField(label="使用日", choices=WEEKDAYS, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    day_start = forms.TimeField(label="开始时间", widget=TIME)
    day_end = forms.TimeField(label="结束时间", widget=TIME)
    children = forms.IntegerField(label="儿童人数", min_value=1, max_value=2000)
    purpose = forms.CharField(label="用途", max_length=64, required=False, help_text="如：阅读活动、体育游戏")

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["venue"].label_from_instance = lambda v: f"{v.partner.name}·{v.site.name}（{v.capacity} 人，{v.times_text}）"


AMOUNT = dict(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), max_digits=10, decimal_places=2)


class IncomeForm(forms.Form):
    fund = forms.ChoiceField(label="资金来源", choices=Fund.choices)
    payer = forms.CharField(label="拨付单位或捐赠人", max_length=64)
    amount = forms.DecimalField(label="金额（元）", **AMOUNT)
    received_on = forms.DateField(label="到账日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=128, required=False)


class SpendingForm(forms.Form):
    fund = forms.ChoiceField(label="列支资金", choices=Fund.choices, help_text="专款专用：只能从本项目该资金的余额中列支")
    category = forms.ChoiceField(label="支出类别", choices=[("", "请选择")] + Spending.Category.choices,
                                 error_messages={"required": "请选择支出类别"})
    item = forms.CharField(label="支出事项", max_length=64)
    amount = forms.DecimalField(label="金额（元）", **AMOUNT)
    spent_on = forms.DateField(label="支出日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=128, required=False)

    def __init__(self, *args, funds: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if funds:
            self.fields["fund"].choices = funds


class GuestSessionForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=GuestSession.Kind.choices)
    teacher = forms.CharField(label="授课人", max_length=32)
    teacher_unit = forms.CharField(label="授课人单位", max_length=64, required=False, help_text="如：县消防救援大队")
    partner = forms.ModelChoiceField(label="合作单位", queryset=None, required=False, empty_label="（无）")
    topic = forms.CharField(label="主题", max_length=64)
    children_present = forms.IntegerField(label="参加儿童（人）", min_value=1, max_value=2000)
    drill_kind = forms.ChoiceField(label="演练类型", choices=[("", "（未演练）"), *GuestSession.DrillKind.choices],
                                   required=False)
    drill_minutes = forms.IntegerField(label="演练时长（分钟）", min_value=1, max_value=240, required=False)
    drill_result = forms.CharField(label="演练效果", max_length=200, required=False)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class DrillFrequencyForm(forms.Form):
    every_weeks = forms.IntegerField(
        label="安全演练至少每几周一次", min_value=1, max_value=DEFAULT_DRILL_EVERY_WEEKS,
        help_text=f"默认每期至少 1 次、每 {DEFAULT_DRILL_EVERY_WEEKS} 周 1 次；只能设得更频繁",
        error_messages={"min_value": "请填写 1 到 %(limit_value)s 之间的周数",
                        "max_value": f"只能比默认更频繁：请填写 1 到 {DEFAULT_DRILL_EVERY_WEEKS} 周"})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, help_text="如：重复登记、金额录错，将留档备查")

from decimal import Decimal

from django import forms

from tongxin.orgs.models import Region, School

from .models import Activity, HealthCheck, Incident, Need, Period, Programme, RosterShift

GRADE_CHOICES = [(i, f"{'一二三四五六七八九'[i - 1]}年级") for i in range(1, 10)]


class ProgrammeForm(forms.ModelForm):
    eligible_grades = forms.TypedMultipleChoiceField(label="可报名年级", choices=GRADE_CHOICES, coerce=int,
                                                     widget=forms.CheckboxSelectMultiple, initial=[1, 2, 3, 4, 5])

    class Meta:
        model = Programme
        fields = ["name", "kind", "school", "community", "apply_deadline", "day_start", "day_end", "pickup_grace_minutes",
                  "eligible_grades", "group_size_limit", "fee_per_day", "lunch_available", "lunch_price",
                  "children_per_staff", "agreement_text", "commitment_text"]
        widgets = {
            "apply_deadline": forms.DateInput(attrs={"type": "date"}),
            "day_start": forms.TimeInput(attrs={"type": "time"}),
            "day_end": forms.TimeInput(attrs={"type": "time"}),
            "agreement_text": forms.Textarea(attrs={"rows": 4}),
            "commitment_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, schools=None, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()
        self.fields["community"].queryset = communities if communities is not None else Region.objects.none()
        self.fields["school"].required = self.fields["community"].required = False


class PeriodForm(forms.Form):
    name = forms.CharField(label="期次名称", max_length=32)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class GroupForm(forms.Form):
    period = forms.ModelChoiceField(label="期次", queryset=Period.objects.none())
    site = forms.ModelChoiceField(label="场所", queryset=None)
    name = forms.CharField(label="班组名称", max_length=32)
    capacity = forms.IntegerField(label="人数上限", min_value=1, max_value=40)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = programme.periods.all()
        self.fields["site"].queryset = programme.sites.all()
        self.fields["capacity"].initial = programme.group_size_limit


class ApplicationForm(forms.Form):
    periods = forms.ModelMultipleChoiceField(label="托管期次", queryset=Period.objects.none(), widget=forms.CheckboxSelectMultiple)
    lunch = forms.BooleanField(label="在校用午餐", required=False)
    needs = forms.MultipleChoiceField(label="托管需求", choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False)
    note = forms.CharField(label="补充说明", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agree_service = forms.BooleanField(label="我已阅读并同意《托管服务协议》", required=False)
    agree_safety = forms.BooleanField(label="我已阅读并签署《安全承诺书》", required=False)
    signature = forms.CharField(label="监护人签名（请输入您的姓名）", max_length=32)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periods"].queryset = programme.periods.all()
        if not programme.lunch_available:
            del self.fields["lunch"]


class ShiftForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.CharField(label="人员账号", max_length=150, help_text="教师或志愿者的登录账号")
    duty = forms.ChoiceField(label="岗位", choices=RosterShift.Duty.choices)
    group = forms.ModelChoiceField(label="班组", queryset=None, required=False)
    start = forms.TimeField(label="开始", widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    end = forms.TimeField(label="结束", widget=forms.TimeInput(attrs={"type": "time"}), required=False)

    def __init__(self, *args, programme, **kwargs):
        from .models import Group

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(period__programme=programme).select_related("period")


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Incident.Kind.choices)
    occurred_at = forms.DateTimeField(label="发生时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    description = forms.CharField(label="经过", widget=forms.Textarea(attrs={"rows": 3}))
    action_taken = forms.CharField(label="处置措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guardian_informed_at = forms.DateTimeField(label="通知家长时间", required=False,
                                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    informed_note = forms.CharField(label="通知情况（通知了谁、怎么说的）", max_length=255, required=False)


SCORE_CHOICES = [(i, str(i)) for i in range(5, 0, -1)]


class EvaluationForm(forms.Form):
    safety = forms.TypedChoiceField(label="安全看护", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    homework = forms.TypedChoiceField(label="作业辅导", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    activities = forms.TypedChoiceField(label="活动安排", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    staff = forms.TypedChoiceField(label="教师态度", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    overall = forms.TypedChoiceField(label="总体满意度", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见建议", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


ACTIVITY_CHOICES = Activity.choices


ID_FIELD = {"min_value": 1, "max_value": 2**63 - 1}  # a database id: never more than a bigint holds


class TodayActionForm(forms.Form):
    """One tap on the duty page: check in, hand over, absence, a health check, a scanned code or an alert."""

    ACTIONS = {
        "in": ("placement",), "out": ("placement", "guardian"), "absent": ("placement", "reason"),
        "health": ("placement", "slot", "temperature"), "code": ("code",), "alert": ("alert",),
    }
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    placement = forms.IntegerField(required=False, **ID_FIELD)
    guardian = forms.IntegerField(required=False, **ID_FIELD)
    alert = forms.IntegerField(required=False, **ID_FIELD)
    reason = forms.CharField(label="缺勤原因", max_length=64, required=False)
    slot = forms.ChoiceField(label="检查时段", choices=HealthCheck.Slot.choices, required=False)
    temperature = forms.DecimalField(label="体温", max_digits=3, decimal_places=1, min_value=34, max_value=Decimal("42.5"),
                                     required=False)
    note = forms.CharField(label="情况", max_length=128, required=False)
    code = forms.CharField(label="签到码", max_length=64, required=False)

    MISSING = {"placement": "请选择儿童", "guardian": "请选择接送人", "reason": "请填写缺勤原因",
               "slot": "请选择检查时段", "temperature": "请输入体温，如 36.5", "code": "请扫描或输入签到码",
               "alert": "请选择预警"}

    def clean(self):
        data = super().clean()
        for name in self.ACTIONS.get(data.get("action"), ()):
            if name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, self.MISSING[name])
        return data

    def error_text(self) -> str:
        return form_errors(self)


def form_errors(form: forms.Form) -> str:
    """A form's errors as one line a person reads: 「体温：确保该值小于或等于42.5。」."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else ""
        parts += [f"{label}：{e}" if label and not e.startswith(str(label)) else e for e in errors]
    return "；".join(parts)


# ---------------------------------------------------------------- roster, fees, incidents (issue 6)


class SignUpForm(forms.Form):
    """A teacher or volunteer offers themselves for one custody day (the organiser approves)."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ModelChoiceField(label="班组", queryset=None, required=False)
    start = forms.TimeField(label="开始", widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    end = forms.TimeField(label="结束", widget=forms.TimeInput(attrs={"type": "time"}), required=False)

    def __init__(self, *args, programme, **kwargs):
        from .models import Group

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(period__programme=programme).select_related("period")


class RosterActionForm(forms.Form):
    """One button on the roster page: about one shift, or publishing a range of days."""

    ACTIONS = ("add", "signup", "accept", "decline", "approve", "refuse", "sign", "remove", "publish")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    shift = forms.IntegerField(required=False, **ID_FIELD)
    start_date = forms.DateField(label="开始日期", required=False)
    end_date = forms.DateField(label="结束日期", required=False)

    NEEDS_SHIFT = {"accept", "decline", "approve", "refuse", "sign", "remove"}

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in self.NEEDS_SHIFT and not data.get("shift"):
            self.add_error("shift", "请选择排班")
        if action == "publish":
            for name in ("start_date", "end_date"):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, "请选择日期")
        return data


class PublishForm(forms.Form):
    start_date = forms.DateField(label="从", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="到", widget=forms.DateInput(attrs={"type": "date"}))


class ExemptionDecisionForm(forms.Form):
    exemption = forms.IntegerField(**ID_FIELD)
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("refuse", "不批准")])
    percent = forms.IntegerField(label="批准比例", min_value=1, max_value=100, required=False)


class ExemptionRequestForm(forms.Form):
    percent = forms.IntegerField(label="减免比例", min_value=1, max_value=100, initial=50)
    reason = forms.CharField(label="理由", max_length=255)


class HardshipForm(forms.Form):
    """The school certifies a pupil's family as 家庭经济困难 for a school year."""

    application = forms.IntegerField(**ID_FIELD)
    school_year = forms.IntegerField(label="学年（起始年份）", min_value=2000, max_value=2100)
    note = forms.CharField(label="认定依据", max_length=255, required=False)


class IncidentCloseForm(forms.Form):
    guardian_informed_at = forms.DateTimeField(label="通知监护人时间", required=False,
                                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    informed_note = forms.CharField(label="通知情况（通知了谁、怎么说的）", max_length=255, required=False)
    action_taken = forms.CharField(label="后续处置", max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

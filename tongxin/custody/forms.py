import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from tongxin.orgs.models import Region, School, grade_label
from tongxin.web.forms import BIGINT_MAX
from tongxin.web.forms import error_text as form_errors

from . import rules
from .models import AbsenceKind, Activity, Group, HealthCheck, Incident, Need, Period, Programme, RosterShift, Symptom

GRADE_CHOICES = [(i, grade_label(i)) for i in range(1, 10)]


class ProgrammeForm(forms.ModelForm):
    eligible_grades = forms.TypedMultipleChoiceField(label="可报名年级", choices=GRADE_CHOICES, coerce=int,
                                                     widget=forms.CheckboxSelectMultiple, initial=[1, 2, 3, 4, 5])
    group_size_limit = forms.IntegerField(label="每班人数上限", min_value=1, max_value=40, initial=40,
                                          help_text="不超过 40 人")
    pickup_grace_minutes = forms.IntegerField(label="接送宽限（分钟）", min_value=0, max_value=120, initial=15)
    children_per_staff = forms.IntegerField(label="师生比（每名教师看护儿童数）", min_value=1, max_value=40, initial=20)
    max_consecutive_duty_days = forms.IntegerField(label="每人连续值班最多天数", min_value=1, max_value=14, initial=5,
                                                   help_text="保障教师必要的休息、培训时间")
    fee_per_day = forms.DecimalField(label="每生每日费用（元）", min_value=0, max_digits=6, decimal_places=2)
    lunch_price = forms.DecimalField(label="午餐单价（元/天）", min_value=0, max_digits=6, decimal_places=2, initial=12)

    class Meta:
        model = Programme
        fields = ["name", "kind", "school", "community", "apply_deadline", "day_start", "day_end", "pickup_grace_minutes",
                  "eligible_grades", "group_size_limit", "fee_per_day", "lunch_available", "lunch_price",
                  "children_per_staff", "max_consecutive_duty_days", "agreement_text", "commitment_text"]
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
        self.fields["school"].empty_label = self.fields["community"].empty_label = "（请选择）"

    def clean_apply_deadline(self):
        deadline = self.cleaned_data.get("apply_deadline")
        if deadline and "apply_deadline" in self.changed_data:
            problem = rules.deadline_problem(deadline, timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return deadline


class PeriodForm(forms.Form):
    name = forms.CharField(label="期次名称", max_length=32)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class GroupForm(forms.Form):
    period = forms.ModelChoiceField(label="期次", queryset=Period.objects.none(), empty_label="（请选择期次）")
    site = forms.ModelChoiceField(label="场所", queryset=None, empty_label="（请选择场所）")
    name = forms.CharField(label="班组名称", max_length=32)
    capacity = forms.IntegerField(label="人数上限", min_value=1, max_value=40)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = programme.periods.all()
        self.fields["site"].queryset = programme.sites.all()
        self.fields["capacity"].initial = programme.group_size_limit


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that is not a database id before it reaches the query (SQLite overflows on 30 digits)."""

    def _check_values(self, value):
        for v in value:
            if not (isinstance(v, int) or (isinstance(v, str) and re.fullmatch(r"[0-9]{1,18}", v))):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": str(v)[:20]})
        return super()._check_values(value)


class ApplicationForm(forms.Form):
    periods = BoundedModelMultipleChoiceField(label="托管期次", queryset=Period.objects.none(), widget=forms.CheckboxSelectMultiple)
    lunch = forms.BooleanField(label="在校用午餐", required=False)
    needs = forms.MultipleChoiceField(label="托管需求（可多选，班主任会核实）", choices=Need.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "请选择托管需求，如父母双方上班、白天家中无人看护"})
    note = forms.CharField(label="补充说明", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agree_service = forms.BooleanField(label="我已阅读并同意《托管服务协议》", required=False)
    agree_safety = forms.BooleanField(label="我已阅读并签署《安全承诺书》", required=False)
    signature = forms.CharField(label="监护人签名（请输入您的姓名）", max_length=32)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periods"].queryset = programme.periods.all()
        if not programme.lunch_available:
            del self.fields["lunch"]


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


ID_FIELD = {"min_value": 1, "max_value": BIGINT_MAX}


class TodayActionForm(forms.Form):
    """One tap on the duty page: check in, hand over, absence, a health check, a scanned code or an alert."""

    ACTIONS = {
        "in": ("placement",), "out": ("placement", "guardian"), "absent": ("placement", "kind"),
        "health": ("placement", "slot", "temperature"), "code": ("code",), "alert": ("alert",),
        "follow_up": ("attendance", "outcome"),
    }
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    placement = forms.IntegerField(required=False, **ID_FIELD)
    guardian = forms.IntegerField(required=False, **ID_FIELD)
    alert = forms.IntegerField(required=False, **ID_FIELD)
    attendance = forms.IntegerField(required=False, **ID_FIELD)
    reason = forms.CharField(label="缺勤原因", max_length=64, required=False)
    kind = forms.ChoiceField(label="缺勤类别", choices=AbsenceKind.choices, required=False)
    symptoms = forms.MultipleChoiceField(label="症状", choices=Symptom.choices, required=False)
    outcome = forms.CharField(label="追踪结果", max_length=255, required=False)
    slot = forms.ChoiceField(label="检查时段", choices=HealthCheck.Slot.choices, required=False)
    temperature = forms.DecimalField(label="体温", max_digits=3, decimal_places=1, min_value=34, max_value=Decimal("42.5"),
                                     required=False)
    note = forms.CharField(label="情况", max_length=128, required=False)
    code = forms.CharField(label="签到码", max_length=64, required=False)

    MISSING = {"placement": "请选择儿童", "guardian": "请选择接送人", "reason": "请填写缺勤原因",
               "slot": "请选择检查时段", "temperature": "请输入体温，如 36.5", "code": "请扫描或输入签到码",
               "alert": "请选择预警", "kind": "请选择缺勤类别", "attendance": "请选择缺勤记录",
               "outcome": "请填写追踪结果"}

    def clean(self):
        data = super().clean()
        for name in self.ACTIONS.get(data.get("action"), ()):
            if name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, self.MISSING[name])
        return data

    def error_text(self) -> str:
        return form_errors(self)




class RollFilterForm(forms.Form):
    """The duty page's query string: a group (its id, or "all") and a find-a-child search. A part that does not
    parse is left out of the filter."""

    QUERY_MAX = 32
    group = forms.RegexField(regex=r"^(all|[0-9]{1,18})$", required=False)
    q = forms.CharField(label="找孩子", max_length=QUERY_MAX, required=False)

    def group_id(self) -> int | None:
        """0 for every group, a group's id, or None (the person's own group, or every group)."""
        group = self.cleaned_data.get("group") or ""
        return 0 if group == "all" else int(group) if group else None

    def query(self) -> str:
        return self.cleaned_data.get("q") or ""

    @property
    def query_refused(self) -> str:
        return (f"找孩子：请输入不超过 {self.QUERY_MAX} 个字的姓名或拼音首字母，已忽略该搜索"
                if "q" in self.errors else "")


class SlotForm(forms.Form):
    """One row of a group's timetable."""

    start = forms.TimeField(label="开始")
    end = forms.TimeField(label="结束")
    activity = forms.ChoiceField(label="活动类型", choices=Activity.choices)
    title = forms.CharField(label="内容", max_length=64, required=False)


MAX_SLOTS = 30


def parse_timetable(post) -> tuple[list[dict], list[str]]:
    """The filled rows of the timetable form (repeated start/end/activity/title fields), each validated:
    (rows, errors). A row with neither times nor an activity is a blank row and skipped."""
    columns = [post.getlist(name) for name in ("start", "end", "activity", "title")]
    if max(map(len, columns)) > MAX_SLOTS:
        return [], [f"一天最多安排 {MAX_SLOTS} 项"]
    rows, errors = [], []
    for i, (start, end, activity, title) in enumerate(zip(*[c + [""] * (MAX_SLOTS - len(c)) for c in columns]), 1):
        if not (start or end or activity):
            continue
        form = SlotForm({"start": start, "end": end, "activity": activity, "title": title})
        if form.is_valid():
            rows.append(form.cleaned_data)
        else:
            errors.append(f"第{i}行：{form_errors(form)}")
    return rows, errors


class ReviewForm(forms.Form):
    """A reviewer's decision on an application."""

    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "退回")])
    reason = forms.CharField(label="退回原因", max_length=200, required=False)
    need_confirmed = forms.BooleanField(label="已核实托管需求", required=False)
    need_note = forms.CharField(label="核实情况", max_length=128, required=False)


class VenueLoanForm(forms.Form):
    """A venue another body lends the programme."""

    site = forms.ModelChoiceField(label="场所", queryset=None, empty_label="（请选择场所）")
    lender = forms.CharField(label="出借单位及联系人", max_length=64, help_text="如：县青少年宫 王老师 13800000000")
    agreed_on = forms.DateField(label="商定日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="使用说明", max_length=128, required=False, help_text="如：每周二、四下午使用")

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = venues
        self.fields["site"].label_from_instance = lambda s: f"{s.name}（{s.get_kind_display()}，{s.capacity} 人）"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="项目状态", choices=Programme.Status.choices)


class SurveyForm(forms.Form):
    """A new sign-up survey: who runs it, for which holiday, open when, reported by when."""

    title = forms.CharField(label="名称", max_length=64, initial="暑期托管需求摸底")
    kind = forms.ChoiceField(label="托管类型", choices=Programme.Kind.choices)
    organiser = forms.ChoiceField(label="发起单位")
    opens = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    closes = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    report_due = forms.DateField(label="上报期限", widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="上报教育局（或街道）的日期，如 6月29日")

    def __init__(self, *args, schools, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = ([(f"school:{s.pk}", s.name) for s in schools]
                                            + [(f"community:{c.pk}", c.name) for c in communities])
        self._targets = {f"school:{s.pk}": ("school", s) for s in schools}
        self._targets.update({f"community:{c.pk}": ("community", c) for c in communities})

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] < data["opens"]:
            self.add_error("closes", "截止日期不能早于开始日期")
        if data.get("closes") and data.get("report_due") and data["report_due"] < data["closes"]:
            self.add_error("report_due", "上报期限不能早于摸底截止日期")
        return data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        kind, target = self._targets[d.pop("organiser")]
        return {**d, kind: target}


YES_NO = [("yes", "需要"), ("no", "不需要")]


class SurveyAnswerForm(forms.Form):
    child = forms.IntegerField(widget=forms.HiddenInput, **ID_FIELD)
    needs_custody = forms.ChoiceField(label="假期是否需要托管", choices=YES_NO, widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(label="原因（需要时选择）", choices=Need.choices, widget=forms.CheckboxSelectMultiple,
                                      required=False)
    lunch = forms.BooleanField(label="需要在校午餐", required=False)
    note = forms.CharField(label="补充说明", max_length=128, required=False)


class OfferForm(forms.Form):
    willing = forms.ChoiceField(label="是否愿意参加托管值班", choices=[("yes", "愿意参加"), ("no", "暂不参加")],
                                widget=forms.RadioSelect)
    note = forms.CharField(label="可服务时间等", max_length=128, required=False)


# ---------------------------------------------------------------- roster, fees, incidents (issue 6)


class SignUpForm(forms.Form):
    """A teacher or volunteer offers themselves for one custody day (the organiser approves)."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ModelChoiceField(label="班组", queryset=None, required=False)
    start = forms.TimeField(label="开始", widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    end = forms.TimeField(label="结束", widget=forms.TimeInput(attrs={"type": "time"}), required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(period__programme=programme).select_related("period")


class ShiftForm(SignUpForm):
    """The organiser rosters someone for a day (the person accepts)."""

    staff = forms.CharField(label="人员账号", max_length=150, help_text="教师或志愿者的登录账号")
    duty = forms.ChoiceField(label="岗位", choices=RosterShift.Duty.choices)
    field_order = ["date", "staff", "duty", "group", "start", "end"]


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


class PlacementForm(forms.Form):
    """Run the placement of one period, with a seed the organiser may publish beforehand."""

    period = forms.ModelChoiceField(label="期次", queryset=Period.objects.none())
    seed = forms.CharField(label="抽签种子", max_length=64, required=False,
                           help_text="可事先公布种子（如日期+公证人），留空由系统随机生成")

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = programme.periods.all()

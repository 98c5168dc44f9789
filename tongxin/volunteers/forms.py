"""The pool's forms: every input bounded before a service sees it (Django's CharField refuses NUL; lengths are the
columns'; choices only from what the page offered)."""

import datetime as dt
from decimal import Decimal

from django import forms

from tongxin.orgs.models import Region, School

from . import rules
from .choices import (
    KIND_FORM_CHOICES,
    RESULT_FORM_CHOICES,
    WEEKDAYS,
    CheckKind,
    InviteKind,
    LetterKind,
    Source,
    State,
    TrainingPhase,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _communities() -> list[tuple[int, str]]:
    return [(r.pk, f"{r.parent.name if r.parent else ''} {r.name}")
            for r in Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent").order_by("path")]


class PoolFilterForm(forms.Form):
    """Which people of the pool to list; a filter that is not understood lists everyone."""

    state = forms.ChoiceField(required=False, choices=[("", "全部"), *State.choices])
    name = forms.CharField(required=False, max_length=20, strip=True)


class RegisterForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=32)
    phone = forms.RegexField(label="手机号", regex=r"^1\d{10}$", error_messages={"invalid": "请填写11位手机号"})
    username = forms.RegexField(label="登录用户名", regex=r"^[A-Za-z0-9_]{3,30}$", max_length=30,
                                error_messages={"invalid": "用户名为 3-30 位字母、数字或下划线"})
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128, min_length=8)
    source = forms.ChoiceField(label="身份来源", choices=[("", "请选择")] + Source.choices,
                               error_messages={"required": "请选择身份来源"})
    school = forms.TypedChoiceField(label="任职学校（在职教师填写）", required=False, coerce=int, empty_value=None)
    affiliation = forms.CharField(label="单位、就读学校或组织", max_length=64, required=False)
    skills = forms.CharField(label="特长与可教科目", max_length=200, required=False,
                             help_text="如：数学辅导、书法、剪纸、心理健康、急救")
    home = forms.TypedChoiceField(label="居住社区（村）", coerce=int)
    areas = forms.TypedMultipleChoiceField(label="可服务的社区（村）", coerce=int, widget=forms.CheckboxSelectMultiple)
    weekdays = forms.MultipleChoiceField(label="平时可服务的星期", choices=WEEKDAYS, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    holidays = forms.BooleanField(label="寒暑假可服务", required=False)
    hours = forms.CharField(label="可服务时段", max_length=32, required=False, help_text="如：下午 16:00-18:00")

    def __init__(self, *args, joining: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        places = _communities()
        self.fields["home"].choices = [("", "请选择")] + places
        self.fields["areas"].choices = places
        self.fields["school"].choices = [("", "—")] + [(s.pk, s.name) for s in School.objects.order_by("code")]
        if joining:  # a logged-in user joins the pool with the login they have
            for name in ("real_name", "phone", "username", "password"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        problem = rules.registration_problem(source=data.get("source", ""), school_id=data.get("school"),
                                             area_count=len(data.get("areas") or []))
        if problem and "source" in data and "areas" not in self.errors:
            raise forms.ValidationError(problem)
        return data


class VetForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "通过"), ("reject", "不通过")], widget=forms.RadioSelect,
                                 label="审核结果")
    reason = forms.CharField(label="不通过原因", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            raise forms.ValidationError("不通过时请填写原因")
        return data


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label="查询类别", choices=KIND_FORM_CHOICES)
    result = forms.ChoiceField(label="结果", choices=RESULT_FORM_CHOICES)
    checked_on = forms.DateField(label="查询日期", widget=DATE, error_messages=DATE_ERRORS)
    valid_until = forms.DateField(label="有效期至", widget=DATE, error_messages=DATE_ERRORS, required=False,
                                  help_text="不填时：入职查询 3 年，健康检查 1 年")
    note = forms.CharField(label="备注", max_length=200, required=False,
                           help_text="在职教师：学校招聘时已做入职查询的，按学校档案登记")

    def clean(self):
        data = super().clean()
        on: dt.date | None = data.get("checked_on")
        if on and not data.get("valid_until") and data.get("kind") in CheckKind.values:
            data["valid_until"] = rules.add_months(on, rules.DEFAULT_VALID_MONTHS[CheckKind(data["kind"])])
        return data


class TrainingForm(forms.Form):
    phase = forms.ChoiceField(label="阶段", choices=TrainingPhase.choices)
    title = forms.CharField(label="培训内容", max_length=100)
    held_on = forms.DateField(label="培训日期", widget=DATE, error_messages=DATE_ERRORS)
    hours = forms.DecimalField(label="学时", min_value=Decimal("0.5"), max_value=Decimal("40"), decimal_places=1,
                               max_digits=4)


class LetterForm(forms.Form):
    kind = forms.ChoiceField(choices=LetterKind.choices)


class RuleForm(forms.Form):
    training_hours_before = forms.DecimalField(label="岗前培训最少学时", min_value=Decimal("0"), max_value=Decimal("40"),
                                               decimal_places=1, max_digits=4)
    services_before_alone = forms.IntegerField(label="独立服务前须跟岗服务次数", min_value=0, max_value=20)


class MatchForm(forms.Form):
    community = forms.TypedChoiceField(label="服务地点", coerce=int)
    skill = forms.CharField(label="所需特长", max_length=20, required=False)
    weekday = forms.ChoiceField(label="星期", choices=[("", "不限")] + WEEKDAYS, required=False)
    holidays = forms.BooleanField(label="寒暑假", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _communities()


class InviteForm(forms.Form):
    person = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    community = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="服务类别", choices=InviteKind.choices)
    about = forms.CharField(label="服务内容", max_length=100)
    start = forms.DateField(label="开始日期", widget=DATE, error_messages=DATE_ERRORS)


class AnswerForm(forms.Form):
    invitation = forms.IntegerField(min_value=1)
    accept = forms.ChoiceField(choices=[("1", "接受"), ("0", "婉拒")])

"""The care pages' forms: every input parsed and bounded here before a service sees it (Django's fields refuse
NUL characters; lengths are the columns')."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from tongxin.people.services import ADDRESS_MAX, EARLIEST_CHANGE, Situation
from tongxin.people.validators import normalize_mobile, validate_mobile

from .choices import Category, Dimension, PairingKind, Party, Problem, RecordKind, Window
from .models import CareFile, ContactRecord
from .selectors.settings import FIELD as SETTING_FIELDS
from .services.files import NOTE_MAX

SCORES = [(0, "0 无风险"), (1, "1 轻度"), (2, "2 中度"), (3, "3 重度")]
ONLY = [("", "全部"), ("unchecked", "本月未核对"), ("assess", "待评估"), ("review", "家庭情况变动待复核"),
        ("high", "高风险"), ("disagree", "人工认定与数据不一致")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OnForm(forms.Form):
    """`?on=YYYY-MM-DD`: the day a to-do list answers for (today when absent)."""

    on = forms.DateField(required=False, label="日期", widget=DATE_WIDGET,
                         error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on and not dt.date(2000, 1, 1) <= on <= dt.date(2100, 12, 31):
            raise ValidationError("日期超出范围")
        return on


class BoardForm(OnForm):
    by = forms.ChoiceField(required=False, label="汇总到", choices=[("", "按我的范围汇总"), ("class", "班级"), ("school", "学校"),
                                                                 ("township", "乡镇")])
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class LedgerFilterForm(forms.Form):
    school_class = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    category = forms.ChoiceField(required=False, label="类别", choices=[("", "全部类别")] + [
        c for c in Category.choices if c[0] != Category.NONE])
    only = forms.ChoiceField(required=False, label="筛选", choices=ONLY)
    q = forms.CharField(required=False, max_length=32, label="姓名或拼音首字母",
                        widget=forms.TextInput(attrs={"placeholder": "姓名或拼音首字母"}))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class FileForm(forms.ModelForm):
    """A file's own facts; the five screening dimensions as five short fields."""

    problems = forms.MultipleChoiceField(required=False, label="存在问题（五失）", choices=Problem.choices,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CareFile
        fields = ["personality", "interests", "health_history", "boarding", "seriously_ill", "single_parent",
                  "lacks_care", "hukou_address", "note"]
        widgets = {"hukou_address": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hukou_address"].max_length = 128
        self.fields["hukou_address"].widget.attrs["maxlength"] = 128
        for d in Dimension:
            self.fields[f"screen_{d.value}"] = forms.CharField(
                required=False, max_length=100, label=f"{d.label}情况",
                initial=(self.instance.screening or {}).get(d.value, ""))
        self.fields["problems"].initial = self.instance.problems
        self.fields["note_change"] = forms.CharField(required=False, max_length=255, label="修改说明")

    def clean_hukou_address(self):
        value = self.cleaned_data["hukou_address"].strip()
        if len(value) > 128:
            raise ValidationError("户籍地址不超过128个字")
        return value

    def changes(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["screening"] = {d.value: self.cleaned_data[f"screen_{d.value}"].strip() for d in Dimension
                             if self.cleaned_data[f"screen_{d.value}"].strip()}
        data["problems"] = list(self.cleaned_data["problems"])
        return data


class RecordForm(forms.ModelForm):
    class Meta:
        model = ContactRecord
        fields = ["kind", "party", "day", "summary", "living", "state", "needs", "measures"]
        widgets = {"day": DATE_WIDGET, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RecordKind.choices
        self.fields["party"].choices = Party.choices


class AssessmentForm(forms.Form):
    on = forms.DateField(label="评估日期", widget=DATE_WIDGET, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    problems = forms.MultipleChoiceField(required=False, label="存在问题（五失）", choices=Problem.choices,
                                         widget=forms.CheckboxSelectMultiple)
    measures = forms.CharField(required=False, max_length=255, label="帮扶措施", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in Dimension:
            self.fields[f"score_{d.value}"] = forms.TypedChoiceField(
                label=d.label, choices=SCORES, coerce=int, widget=forms.RadioSelect, initial=0)
        self.order_fields(["on", *(f"score_{d.value}" for d in Dimension), "problems", "measures"])

    def scores(self) -> dict[str, int]:
        return {d.value: self.cleaned_data[f"score_{d.value}"] for d in Dimension}


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label="人工认定类别", required=False,
                                 choices=[("", "按监护数据认定（取消人工认定）")] + list(Category.choices))
    reason = forms.CharField(label="理由", required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if data.get("category") and not (data.get("reason") or "").strip():
            self.add_error("reason", "人工认定类别须填写理由")
        return data


class PairingForm(forms.Form):
    kind = forms.ChoiceField(label="结对方式", choices=PairingKind.choices)
    helper = forms.TypedChoiceField(label="帮扶人", required=False, coerce=int, empty_value=None)
    peer = forms.TypedChoiceField(label="学习帮手（学生）", required=False, coerce=int, empty_value=None)
    start = forms.DateField(label="开始日期", widget=DATE_WIDGET, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    card_signed_on = forms.DateField(label="签订爱心结对卡日期", required=False, widget=DATE_WIDGET,
                                     error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    note = forms.CharField(label="说明", required=False, max_length=255)

    def __init__(self, *args, helpers=(), peers=(), kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:  # only the kinds this arranger may arrange for this child
            self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
            if len(kinds) == 1:
                self.fields["kind"].initial = kinds[0].value
            if PairingKind.STUDY_HELPER not in kinds:
                del self.fields["peer"]
            if list(kinds) == [PairingKind.SUBJECT_TEACHER]:  # a class teacher assigning the monthly talk
                self.fields["helper"].label = "任课教师"
                del self.fields["card_signed_on"]
        self.fields["helper"].choices = [("", "—")] + list(helpers)
        if "peer" in self.fields:
            self.fields["peer"].choices = [("", "—")] + list(peers)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data.setdefault("peer", None)
        data.setdefault("card_signed_on", None)
        if kind == PairingKind.STUDY_HELPER and not data.get("peer"):
            self.add_error("peer", "请选择一名学生作为学习帮手")
        if kind and kind != PairingKind.STUDY_HELPER and not data.get("helper"):
            self.add_error("helper", f"请选择{self.fields['helper'].label}")
        return data


class ImportForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024
    file = forms.FileField(label="台账文件（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls")):
            raise ValidationError("请上传 Excel 文件（.xlsx）")
        if upload.size > self.MAX_BYTES:
            raise ValidationError("文件不能超过 10 MB")
        return upload


VILLAGE_CATEGORIES = [("same", "与学校台账一致")] + list(Category.choices)


class VillageCheckForm(forms.Form):
    """The village confirms files as the school has them ("same"), or records its own category with a note."""

    files = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={"required": "请选择要核实的档案"})
    category = forms.ChoiceField(choices=VILLAGE_CATEGORIES, label="村台账类别")
    note = forms.CharField(required=False, max_length=255, label="核实情况")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("files") if hasattr(self.data, "getlist") else []
        self.fields["files"].choices = [(v, v) for v in raw if v.isascii() and v.isdigit() and len(v) <= 10]

    def clean(self):
        data = super().clean()
        if data.get("category") not in (None, "same") and not (data.get("note") or "").strip():
            self.add_error("note", "与学校台账不一致时请写明核实情况")
        return data


class RuleForm(forms.Form):
    key = forms.CharField(max_length=32)
    count = forms.IntegerField(min_value=1, max_value=20, label="次数")
    window = forms.ChoiceField(choices=Window.choices, label="周期")
    active = forms.BooleanField(required=False, label="启用")
    restore = forms.BooleanField(required=False)


def _bounded(key: str) -> forms.IntegerField:
    f = SETTING_FIELDS[key]
    message = f"{f.label}应为 {f.low} 到 {f.high} 之间的整数"
    return forms.IntegerField(required=False, min_value=f.low, max_value=f.high, label=f.label, error_messages={
        "invalid": message, "min_value": message, "max_value": message})


class SettingForm(forms.Form):
    """One care setting (the card posting it names it in `key`), or `restore` to clear the area's own value."""

    key = forms.ChoiceField(choices=[(f.key, f.label) for f in SETTING_FIELDS.values()],
                            error_messages={"invalid_choice": "没有这项设置", "required": "没有这项设置"})
    teacher_load = _bounded("teacher_load")
    months_away = _bounded("months_away")
    assessment_months = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)], label="风险评估月份",
        error_messages={"invalid_choice": "风险评估月份应在 1 到 12 月之间"})
    restore = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        key = data.get("key")
        if key and not data.get("restore"):
            if key == "assessment_months":
                raw = self.data.getlist("assessment_months") if hasattr(self.data, "getlist") else []
                if len(set(raw)) != len(raw):
                    self.add_error("assessment_months", "风险评估月份不能重复")
                elif not data.get("assessment_months") and "assessment_months" not in self.errors:
                    self.add_error("assessment_months", "风险评估月份至少要选一个")
            elif data.get(key) is None and key not in self.errors:
                self.add_error(key, f"{SETTING_FIELDS[key].label}不能为空")
        return data

    @property
    def value(self):
        return self.cleaned_data[self.cleaned_data["key"]]
class FamilyChangeForm(forms.Form):
    """家庭情况变动 (P-10): one change of one parent or carer, on one short form; the fields a change needs are
    asked only for it (the page shows them as the change is picked)."""

    guardian = forms.TypedChoiceField(label="家长或监护人", coerce=int, empty_value=None, error_messages={
        "required": "请选择家长或监护人", "invalid_choice": "请选择这名儿童的家长或监护人"})
    change = forms.ChoiceField(label="变动情况", choices=[("", "请选择")] + list(Situation.choices), error_messages={
        "required": "请选择发生了什么变动", "invalid_choice": "请选择发生了什么变动"})
    day = forms.DateField(label="变动日期", widget=DATE_WIDGET, help_text="外出务工填外出的日期，其他填发生的日期",
                          error_messages={"required": "请填写变动日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    work_city = forms.CharField(label="务工城市", required=False, max_length=32,
                                widget=forms.TextInput(attrs={"placeholder": "如：广东东莞"}))
    health = forms.CharField(label="现在的身体状况", required=False, max_length=64,
                             widget=forms.TextInput(attrs={"placeholder": "如：腿脚不便，需人照顾"}))
    phone = forms.CharField(label="新手机号", required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}))
    address = forms.CharField(label="新住址", required=False, max_length=ADDRESS_MAX)
    note = forms.CharField(label="说明", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    # Which extra field each change needs.
    NEEDS = {Situation.AWAY: "work_city", Situation.HEALTH: "health", Situation.PHONE: "phone",
             Situation.ADDRESS: "address"}

    def __init__(self, data=None, *args, guardians=(), today: dt.date, **kwargs):
        if data is not None:
            # Only the field the picked change needs is read: what was typed into another (hidden on the page)
            # neither blocks nor reaches the save.
            data = data.copy()
            needed = self.NEEDS.get(data.get("change"))
            for name in set(self.NEEDS.values()) - {needed}:
                data[name] = ""
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.fields["guardian"].choices = [("", "请选择")] + list(guardians)
        self.fields["day"].widget.attrs.update(min=f"{EARLIEST_CHANGE:%Y-%m-%d}", max=f"{today:%Y-%m-%d}")

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > self.today:
            raise ValidationError("变动日期不能晚于今天")
        if day < EARLIEST_CHANGE:
            raise ValidationError("变动日期不合理，请核对")
        return day

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_mobile(phone)
            phone = normalize_mobile(phone)
        return phone

    def clean(self):
        data = super().clean()
        needed = self.NEEDS.get(data.get("change"))
        if needed and needed in data and not data[needed].strip():
            self.add_error(needed, f"请填写{self.fields[needed].label}")
        return data


class GrowthForm(forms.Form):
    """成长档案全部记录: `?kind=` one kind of record, `?page=`."""

    kind = forms.ChoiceField(required=False, choices=[("", "全部")] + list(RecordKind.choices),
                             error_messages={"invalid_choice": "没有这种记录类型"})
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                              error_messages={"invalid": "页码应为数字", "min_value": "页码应大于0",
                                              "max_value": "页码过大"})


class PairingEndForm(forms.Form):
    """Ending a pairing: when and why (a helper leaves the school, a child moves, the pairing is replaced)."""

    end = forms.DateField(label="结束日期", widget=DATE_WIDGET, error_messages={"invalid": "日期格式应为 YYYY-MM-DD",
                                                                           "required": "请填写结束日期"})
    reason = forms.CharField(label="结束原因", max_length=255, error_messages={"required": "请填写结束结对的原因"},
                             widget=forms.TextInput(attrs={"placeholder": "如：教师调离本校、儿童转学、改由他人帮扶"}))

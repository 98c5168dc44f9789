"""The counselling and support pages' forms: every input parsed and bounded here before a service sees it
(Django's fields refuse NUL characters; lengths are the columns')."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from .counsel_models import WEEKDAYS, CounsellingKind

ID = {"min_value": 1, "max_value": 2**31 - 1}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写日期"}


def _in_range(day: dt.date | None) -> dt.date | None:
    if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValidationError("日期超出范围")
    return day


def _length(label: str, limit: int) -> dict:
    return {"max_length": f"{label}最多 {limit} 字（现有 %(show_value)d 字）", "required": f"请填写{label}"}


# ---------------------------------------------------------------- study support plans


class StudyPlanForm(forms.Form):
    schedule = forms.CharField(label="帮扶时间", max_length=128, error_messages=_length("帮扶时间", 128),
                               widget=forms.TextInput(attrs={"placeholder": "如：每周二、周四放学后 30 分钟"}))
    content = forms.CharField(label="帮扶内容", max_length=500, error_messages=_length("帮扶内容", 500),
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：数学计算和应用题，检查家庭作业"}))
    goal = forms.CharField(label="帮扶目标（可不填）", max_length=255, required=False,
                           error_messages=_length("帮扶目标", 255),
                           widget=forms.TextInput(attrs={"placeholder": "如：期末数学达到及格"}))


class StudyResultForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE, error_messages=DATE_ERRORS)
    result = forms.CharField(label="阶段成效", max_length=500, error_messages=_length("阶段成效", 500),
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：期中数学 68 分，比上学期末提高 16 分"}))

    def clean_day(self):
        return _in_range(self.cleaned_data["day"])


class StudyFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=32, label="姓名或拼音首字母",
                        widget=forms.TextInput(attrs={"placeholder": "姓名或拼音首字母", "type": "search"}))
    only = forms.ChoiceField(required=False, label="筛选", choices=[("", "全部"), ("missing", "本学期未制定计划")])
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


# ---------------------------------------------------------------- counselling records


class PickForm(forms.Form):
    """The new record's picker (GET): a whole class, or names; and the school, for a counsellor of several."""

    school = forms.IntegerField(required=False, widget=forms.HiddenInput, **ID)
    q = forms.CharField(required=False, max_length=64, label="查找学生",
                        widget=forms.TextInput(attrs={"placeholder": "姓名或拼音首字母，几个名字用空格隔开",
                                                      "type": "search"}))
    school_class = forms.TypedChoiceField(required=False, label="或整班", coerce=int, empty_value=None)

    def __init__(self, *args, classes: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].choices = [("", "（选择班级）")] + classes


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=CounsellingKind.choices, widget=forms.RadioSelect,
                             initial=CounsellingKind.INDIVIDUAL, error_messages={"required": "请选择辅导形式"})
    children = forms.TypedMultipleChoiceField(label="儿童", coerce=int, widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": "请选择参加辅导的儿童",
                                                              "invalid_choice": "所选儿童不在名单中，请重新选择"})
    day = forms.DateField(label="日期", widget=DATE, error_messages=DATE_ERRORS)
    topic = forms.CharField(label="主题", max_length=64, error_messages=_length("主题", 64),
                            widget=forms.TextInput(attrs={"placeholder": "如：想念外出打工的爸爸妈妈"}))
    notes = forms.CharField(label="辅导情况", max_length=2000, error_messages=_length("辅导情况", 2000),
                            widget=forms.Textarea(attrs={"rows": 5, "placeholder": "孩子说了什么、情绪怎样、做了哪些疏导"}))
    follow_up = forms.CharField(label="后续跟进（可不填）", max_length=500, required=False,
                                error_messages=_length("后续跟进", 500),
                                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：两周后再谈一次；请班主任多关注"}))

    def __init__(self, *args, pupils: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = pupils

    def clean_day(self):
        return _in_range(self.cleaned_data["day"])


class RecordEditForm(RecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, pupils=[], **kwargs)
        del self.fields["kind"], self.fields["children"]


class IdsField(forms.Field):
    """A list of ids (checkboxes of one name), each bounded like an id."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, (list, tuple)) or len(value) > 200:
            raise ValidationError("选择的儿童太多")
        ids = []
        for item in value:
            text = str(item)
            if not (text.isascii() and text.isdigit() and 0 < len(text) < 11 and 0 < int(text) <= ID["max_value"]):
                raise ValidationError("所选儿童不正确")
            ids.append(int(text))
        return ids


class ChosenForm(forms.Form):
    """The children already ticked in a refused record (kept ticked when the form is shown again)."""

    children = IdsField(required=False)


class SchoolForm(forms.Form):
    school = forms.IntegerField(widget=forms.HiddenInput, **ID)


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class DesignateForm(forms.Form):
    school = forms.IntegerField(widget=forms.HiddenInput, **ID)
    user = forms.TypedChoiceField(label="本校教师", coerce=int, error_messages={
        "required": "请选择教师", "invalid_choice": "只能从本校在职的班主任和学校领导中指定"})

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "（选择本校教师）")] + staff


class EndForm(forms.Form):
    counsellor = forms.IntegerField(widget=forms.HiddenInput, **ID)


class WeekdayForm(forms.Form):
    school = forms.IntegerField(widget=forms.HiddenInput, **ID)
    weekday = forms.TypedChoiceField(label="每周回信日", coerce=int, choices=WEEKDAYS[:5],
                                     error_messages={"invalid_choice": "回信日应为周一至周五中的一天"})


# ---------------------------------------------------------------- the mailbox


class LetterForm(forms.Form):
    school = forms.TypedChoiceField(label="学校", coerce=int)
    text = forms.CharField(label="想对心理老师说的话", max_length=1000, error_messages=_length("信的内容", 1000),
                           widget=forms.Textarea(attrs={"rows": 6, "placeholder": "不用写名字。心里有什么烦恼、想说的话，都可以写下来。"}))

    def __init__(self, *args, schools: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = schools
        if len(schools) == 1:
            self.fields["school"].widget = forms.HiddenInput()


class BoardForm(forms.Form):
    school = forms.IntegerField(required=False, **ID)


class AnswerForm(forms.Form):
    text = forms.CharField(label="回信", max_length=1000, error_messages=_length("回信内容", 1000),
                           widget=forms.Textarea(attrs={"rows": 6}))
    on_board = forms.BooleanField(label="公开在回音板上（不显示任何姓名）", required=False, initial=True)

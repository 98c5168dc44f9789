"""The health pages' forms: every input bounded before a service sees it (no NUL, nothing longer than its column,
choices only from what the page offered)."""


from django import forms

from . import rules_health as rh
from .forms import _ChildByNumber, date_field
from .models_health import CheckFinding, HealthCheck, Session

PASSED = [("1", "合格"), ("0", "不合格")]


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=HealthCheck.Kind.choices)
    checked_on = date_field("体检日期")
    clinic = forms.CharField(label="体检机构", max_length=64)
    passed = forms.TypedChoiceField(label="结论", choices=PASSED, coerce=lambda v: v == "1")
    notes = forms.CharField(label="备注", max_length=200, required=False)


class CheckNewForm(_ChildByNumber, CheckForm):
    """An entry check of a child the centre does not know yet, found by ID number and name."""


class DosesForm(forms.Form):
    """One date per dose of the schedule not yet entered: the day the vaccination certificate shows (empty: not
    given)."""

    def __init__(self, *args, missing: list[rh.Dose], **kwargs):
        super().__init__(*args, **kwargs)
        for dose in missing:
            self.fields[f"{dose.vaccine}:{dose.number}"] = date_field(
                f"{rh.dose_label(dose)}（{dose.months}月龄）", required=False)

    def given(self):
        return {k: v for k, v in self.cleaned_data.items() if v}


class RoomDoneForm(forms.Form):
    room = forms.TypedChoiceField(coerce=int)
    session = forms.ChoiceField(choices=Session.choices)

    def __init__(self, *args, rooms: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [(pk, pk) for pk in rooms]


class FindingForm(forms.Form):
    who = forms.ChoiceField(label="幼儿")
    session = forms.ChoiceField(label="时段", choices=Session.choices)
    temperature = forms.DecimalField(label="体温（℃，可不填）", required=False, min_value=rh.TEMPERATURE_MIN,
                                     max_value=rh.TEMPERATURE_MAX, max_digits=3, decimal_places=1)
    symptom = forms.CharField(label="症状（如咳嗽、皮疹、精神差）", max_length=64, required=False)
    handling = forms.ChoiceField(label="处理", choices=CheckFinding.Action.choices)

    def __init__(self, *args, children: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = children

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who:
            room, child = who.split("-")
            data["room"], data["child_id"] = int(room), int(child)
        t = data.get("temperature")
        if "symptom" in data and not data["symptom"] and (t is None or t < rh.FEVER):
            raise forms.ValidationError(f"只记录异常幼儿：请填写症状，或 {rh.FEVER}℃ 及以上的体温")
        return data


class CertificateForm(forms.Form):
    user = forms.TypedChoiceField(label="工作人员", coerce=int)
    issued_on = date_field("发证日期")
    issuer = forms.CharField(label="发证机构", max_length=64)

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = staff


class WorkerForm(forms.Form):
    user = forms.TypedChoiceField(label="卫生保健人员", coerce=int)

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = staff


__all__ = ["CertificateForm", "CheckForm", "CheckNewForm", "DosesForm", "FindingForm", "RoomDoneForm",
           "WorkerForm"]

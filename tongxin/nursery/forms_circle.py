"""The form of the household position page (家庭定位): a household and its position in WGS-84 degrees, checked
against the county's bounding box before the service is asked."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from . import rules_circle

MAX_CHARS = 20  # "28.702310123456" and the like; anything longer is not a position someone typed or a phone gave


class DegreesField(forms.Field):
    """Degrees as a decimal number (a comma or a full-width point is read as a point), finite, at most 20 characters.
    NUL and other control characters are refused like any non-number."""

    def __init__(self, *, label: str, example: str, **kwargs):
        self.example = example
        super().__init__(label=label, error_messages={"required": f"请填写{label}，如 {example}"}, **kwargs)

    def to_python(self, value):
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        if len(text) > MAX_CHARS:
            raise ValidationError(f"{self.label}过长，应为如 {self.example} 的数字", code="max_length")
        text = text.replace("，", ".").replace("。", ".").replace("．", ".").replace(",", ".")
        try:
            number = Decimal(text) if text.isprintable() else None
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(f"{self.label}应为数字，如 {self.example}", code="invalid")
        return number


class PositionForm(forms.Form):
    family = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput,
                                error_messages={"required": "请选择家庭", "invalid": "请选择家庭",
                                                "min_value": "请选择家庭", "max_value": "请选择家庭"})
    latitude = DegreesField(label="纬度", example="28.702310")
    longitude = DegreesField(label="经度", example="116.012480")

    def __init__(self, *args, bounds: rules_circle.Bounds | None, families: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.bounds, self.families = bounds, families

    def clean_family(self) -> int:
        family = self.cleaned_data["family"]
        if family not in self.families:
            raise ValidationError("该家庭不在本社区（村）有3岁以下婴幼儿的家庭名单中")
        return family

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is None or lon is None:
            return data
        if self.bounds is None:
            raise ValidationError("本县尚未设定县域经纬度范围，暂不能登记，请联系系统管理员")
        if not self.bounds.contains(lat, lon):
            swapped = self.bounds.contains(lon, lat)
            raise ValidationError(f"该位置不在本县范围内（{self.bounds.label}）"
                                  + ("，纬度和经度可能填反了" if swapped else "，请核对是否输错"))
        return data

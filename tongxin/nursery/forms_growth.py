"""The growth page's form: a day's height and weight, bounded before the service sees them."""

from decimal import Decimal

from django import forms

from . import rules_growth
from .forms import date_field

H_LOW, H_HIGH = rules_growth.HEIGHT_RANGE
W_LOW, W_HIGH = rules_growth.WEIGHT_RANGE


class MeasurementForm(forms.Form):
    measured_on = date_field("测量日期")
    height_cm = forms.DecimalField(
        label="身长/身高（cm）", max_digits=4, decimal_places=1, min_value=Decimal(str(H_LOW)),
        max_value=Decimal(str(H_HIGH)), help_text="24 个月以下卧位测身长，24 个月起立位测身高",
        error_messages={"invalid": "请填写数字，如 76.5", "max_decimal_places": "身长/身高保留一位小数",
                        "max_digits": "身长/身高数值不正确", "min_value": f"身长/身高应在 {H_LOW:g}–{H_HIGH:g} 厘米之间",
                        "max_value": f"身长/身高应在 {H_LOW:g}–{H_HIGH:g} 厘米之间", "required": "请填写身长/身高"})
    weight_kg = forms.DecimalField(
        label="体重（kg）", max_digits=4, decimal_places=2, min_value=Decimal(str(W_LOW)),
        max_value=Decimal(str(W_HIGH)),
        error_messages={"invalid": "请填写数字，如 9.85", "max_decimal_places": "体重最多保留两位小数",
                        "max_digits": "体重数值不正确", "min_value": f"体重应在 {W_LOW:g}–{W_HIGH:g} 千克之间",
                        "max_value": f"体重应在 {W_LOW:g}–{W_HIGH:g} 千克之间", "required": "请填写体重"})

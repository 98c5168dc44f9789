"""Forms for setting up the network: a new centre or point (the county health bureau), a centre's own details and
its classes (the manager). Every field bounded as its column is."""

from decimal import Decimal

from django import forms

from . import rules
from .choices import ClassType
from .forms import time_field


class _HoursFields(forms.Form):
    opens = time_field("开园", initial="07:30")
    midday = time_field("半日托分界", initial="12:00")
    closes = time_field("闭园", initial="18:00")
    extended_until = time_field("延时服务至", required=False, empty_label="不提供延时服务")

    def hours(self) -> rules.Hours:
        d = self.cleaned_data
        return rules.Hours(opens=d["opens"], closes=d["closes"], midday=d["midday"], extended_until=d["extended_until"])


class CentreNewForm(_HoursFields):
    name = forms.CharField(label="名称", max_length=64)
    centre = forms.TypedChoiceField(label="类型", coerce=int, empty_value=0,
                                    help_text="服务点须隶属于一个社区托育服务中心")
    community = forms.TypedChoiceField(label="所在社区（村）", coerce=int)
    address = forms.CharField(label="地址", max_length=128)
    host = forms.CharField(label="依托场所（服务点填写，如社区老年活动中心）", max_length=64, required=False)
    latitude = forms.DecimalField(label="纬度", min_value=Decimal(3), max_value=Decimal(54), max_digits=9,
                                  decimal_places=6)
    longitude = forms.DecimalField(label="经度", min_value=Decimal(73), max_value=Decimal(136), max_digits=9,
                                   decimal_places=6)
    affordable = forms.BooleanField(label="普惠性托育机构", required=False, initial=True)
    phone = forms.CharField(label="联系电话", max_length=16, required=False)

    field_order = ["name", "centre", "community", "address", "host", "latitude", "longitude", "affordable", "phone",
                   "opens", "midday", "closes", "extended_until"]

    def __init__(self, *args, centres: list[tuple[int, str]], communities: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [(0, "社区托育服务中心")] + [(pk, f"{name}的服务点") for pk, name in centres]
        self.fields["community"].choices = communities


class CentreSettingsForm(_HoursFields):
    phone = forms.CharField(label="联系电话", max_length=16, required=False)
    host = forms.CharField(label="依托场所", max_length=64, required=False)
    offer_reply_days = forms.IntegerField(label="入托通知答复期限（天）", min_value=1,
                                          max_value=rules.OFFER_REPLY_DAYS_MAX)


class RoomNewForm(forms.Form):
    name = forms.CharField(label="班级名称", max_length=32)
    class_type = forms.ChoiceField(label="班型", choices=ClassType.choices)
    places = forms.IntegerField(label="核定托位", min_value=1, max_value=20)


class RoomEditForm(forms.Form):
    name = forms.CharField(label="班级名称", max_length=32)
    places = forms.IntegerField(label="核定托位", min_value=1, max_value=20)
    active = forms.BooleanField(label="开班", required=False)

"""Community childcare for 0–3 (社区托育): the "1+N" network of a centre and its service points, their classes,
what offices set (limits, prices, subsidies), contracts, bookings, the carers' roster, the waiting list and bills.

Children are the registry's (`people.Child`, infants without a school); a record here points at the child and is
read through `orgs.scope.nursery_record_q`. A centre or point is an orgs `Site` of kind NURSERY (roles are held
at it, and a point's `Site.parent` is its centre); `Centre` holds what only childcare needs of it."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tongxin.orgs.models import Region, Site
from tongxin.people.models import Child

from . import rules
from .choices import AgeBand, CareType, ClassType, PriceItem, SubsidyKind


class Centre(models.Model):
    """A community childcare centre (托育服务中心) or one of its service points (服务点, embedded in an elderly
    activity centre or a community health station: `host`), with its location (WGS-84, for the 15-minute circle)
    and its day (N-13: 07:30–18:00 unless set otherwise; extended hours 延时 until `extended_until`)."""

    class Kind(models.TextChoices):
        CENTRE = "centre", "社区托育服务中心"
        POINT = "point", "社区托育服务点"

    site = models.OneToOneField(Site, verbose_name="场所", on_delete=models.PROTECT, related_name="nursery",
                                limit_choices_to={"kind": Site.Kind.NURSERY})
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.CENTRE)
    host = models.CharField("依托场所", max_length=64, blank=True, help_text="服务点嵌入的现有场所，如社区老年活动中心")
    latitude = models.DecimalField("纬度（WGS-84）", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度（WGS-84）", max_digits=9, decimal_places=6)
    opens = models.TimeField("开园时间", default=dt.time(7, 30))
    closes = models.TimeField("闭园时间", default=dt.time(18, 0))
    midday = models.TimeField("半日托分界", default=rules.MIDDAY)
    extended_until = models.TimeField("延时服务至", null=True, blank=True)
    affordable = models.BooleanField("普惠性托育机构", default=True)
    phone = models.CharField("联系电话", max_length=16, blank=True)
    offer_reply_days = models.PositiveSmallIntegerField(
        "入托通知答复期限（天）", default=rules.OFFER_REPLY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(rules.OFFER_REPLY_DAYS_MAX)],
        help_text="排到托位的家庭须在此期限内确认，逾期托位让给排在后面的孩子")
    active = models.BooleanField("开放", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "托育中心（服务点）"
        ordering = ["site__region__path", "kind", "site__name"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("midday")) & Q(midday__lt=F("closes")),
                                   name="nursery_centre_hours_in_order"),
            models.CheckConstraint(condition=Q(extended_until__isnull=True) | Q(extended_until__gt=F("closes")),
                                   name="nursery_centre_extended_after_closing"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180,
                                               longitude__lte=180), name="nursery_centre_location_on_earth"),
        ]

    def __str__(self):
        return self.site.name

    @property
    def name(self) -> str:
        return self.site.name

    @property
    def hours(self) -> rules.Hours:
        return rules.Hours(opens=self.opens, closes=self.closes, extended_until=self.extended_until,
                           midday=self.midday)


class Room(models.Model):
    """A class (班) and the room it lives in: the standard gives each class its own living unit (生活单元), so a
    class and its room are one row. Its type sets the children's ages and limits; `places` are those licensed
    (核定托位), never more than the type's class size."""

    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField("班级名称", max_length=32)
    class_type = models.CharField("班型", max_length=8, choices=ClassType.choices)
    places = models.PositiveSmallIntegerField("核定托位")
    active = models.BooleanField("开班", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "班级（活动室）"
        ordering = ["centre", "class_type", "name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="nursery_room_name_unique"),
                       models.CheckConstraint(condition=Q(places__gte=1, places__lte=20), name="nursery_room_places")]

    def __str__(self):
        return f"{self.centre.name}{self.name}"


class ClassLimit(models.Model):
    """An office's own limits for a class type, within the national ones: the county health bureau's for its
    county (`region`), a manager's for one centre or point (`centre`). An unset value follows the office above."""

    region = models.ForeignKey(Region, verbose_name="县（区）", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="limits")
    class_type = models.CharField("班型", max_length=8, choices=ClassType.choices)
    max_size = models.PositiveSmallIntegerField("每班最多幼儿", null=True, blank=True)
    per_carer = models.PositiveSmallIntegerField("每名保育人员最多照护", null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "班型限额"
        constraints = [
            models.CheckConstraint(condition=Q(region__isnull=True) ^ Q(centre__isnull=True),
                                   name="nursery_limit_one_office"),
            models.UniqueConstraint(fields=["region", "class_type"], condition=Q(centre__isnull=True),
                                    name="nursery_limit_unique_county"),
            models.UniqueConstraint(fields=["centre", "class_type"], condition=Q(region__isnull=True),
                                    name="nursery_limit_unique_centre"),
        ]

    def __str__(self):
        return f"{self.centre or self.region} {self.get_class_type_display()}"


class Contract(models.Model):
    """A monthly childcare contract (托育协议, N-03): full-day or half-day, with the child's daily hours; a pick-up
    after closing time is the extended-hours add-on (延时托育, N-04), billed by the month."""

    class State(models.TextChoices):
        ACTIVE = "active", "有效"          # in care from starts_on to ends_on (none: until ended)
        CANCELLED = "cancelled", "已取消"  # ended before it began: counts nowhere

    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", on_delete=models.PROTECT, related_name="contracts")
    room = models.ForeignKey(Room, verbose_name="班级", on_delete=models.PROTECT, related_name="contracts")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    care_type = models.CharField("托育类型", max_length=8, choices=CareType.choices)
    starts_on = models.DateField("入托日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    drop_off = models.TimeField("入园时间")
    pick_up = models.TimeField("离园时间")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签约经办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("签约时间")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理退托", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField("退托原因", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "托育协议"
        ordering = ["centre", "room", "starts_on", "pk"]
        indexes = [models.Index(fields=["room", "state"], name="nursery_contract_room"),
                   models.Index(fields=["child", "state"], name="nursery_contract_child")]
        constraints = [
            models.CheckConstraint(condition=Q(drop_off__lt=F("pick_up")), name="nursery_contract_hours"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="nursery_contract_dates"),
        ]

    def __str__(self):
        return f"{self.child.name} {self.get_care_type_display()}"

    @property
    def span(self) -> rules.Span:
        return rules.Span(self.drop_off, self.pick_up)

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Booking(models.Model):
    """Temporary care booked by the hour (临时托, N-03) — or extra hours for a contracted child, those after closing
    being extended hours (延时托育, N-04)."""

    class State(models.TextChoices):
        BOOKED = "booked", "已预约"
        CANCELLED = "cancelled", "已取消"

    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", on_delete=models.PROTECT, related_name="bookings")
    room = models.ForeignKey(Room, verbose_name="班级", on_delete=models.PROTECT, related_name="bookings")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预约人", on_delete=models.PROTECT,
                                  related_name="+")
    booked_at = models.DateTimeField("预约时间")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "临时托预约"
        ordering = ["day", "start", "pk"]
        indexes = [models.Index(fields=["room", "day"], name="nursery_booking_room_day"),
                   models.Index(fields=["child", "day"], name="nursery_booking_child_day")]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="nursery_booking_hours")]

    def __str__(self):
        return f"{self.child.name} {self.day:%m-%d} {self.span.label}"

    @property
    def span(self) -> rules.Span:
        return rules.Span(self.start, self.end)


class DutyShift(models.Model):
    """A carer on duty in a class's room on a day, from–to (the carers' roster: what the ratio counts)."""

    room = models.ForeignKey(Room, verbose_name="班级", on_delete=models.CASCADE, related_name="shifts")
    day = models.DateField("日期")
    carer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="保育人员", on_delete=models.PROTECT,
                              related_name="nursery_shifts")
    start = models.TimeField("上班")
    end = models.TimeField("下班")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="排班人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "保育人员排班"
        ordering = ["day", "room", "start", "pk"]
        indexes = [models.Index(fields=["room", "day"], name="nursery_shift_room_day"),
                   models.Index(fields=["carer", "day"], name="nursery_shift_carer_day")]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="nursery_shift_hours")]

    def __str__(self):
        return f"{self.carer} {self.day:%m-%d} {self.span.label}"

    @property
    def span(self) -> rules.Span:
        return rules.Span(self.start, self.end)


class WaitlistEntry(models.Model):
    """A child waiting for a place at a centre or point in an age group (class type); offered, in order of joining,
    when a place frees."""

    class State(models.TextChoices):
        WAITING = "waiting", "排队中"
        OFFERED = "offered", "已通知入托"
        ACCEPTED = "accepted", "已入托"
        DECLINED = "declined", "已放弃"
        WITHDRAWN = "withdrawn", "已撤回"
        EXPIRED = "expired", "逾期未答复"

    LIVE = (State.WAITING, State.OFFERED)

    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", on_delete=models.PROTECT, related_name="waitlist")
    class_type = models.CharField("班型", max_length=8, choices=ClassType.choices)
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    care_type = models.CharField("托育类型", max_length=8, choices=CareType.choices)
    wanted_from = models.DateField("希望入托日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.WAITING)
    joined_at = models.DateTimeField("登记时间")
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                  related_name="+")
    offered_room = models.ForeignKey(Room, verbose_name="通知入托班级", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    offered_from = models.DateField("通知入托日期", null=True, blank=True)
    offered_at = models.DateTimeField("通知时间", null=True, blank=True)
    reply_by = models.DateField("最迟答复日期", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    contract = models.ForeignKey(Contract, verbose_name="托育协议", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "排队登记"
        ordering = ["centre", "class_type", "joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["centre", "child"], condition=Q(state__in=["waiting", "offered"]),
                                               name="nursery_waitlist_one_live_entry")]

    def __str__(self):
        return f"{self.child.name} {self.get_class_type_display()}"


class Price(models.Model):
    """A price in force from a day (N-11): a centre's own, or the county's affordable (普惠) price, which is what a
    普惠 centre charges at most and charges when it sets none."""

    region = models.ForeignKey(Region, verbose_name="县（区）普惠价", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="prices")
    item = models.CharField("收费项目", max_length=16, choices=PriceItem.choices)
    band = models.CharField("年龄段", max_length=4, choices=AgeBand.choices)
    amount = models.DecimalField("价格（元）", max_digits=9, decimal_places=2)
    effective_from = models.DateField("起始日期")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "收费标准"
        ordering = ["item", "band", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(region__isnull=True) ^ Q(centre__isnull=True),
                                   name="nursery_price_one_office"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="nursery_price_not_negative"),
            models.UniqueConstraint(fields=["region", "item", "band", "effective_from"],
                                    condition=Q(centre__isnull=True), name="nursery_price_unique_county"),
            models.UniqueConstraint(fields=["centre", "item", "band", "effective_from"],
                                    condition=Q(region__isnull=True), name="nursery_price_unique_centre"),
        ]

    def __str__(self):
        return f"{self.get_item_display()} {self.get_band_display()} {self.amount}"


class Subsidy(models.Model):
    """A subsidy in force from a day (N-11), set by the county: a per-child monthly subsidy at 普惠 centres, and a
    reduction (percent) for children of 低保 and 特困 families. A centre may set its own, which then applies."""

    region = models.ForeignKey(Region, verbose_name="县（区）", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="subsidies")
    kind = models.CharField("类型", max_length=12, choices=SubsidyKind.choices)
    amount = models.DecimalField("金额（元）或比例（%）", max_digits=9, decimal_places=2)
    effective_from = models.DateField("起始日期")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "托育补贴"
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(region__isnull=True) ^ Q(centre__isnull=True),
                                   name="nursery_subsidy_one_office"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="nursery_subsidy_not_negative"),
            models.UniqueConstraint(fields=["region", "kind", "effective_from"], condition=Q(centre__isnull=True),
                                    name="nursery_subsidy_unique_county"),
            models.UniqueConstraint(fields=["centre", "kind", "effective_from"], condition=Q(region__isnull=True),
                                    name="nursery_subsidy_unique_centre"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class Bill(models.Model):
    """A child's monthly bill at one centre (N-11), computed by `rules.bill_for_month` when issued; its lines are
    kept as issued. Unpaid until the centre records the payment."""

    class State(models.TextChoices):
        ISSUED = "issued", "未缴费"
        PAID = "paid", "已缴费"

    centre = models.ForeignKey(Centre, verbose_name="托育中心（服务点）", on_delete=models.PROTECT, related_name="bills")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # the month's first day
    lines = models.JSONField("明细", default=list)
    fees = models.DecimalField("应收（元）", max_digits=9, decimal_places=2)
    subsidy = models.DecimalField("补贴（元）", max_digits=9, decimal_places=2, default=0)
    reduction = models.DecimalField("减免（元）", max_digits=9, decimal_places=2, default=0)
    due = models.DecimalField("实缴（元）", max_digits=9, decimal_places=2)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField("开具时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开具人", on_delete=models.PROTECT,
                                  related_name="+")
    paid_at = models.DateTimeField("缴费登记时间", null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "托育费账单"
        ordering = ["-month", "centre", "child__initials", "pk"]
        constraints = [models.UniqueConstraint(fields=["centre", "child", "month"], name="nursery_bill_unique")]

    def __str__(self):
        return f"{self.child.name} {self.month:%Y年%m月}"


# ==== health ====
# ==== age packages and parent classes ====
# ==== the 15-minute circle ====
from .models_circle import CountyBounds  # noqa: E402,F401
from .models_classes import Activity, Domain, ParentClass, PlanItem, Seat  # noqa: E402, F401

# ==== the day (入离园、一日生活记录) ====
from .models_day import DayAttendance, DayEntry, DayException  # noqa: E402,F401

# ==== growth ====
from .models_growth import Measurement  # noqa: E402,F401
from .models_health import CheckFinding, HealthCertificate, HealthCheck, HealthWorker, RoomCheck, VaccineDose  # noqa: E402,F401

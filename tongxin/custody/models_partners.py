"""Community custody's partners and money (S-09, S-10, C-07, S-04): the bodies that lend venues or run activities,
the venues they lend and the programmes booking them, each programme's ring-fenced account, and guest sessions.
Imported from `models.py`, so the tables are custody's."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tongxin.orgs.models import Region, Site

from .partner_rules import WEEKDAY_LABELS, weekday_text


class Withdrawable(models.Model):
    """A record corrected by withdrawing it: the row stays, marked with when, by whom and why; lists, bookings and
    statements leave it out."""

    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    withdraw_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Partner(Withdrawable):
    """A school, kindergarten, library, culture centre, youth palace or social organisation that lends a venue
    or runs activities. It belongs to a township's (or a community's) registry."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "中小学校"
        KINDERGARTEN = "kindergarten", "幼儿园"
        LIBRARY = "library", "图书馆"
        CULTURE_CENTRE = "culture_centre", "文化馆（站）"
        YOUTH_PALACE = "youth_palace", "青少年宫"
        SOCIAL_ORG = "social_org", "社会组织"
        OTHER = "other", "其他单位"

    name = models.CharField("单位名称", max_length=64)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    contact = models.CharField("联系人", max_length=32)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    region = models.ForeignKey(Region, verbose_name="所在乡镇（街道）或社区（村）", on_delete=models.PROTECT,
                               related_name="custody_partners")
    activities = models.CharField("可开展的活动", max_length=128, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "合作单位"
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], condition=Q(withdrawn_at__isnull=True),
                                               name="one_partner_name_per_region")]

    def __str__(self):
        return self.name


class PartnerVenue(Withdrawable):
    """A room a partner lends: how many children it takes at a time and when it is open to programmes."""

    partner = models.ForeignKey(Partner, verbose_name="合作单位", on_delete=models.CASCADE, related_name="venues")
    site = models.ForeignKey(Site, verbose_name="场所", on_delete=models.PROTECT, related_name="partner_venues")
    capacity = models.PositiveIntegerField("可容纳儿童（人）")
    weekdays = models.JSONField("开放日", default=list, help_text="1-7 表示周一到周日")
    opens = models.TimeField("开放时间")
    closes = models.TimeField("关闭时间")
    note = models.CharField("使用说明", max_length=128, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "合作单位出借场所"
        ordering = ["partner", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "site"], condition=Q(withdrawn_at__isnull=True),
                                    name="one_partner_venue_per_site"),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="partner_venue_closes_after_opening"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="partner_venue_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.partner}·{self.site}"

    @property
    def times_text(self) -> str:
        return f"{weekday_text(self.weekdays)} {self.opens:%H:%M}-{self.closes:%H:%M}"


class VenueBooking(models.Model):
    """A programme's use of a partner's venue: which dates, weekdays and hours, for how many children."""

    programme = models.ForeignKey("custody.Programme", verbose_name="项目", on_delete=models.CASCADE,
                                  related_name="venue_bookings")
    venue = models.ForeignKey(PartnerVenue, verbose_name="场所", on_delete=models.PROTECT, related_name="bookings")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    weekdays = models.JSONField("使用日", default=list)
    day_start = models.TimeField("开始时间")
    day_end = models.TimeField("结束时间")
    children = models.PositiveIntegerField("儿童人数")
    purpose = models.CharField("用途", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "场所预约"
        ordering = ["start", "day_start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="venue_booking_end_after_start"),
            models.CheckConstraint(condition=Q(day_end__gt=F("day_start")), name="venue_booking_times_in_order"),
        ]

    def __str__(self):
        return f"{self.programme} 预约 {self.venue}"

    @property
    def times_text(self) -> str:
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d} {weekday_text(self.weekdays)} {self.day_start:%H:%M}-{self.day_end:%H:%M}"


class Fund(models.TextChoices):
    """Where a programme's money comes from; every spending is charged to one of these (专款专用)."""

    FEES = "fees", "家长缴费"
    DONATION = "donation", "社会捐赠"
    STREET_BUDGET = "street_budget", "街道（乡镇）经费"
    SPECIAL_FUND = "special_fund", "专项资金"
    HIGHER_FINANCE = "higher_finance", "上级财政补助"


class Income(Withdrawable):
    programme = models.ForeignKey("custody.Programme", verbose_name="项目", on_delete=models.CASCADE, related_name="incomes")
    fund = models.CharField("资金来源", max_length=16, choices=Fund.choices)
    payer = models.CharField("拨付单位或捐赠人", max_length=64)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    received_on = models.DateField("到账日期")
    note = models.CharField("说明", max_length=128, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目收入"
        ordering = ["programme", "received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="income_amount_positive")]

    def __str__(self):
        return f"{self.get_fund_display()} {self.amount} 元"


class Spending(Withdrawable):
    class Category(models.TextChoices):
        MEALS = "meals", "餐费"
        MATERIALS = "materials", "图书文具、活动材料"
        STAFF = "staff", "人员补贴"
        INSURANCE = "insurance", "保险"
        VENUE = "venue", "场地水电"
        TRANSPORT = "transport", "交通"
        OTHER = "other", "其他"

    programme = models.ForeignKey("custody.Programme", verbose_name="项目", on_delete=models.CASCADE, related_name="spendings")
    fund = models.CharField("列支资金", max_length=16, choices=Fund.choices)
    category = models.CharField("支出类别", max_length=16, choices=Category.choices)
    item = models.CharField("支出事项", max_length=64)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    spent_on = models.DateField("支出日期")
    note = models.CharField("说明", max_length=128, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目支出"
        ordering = ["programme", "spent_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive")]

    def __str__(self):
        return f"{self.item} {self.amount} 元"


class GuestSession(models.Model):
    """A guest's session with the children (S-04): a safety lecture and drill, an artisan's class."""

    class Kind(models.TextChoices):
        SAFETY = "safety", "安全讲座"
        DRILL = "drill", "应急演练"
        ARTISAN = "artisan", "非遗、手艺课"
        OTHER = "other", "其他专题活动"

    class DrillKind(models.TextChoices):
        FIRE = "fire", "消防疏散"
        EARTHQUAKE = "earthquake", "防震避险"
        DROWNING = "drowning", "防溺水"
        TRAFFIC = "traffic", "交通安全"
        FIRST_AID = "first_aid", "急救（心肺复苏、止血包扎）"
        EXTINGUISHER = "extinguisher", "灭火器使用实操"
        OTHER = "other", "其他"

    programme = models.ForeignKey("custody.Programme", verbose_name="项目", on_delete=models.CASCADE,
                                  related_name="guest_sessions")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    teacher = models.CharField("授课人", max_length=32)
    teacher_unit = models.CharField("授课人单位", max_length=64, blank=True)
    partner = models.ForeignKey(Partner, verbose_name="合作单位", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="guest_sessions")
    topic = models.CharField("主题", max_length=64)
    children_present = models.PositiveIntegerField("参加儿童（人）")
    drill_kind = models.CharField("演练类型", max_length=16, choices=DrillKind.choices, blank=True)
    drill_minutes = models.PositiveSmallIntegerField("演练时长（分钟）", null=True, blank=True)
    drill_result = models.CharField("演练效果", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "专题活动"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%m-%d} {self.topic}"


class DrillSetting(models.Model):
    """How often the office running programmes (a school or a community) wants its children to drill (S-04
    「定期」): at least once a period, and once every `every_weeks` weeks of a longer period. Without a row the
    seed default holds (partner_rules.DEFAULT_DRILL_EVERY_WEEKS); a row may only make it more frequent."""

    school = models.OneToOneField("orgs.School", verbose_name="学校", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    community = models.OneToOneField(Region, verbose_name="社区（村）", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    every_weeks = models.PositiveSmallIntegerField("安全演练至少每几周一次")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全演练频次"
        constraints = [
            models.CheckConstraint(condition=Q(school__isnull=False) ^ Q(community__isnull=False),
                                   name="drill_setting_one_office"),
            models.CheckConstraint(condition=Q(every_weeks__gte=1), name="drill_setting_weeks_positive"),
        ]

    def __str__(self):
        return f"{self.school or self.community} 每 {self.every_weeks} 周演练"


__all__ = ["WEEKDAY_LABELS", "DrillSetting", "Fund", "GuestSession", "Income", "Partner", "PartnerVenue", "Spending", "VenueBooking"]

"""Holiday handover (P-27): before every winter and summer holiday a school hands each village (community)
committee the list of its left-behind pupils living there, with the holiday and return dates; the committee
confirms receipt in the app."""

from django.conf import settings
from django.db import models

from tongxin.orgs.models import Region, School


class Holiday(models.TextChoices):
    WINTER = "winter", "寒假"
    SUMMER = "summer", "暑假"


class HandoverRound(models.Model):
    """One school's handover before one holiday."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    holiday = models.CharField("假期", max_length=8, choices=Holiday.choices)
    year = models.PositiveSmallIntegerField("年份")
    holiday_start = models.DateField("放假日期")
    school_start = models.DateField("开学日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交接人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("交接时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "假期交接"
        ordering = ["-holiday_start", "school"]
        constraints = [models.UniqueConstraint(fields=["school", "holiday", "year"], name="one_handover_per_holiday"),
                       models.CheckConstraint(condition=models.Q(school_start__gt=models.F("holiday_start")),
                                              name="handover_return_after_start")]

    def __str__(self):
        return f"{self.school.name}{self.year}年{self.get_holiday_display()}交接"


class HandoverList(models.Model):
    """The list one village committee receives: which pupils (the contacts are read from the registry when shown,
    never copied), and when and by whom it was received."""

    round = models.ForeignKey(HandoverRound, verbose_name="假期交接", on_delete=models.CASCADE, related_name="lists")
    community = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    child_ids = models.JSONField("儿童", default=list)
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    note = models.CharField("接收说明", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "假期交接名单"
        ordering = ["round", "community__path"]
        constraints = [models.UniqueConstraint(fields=["round", "community"], name="one_list_per_village")]

    def __str__(self):
        return f"{self.round} · {self.community.name}"

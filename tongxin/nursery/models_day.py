"""The day in a room (一日生活, issue 11 «The day»): each child's arrival and hand-over (入园、离园 with who took them),
and the records a carer keeps for the whole room at once — meals, nap, nappies, mood, outdoor time — with the
children who differ noted one by one (exceptions)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tongxin.people.models import Child, Guardian

from . import rules_day


class DayAttendance(models.Model):
    """A child's day in a room: checked in at, picked up at and by whom (a guardian the family authorised)."""

    room = models.ForeignKey("nursery.Room", verbose_name="班级", on_delete=models.PROTECT, related_name="attendance")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    checked_in_at = models.DateTimeField("入园时间")
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="入园办理人", on_delete=models.PROTECT,
                                      related_name="+")
    checked_out_at = models.DateTimeField("离园时间", null=True, blank=True)
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="离园办理人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    picked_up_by = models.ForeignKey(Guardian, verbose_name="接走的监护人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "入离园记录"
        ordering = ["day", "room", "checked_in_at", "pk"]
        indexes = [models.Index(fields=["room", "day"], name="nursery_attend_room_day")]
        constraints = [
            models.UniqueConstraint(fields=["child", "day"], name="nursery_attend_once_a_day"),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=F("checked_in_at")),
                                   name="nursery_attend_out_after_in"),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True) | Q(picked_up_by__isnull=False),
                                   name="nursery_attend_out_to_someone"),
        ]

    def __str__(self):
        return f"{self.child.name} {self.day:%m-%d}"


KIND_CHOICES = list(rules_day.KINDS.items())


class DayEntry(models.Model):
    """A record for the whole room (e.g. 「午餐 11:30 全部吃完」, 「户外活动 9:30–10:30」): it stands for every child
    in the room at its time, except those with their own `DayException`."""

    room = models.ForeignKey("nursery.Room", verbose_name="班级", on_delete=models.PROTECT, related_name="entries")
    day = models.DateField("日期")
    kind = models.CharField("记录类型", max_length=12, choices=KIND_CHOICES)
    value = models.CharField("情况", max_length=12)
    start = models.TimeField("时间")
    end = models.TimeField("结束时间", null=True, blank=True)
    note = models.CharField("备注", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "一日生活记录（全班）"
        ordering = ["day", "room", "start", "pk"]
        indexes = [models.Index(fields=["room", "day"], name="nursery_entry_room_day")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="nursery_entry_hours"),
            models.UniqueConstraint(fields=["room", "day", "kind"], condition=Q(kind__in=sorted(rules_day.ONCE_A_DAY)),
                                    name="nursery_entry_once_a_day"),
        ]

    def __str__(self):
        return f"{rules_day.KINDS.get(self.kind, self.kind)} {self.day:%m-%d}"

    @property
    def value_label(self) -> str:
        return rules_day.value_label(self.kind, self.value)


class DayException(models.Model):
    """One child who differs from the room's record (e.g. ate little, did not sleep, stayed indoors)."""

    entry = models.ForeignKey(DayEntry, verbose_name="全班记录", on_delete=models.CASCADE, related_name="exceptions")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    value = models.CharField("情况", max_length=12)
    start = models.TimeField("时间", null=True, blank=True)
    end = models.TimeField("结束时间", null=True, blank=True)
    note = models.CharField("备注", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "一日生活记录（个别幼儿）"
        ordering = ["entry", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "child"], name="nursery_exception_once"),
                       models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=False) & Q(end__gt=F("start")),
                                              name="nursery_exception_hours")]

    def __str__(self):
        return f"{self.child.name} {self.entry}"

    @property
    def value_label(self) -> str:
        return rules_day.value_label(self.entry.kind, self.value)

"""Mandatory reports (强制报告, P-16…P-20): who receives them in each township, the reports, and everything that
happened to each. A report and its events are never edited or deleted, only added to: the models refuse it."""

from django.conf import settings
from django.db import models

from tongxin.orgs.models import Region
from tongxin.people.models import Child

from .report_choices import EventKind, Recipient, Situation

DEFAULT_ACK_MINUTES = 120  # 002: 「第一时间」; the default for escalation when nobody acknowledges


class ReportRoute(models.Model):
    """Where a township's reports go (P-18): its police station and government contact, and the leader a report
    escalates to when nobody acknowledges it in time."""

    township = models.OneToOneField(Region, verbose_name="乡镇（街道）", on_delete=models.PROTECT,
                                    related_name="report_route")
    police_name = models.CharField("公安机关（派出所）", max_length=64)
    police_contact = models.CharField("派出所联系人", max_length=32, blank=True)
    police_phone = models.CharField("派出所电话", max_length=20)
    government_contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="乡镇政府接报人", null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="乡镇分管领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    ack_minutes = models.PositiveSmallIntegerField("签收时限（分钟）", default=DEFAULT_ACK_MINUTES)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "强制报告接收设置"

    def __str__(self):
        return f"{self.township.name}：{self.police_name}"


class AppendOnly(models.Model):
    """Rows written once: saving an existing row or deleting one raises (the services never do either)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("强制报告及其记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("强制报告及其记录不能删除")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("强制报告及其记录只能追加，不能修改")

    def delete(self):
        raise PermissionError("强制报告及其记录不能删除")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("强制报告及其记录只能追加，不能修改")


class MandatoryReport(AppendOnly):
    """One report as raised (P-17). Where it went, who acknowledged and what was done are its events."""

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Region, verbose_name="儿童居住地乡镇", on_delete=models.PROTECT, related_name="+")
    situation = models.CharField("情形", max_length=32, choices=Situation.choices)
    description = models.TextField("发现的情况", max_length=1000)
    location = models.CharField("发现地点", max_length=128, blank=True)
    urgent = models.BooleanField("儿童正处于危险中", default=False)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField("报告时间")
    ack_minutes = models.PositiveSmallIntegerField("签收时限（分钟）")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "强制报告"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["township", "raised_at"], name="report_township_time")]

    def __str__(self):
        return f"强制报告 #{self.pk}（{self.get_situation_display()}）"


class ReportEvent(AppendOnly):
    """Something that happened to a report: sent to a recipient, acknowledged, the police's receipt recorded,
    escalated, what was done, a note, closed."""

    report = models.ForeignKey(MandatoryReport, verbose_name="强制报告", on_delete=models.PROTECT,
                               related_name="events")
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    level = models.PositiveSmallIntegerField("报送层级", choices=Recipient.choices, null=True, blank=True)
    to_label = models.CharField("接收方", max_length=128, blank=True)
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    text = models.TextField("内容", max_length=1000, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "强制报告记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "kind"], name="report_event_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

"""Admission and health (入托健康管理): a child's vaccination record and entry checks, the rooms' morning and midday
checks (晨午检, exceptions only), the staff's health certificates and each centre's health worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongxin.people.models import Child


class VaccineDose(models.Model):
    """A dose of the national programme a child was given (as the vaccination certificate shows), entered by staff."""

    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    vaccine = models.CharField("疫苗", max_length=8)
    number = models.PositiveSmallIntegerField("剂次")
    given_on = models.DateField("接种日期")
    centre = models.ForeignKey("nursery.Centre", verbose_name="登记机构", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "预防接种记录"
        ordering = ["child", "given_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["child", "vaccine", "number"], name="nursery_dose_unique")]


class HealthCheck(models.Model):
    """An entry health check (入托体检) or a re-check after three months away (返园复查)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "入托体检"
        RECHECK = "recheck", "返园复查"

    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.ENTRY)
    checked_on = models.DateField("体检日期")
    clinic = models.CharField("体检机构", max_length=64)
    passed = models.BooleanField("体检合格")
    notes = models.CharField("备注", max_length=200, blank=True)
    centre = models.ForeignKey("nursery.Centre", verbose_name="登记机构", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "入托体检"
        ordering = ["child", "-checked_on", "-pk"]
        indexes = [models.Index(fields=["child", "checked_on"], name="nursery_check_child")]


class Session(models.TextChoices):
    MORNING = "morning", "晨检"
    MIDDAY = "midday", "午检"


class RoomCheck(models.Model):
    """A room's morning or midday check done ("checked, all well" but for the children recorded abnormal)."""

    room = models.ForeignKey("nursery.Room", verbose_name="班级", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    session = models.CharField("时段", max_length=8, choices=Session.choices)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = verbose_name_plural = "晨午检"
        ordering = ["-day", "room", "session"]
        constraints = [models.UniqueConstraint(fields=["room", "day", "session"], name="nursery_roomcheck_unique")]


class CheckFinding(models.Model):
    """A child found abnormal at a morning or midday check (or in the day's observation), and what was done."""

    class Action(models.TextChoices):
        OBSERVE = "observe", "留园观察"
        SENT_HOME = "sent_home", "通知家长接回"
        PARENTS_TOLD = "told", "已告知家长"

    room = models.ForeignKey("nursery.Room", verbose_name="班级", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    session = models.CharField("时段", max_length=8, choices=Session.choices)
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    temperature = models.DecimalField("体温（℃）", max_digits=3, decimal_places=1, null=True, blank=True)
    symptom = models.CharField("症状", max_length=64, blank=True)
    action = models.CharField("处理", max_length=10, choices=Action.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "晨午检异常"
        ordering = ["-day", "room", "session", "pk"]
        indexes = [models.Index(fields=["room", "day"], name="nursery_finding_room_day")]
        constraints = [models.CheckConstraint(condition=~Q(symptom="") | Q(temperature__isnull=False),
                                              name="nursery_finding_something")]


class HealthCertificate(models.Model):
    """A staff member's health certificate (健康证), valid a year from the day issued."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="工作人员", on_delete=models.PROTECT,
                             related_name="+")
    centre = models.ForeignKey("nursery.Centre", verbose_name="托育机构", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("发证日期")
    issuer = models.CharField("发证机构", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "健康证"
        ordering = ["user", "-issued_on"]
        indexes = [models.Index(fields=["user", "issued_on"], name="nursery_cert_user")]


class HealthWorker(models.Model):
    """The centre's named health worker (卫生保健人员)."""

    centre = models.OneToOneField("nursery.Centre", verbose_name="托育机构", on_delete=models.CASCADE,
                                  related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="卫生保健人员", on_delete=models.PROTECT,
                             related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指定人", on_delete=models.PROTECT,
                                 related_name="+")
    named_at = models.DateTimeField("指定时间")

    class Meta:
        verbose_name = verbose_name_plural = "卫生保健人员"

"""Absence and dropout (控辍保学, P-21…P-26): the daily register of each class, the cases an unexplained absence
opens, what was done on each (reason found, persuasion, written report and its delivery, return), and the
deadlines a county or school sets (the seeds' defaults where none: `absence_rules.DEFAULTS`).

Every row points at `people.Child` and is narrowed through `orgs.scope` (via the child)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongxin.orgs.models import Region, School, SchoolClass
from tongxin.people.models import Child

from .absence_choices import Closing, Delivery, EventKind, Method, Reason, Recipient, Result


class AbsenceRegister(models.Model):
    """One class's register for one school day (P-21): taken when saved; whoever is not in its absences was
    present."""

    school_class = models.ForeignKey(SchoolClass, verbose_name="班级", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    roster = models.PositiveSmallIntegerField("应到人数")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="点名人", null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = verbose_name_plural = "每日点名"
        constraints = [models.UniqueConstraint(fields=["school_class", "day"], name="one_register_per_class_and_day")]
        indexes = [models.Index(fields=["day"], name="absence_register_day")]

    def __str__(self):
        return f"{self.school_class_id} 班 {self.day} 点名"


class Absence(models.Model):
    """A pupil absent on a register's day, and why."""

    register = models.ForeignKey(AbsenceRegister, verbose_name="点名", on_delete=models.CASCADE,
                                 related_name="absences")
    child = models.ForeignKey(Child, verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")  # the register's, kept here for reads by child and day
    reason = models.CharField("缺课原因", max_length=16, choices=Reason.choices)

    class Meta:
        verbose_name = verbose_name_plural = "缺课记录"
        constraints = [models.UniqueConstraint(fields=["register", "child"], name="one_absence_per_register_and_child")]
        indexes = [models.Index(fields=["child", "day"], name="absence_child_day")]


class DropoutCase(models.Model):
    """控辍保学个案 (P-21…P-26): opened by an unexplained absence, with a named responsible person (P-26); the
    stage and deadlines are computed (`absence_rules.case_state`) from the dates kept here, which the services
    write with the case's events."""

    child = models.ForeignKey(Child, verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name="班级", null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    opened_on = models.DateField("首次无故缺课日期")
    opened_at = models.DateTimeField("开立时间")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开立人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", on_delete=models.PROTECT,
                                    related_name="dropout_cases")
    cause = models.CharField("缺课原因", max_length=255, blank=True)
    cause_on = models.DateField("了解原因日期", null=True, blank=True)
    failed_on = models.DateField("认定劝返无效日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    closing = models.CharField("结案情况", max_length=16, choices=Closing.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "控辍保学个案"
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["child"], condition=Q(closed_on__isnull=True),
                                               name="one_open_dropout_case_per_child")]
        indexes = [models.Index(fields=["school", "closed_on"], name="dropout_school_closed")]

    def __str__(self):
        return f"控辍保学个案 #{self.pk}"


class CaseEvent(models.Model):
    """Something done on a case, on a day: the reason found, a persuasion (how, who went, what came of it), the
    responsible person changed, persuasion declared failed, the written report delivered (to whom, when, how,
    received by), a note, the closing. The case's history, as the written report prints it."""

    case = models.ForeignKey(DropoutCase, verbose_name="个案", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    day = models.DateField("日期")
    method = models.CharField("方式", max_length=16, choices=Method.choices, blank=True)
    people = models.CharField("参与人员", max_length=128, blank=True)  # who went; who received the report
    result = models.CharField("结果", max_length=16, choices=Result.choices, blank=True)
    recipient = models.CharField("送达单位", max_length=16, choices=Recipient.choices, blank=True)
    delivery = models.CharField("送达方式", max_length=16, choices=Delivery.choices, blank=True)
    text = models.CharField("情况", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "控辍保学个案记录"
        ordering = ["day", "at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="dropout_event_kind")]


class AbsenceSettings(models.Model):
    """What a county or a school sets for its absence work; empty fields keep the seeds' defaults
    (`absence_rules.DEFAULTS`), a school's replace its county's."""

    region = models.OneToOneField(Region, verbose_name="县（区）", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    school = models.OneToOneField(School, verbose_name="学校", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    cause_days = models.PositiveSmallIntegerField("了解原因时限（天）", null=True, blank=True)
    week_days = models.PositiveSmallIntegerField("缺课超过几天须劝返", null=True, blank=True)
    school_days = models.BooleanField("按上课日计算", null=True, blank=True)
    persuade_days = models.PositiveSmallIntegerField("超过后几天内须劝返", null=True, blank=True)
    report_days = models.PositiveSmallIntegerField("劝返无效后几天内送达书面报告", null=True, blank=True)
    publicity_months = models.JSONField("宣传月", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "控辍保学时限设置"
        constraints = [models.CheckConstraint(name="absence_settings_for_one_area",
                                              condition=Q(region__isnull=True, school__isnull=False)
                                              | Q(region__isnull=False, school__isnull=True))]

    def __str__(self):
        return f"控辍保学时限设置（{self.school or self.region}）"

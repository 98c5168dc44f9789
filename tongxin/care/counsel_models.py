"""Counselling and support (P-55, P-58, P-59): a study support plan per child and term, the school's counsellors
(心理辅导教师, designated by its leader among its staff), their counselling records, individual and group, and the
anonymous mailbox (悄悄话信箱) with its weekly answer day.

Who reads what is `orgs.scope`'s: a study plan as the child's care notes (`care_notes_q`), a counselling record only
by the counsellor who wrote it and the school's leaders (`counselling_q`), the mailbox's letters by the school's
counsellors (`mailbox_q`), its answers on the board by the school's staff (`mailbox_board_q`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongxin.orgs.models import School
from tongxin.people.models import Child

DEFAULT_ANSWER_WEEKDAY = 4  # Friday: 「每周五开信箱，阅后并给与回复」 (seed 001)
WEEKDAYS = [(0, "周一"), (1, "周二"), (2, "周三"), (3, "周四"), (4, "周五"), (5, "周六"), (6, "周日")]


class StudyPlan(models.Model):
    """学习帮扶计划 (P-55): for one child and one term, when the help is given and what it is; the staged results
    (阶段成效) are its entries."""

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField("学期开始")
    schedule = models.CharField("帮扶时间", max_length=128)
    content = models.CharField("帮扶内容", max_length=500)
    goal = models.CharField("帮扶目标", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "学习帮扶计划"
        ordering = ["-term_start"]
        constraints = [models.UniqueConstraint(fields=["child", "term_start"], name="one_study_plan_per_term")]

    def __str__(self):
        return f"{self.child.name}{self.term_start.year}年{self.term_start.month}月起学期的学习帮扶计划"


class StudyResult(models.Model):
    """阶段成效: what the help achieved by a day of the term."""

    plan = models.ForeignKey(StudyPlan, verbose_name="学习帮扶计划", on_delete=models.CASCADE, related_name="results")
    day = models.DateField("日期")
    result = models.CharField("阶段成效", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学习帮扶阶段成效"
        ordering = ["day", "pk"]


class Counsellor(models.Model):
    """心理辅导教师: one of the school's staff, designated by its leader. Not a role of `orgs` (the care line keeps
    it); ending the designation keeps the row, so their records stay theirs should they be designated again."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="counsellors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField("在任", default=True)
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指定人", on_delete=models.PROTECT,
                                      related_name="+")
    designated_at = models.DateTimeField("指定时间")
    ended_at = models.DateTimeField("卸任时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "心理辅导教师"
        ordering = ["school", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="one_counsellor_row_per_school")]

    def __str__(self):
        return f"{self.school.name} · {self.user}"


class CounsellingKind(models.TextChoices):
    INDIVIDUAL = "individual", "个别心理疏导"
    GROUP = "group", "专题（团体）心理辅导"


class CounsellingRecord(models.Model):
    """A counselling session (P-59): with one child (个别心理疏导) or a group (专题心理辅导). Read only by the
    counsellor who wrote it and the school's leaders (`scope.counselling_q`); every read is audited."""

    counsellor = models.ForeignKey(Counsellor, verbose_name="心理辅导教师", on_delete=models.PROTECT,
                                   related_name="records")
    kind = models.CharField("形式", max_length=16, choices=CounsellingKind.choices)
    day = models.DateField("日期")
    children = models.ManyToManyField(Child, verbose_name="儿童", related_name="+")
    topic = models.CharField("主题", max_length=64)
    notes = models.CharField("辅导情况", max_length=2000)
    follow_up = models.CharField("后续跟进", max_length=500, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "心理辅导记录"
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["counsellor", "day"], name="counselling_counsellor_day")]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}：{self.topic}"


class MailboxSetting(models.Model):
    """The weekday a school's counsellors open the mailbox and answer (the seeds' Friday unless set)."""

    school = models.OneToOneField(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    answer_weekday = models.PositiveSmallIntegerField("回信日", choices=WEEKDAYS, default=DEFAULT_ANSWER_WEEKDAY)

    class Meta:
        verbose_name = verbose_name_plural = "悄悄话信箱设置"
        constraints = [models.CheckConstraint(condition=Q(answer_weekday__lte=6), name="mailbox_weekday_in_week")]


class MailboxMessage(models.Model):
    """A letter to the school's counsellors (悄悄话信箱, P-58), without a name: nothing here points to a child or a
    person, and only the day is kept (a time could be matched with who was signed in). The answer is apart
    (`MailboxAnswer`), so this table holds no one at all."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField("来信日期")
    text = models.CharField("来信内容", max_length=1000)

    class Meta:
        verbose_name = verbose_name_plural = "悄悄话信箱来信"
        ordering = ["left_on", "pk"]
        indexes = [models.Index(fields=["school", "left_on"], name="mailbox_school_left_on")]

    def __str__(self):
        return f"{self.left_on} 来信"


class MailboxAnswer(models.Model):
    """The counsellor's answer; on the school's board (without names) unless kept off it."""

    message = models.OneToOneField(MailboxMessage, verbose_name="来信", on_delete=models.CASCADE, related_name="answer")
    text = models.CharField("回信内容", max_length=1000)
    answered_on = models.DateField("回信日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回信人", on_delete=models.PROTECT, related_name="+")
    on_board = models.BooleanField("公开在回音板上", default=True)
    at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "悄悄话信箱回信"

    def __str__(self):
        return f"{self.answered_on} 回信"

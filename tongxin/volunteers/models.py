"""The pool of people who serve children (师资库、志愿者库): who they are, where and when they can serve, whether
they were vetted, and the checks the Minors Protection Law asks of people working with minors."""

from django.conf import settings
from django.db import models

from tongxin.orgs.models import Region, School

from .choices import (
    RESULT_TEXTS,
    CheckKind,
    CheckResult,
    InviteKind,
    InviteState,
    LetterKind,
    Source,
    State,
    TrainingPhase,
)


class Person(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE,
                                related_name="pool_person")
    source = models.CharField("来源", max_length=24, choices=Source.choices)
    school = models.ForeignKey(School, verbose_name="任职学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    affiliation = models.CharField("单位、学校或组织", max_length=64, blank=True)
    skills = models.CharField("特长与可教科目", max_length=200, blank=True)
    home = models.ForeignKey(Region, verbose_name="居住社区（村）", on_delete=models.PROTECT, related_name="+")
    areas = models.ManyToManyField(Region, verbose_name="可服务的社区（村）", related_name="+", blank=True)
    weekdays = models.CharField("可服务的星期", max_length=7, blank=True, help_text="1-7，如 135 表示周一、三、五")
    holidays = models.BooleanField("寒暑假可服务", default=False)
    hours = models.CharField("可服务时段", max_length=32, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    registered_from = models.GenericIPAddressField("登记来源地址", null=True, blank=True,
                                                   help_text="自助登记时的客户端地址，用于按地址限制登记频率")
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    vetted_at = models.DateTimeField("审核时间", null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者（师资）"
        ordering = ["state", "-registered_at"]

    def __str__(self):
        return self.user.display_name


class Check(models.Model):
    """One check of a person: the employment inquiry (入职查询) or a health check, with its validity as data."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField("查询类别", max_length=16, choices=CheckKind.choices)
    result = models.CharField("结果", max_length=16, choices=CheckResult.choices)
    checked_on = models.DateField("查询日期")
    valid_until = models.DateField("有效期至")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查询人", on_delete=models.PROTECT,
                                   related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "从业查询与健康检查"
        ordering = ["person", "-checked_on"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()} · {self.checked_on}"

    @property
    def result_text(self) -> str:
        return RESULT_TEXTS.get((self.kind, self.result), self.get_result_display())


class Training(models.Model):
    """A training session a person attended, before service (岗前) or during it (在岗)."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings")
    phase = models.CharField("阶段", max_length=16, choices=TrainingPhase.choices)
    title = models.CharField("培训内容", max_length=100)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训记录"
        ordering = ["person", "-held_on"]

    def __str__(self):
        return f"{self.person} · {self.title}"


class Letter(models.Model):
    """A responsibility letter signed online: its text as signed, kept with the person (C-25)."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("责任书", max_length=16, choices=LetterKind.choices)
    text = models.TextField("签署时的文本")
    signed_at = models.DateTimeField("签署时间")

    class Meta:
        verbose_name = verbose_name_plural = "责任书"
        ordering = ["person", "-signed_at"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class PoolRule(models.Model):
    """The county's rules for newcomers (P-39), as data: the pre-service training hours asked before a first
    service, and how many services alongside an experienced person before working alone."""

    county = models.OneToOneField(Region, verbose_name="县（区）", on_delete=models.CASCADE, related_name="+")
    training_hours_before = models.DecimalField("岗前培训最少学时", max_digits=4, decimal_places=1, default=2)
    services_before_alone = models.PositiveSmallIntegerField("独立服务前须跟岗服务次数", default=3)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务规则"

    def __str__(self):
        return f"{self.county} 志愿服务规则"


class Invitation(models.Model):
    """An invitation to serve (a custody programme's duty, a child's pairing): the person accepts or declines —
    service is voluntary (C-02). Accepting does not roster or pair: the organiser then does, through the gate."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField("服务类别", max_length=16, choices=InviteKind.choices)
    about = models.CharField("服务内容", max_length=100)
    community = models.ForeignKey(Region, verbose_name="服务地点", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("开始日期")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="邀请人", on_delete=models.PROTECT,
                                   related_name="+")
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)
    state = models.CharField("状态", max_length=16, choices=InviteState.choices, default=InviteState.PENDING)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务邀请"
        ordering = ["-invited_at"]

    def __str__(self):
        return f"{self.person} · {self.about}"

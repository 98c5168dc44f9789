"""Holiday and after-school custody (托管): programmes, periods, groups, applications, placement, daily care."""

import base64
import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q

from tongxin.orgs.models import Region, School, Site, grade_label
from tongxin.people.models import Child, Guardian


def new_qr_token() -> str:
    return secrets.token_urlsafe(16)


def new_qr_tokens(n: int) -> list[str]:
    """n tokens like `new_qr_token`'s, from one read of the system's random source (a placement run needs tens
    of thousands at once)."""
    raw = secrets.token_bytes(16 * n)
    return [base64.urlsafe_b64encode(raw[i:i + 16]).rstrip(b"=").decode() for i in range(0, 16 * n, 16)]


DEFAULT_MAX_CONSECUTIVE_DUTY_DAYS = 5


def default_duty_limit() -> int:
    """How many days in a row one person may be on duty (C-27: teachers' rest is guaranteed); a county sets
    its own with the setting CUSTODY_MAX_CONSECUTIVE_DUTY_DAYS, a programme may differ."""
    return int(getattr(settings, "CUSTODY_MAX_CONSECUTIVE_DUTY_DAYS", DEFAULT_MAX_CONSECUTIVE_DUTY_DAYS))


class OrganisedBy:
    """For records run by one school or one community (a check constraint on each model says exactly one)."""

    school: "School | None"
    community: "Region | None"

    @property
    def organiser(self) -> "School | Region | None":
        return self.school or self.community

    @property
    def organiser_region(self) -> Region:
        region = self.school.region if self.school is not None else self.community
        assert region is not None
        return region


class Programme(OrganisedBy, models.Model):
    class Kind(models.TextChoices):
        SUMMER = "summer", "暑期托管"
        WINTER = "winter", "寒假托管"
        AFTER_SCHOOL = "after_school", "课后托管"

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        OPEN = "open", "报名中"
        CLOSED = "closed", "报名截止"
        RUNNING = "running", "进行中"
        FINISHED = "finished", "已结束"

    name = models.CharField("项目名称", max_length=64)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.SUMMER)
    school = models.ForeignKey(School, verbose_name="主办学校", null=True, blank=True, on_delete=models.PROTECT, related_name="programmes")
    community = models.ForeignKey(Region, verbose_name="主办社区（村）", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="programmes", limit_choices_to={"level": Region.Level.COMMUNITY})
    sites = models.ManyToManyField(Site, verbose_name="托管场所", blank=True, related_name="programmes")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    apply_deadline = models.DateField("报名截止日期", null=True, blank=True)
    day_start = models.TimeField("每日开始", default=dt.time(8, 30))
    day_end = models.TimeField("每日结束", default=dt.time(17, 30))
    pickup_grace_minutes = models.PositiveSmallIntegerField("接送宽限（分钟）", default=15)
    eligible_grades = models.JSONField("可报名年级", default=list, help_text="如 [1,2,3,4,5]；毕业年级默认不招收")
    group_size_limit = models.PositiveSmallIntegerField("每班人数上限", default=40)
    fee_per_day = models.DecimalField("每生每日费用（元）", max_digits=6, decimal_places=2, default=Decimal("20.00"))
    lunch_available = models.BooleanField("提供午餐", default=True)
    lunch_price = models.DecimalField("午餐单价（元/天）", max_digits=6, decimal_places=2, default=Decimal("12.00"))
    children_per_staff = models.PositiveSmallIntegerField("师生比（每名教师看护儿童数）", default=20)
    max_consecutive_duty_days = models.PositiveSmallIntegerField(
        "每人连续值班上限（天）", default=default_duty_limit, help_text="保障教师必要的休息：同一人连续值班不得超过此天数")
    agreement_text = models.TextField("托管服务协议", blank=True)
    commitment_text = models.TextField("安全承诺书", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "托管项目"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(school__isnull=False) ^ Q(community__isnull=False), name="programme_one_organiser"),
            models.CheckConstraint(condition=Q(group_size_limit__gte=1) & Q(group_size_limit__lte=60), name="programme_group_size_sane"),
        ]

    def __str__(self):
        return self.name


    @property
    def eligible_grade_labels(self) -> str:
        return "、".join(grade_label(g) for g in sorted(self.eligible_grades))


class VenueLoan(models.Model):
    """A venue another body lends a programme (a library, the youth palace, a community centre, another school):
    who agreed to it and when. The lent site joins the programme's sites (C-37, S-10)."""

    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="venue_loans")
    site = models.ForeignKey(Site, verbose_name="场所", on_delete=models.PROTECT, related_name="custody_loans")
    lender = models.CharField("出借单位及联系人", max_length=64)
    agreed_on = models.DateField("商定日期")
    note = models.CharField("使用说明", max_length=128, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "借用场所"
        ordering = ["programme", "site__name"]
        constraints = [models.UniqueConstraint(fields=["programme", "site"], name="one_loan_per_programme_and_site")]

    def __str__(self):
        return f"{self.programme} 借用 {self.site}"


class Period(models.Model):
    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="periods")
    name = models.CharField("期次", max_length=32)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")

    class Meta:
        verbose_name = verbose_name_plural = "托管期次"
        ordering = ["programme", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_end_after_start")]

    def __str__(self):
        return f"{self.name}（{self.start:%-m/%-d}-{self.end:%-m/%-d}）"


class Group(models.Model):
    """A custody class of one period at one site. `seats_taken` is kept by the placement services with
    conditional updates, and the database refuses any value over the capacity."""

    period = models.ForeignKey(Period, verbose_name="期次", on_delete=models.CASCADE, related_name="groups")
    site = models.ForeignKey(Site, verbose_name="场所", on_delete=models.PROTECT, related_name="custody_groups")
    name = models.CharField("班组名称", max_length=32)
    capacity = models.PositiveSmallIntegerField("人数上限", default=40)
    seats_taken = models.PositiveSmallIntegerField("已安置", default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "托管班组"
        ordering = ["period", "name"]
        constraints = [models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="group_never_over_capacity")]

    def __str__(self):
        return f"{self.period.name}·{self.name}"

    @property
    def programme(self):
        return self.period.programme

    @property
    def seats_free(self):
        return self.capacity - self.seats_taken


class Activity(models.TextChoices):
    HOMEWORK = "homework", "作业辅导"
    READING = "reading", "自主阅读"
    ARTS = "arts", "文艺活动"
    SPORTS = "sports", "体育锻炼"
    SCIENCE = "science", "科普活动"
    SAFETY = "safety", "安全教育"
    CULTURE = "culture", "传统文化"
    FREE_PLAY = "free_play", "自由活动"
    LUNCH = "lunch", "午餐午休"


class TimetableSlot(models.Model):
    group = models.ForeignKey(Group, verbose_name="班组", on_delete=models.CASCADE, related_name="slots")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    activity = models.CharField("活动类型", max_length=16, choices=Activity.choices)
    title = models.CharField("内容", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "作息安排"
        ordering = ["group", "start"]

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.get_activity_display()}"


class Need(models.TextChoices):
    DUAL_EARNER = "dual_earner", "父母双方上班"
    NOBODY_HOME = "nobody_home", "白天家中无人看护"
    SINGLE_PARENT = "single_parent", "单亲家庭"
    GRANDPARENT_UNABLE = "grandparent_unable", "祖辈年迈无力看护"
    OTHER = "other", "其他"


class PriorityTier(models.IntegerChoices):
    SPECIAL = 1, "优先保障（残疾、留守、困难、军人、进城务工家庭）"
    DUAL_EARNER = 2, "双职工家庭"
    GENERAL = 3, "一般"


class Application(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "待班主任初审"
        REVIEWED = "reviewed", "待学校审批"
        APPROVED = "approved", "已审批，待安置"
        PLACED = "placed", "已安置"
        WAITING = "waiting", "候补中"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    # Four of the foreign keys go without their own index: every index is rewritten for each application a placement
    # run moves (tens of thousands at once). The programme's applications are found through (programme, state);
    # the guardian and the reviewers are only ever looked up from the application, never the other way (deleting a
    # user, which never happens here -- accounts are deactivated -- would scan the table).
    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="applications",
                                  db_index=False)
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="custody_applications")
    periods = models.ManyToManyField(Period, verbose_name="申请期次", related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="custody_applications")
    guardian = models.ForeignKey(Guardian, verbose_name="监护人", null=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    lunch = models.BooleanField("订午餐", default=False)
    needs = models.JSONField("托管需求", default=list)
    note = models.CharField("补充说明", max_length=255, blank=True)
    agreement_signed_at = models.DateTimeField("签署服务协议时间")
    commitment_signed_at = models.DateTimeField("签署安全承诺时间")
    signature = models.CharField("签名", max_length=32)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.SUBMITTED)
    tier = models.PositiveSmallIntegerField("优先级", choices=PriorityTier.choices, default=PriorityTier.GENERAL)
    tier_reasons = models.JSONField("优先理由", default=list)
    reject_reason = models.CharField("未通过原因", max_length=255, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="初审人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    need_confirmed = models.BooleanField("班主任已核实托管需求", default=False)
    need_note = models.CharField("需求核实情况", max_length=128, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "托管申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "child"], condition=~Q(state__in=["rejected", "withdrawn"]),
                                    name="one_live_application_per_child"),
        ]
        # A programme's applications by state. Not `db_index` on state: on PostgreSQL that is two indexes (one
        # for LIKE), each rewritten for every application a placement run moves.
        indexes = [models.Index(fields=["programme", "state"], name="application_programme_state")]

    def __str__(self):
        return f"{self.child.name} · {self.programme.name}"

    @property
    def need_labels(self) -> list[str]:
        return [Need(n).label for n in self.needs if n in Need.values]


class Placement(models.Model):
    """A child's seat (or place on the waiting list) in one period."""

    class State(models.TextChoices):
        PLACED = "placed", "已安置"
        WAITING = "waiting", "候补"
        WITHDRAWN = "withdrawn", "已退出"

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE, related_name="placements")
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="custody_placements")
    # No index of its own: (period, state) below serves every lookup by period.
    period = models.ForeignKey(Period, verbose_name="期次", on_delete=models.CASCADE, related_name="placements", db_index=False)
    group = models.ForeignKey(Group, verbose_name="班组", null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    state = models.CharField("状态", max_length=16, choices=State.choices)
    lottery_key = models.CharField("抽签序号", max_length=64, blank=True)
    run = models.ForeignKey("PlacementRun", verbose_name="安置批次", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    qr_token = models.CharField("签到码", max_length=32, default=new_qr_token)
    created_at = models.DateTimeField("安置时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "安置结果"
        ordering = ["period", "group", "child__initials"]
        constraints = [
            models.UniqueConstraint(fields=["child", "period"], condition=~Q(state="withdrawn"), name="one_seat_per_child_and_period"),
            models.CheckConstraint(condition=Q(state="placed", group__isnull=False) | ~Q(state="placed"), name="placed_has_group"),
            # A constraint, not `unique=True`: on PostgreSQL that adds a second (LIKE) index to every insert.
            models.UniqueConstraint(fields=["qr_token"], name="one_placement_per_qr_token"),
        ]
        indexes = [models.Index(fields=["period", "state"], name="placement_period_state")]

    def __str__(self):
        return f"{self.child.name} · {self.period} · {self.get_state_display()}"


class PlacementRun(models.Model):
    """One placement (with its lottery) for a period; the seed is published with the result."""

    period = models.ForeignKey(Period, verbose_name="期次", on_delete=models.CASCADE, related_name="runs")
    seed = models.CharField("抽签种子", max_length=64)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="执行人", null=True, on_delete=models.SET_NULL, related_name="+")
    run_at = models.DateTimeField("执行时间", auto_now_add=True)
    placed = models.PositiveIntegerField("安置人数", default=0)
    waiting = models.PositiveIntegerField("候补人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "安置批次"
        ordering = ["-run_at"]

    def __str__(self):
        return f"{self.period} {self.run_at:%Y-%m-%d %H:%M} 种子 {self.seed}"


class HardshipCertificate(models.Model):
    """The school's certification that a pupil's family is 家庭经济困难 for one school year: who certified,
    when, for which year. With the registry's 低保/特困/困境 flags it makes the care fee free as of right (C-08)."""

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.CASCADE, related_name="hardship_certificates")
    school = models.ForeignKey(School, verbose_name="认定学校", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年（起始年份）", help_text="如 2026 表示 2026-2027 学年")
    note = models.CharField("认定依据", max_length=255, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认定人", on_delete=models.PROTECT, related_name="+")
    certified_at = models.DateTimeField("认定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭经济困难认定"
        ordering = ["-school_year", "-certified_at"]
        constraints = [models.UniqueConstraint(fields=["child", "school_year"], name="one_hardship_certificate_per_year")]

    def __str__(self):
        return f"{self.child} {self.school_year}-{self.school_year + 1}学年 家庭经济困难"


class FeeExemption(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    class Basis(models.TextChoices):
        REQUEST = "request", "申请审批"
        ENTITLEMENT = "entitlement", "困难家庭依规全免"

    application = models.OneToOneField(Application, verbose_name="申请", on_delete=models.CASCADE, related_name="exemption")
    percent = models.PositiveSmallIntegerField("减免比例（%）", help_text="100 为全免")
    reason = models.CharField("理由", max_length=255)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    basis = models.CharField("依据", max_length=16, choices=Basis.choices, default=Basis.REQUEST)
    certificate = models.ForeignKey(HardshipCertificate, verbose_name="学校认定", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="exemptions")

    class Meta:
        verbose_name = verbose_name_plural = "费用减免"
        constraints = [models.CheckConstraint(condition=Q(percent__gte=1) & Q(percent__lte=100), name="exemption_percent_range")]

    def __str__(self):
        return f"{self.application} 减免{self.percent}%"


class RosterShift(models.Model):
    """A teacher or volunteer on duty for a day (optionally in one group); its sign-in/out are the duty record."""

    class Duty(models.TextChoices):
        LEADER = "leader", "值班领导"
        TEACHER = "teacher", "看护教师"
        VOLUNTEER = "volunteer", "志愿者"

    class State(models.TextChoices):
        """A shift counts (duty, ratio, pay) only once accepted: by the person when an organiser rostered them
        (C-02: teachers take part voluntarily), by the organiser when the person signed up themselves."""

        AWAITING_STAFF = "awaiting_staff", "待本人确认"
        AWAITING_ORGANISER = "awaiting_organiser", "待主办方审核"
        ACCEPTED = "accepted", "已确认"
        DECLINED = "declined", "本人已谢绝"
        REFUSED = "refused", "主办方未同意"

    LIVE_STATES = (State.AWAITING_STAFF, State.AWAITING_ORGANISER, State.ACCEPTED)

    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField("日期", db_index=True)
    group = models.ForeignKey(Group, verbose_name="班组", null=True, blank=True, on_delete=models.CASCADE, related_name="shifts")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="custody_shifts")
    duty = models.CharField("岗位", max_length=16, choices=Duty.choices)
    start = models.TimeField("开始", default=dt.time(8, 30))
    end = models.TimeField("结束", default=dt.time(17, 30))
    signed_in_at = models.DateTimeField("签到", null=True, blank=True)
    signed_out_at = models.DateTimeField("签退", null=True, blank=True)
    state = models.CharField("确认状态", max_length=24, choices=State.choices, default=State.ACCEPTED, db_index=True)
    rostered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="排班人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("确认（审核）时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班排班"
        ordering = ["date", "duty", "start"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "date", "staff"], condition=~Q(state__in=["declined", "refused"]),
                                    name="one_shift_per_person_per_day"),
        ]

    def __str__(self):
        return f"{self.date} {self.staff} {self.get_duty_display()}"

    @property
    def hours(self) -> Decimal:
        """The rostered hours (what the shift would be worth once done)."""
        minutes = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return (Decimal(minutes) / 60).quantize(Decimal("0.1"))

    @property
    def accepted(self) -> bool:
        return self.state == self.State.ACCEPTED


class PublishedRosterDay(models.Model):
    """A custody day whose roster the organiser published as ready (C-24: only with a leader on duty)."""

    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="published_days")
    date = models.DateField("日期")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发布的值班日"
        ordering = ["programme", "date"]
        constraints = [models.UniqueConstraint(fields=["programme", "date"], name="one_publication_per_day")]

    def __str__(self):
        return f"{self.programme} {self.date} 已发布"


class AbsenceKind(models.TextChoices):
    ILLNESS = "illness", "因病"
    PERSONAL = "personal", "事假"
    OTHER = "other", "其他"


class Symptom(models.TextChoices):
    """Symptom categories of an illness absence (C-31), for the cause to be followed up."""

    FEVER = "fever", "发热"
    RESPIRATORY = "respiratory", "咳嗽、咽痛等呼吸道症状"
    DIGESTIVE = "digestive", "腹泻、呕吐等消化道症状"
    RASH = "rash", "皮疹"
    EYE = "eye", "红眼（结膜炎）"
    INJURY = "injury", "外伤"
    CHRONIC = "chronic", "慢性病复诊"
    OTHER = "other", "其他"

    @classmethod
    def contagious(cls) -> frozenset[str]:
        return frozenset({cls.FEVER, cls.RESPIRATORY, cls.DIGESTIVE, cls.RASH, cls.EYE})


class Attendance(models.Model):
    placement = models.ForeignKey(Placement, verbose_name="安置", on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField("日期")
    check_in_at = models.DateTimeField("入托时间", null=True, blank=True)
    check_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="入托登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    check_out_at = models.DateTimeField("离托时间", null=True, blank=True)
    check_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="离托登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    picked_up_by = models.ForeignKey(Guardian, verbose_name="接走人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    absence_reason = models.CharField("缺勤原因", max_length=64, blank=True)
    absence_kind = models.CharField("缺勤类别", max_length=16, choices=AbsenceKind.choices, blank=True)
    symptoms = models.JSONField("症状", default=list, blank=True)
    follow_up_on = models.DateField("病因追踪日期", null=True, blank=True)
    follow_up_outcome = models.CharField("追踪结果", max_length=255, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="追踪人", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    followed_up_at = models.DateTimeField("追踪时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考勤"
        constraints = [models.UniqueConstraint(fields=["placement", "date"], name="one_attendance_per_day")]

    @property
    def child_id(self):
        return self.placement.child_id


class HealthCheck(models.Model):
    class Slot(models.TextChoices):
        MORNING = "morning", "晨检"
        NOON = "noon", "午检"
        AFTERNOON = "afternoon", "晚检"

    placement = models.ForeignKey(Placement, verbose_name="安置", on_delete=models.CASCADE, related_name="health_checks")
    date = models.DateField("日期")
    slot = models.CharField("时段", max_length=16, choices=Slot.choices)
    temperature = models.DecimalField("体温（℃）", max_digits=3, decimal_places=1)
    note = models.CharField("情况", max_length=128, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="检查人", null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField("检查时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "健康检查"
        constraints = [models.UniqueConstraint(fields=["placement", "date", "slot"], name="one_check_per_slot")]

    @property
    def feverish(self):
        return self.temperature >= Decimal("37.3")


class Incident(models.Model):
    class Kind(models.TextChoices):
        INJURY = "injury", "意外伤害"
        ILLNESS = "illness", "突发疾病"
        CONFLICT = "conflict", "同学冲突"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        OPEN = "open", "处理中"
        CLOSED = "closed", "已结案"

    placement = models.ForeignKey(Placement, verbose_name="安置", on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField("发生时间")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    description = models.TextField("经过")
    action_taken = models.TextField("处置措施", blank=True)
    guardian_informed_at = models.DateTimeField("通知家长时间", null=True, blank=True)
    leader_informed_at = models.DateTimeField("报告值班领导时间", null=True, blank=True)
    informed_note = models.CharField("通知情况", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结案人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全事件"
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state="open") | Q(guardian_informed_at__isnull=False),
                                   name="incident_closed_only_when_guardian_informed"),
        ]


class Alert(models.Model):
    class Kind(models.TextChoices):
        LATE_PICKUP = "late_pickup", "超时未接"
        MISSING = "missing", "未到且未请假"
        FEVER = "fever", "体温异常"
        INCIDENT = "incident", "安全事件"
        UNAUTHORISED_PICKUP = "unauthorised_pickup", "非授权人员接送"
        CHECKS_MISSING = "checks_missing", "三检不全"

    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="alerts")
    placement = models.ForeignKey(Placement, verbose_name="安置", on_delete=models.CASCADE, related_name="alerts")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    message = models.CharField("内容", max_length=255)
    notify = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="通知值班领导", null=True, blank=True, on_delete=models.SET_NULL, related_name="custody_alerts")
    raised_at = models.DateTimeField("发出时间", auto_now_add=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["placement", "date", "kind"], name="one_alert_per_kind_per_day")]

    @property
    def child_id(self):
        return self.placement.child_id


class Evaluation(models.Model):
    """A parent's satisfaction questionnaire at the end of a period."""

    placement = models.OneToOneField(Placement, verbose_name="安置", on_delete=models.CASCADE, related_name="evaluation")
    safety = models.PositiveSmallIntegerField("安全看护")
    homework = models.PositiveSmallIntegerField("作业辅导")
    activities = models.PositiveSmallIntegerField("活动安排")
    staff = models.PositiveSmallIntegerField("教师态度")
    overall = models.PositiveSmallIntegerField("总体满意度")
    comment = models.CharField("意见建议", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("填写时间", auto_now_add=True)

    QUESTIONS = ("safety", "homework", "activities", "staff", "overall")

    class Meta:
        verbose_name = verbose_name_plural = "家长满意度评价"
        constraints = [
            models.CheckConstraint(
                condition=Q(safety__range=(1, 5), homework__range=(1, 5), activities__range=(1, 5), staff__range=(1, 5), overall__range=(1, 5)),
                name="evaluation_scores_1_to_5",
            )
        ]


class DemandSurvey(OrganisedBy, models.Model):
    """The sign-up survey (报名摸底) before a holiday programme is planned: how many pupils need custody and how many
    teachers volunteer; its result is reported upward by a due date (C-21, C-22)."""

    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="custody_surveys")
    community = models.ForeignKey(Region, verbose_name="社区（村）", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="custody_surveys", limit_choices_to={"level": Region.Level.COMMUNITY})
    kind = models.CharField("托管类型", max_length=16, choices=Programme.Kind.choices, default=Programme.Kind.SUMMER)
    title = models.CharField("名称", max_length=64)
    opens = models.DateField("开始日期")
    closes = models.DateField("截止日期")
    report_due = models.DateField("上报期限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    reported_at = models.DateTimeField("上报时间", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.JSONField("上报数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "托管需求摸底"
        ordering = ["-opens", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(school__isnull=False) ^ Q(community__isnull=False), name="survey_one_organiser",
                                   violation_error_message="需求摸底须由一所学校或一个社区（村）发起"),
            models.CheckConstraint(condition=Q(closes__gte=F("opens")), name="survey_closes_after_opens",
                                   violation_error_message="截止日期不能早于开始日期"),
        ]

    def __str__(self):
        return self.title



class SurveyAnswer(models.Model):
    """A family's answer for one child: does the child need custody, for what reason, with lunch or not."""

    survey = models.ForeignKey(DemandSurvey, verbose_name="摸底", on_delete=models.CASCADE, related_name="answers")
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="custody_survey_answers")
    needs_custody = models.BooleanField("需要托管")
    needs = models.JSONField("托管需求", default=list, blank=True)
    lunch = models.BooleanField("需要午餐", default=False)
    note = models.CharField("补充说明", max_length=128, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("填写时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "摸底回执"
        constraints = [models.UniqueConstraint(fields=["survey", "child"], name="one_answer_per_child")]


class SurveyVolunteer(models.Model):
    """A teacher's (or volunteer's) answer: willing to serve in the programme or not (C-02: voluntary)."""

    survey = models.ForeignKey(DemandSurvey, verbose_name="摸底", on_delete=models.CASCADE, related_name="volunteers")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="custody_survey_offers")
    willing = models.BooleanField("愿意参加")
    note = models.CharField("可服务时间等", max_length=128, blank=True)
    answered_at = models.DateTimeField("填写时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "教师志愿意向"
        constraints = [models.UniqueConstraint(fields=["survey", "staff"], name="one_offer_per_person")]


class FiguresSnapshot(models.Model):
    """A programme's summary figures up to a day, computed ahead by the worker (`refresh_figures_task`), so an
    area's overview reads one row per programme instead of adding up every application and attendance row of a
    county while an officer waits. Derived data: recomputed from the records at any time, never edited."""

    programme = models.ForeignKey(Programme, verbose_name="项目", on_delete=models.CASCADE, related_name="figures")
    upto = models.DateField("出勤统计截至")
    computed_at = models.DateTimeField("统计时间")
    data = models.JSONField("统计数据", encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = verbose_name_plural = "项目统计快照"
        constraints = [models.UniqueConstraint(fields=["programme", "upto"], name="one_snapshot_per_programme_and_day")]

    def __str__(self):
        return f"{self.programme} 截至 {self.upto:%Y-%m-%d}"


from .models_partners import DrillSetting, Fund, GuestSession, Income, Partner, PartnerVenue, Spending, VenueBooking  # noqa: E402, F401  the partners' and accounts' tables are custody's too


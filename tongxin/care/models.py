"""Care and protection of left-behind and vulnerable children (留守/困境儿童关爱保护): one file per child on the
shared registry, its versions and monthly checks, the class census and the village's docking, risk assessments,
pairings of helpers with children, contact records, and the contact rules that count them.

Every record points at `people.Child` (no copies of the registry) and is narrowed through `orgs.scope`
(`scope.care_q`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongxin.orgs.models import Region, School, SchoolClass
from tongxin.people.crypto import EncryptedCharField
from tongxin.people.models import Child

from .choices import Category, HelperRole, Level, PairingKind, Party, RecordKind, Window


class CareFile(models.Model):
    """一人一档 (P-06, P-07, P-08): what the care line knows of one child beyond the registry. The category is
    derived from the guardians' data (`rules.classify`) and stored with its reasons; a person may override it,
    only with a reason, and the ledger shows where the override and the data disagree."""

    child = models.OneToOneField(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="care_file")
    derived = models.CharField("按监护数据认定", max_length=16, choices=Category.choices, default=Category.NONE)
    derived_reasons = models.JSONField("认定理由", default=list, blank=True)
    override = models.CharField("人工认定", max_length=16, choices=Category.choices, blank=True)
    override_reason = models.CharField("人工认定理由", max_length=255, blank=True)
    category = models.CharField("关爱类别", max_length=16, choices=Category.choices, default=Category.NONE)
    hukou_address = EncryptedCharField("户籍地址", blank=True, default="")
    personality = models.CharField("性格特点", max_length=128, blank=True)
    interests = models.CharField("兴趣爱好", max_length=128, blank=True)
    health_history = models.CharField("病史与健康情况", max_length=255, blank=True)
    boarding = models.BooleanField("在校寄宿", default=False)
    seriously_ill = models.BooleanField("患重病", default=False)
    single_parent = models.BooleanField("单亲家庭", default=False)
    lacks_care = models.BooleanField("随迁缺乏照料", default=False)
    screening = models.JSONField("筛查情况", default=dict, blank=True)  # Dimension value -> what was found
    problems = models.JSONField("存在问题（五失）", default=list, blank=True)  # Problem values
    note = models.CharField("备注", max_length=500, blank=True)  # the exchange file's 备注 holds up to 500
    added_on = models.DateField("建档日期")
    # The latest of each, kept here so the ledger lists without reading histories (written by the services).
    level = models.CharField("风险等级", max_length=8, choices=Level.choices, blank=True)
    assessed_on = models.DateField("最近评估日期", null=True, blank=True)
    checked_month = models.DateField("最近核对月份", null=True, blank=True)  # first day of the month
    # 动态管理 (P-10): a parent went away or came back, the carer changed or can no longer care, or the category
    # changed — the file waits for a new risk assessment dated on or after this day (set by the family-change and
    # import services, cleared by the next such assessment).
    review_from = models.DateField("家庭情况变动日期（待复核）", null=True, blank=True)
    review_reason = models.CharField("待复核的变动", max_length=255, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱档案"
        indexes = [models.Index(fields=["category", "checked_month"], name="carefile_category_checked")]

    def __str__(self):
        return f"{self.child.name}的关爱档案"

    @property
    def disagrees(self) -> bool:
        """A person's category differs from what the guardians' data give."""
        return bool(self.override) and self.override != self.derived


class FileVersion(models.Model):
    """One change to a file or to the registry data behind it: who changed what, when (P-10)."""

    file = models.ForeignKey(CareFile, verbose_name="档案", on_delete=models.CASCADE, related_name="versions")
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField("修改内容", default=list, blank=True)  # [[label, before, after], ...]
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "档案修改记录"
        ordering = ["-at", "-id"]


class MonthlyCheck(models.Model):
    """按月更新核对 (P-04): the class teacher confirmed the file for a month."""

    file = models.ForeignKey(CareFile, verbose_name="档案", on_delete=models.CASCADE, related_name="checks")
    month = models.DateField("月份")  # first day
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核对人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("核对时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度核对"
        constraints = [models.UniqueConstraint(fields=["file", "month"], name="one_check_per_file_and_month")]


class ClassCensus(models.Model):
    """排查 (P-03): a class confirmed its list of covered children at the start of a term."""

    school_class = models.ForeignKey(SchoolClass, verbose_name="班级", on_delete=models.CASCADE, related_name="+")
    term_start = models.DateField("学期开始")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("确认时间", auto_now_add=True)
    covered = models.PositiveIntegerField("确认时关爱对象人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "学期排查"
        constraints = [models.UniqueConstraint(fields=["school_class", "term_start"], name="one_census_per_class_and_term")]


class VillageCheck(models.Model):
    """Docking with the village committee (P-05): the community worker confirmed a file for the village's ledger,
    or found it does not match."""

    file = models.OneToOneField(CareFile, verbose_name="档案", on_delete=models.CASCADE, related_name="village_check")
    community = models.ForeignKey(Region, verbose_name="社区（村）", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("村台账类别", max_length=16, choices=Category.choices)
    note = models.CharField("核实情况", max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("核实时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "村居台账对接"


class Assessment(models.Model):
    """A risk assessment (P-14, P-15): the five dimensions scored, the level and its reasons."""

    file = models.ForeignKey(CareFile, verbose_name="档案", on_delete=models.CASCADE, related_name="assessments")
    on = models.DateField("评估日期")
    scores = models.JSONField("各维度评分")  # Dimension value -> 0..3
    problems = models.JSONField("存在问题", default=list, blank=True)
    level = models.CharField("风险等级", max_length=8, choices=Level.choices)
    reasons = models.JSONField("评估理由", default=list, blank=True)
    measures = models.CharField("帮扶措施", max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评估人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险评估"
        ordering = ["-on", "-id"]


class Pairing(models.Model):
    """A helper paired with a child (P-28…P-38): a teacher as proxy parent, a volunteer, a named staff helper for
    a key case, or a pupil as study helper. One-to-one, one-to-many and many-to-one are rows of this table. A
    volunteer sees exactly the children paired with them while the pairing runs (`scope`'s pairing provider)."""

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="care_pairings")
    kind = models.CharField("结对方式", max_length=16, choices=PairingKind.choices)
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="帮扶人", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="care_pairings")
    peer = models.ForeignKey(Child, verbose_name="学习帮手", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    card_signed_on = models.DateField("签订结对卡日期", null=True, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("安排时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对帮扶"
        ordering = ["child_id", "kind", "start"]
        constraints = [
            models.CheckConstraint(name="pairing_has_one_helper", condition=(
                Q(kind=PairingKind.STUDY_HELPER, helper__isnull=True, peer__isnull=False)
                | (~Q(kind=PairingKind.STUDY_HELPER) & Q(helper__isnull=False, peer__isnull=True)))),
            models.CheckConstraint(name="pairing_ends_after_start", condition=Q(end__isnull=True) | Q(end__gte=models.F("start"))),
        ]
        indexes = [models.Index(fields=["helper", "end"], name="pairing_helper_end")]

    def __str__(self):
        return f"{self.child.name} · {self.get_kind_display()}"


class ContactRecord(models.Model):
    """A talk, home visit, family call, letter, homework help or help given (P-43…P-53); quick to enter on a
    phone. The growth file (成长档案) is the child's timeline of these."""

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="care_records")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="care_records")
    kind = models.CharField("类型", max_length=16, choices=RecordKind.choices)
    party = models.CharField("对象", max_length=16, choices=Party.choices, default=Party.CHILD)
    day = models.DateField("日期")
    summary = models.CharField("内容摘要", max_length=500)
    # Home visits (P-48): what the visitor found and will do.
    living = models.CharField("生活环境", max_length=255, blank=True)
    state = models.CharField("身心状态", max_length=255, blank=True)
    needs = models.CharField("帮扶需求", max_length=255, blank=True)
    measures = models.CharField("帮扶措施", max_length=255, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱记录"
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["child", "day"], name="carerecord_child_day"),
                   models.Index(fields=["by", "day"], name="carerecord_by_day")]

    def __str__(self):
        return f"{self.child.name} · {self.get_kind_display()} · {self.day}"


class ContactRuleSetting(models.Model):
    """A contact rule set by an office (P-31…P-34): a county's rule applies to its schools, a school's replaces
    the county's of the same key. Without any row the seeds' defaults (`rules.DEFAULT_RULES`) apply; a row with
    the default's key changes or (inactive) switches off that default for its area."""

    key = models.CharField("规则代码", max_length=32)
    name = models.CharField("规则名称", max_length=128)
    helper = models.CharField("责任人", max_length=16, choices=HelperRole.choices)
    kinds = models.JSONField("计入的记录类型")
    parties = models.JSONField("计入的对象", default=list, blank=True)
    count = models.PositiveSmallIntegerField("次数")
    window = models.CharField("周期", max_length=16, choices=Window.choices)
    levels = models.JSONField("适用风险等级", default=list, blank=True)
    categories = models.JSONField("适用类别", default=list, blank=True)
    region = models.ForeignKey(Region, verbose_name="适用县（区）", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, verbose_name="适用学校", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField("启用", default=True)
    source = models.CharField("依据", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联系频次规则"
        constraints = [
            models.CheckConstraint(name="rule_for_one_area", condition=Q(region__isnull=True) | Q(school__isnull=True)),
            models.UniqueConstraint(fields=["key", "region", "school"], name="one_rule_per_key_and_area"),
        ]


class CareSettings(models.Model):
    """What a county or a school sets for its care work, with the seeds' defaults (P-14, P-30, P-01)."""

    region = models.OneToOneField(Region, verbose_name="县（区）", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school = models.OneToOneField(School, verbose_name="学校", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    teacher_load = models.PositiveSmallIntegerField("每位教师代理留守儿童人数上限", null=True, blank=True)
    assessment_months = models.JSONField("风险评估月份", null=True, blank=True)
    months_away = models.PositiveSmallIntegerField("外出务工满几个月认定为留守", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱工作设置"
        constraints = [models.CheckConstraint(name="settings_for_one_area",
                                              condition=Q(region__isnull=True, school__isnull=False)
                                              | Q(region__isnull=False, school__isnull=True))]

    def __str__(self):
        return f"{self.school or self.region}的关爱工作设置"


from . import counsel_models  # noqa: E402, F401  (counselling and support's tables)
from .absence_models import Absence, AbsenceRegister, AbsenceSettings, CaseEvent, DropoutCase  # noqa: E402, F401
from .activity_models import Activity, ActivityChild  # noqa: E402, F401  (the activities' tables)
from .aid_models import AidRecord  # noqa: E402, F401  (the aid records' table)
from .handover_models import HandoverList, HandoverRound  # noqa: E402, F401  (the holiday handovers' tables)
from .org_models import GroupMember  # noqa: E402, F401  (the leadership group's table)
from .report_models import MandatoryReport, ReportEvent, ReportRoute  # noqa: E402, F401  (the reports' tables)

"""Activities (P-64…P-71): what a school or a village's children's home ran for children — mental-health lessons,
safety and legal education, drills, festival events, parent meetings, class meetings — who ran it, which children
took part, who was handed over between organisers and who was escorted home."""

from django.conf import settings
from django.db import models

from tongxin.orgs.models import Region, School
from tongxin.people.models import Child


class ActivityKind(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "心理健康教育"
    SAFETY = "safety", "安全教育"
    LEGAL = "legal", "法制教育"
    DRILL = "drill", "防灾减灾演练"
    FESTIVAL = "festival", "节日活动"
    PARENT_MEETING = "parent_meeting", "家长会（家长学校）"
    CLASS_MEETING = "class_meeting", "主题班会"
    ARTS_SPORTS = "arts_sports", "文艺、体育、科技活动"
    PRACTICE = "practice", "社会实践"
    OTHER = "other", "其他"


class Activity(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    community = models.ForeignKey(Region, verbose_name="村（社区）", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField("活动类别", max_length=16, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=64)
    venue = models.CharField("地点", max_length=64)
    on = models.DateField("日期")
    run_by = models.CharField("主讲或组织者", max_length=64)
    in_charge = models.CharField("安全负责人", max_length=32, blank=True)
    note = models.TextField("活动情况", max_length=1000, blank=True)
    children = models.ManyToManyField(Child, verbose_name="参加儿童", through="ActivityChild", related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱活动"
        ordering = ["-on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(school__isnull=False) | models.Q(community__isnull=False),
                                              name="activity_held_somewhere")]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.title}"


class ActivityChild(models.Model):
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="taking_part")
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="+")
    handed_over = models.BooleanField("与监护人或组织方当面交接", default=False)
    escorted_home = models.BooleanField("送回家", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "活动参加儿童"
        constraints = [models.UniqueConstraint(fields=["activity", "child"], name="one_place_per_activity")]

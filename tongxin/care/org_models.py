"""The school's care leadership group (领导小组, P-73): who leads, who reports the data, who runs the office, and the
members (the class teachers, for their own classes)."""

from django.conf import settings
from django.db import models

from tongxin.orgs.models import School


class GroupRole(models.TextChoices):
    HEAD = "head", "组长（校长，全面负责）"
    DEPUTY = "deputy", "副组长（日常工作、资料归档、数据报送）"
    OFFICE = "office", "办公室（教导主任）"
    MEMBER = "member", "成员（本班排查、走访、帮扶、建档）"


class GroupMember(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="成员", on_delete=models.CASCADE, related_name="+")
    role = models.CharField("职责", max_length=16, choices=GroupRole.choices)
    since = models.DateField("起始日期")

    class Meta:
        verbose_name = verbose_name_plural = "关爱工作领导小组成员"
        ordering = ["school", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="one_group_place_per_person"),
                       models.UniqueConstraint(fields=["school"], condition=models.Q(role="head"),
                                               name="one_group_head_per_school")]

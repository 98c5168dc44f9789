from django.db import models


class Source(models.TextChoices):
    TEACHER = "teacher", "在职教师"
    RETIRED_TEACHER = "retired_teacher", "退休教师"
    STUDENT = "student", "返乡大学生"
    WULAO = "wulao", "“五老”"
    PROFESSIONAL = "professional", "专业人士"
    ARTISAN = "artisan", "民间艺人（手艺人）"
    ORGANISATION = "organisation", "社会组织成员"


class State(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已入库"
    REJECTED = "rejected", "未通过"


class CheckKind(models.TextChoices):
    INQUIRY = "inquiry", "入职查询（性侵害、暴力伤害违法犯罪记录）"
    HEALTH = "health", "健康检查"


class CheckResult(models.TextChoices):
    CLEAR = "clear", "无相关记录（合格）"
    FOUND = "found", "有相关记录（不得从事）"


# How each result reads for each kind: a health check has no "records"; the form offers both wordings at once.
RESULT_TEXTS: dict[tuple[str, str], str] = {
    (CheckKind.INQUIRY, CheckResult.CLEAR): "无相关记录（合格）",
    (CheckKind.INQUIRY, CheckResult.FOUND): "有相关记录（不得从事）",
    (CheckKind.HEALTH, CheckResult.CLEAR): "体检合格",
    (CheckKind.HEALTH, CheckResult.FOUND): "体检不合格（暂不得从事）",
}
RESULT_FORM_CHOICES = [(CheckResult.CLEAR, "合格（查无记录／体检合格）"),
                       (CheckResult.FOUND, "不合格（有记录／体检不合格）")]
KIND_FORM_CHOICES = [(CheckKind.INQUIRY, "入职查询（性侵、暴力犯罪记录）"), (CheckKind.HEALTH, "健康检查")]


WEEKDAYS = [("1", "周一"), ("2", "周二"), ("3", "周三"), ("4", "周四"), ("5", "周五"), ("6", "周六"), ("7", "周日")]


class TrainingPhase(models.TextChoices):
    BEFORE = "before", "岗前培训"
    DURING = "during", "在岗培训"


class LetterKind(models.TextChoices):
    SAFETY = "safety", "服务安全责任书"
    QUALITY = "quality", "服务质量责任书"


class InviteKind(models.TextChoices):
    CUSTODY = "custody", "托管值班"
    PAIRING = "pairing", "结对关爱"


class InviteState(models.TextChoices):
    PENDING = "pending", "待本人答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已婉拒"

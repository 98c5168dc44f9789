"""The care line's vocabulary, shared by its rules, models, forms and the ledger's Excel exchange.

Kept free of models and of Django's database layer so `rules.py` (pure) and `ledger_io.py` can import it."""

from django.db import models


class Category(models.TextChoices):
    """Who the care line covers (P-01, P-02). Derived from the guardians' data (`rules.classify`); a person may
    override it with a reason."""

    LEFT_BEHIND = "left_behind", "留守儿童"
    VULNERABLE = "vulnerable", "困境儿童"
    MIGRANT = "migrant", "流动儿童"
    NONE = "none", "非关爱对象"


class Dimension(models.TextChoices):
    """The five screening dimensions (P-08), scored in every risk assessment."""

    GUARDIANSHIP = "guardianship", "监护"
    LIVING = "living", "生活"
    STUDY = "study", "学习"
    SAFETY = "safety", "安全"
    HEALTH = "health", "身心健康"


class Problem(models.TextChoices):
    """The 五失 problem types (+ 行为失范) a file may record (P-08)."""

    STUDY = "study", "学业失教"
    LIVING = "living", "生活失助"
    MIND = "mind", "心理失衡"
    AFFECTION = "affection", "亲情失落"
    SAFETY = "safety", "安全失保"
    BEHAVIOUR = "behaviour", "行为失范"


class Level(models.TextChoices):
    """Risk level of an assessment (P-15)."""

    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class PairingKind(models.TextChoices):
    """Who helps a child (P-28…P-38, P-44)."""

    PROXY_PARENT = "proxy_parent", "代理家长（帮扶教师）"
    VOLUNTEER = "volunteer", "爱心志愿者"
    KEY_CASE = "key_case", "重点帮扶责任人"
    STUDY_HELPER = "study_helper", "学习帮手"
    # A subject teacher of the child's class, who talks with the child once a month (P-44); arranged by the class
    # teacher or the school's leader.
    SUBJECT_TEACHER = "subject_teacher", "任课教师（每月谈心）"


class RecordKind(models.TextChoices):
    """Contact and care records (P-43…P-53)."""

    TALK = "talk", "谈心"
    HOME_VISIT = "home_visit", "家访"
    CONTACT = "contact", "联系沟通"
    FAMILY_CALL = "family_call", "亲情电话"
    VIDEO_CALL = "video_call", "视频通话"
    LETTER = "letter", "书信"
    HOMEWORK = "homework", "辅导作业"
    SCHOOL_CHECK = "school_check", "了解在校表现"
    ACTIVITY = "activity", "陪伴活动"
    SUPPLIES = "supplies", "资助学习用品"
    SKILL = "skill", "学会一项技能"
    HELP = "help", "生活帮助"


class Party(models.TextChoices):
    """With whom a contact was held."""

    CHILD = "child", "儿童本人"
    PARENT = "parent", "父母"
    CARER = "carer", "监护人或托管人"
    SUBJECT_TEACHER = "subject_teacher", "任课教师"


class Window(models.TextChoices):
    """The period a contact rule counts over."""

    WEEK = "week", "每周"
    MONTH = "month", "每月"
    TWO_MONTHS = "two_months", "每两月"
    TERM = "term", "每学期"
    SCHOOL_YEAR = "school_year", "每学年"


class HelperRole(models.TextChoices):
    """Whose duty a contact rule is: a pairing's helper of one kind, or the child's class teacher."""

    PROXY_PARENT = "proxy_parent", "代理家长（帮扶教师）"
    VOLUNTEER = "volunteer", "爱心志愿者"
    KEY_CASE = "key_case", "重点帮扶责任人"
    CLASS_TEACHER = "class_teacher", "班主任"
    SUBJECT_TEACHER = "subject_teacher", "任课教师"

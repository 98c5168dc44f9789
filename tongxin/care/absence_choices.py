"""The vocabularies of absence and dropout (控辍保学, P-21…P-26)."""

from django.db import models


class Reason(models.TextChoices):
    """Why a pupil is absent today, as the class teacher marks it on the register."""

    SICK = "sick", "病假"
    PERSONAL = "personal", "事假"
    UNEXPLAINED = "unexplained", "无故缺课"
    OTHER = "other", "其他"


class Stage(models.TextChoices):
    """Where a case stands (computed by `absence_rules.case_state`, never stored)."""

    ABSENT = "absent", "缺课未满一周"
    PERSUADE = "persuade", "超过一周，劝返中"
    FAILED = "failed", "劝返无效，待书面报告"
    REPORTED = "reported", "劝返无效，已书面报告"
    CLOSED = "closed", "已结案"


class Closing(models.TextChoices):
    RETURNED = "returned", "已返校复学"
    TRANSFERRED = "transferred", "已转学（核实在他校就读）"


class Method(models.TextChoices):
    """How the family was reached (002: 「采取电话沟通、入户家访等方式逐一排查」)."""

    PHONE = "phone", "电话沟通"
    HOME_VISIT = "home_visit", "入户家访"
    AT_SCHOOL = "at_school", "到校约谈"
    OTHER = "other", "其他方式"


class Result(models.TextChoices):
    """What a persuasion visit or call came to."""

    WILL_RETURN = "will_return", "同意返校"
    UNDECIDED = "undecided", "仍在做工作"
    REFUSED = "refused", "拒绝返校"
    UNREACHABLE = "unreachable", "联系不上"


class Recipient(models.TextChoices):
    """Who a written report on failed persuasion goes to (002: 「书面报告教育管理中心和当地人民政府」)."""

    EDU_CENTRE = "edu_centre", "乡镇教育管理中心"
    GOVERNMENT = "government", "乡镇人民政府"


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", "当面递交"
    POST = "post", "邮寄"
    OFFICE_SYSTEM = "office_system", "政务（OA）系统"
    FAX = "fax", "传真"


class EventKind(models.TextChoices):
    OPENED = "opened", "无故缺课，开立个案"
    ABSENT_AGAIN = "absent_again", "再次无故缺课"
    CAUSE = "cause", "了解原因"
    PERSUASION = "persuasion", "劝返"
    REASSIGNED = "reassigned", "更换责任人"
    FAILED = "failed", "劝返无效"
    REPORT_MADE = "report_made", "生成书面报告"
    DELIVERED = "delivered", "书面报告送达"
    PRESENT = "present", "点名到校"
    NOTE = "note", "补充情况"
    CLOSED = "closed", "结案"

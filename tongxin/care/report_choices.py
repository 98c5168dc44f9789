"""The mandatory report's vocabularies (强制报告, P-16…P-20)."""

from django.db import models


class Situation(models.TextChoices):
    """What the reporter found. First the seeds' four (002), then the nine situations of the 2020 national opinion
    on mandatory reporting of harm to minors (《关于建立侵害未成年人案件强制报告制度的意见（试行）》第四条)."""

    ALONE_OR_MISSING = "alone_or_missing", "脱离监护单独居住生活或失踪"
    GUARDIAN_INCAPABLE = "guardian_incapable", "监护人丧失监护能力"
    GUARDIAN_NEGLECT = "guardian_neglect", "监护人不履行监护责任"
    SUSPECTED_HARM = "suspected_harm", "疑似遭受意外伤害或不法侵害"
    PRIVATE_INJURY = "private_injury", "生殖器官或隐私部位遭受或疑似遭受非正常损伤"
    UNDER14_SEXUAL = "under14_sexual", "不满十四周岁的女性未成年人遭受或疑似遭受性侵害、怀孕、流产"
    OVER14_SEXUAL = "over14_sexual", "十四周岁以上女性未成年人遭受或疑似遭受性侵害所致怀孕、流产"
    ABUSE = "abuse", "身体多处损伤、严重营养不良、意识不清，存在或疑似存在家庭暴力、欺凌、虐待、殴打或被人麻醉等情形"
    ABNORMAL_HARM = "abnormal_harm", "因自杀、自残、工伤、中毒、被人麻醉、殴打等非正常原因导致伤残、死亡"
    ABANDONED = "abandoned", "被遗弃或长期处于无人照料状态"
    TRAFFICKED = "trafficked", "来源不明、失踪或者被拐卖、收买"
    BEGGING = "begging", "被组织乞讨"
    OTHER_HARM = "other_harm", "其他严重侵害身心健康的情形或正面临不法侵害危险"


SEED_SITUATIONS = (Situation.ALONE_OR_MISSING, Situation.GUARDIAN_INCAPABLE, Situation.GUARDIAN_NEGLECT,
                   Situation.SUSPECTED_HARM)


class Recipient(models.IntegerChoices):
    """Who a report goes to, in the order it escalates: at once to the police and the township government; not
    acknowledged in time, to the township's leader, then to the county civil affairs bureau."""

    FIRST = 0, "公安机关和乡镇人民政府"
    LEADER = 1, "乡镇分管领导"
    COUNTY = 2, "县民政局"


class EventKind(models.TextChoices):
    SENT = "sent", "已发送"
    RECEIVED = "received", "已签收"
    POLICE_RECEIVED = "police_received", "公安机关已接报"
    ESCALATED = "escalated", "逾期未签收，已上报"
    ACTED = "acted", "处置情况"
    NOTE = "note", "补充情况"
    CLOSED = "closed", "已结案"

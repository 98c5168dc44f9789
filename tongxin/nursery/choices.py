"""The nursery line's choices, shared by its models, rules and pages."""

from django.db import models


class ClassType(models.TextChoices):
    """The class types of the national standard (托育机构设置标准（试行）); ages and limits in `rules`."""

    INFANT = "infant", "乳儿班"
    TODDLER = "toddler", "托小班"
    OLDER = "older", "托大班"
    MIXED = "mixed", "混合班"


class CareType(models.TextChoices):
    """What a monthly contract buys (N-03); temporary care is booked by the hour (`Booking`) and extended hours
    (N-04) are a pick-up after closing time, on a contract or a booking."""

    FULL_DAY = "full_day", "全日托"
    HALF_AM = "half_am", "半日托（上午）"
    HALF_PM = "half_pm", "半日托（下午）"


class AgeBand(models.TextChoices):
    """The two age packages (N-05: 0–1 senses and parent-child interaction; 1–3 habits and social skills) that
    prices are set by. A later part's packages take these codes."""

    UNDER_ONE = "0-1", "0–1岁"
    ONE_TO_THREE = "1-3", "1–3岁"


class PriceItem(models.TextChoices):
    FULL_DAY = "full_day", "全日托（每月）"
    HALF_DAY = "half_day", "半日托（每月）"
    TEMPORARY = "temporary", "临时托（每小时）"
    EXTENDED_HOUR = "extended_hour", "延时托育（每小时）"
    EXTENDED_MONTH = "extended_month", "延时托育（每月）"


MONTHLY_ITEMS = frozenset({PriceItem.FULL_DAY, PriceItem.HALF_DAY, PriceItem.EXTENDED_MONTH})


class SubsidyKind(models.TextChoices):
    PER_CHILD = "per_child", "普惠托位补贴（每孩每月，元）"
    HARDSHIP = "hardship", "低保、特困家庭减免（%）"

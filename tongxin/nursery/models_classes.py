"""Age packages and parent classes (N-05, N-06): the activities of the 0–1 and 1–3 packages (the seeded defaults of
托育机构保育指导大纲（试行）2021 and a centre's own), a class's week plan drawn from them, and the parent classes
(家长课堂) and weekend parenting talks (育儿讲座) parents book a seat at, attend and rate."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from .choices import AgeBand


class Domain(models.TextChoices):
    """The seven domains of care of 托育机构保育指导大纲（试行）."""

    FEEDING = "feeding", "营养与喂养"
    SLEEP = "sleep", "睡眠"
    HABITS = "habits", "生活与卫生习惯"
    MOVEMENT = "movement", "动作"
    LANGUAGE = "language", "语言"
    COGNITION = "cognition", "认知"
    SOCIAL = "social", "情感与社会性"


class Activity(models.Model):
    """An activity of an age package: a seeded default (no centre, `code` set) or a centre's own."""

    centre = models.ForeignKey("nursery.Centre", verbose_name="托育中心（服务点）", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="activities")
    code = models.CharField("默认活动编号", max_length=16, blank=True)
    package = models.CharField("年龄包", max_length=4, choices=AgeBand.choices)
    domain = models.CharField("领域", max_length=10, choices=Domain.choices)
    name = models.CharField("活动名称", max_length=32)
    min_months = models.PositiveSmallIntegerField("适宜月龄起", validators=[MaxValueValidator(36)])
    max_months = models.PositiveSmallIntegerField("适宜月龄止", validators=[MaxValueValidator(36)])
    minutes = models.PositiveSmallIntegerField("时长（分钟）", validators=[MinValueValidator(1), MaxValueValidator(120)])
    carer_does = models.CharField("保育人员怎么做", max_length=400)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="添加人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "年龄包活动"
        ordering = ["package", "domain", "min_months", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_months__lt=F("max_months")), name="nursery_activity_months"),
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=120), name="nursery_activity_minutes"),
            models.UniqueConstraint(fields=["code"], condition=Q(centre__isnull=True), name="nursery_activity_default"),
        ]

    def __str__(self):
        return self.name


class PlanItem(models.Model):
    """An activity planned for a class on a day (the class's week plan)."""

    room = models.ForeignKey("nursery.Room", verbose_name="班级", on_delete=models.CASCADE, related_name="plan_items")
    day = models.DateField("日期")
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "周活动计划"
        ordering = ["day", "room", "pk"]
        constraints = [models.UniqueConstraint(fields=["room", "day", "activity"], name="nursery_plan_once_a_day")]

    def __str__(self):
        return f"{self.room} {self.day:%m-%d} {self.activity}"


class ParentClass(models.Model):
    """A parent class (家长课堂) or weekend parenting talk (育儿讲座) a centre holds, with its places."""

    class Kind(models.TextChoices):
        CLASS = "class", "家长课堂"
        TALK = "talk", "育儿讲座"

    centre = models.ForeignKey("nursery.Centre", verbose_name="托育中心（服务点）", on_delete=models.PROTECT,
                               related_name="parent_classes")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.CLASS)
    title = models.CharField("主题", max_length=48)
    speaker = models.CharField("主讲人", max_length=32)
    starts_at = models.DateTimeField("开始时间")
    minutes = models.PositiveSmallIntegerField("时长（分钟）", default=60)
    place = models.CharField("地点或线上链接", max_length=100)
    online = models.BooleanField("线上", default=False)
    seats = models.PositiveSmallIntegerField("名额")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = verbose_name_plural = "家长课堂与育儿讲座"
        ordering = ["-starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=500), name="nursery_class_seats"),
                       models.CheckConstraint(condition=Q(minutes__gte=15, minutes__lte=240),
                                              name="nursery_class_minutes")]

    def __str__(self):
        return self.title


class Seat(models.Model):
    """A parent's seat at a class: booked or cancelled; marked attended by the staff; rated after attending."""

    class State(models.TextChoices):
        BOOKED = "booked", "已报名"
        CANCELLED = "cancelled", "已取消"

    parent_class = models.ForeignKey(ParentClass, verbose_name="课堂", on_delete=models.CASCADE, related_name="seats_taken")
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="家长", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField("报名时间")
    attended = models.BooleanField("出席", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    comment = models.CharField("评价", max_length=200, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "课堂报名"
        ordering = ["parent_class", "booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parent_class", "parent"], condition=Q(state="booked"),
                                    name="nursery_seat_once"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="nursery_seat_rating"),
        ]

    def __str__(self):
        return f"{self.parent} {self.parent_class}"

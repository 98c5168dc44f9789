import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

CN_NUMERALS = "零一二三四五六七八九十"


def grade_label(year: int) -> str:
    """一年级 … 九年级: how a grade is written everywhere (classes read 三年级（1）班)."""
    return f"{CN_NUMERALS[year]}年级" if 0 < year <= 10 else f"{year}年级"


class Region(models.Model):
    """A node of the administrative tree: county → township/street → community/village."""

    class Kind(models.TextChoices):
        COUNTY = "county", "县"
        DISTRICT = "district", "区"
        TOWNSHIP = "township", "乡镇"
        STREET = "street", "街道"
        COMMUNITY = "community", "社区"
        VILLAGE = "village", "村"

    class Level(models.IntegerChoices):
        COUNTY = 1, "县（区）"
        TOWNSHIP = 2, "乡镇（街道）"
        COMMUNITY = 3, "社区（村）"

    LEVEL_OF_KIND = {
        Kind.COUNTY: Level.COUNTY,
        Kind.DISTRICT: Level.COUNTY,
        Kind.TOWNSHIP: Level.TOWNSHIP,
        Kind.STREET: Level.TOWNSHIP,
        Kind.COMMUNITY: Level.COMMUNITY,
        Kind.VILLAGE: Level.COMMUNITY,
    }

    name = models.CharField("名称", max_length=64)
    code = models.CharField("区划代码", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, editable=False)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField("路径", max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        level = self.LEVEL_OF_KIND[self.kind]
        if level == self.Level.COUNTY:
            if self.parent_id:
                raise ValidationError({"parent": "县（区）不能有上级区划"})
        elif not self.parent_id or self.parent.level != level - 1:
            expected = self.Level(level - 1).label
            raise ValidationError({"parent": f"{self.get_kind_display()}的上级必须是{expected}"})

    def save(self, *args, **kwargs):
        self.level = self.LEVEL_OF_KIND[self.kind]
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        super().save(*args, **kwargs)

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)

    @property
    def full_name(self):
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class School(models.Model):
    class Stage(models.TextChoices):
        PRIMARY = "primary", "小学"
        JUNIOR = "junior", "初中"
        NINE_YEAR = "nine_year", "九年一贯制"

    name = models.CharField("校名", max_length=64, unique=True)
    code = models.CharField("学校代码", max_length=16, unique=True)
    stage = models.CharField("学段", max_length=16, choices=Stage.choices, default=Stage.PRIMARY)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="schools")
    address = models.CharField("地址", max_length=128, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "学校"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Grade(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="grades")
    year = models.PositiveSmallIntegerField("年级")

    class Meta:
        verbose_name = verbose_name_plural = "年级"
        ordering = ["school", "year"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="grade_unique_per_school")]

    def __str__(self):
        return f"{self.school.name}{self.label}"

    @property
    def label(self):
        return grade_label(self.year)


class SchoolClass(models.Model):
    grade = models.ForeignKey(Grade, verbose_name="年级", on_delete=models.CASCADE, related_name="classes")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="classes", editable=False)
    number = models.PositiveSmallIntegerField("班号")

    class Meta:
        verbose_name = verbose_name_plural = "班级"
        ordering = ["school", "grade__year", "number"]
        constraints = [models.UniqueConstraint(fields=["grade", "number"], name="class_unique_per_grade")]

    def __str__(self):
        return f"{self.school.name}{self.label}"

    @property
    def label(self):
        return f"{self.grade.label}（{self.number}）班"

    def save(self, *args, **kwargs):
        self.school_id = self.grade.school_id
        super().save(*args, **kwargs)


class Site(models.Model):
    """A place where a service is delivered: a classroom, a library, a community 儿童之家 ..."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", "学校教室"
        LIBRARY = "library", "图书室"
        PLAYGROUND = "playground", "操场/体育馆"
        CHILDREN_HOME = "children_home", "儿童之家"
        CIVILIZATION_STATION = "civilization_station", "新时代文明实践站"
        COMMUNITY_CENTRE = "community_centre", "社区服务中心"
        NURSERY = "nursery", "托育中心/服务点"
        YOUTH_PALACE = "youth_palace", "青少年宫"
        CULTURE_CENTRE = "culture_centre", "文化馆（站）"
        PUBLIC_LIBRARY = "public_library", "公共图书馆"
        WOMEN_CHILDREN_CENTRE = "women_children_centre", "妇女儿童活动中心"
        SPORTS_CENTRE = "sports_centre", "体育馆"
        MUSEUM = "museum", "博物馆、科技馆"
        OTHER = "other", "其他场所"

    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    school = models.ForeignKey(School, verbose_name="所属学校", null=True, blank=True, on_delete=models.CASCADE, related_name="sites")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="sites")
    address = models.CharField("地址", max_length=128, blank=True)
    capacity = models.PositiveIntegerField("可容纳人数", default=40)
    # The "1+N" childcare network (N-02): a service point (服务点) belongs to its community childcare centre
    # (托育服务中心). Kept here, beside the role scopes, so that `orgs.scope` answers who manages a point.
    parent = models.ForeignKey("self", verbose_name="所属托育中心", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="points", limit_choices_to={"kind": "nursery", "parent": None})

    class Meta:
        verbose_name = verbose_name_plural = "场所"
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id:
            if self.kind != self.Kind.NURSERY:
                raise ValidationError({"parent": "只有托育服务点可以隶属于托育中心"})
            if self.parent.kind != self.Kind.NURSERY or self.parent.parent_id or self.parent_id == self.pk:
                raise ValidationError({"parent": "所属托育中心应为一个托育中心（而不是服务点）"})


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week: a public holiday, or a weekend made a working day (调休)."""

    date = models.DateField("日期", unique=True)
    workday = models.BooleanField("是否上班", default=False)
    name = models.CharField("说明", max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}（{'上班' if self.workday else '放假'}）"


class User(AbstractUser):
    real_name = models.CharField("姓名", max_length=32, blank=True)
    phone = models.CharField("手机号", max_length=16, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.real_name or self.username

    @property
    def display_name(self):
        return self.real_name or self.username


class Role(models.TextChoices):
    PARENT = "parent", "家长"
    CLASS_TEACHER = "class_teacher", "班主任"
    SUBJECT_TEACHER = "subject_teacher", "任课教师"
    SCHOOL_LEADER = "school_leader", "学校领导"
    VOLUNTEER = "volunteer", "志愿者"
    COMMUNITY_WORKER = "community_worker", "社区（村）儿童主任"
    TOWNSHIP_OFFICER = "township_officer", "乡镇（街道）干部"
    COUNTY_EDU = "county_edu", "县教育局"
    COUNTY_CIVIL = "county_civil", "县民政局"
    COUNTY_HEALTH = "county_health", "县卫生健康局"
    NURSERY_MANAGER = "nursery_manager", "托育机构负责人"
    NURSERY_CARER = "nursery_carer", "保育人员"
    ADMIN = "admin", "系统管理员"


class ScopeKind(models.TextChoices):
    NONE = "none", "无需范围"
    CLASS = "class", "班级"
    SCHOOL = "school", "学校"
    COMMUNITY = "community", "社区（村）"
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY = "county", "县（区）"
    SITE = "site", "托育中心（服务点）"


# Which kind of scope each role is held in. A volunteer may be attached to a community for rostering,
# but sees children only through pairings; a parent sees their own children through guardianship. A subject
# teacher holds one assignment per class taught (a user may hold several) but, like a volunteer, sees only the
# pupils paired with them (the monthly talk, P-44), not the class.
ROLE_SCOPE = {
    Role.PARENT: ScopeKind.NONE,
    Role.CLASS_TEACHER: ScopeKind.CLASS,
    Role.SUBJECT_TEACHER: ScopeKind.CLASS,
    Role.SCHOOL_LEADER: ScopeKind.SCHOOL,
    Role.VOLUNTEER: ScopeKind.COMMUNITY,
    Role.COMMUNITY_WORKER: ScopeKind.COMMUNITY,
    Role.TOWNSHIP_OFFICER: ScopeKind.TOWNSHIP,
    Role.COUNTY_EDU: ScopeKind.COUNTY,
    Role.COUNTY_CIVIL: ScopeKind.COUNTY,
    # Childcare for 0-3 (托育) is the health commission's (卫生健康部门) to license and oversee; a centre's manager
    # (托育机构负责人) and carers (保育人员) are held at a nursery site: a manager at a centre also runs its points.
    Role.COUNTY_HEALTH: ScopeKind.COUNTY,
    Role.NURSERY_MANAGER: ScopeKind.SITE,
    Role.NURSERY_CARER: ScopeKind.SITE,
    Role.ADMIN: ScopeKind.NONE,
}
_REGION_LEVEL = {
    ScopeKind.COMMUNITY: Region.Level.COMMUNITY,
    ScopeKind.TOWNSHIP: Region.Level.TOWNSHIP,
    ScopeKind.COUNTY: Region.Level.COUNTY,
}


class RoleAssignment(models.Model):
    """A role held in a scope. A user may hold several; what they may see is the union."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="区划范围", null=True, blank=True, on_delete=models.PROTECT)
    school = models.ForeignKey(School, verbose_name="学校范围", null=True, blank=True, on_delete=models.PROTECT)
    school_class = models.ForeignKey(SchoolClass, verbose_name="班级范围", null=True, blank=True, on_delete=models.PROTECT)
    site = models.ForeignKey(Site, verbose_name="托育中心（服务点）范围", null=True, blank=True, on_delete=models.PROTECT,
                             limit_choices_to={"kind": "nursery"})
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"
        ordering = ["user", "role"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE[Role(self.role)]

    @property
    def area(self) -> Region:
        """The region this assignment is held in; roles held in a region always have one (see `clean`)."""
        if self.region is None:
            raise ValueError(f"{self} is not held in a region")
        return self.region

    @property
    def scope_label(self) -> str:
        target = self.school_class or self.school or self.site or self.region
        if target is not None:
            return str(target)
        return "全部" if self.role == Role.ADMIN else "本人"

    def clean(self):
        kind = ROLE_SCOPE.get(self.role)
        if kind is None:
            raise ValidationError({"role": "未知角色"})
        given = {"region": self.region_id, "school": self.school_id, "school_class": self.school_class_id,
                 "site": self.site_id}
        wanted = {
            ScopeKind.NONE: set(),
            ScopeKind.CLASS: {"school_class"},
            ScopeKind.SCHOOL: {"school"},
            ScopeKind.SITE: {"site"},
        }.get(kind, {"region"})
        if self.role == Role.VOLUNTEER:
            wanted = {"region"} if self.region_id else set()
        extra = {k for k, v in given.items() if v} - wanted
        missing = {k for k in wanted if not given[k]}
        label = Role(self.role).label
        if missing or extra:
            raise ValidationError(f"{label}的范围应为{ScopeKind(kind).label}")
        if kind in _REGION_LEVEL and self.region_id and self.region.level != _REGION_LEVEL[kind]:
            raise ValidationError({"region": f"{label}的范围应为一个{ScopeKind(kind).label}"})
        if kind == ScopeKind.SITE and self.site.kind != Site.Kind.NURSERY:
            raise ValidationError({"site": f"{label}的范围应为一个托育中心或服务点"})


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the value is shown once."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

"""The one registry of children, their guardians and households. Every service line points here."""

from django.core.exceptions import ValidationError
from django.db import models

from tongxin.orgs.models import Region, School, SchoolClass, User

from .crypto import EncryptedCharField, lookup_hash
from .masking import mask_id_number, mask_phone
from .pinyin import initials
from .validators import normalize_id_number, normalize_mobile, parse_id_number, validate_mobile


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


def pinyin_initials(name: str) -> str:
    return initials(name)


class PersonalNumbersMixin(models.Model):
    """An encrypted ID number with its keyed hash (exact lookup, de-duplication) and its masked form."""

    id_number = EncryptedCharField("身份证号", blank=True, default="")
    # Unique and indexed through each model's Meta (see ID_HASH_UNIQUE): a field's unique=True or db_index=True
    # also makes PostgreSQL a second, LIKE-pattern index on text columns, which nothing here searches by pattern
    # and every bulk import pays for.
    id_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, blank=True, editable=False)

    class Meta:
        abstract = True

    def sync_id_columns(self):
        self.id_number = normalize_id_number(self.id_number)
        self.id_hash = lookup_hash(self.id_number) if self.id_number else None
        self.id_masked = mask_id_number(self.id_number)


def _id_hash_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["id_hash"], name=name,
                                   violation_error_message="该身份证号码已登记，请勿重复建档")


class Family(models.Model):
    """A household: where the child lives, and the circumstances that give priority or need care."""

    class Hukou(models.TextChoices):
        LOCAL = "local", "本县户籍"
        NON_LOCAL = "non_local", "外地户籍（随迁）"

    head_name = models.CharField("户主姓名", max_length=32)
    community = models.ForeignKey(Region, verbose_name="居住社区（村）", on_delete=models.PROTECT, related_name="families",
                                  limit_choices_to={"level": Region.Level.COMMUNITY})
    address = EncryptedCharField("家庭住址", blank=True, default="")
    hukou = models.CharField("户籍类型", max_length=16, choices=Hukou.choices, default=Hukou.LOCAL)
    low_income = models.BooleanField("低保家庭", default=False)
    extreme_poverty = models.BooleanField("特困供养", default=False)
    military = models.BooleanField("军人家庭", default=False)
    dual_earner = models.BooleanField("双职工家庭", default=False)
    migrant_worker = models.BooleanField("进城务工人员家庭", default=False)
    # Where the household lives (WGS-84), for the nursery line's 15-minute childcare circle (N-10): set by
    # `services.households_locate`, read by `selectors.infant_households`; none until someone places it.
    latitude = models.DecimalField("住址纬度（WGS-84）", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("住址经度（WGS-84）", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭"
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(latitude__isnull=True, longitude__isnull=True)
                       | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)),
            name="family_position_on_earth")]

    def __str__(self):
        return f"{self.head_name}户"

    def clean(self):
        if self.community_id and self.community.level != Region.Level.COMMUNITY:
            raise ValidationError({"community": "居住地必须是一个社区或村"})


class Guardian(PersonalNumbersMixin):
    class Status(models.TextChoices):
        PRESENT = "present", "健在"
        DECEASED = "deceased", "已故"
        MISSING = "missing", "失踪或下落不明"

    family = models.ForeignKey(Family, verbose_name="所属家庭", on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField("姓名", max_length=32)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    phone = EncryptedCharField("手机号", blank=True, default="")
    phone_masked = models.CharField("手机号（脱敏）", max_length=16, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    user = models.OneToOneField(User, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian")
    works_away = models.BooleanField("外出务工", default=False)
    work_city = models.CharField("务工城市", max_length=32, blank=True)
    workplace = models.CharField("工作单位", max_length=64, blank=True)
    capable = models.BooleanField("具备监护能力", default=True)
    # What the care line needs to know of a parent or an entrusted carer (P-01, P-07, P-13): since when a parent
    # works away (留守 needs three months or more), whether they are alive and reachable, and a carer's age,
    # health and address (a carer may live elsewhere than the child's household).
    away_since = models.DateField("外出时间", null=True, blank=True)
    status = models.CharField("状况", max_length=16, choices=Status.choices, default=Status.PRESENT)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    health = models.CharField("身体状况", max_length=64, blank=True)
    address = EncryptedCharField("住址", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "监护人"
        ordering = ["id"]
        constraints = [_id_hash_unique("guardian_id_hash_unique")]
        indexes = [models.Index(fields=["phone_hash"], name="guardian_phone_hash")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.id_number:
            try:
                parsed = parse_id_number(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
            else:
                self.id_number = parsed.number
                if self.gender and parsed.gender != self.gender:
                    errors["id_number"] = ["身份证号码的性别位与填写的性别不一致"]
        if self.phone:
            try:
                validate_mobile(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
            else:
                self.phone = normalize_mobile(self.phone)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.sync_id_columns()
        self.phone = normalize_mobile(self.phone)
        self.phone_masked = mask_phone(self.phone)
        self.phone_hash = lookup_hash(self.phone) if self.phone else ""
        super().save(*args, **kwargs)


class Child(PersonalNumbersMixin):
    class CareStatus(models.TextChoices):
        NONE = "none", "—"
        LEFT_BEHIND = "left_behind", "留守儿童"
        VULNERABLE = "vulnerable", "困境儿童"

    name = models.CharField("姓名", max_length=32)
    initials = models.CharField("拼音首字母", max_length=32, editable=False, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    family = models.ForeignKey(Family, verbose_name="家庭", on_delete=models.PROTECT, related_name="children")
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="pupils")
    school_class = models.ForeignKey(SchoolClass, verbose_name="班级", null=True, blank=True, on_delete=models.PROTECT, related_name="pupils")
    disability = models.BooleanField("残疾儿童", default=False)
    care_status = models.CharField("关爱类别", max_length=16, choices=CareStatus.choices, default=CareStatus.NONE)
    health_notes = EncryptedCharField("健康状况", blank=True, default="")
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "儿童"
        ordering = ["school_class_id", "initials", "id"]
        # Serves the list pages' order: a page of a large scope is read along it (see selectors.ChildListing).
        indexes = [models.Index(fields=["school_class", "initials", "id"], name="child_list_order"),
                   models.Index(fields=["care_status"], name="child_care_status"),
                   # The list's search by the masked number's first digits (startswith) and exact lookups.
                   models.Index(fields=["id_masked"], name="child_id_masked", opclasses=["varchar_pattern_ops"])]
        constraints = [_id_hash_unique("child_id_hash_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.id_number:
            try:
                parsed = parse_id_number(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
            else:
                self.id_number = parsed.number
                if self.birth_date and parsed.birth_date != self.birth_date:
                    errors["id_number"] = [f"身份证号码中的出生日期（{parsed.birth_date:%Y-%m-%d}）与填写的出生日期不一致"]
                elif self.gender and parsed.gender != self.gender:
                    errors["id_number"] = ["身份证号码的性别位（第17位）与填写的性别不一致"]
        if self.school_class_id:
            if self.school_id and self.school_class.school_id != self.school_id:
                errors["school_class"] = ["所选班级不属于所选学校"]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.initials = pinyin_initials(self.name)
        if self.school_class_id and not self.school_id:
            self.school_id = self.school_class.school_id
        self.sync_id_columns()
        super().save(*args, **kwargs)

    @property
    def age(self):
        import datetime as dt

        today = dt.date.today()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))


class Guardianship(models.Model):
    class Relationship(models.TextChoices):
        FATHER = "father", "父亲"
        MOTHER = "mother", "母亲"
        GRANDPARENT = "grandparent", "祖父母/外祖父母"
        RELATIVE = "relative", "其他亲属"
        ENTRUSTED = "entrusted", "委托监护人"

    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, verbose_name="监护人", on_delete=models.CASCADE, related_name="guardianships")
    relationship = models.CharField("关系", max_length=16, choices=Relationship.choices)
    is_primary = models.BooleanField("主要监护人", default=False)
    lives_with_child = models.BooleanField("与儿童同住", default=True)
    can_pickup = models.BooleanField("可接送", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "监护关系"
        constraints = [models.UniqueConstraint(fields=["child", "guardian"], name="guardianship_unique")]

    def __str__(self):
        return f"{self.child} — {self.guardian}（{self.get_relationship_display()}）"

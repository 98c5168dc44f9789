"""Writes to the children registry: each is one transaction that validates and writes its audit entry."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import changed_fields, record
from tongxin.db import insert_rows, reserve_ids
from tongxin.orgs import scope
from tongxin.orgs.models import Role, User

from .crypto import lookup_hash
from .masking import mask_address, mask_id_number, mask_phone
from .models import Child, Family, Guardian, Guardianship, pinyin_initials
from .selectors import LOCATOR_ROLES, locatable_families, person_label
from .validators import normalize_id_number, normalize_mobile, validate_mobile

# Who may register or edit children in the registry, within the scope they can see.
REGISTRY_EDITORS = frozenset({Role.ADMIN, Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER,
                              Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL})


def _check_editor(actor: User):
    if not (scope.roles(actor) & REGISTRY_EDITORS):
        raise PermissionDenied("当前角色无权修改儿童档案")


def _duplicate_check(model, instance):
    if instance.id_number:
        digest = lookup_hash(normalize_id_number(instance.id_number))
        if model.objects.filter(id_hash=digest).exclude(pk=instance.pk).exists():
            raise ValidationError({"id_number": "该身份证号码已登记，请勿重复建档"})


@transaction.atomic
def register_child(actor: User, *, family: Family, **data) -> Child:
    """Register a child in the actor's scope. Raising inside the transaction undoes the save."""
    _check_editor(actor)
    child = Child(family=family, **data)
    child.full_clean(exclude=["id_hash"])
    _duplicate_check(Child, child)
    try:
        child.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": "该身份证号码已登记，请勿重复建档"}) from exc
    if not scope.can_view_child(actor, child):
        raise PermissionDenied("只能在本人负责的范围内建档")
    record(actor, AuditEntry.Action.CREATE, child, fields=changed_fields(None, child))
    return child


@transaction.atomic
def update_child(actor: User, child: Child, **changes) -> Child:
    _check_editor(actor)
    if not scope.can_view_child(actor, child):
        raise PermissionDenied("无权修改该儿童档案")
    before = Child.objects.get(pk=child.pk)
    for name, value in changes.items():
        setattr(child, name, value)
    child.full_clean(exclude=["id_hash"])
    _duplicate_check(Child, child)
    child.save()
    if not scope.can_view_child(actor, child):
        raise PermissionDenied("修改后该儿童将超出您的管理范围，请联系上级办理转移")
    record(actor, AuditEntry.Action.UPDATE, child, fields=changed_fields(before, child))
    return child


@transaction.atomic
def add_guardian(actor: User, child: Child, *, relationship: str, is_primary=False, lives_with_child=True,
                 can_pickup=True, **data) -> Guardianship:
    _check_editor(actor)
    if not scope.can_view_child(actor, child):
        raise PermissionDenied("无权修改该儿童档案")
    guardian = Guardian(family=child.family, **data)
    guardian.full_clean(exclude=["id_hash", "family"])
    _duplicate_check(Guardian, guardian)
    guardian.save()
    link = Guardianship.objects.create(child=child, guardian=guardian, relationship=relationship,
                                       is_primary=is_primary, lives_with_child=lives_with_child,
                                       can_pickup=can_pickup)
    record(actor, AuditEntry.Action.CREATE, guardian, child_id=child.pk, fields=changed_fields(None, guardian))
    return link


def set_care_status(*, statuses: dict[int, str]) -> int:
    """Set the registry's care flag (Child.care_status: what custody's priority reads) of many children from the
    care line's categories: {child id: CareStatus value}. Called by the care services inside their own
    transaction and audit entry; only the children whose flag changes are written. Returns how many."""
    changed = 0
    by_status: dict[str, list[int]] = {}
    for child_id, status in statuses.items():
        by_status.setdefault(status, []).append(child_id)
    for status, ids in by_status.items():
        for start in range(0, len(ids), 20_000):
            changed += Child.objects.filter(pk__in=ids[start:start + 20_000]).exclude(care_status=status).update(care_status=status)
    return changed


# ---------------------------------------------------------------- a change in a parent's or carer's situation
# 动态管理 (P-10): whoever keeps a child's file records at once that a parent went away to work or came back, that a
# carer can no longer care, fell ill, died or went missing, moved or has a new phone. The registry is written here;
# the care line re-derives the child's category from it and asks for a review (care.services.family_change_add).


class Situation(models.TextChoices):
    AWAY = "away", "外出务工（或更换务工地）"
    RETURNED = "returned", "返乡，不再外出务工"
    CARER = "carer", "改由其主要照料儿童"
    UNABLE = "unable", "丧失监护能力"
    ABLE = "able", "恢复监护能力"
    HEALTH = "health", "身体状况变化"
    PHONE = "phone", "更换手机号"
    ADDRESS = "address", "住址变更"
    DECEASED = "deceased", "去世"
    MISSING = "missing", "失踪或下落不明"
    FOUND = "found", "已找到、恢复联系"


# The earliest date a change may be dated (a parent may have left for work long before it is recorded).
EARLIEST_CHANGE = dt.date(1950, 1, 1)
ADDRESS_MAX = 128  # an address is stored encrypted (no column limit): the form's and the exchange file's limit
_TEXT_LIMITS = {"work_city": ("务工城市", 32), "health": ("身体状况", 64), "address": ("住址", ADDRESS_MAX)}


@dataclass(frozen=True)
class Shift:
    """One change in a child's parent's or carer's situation, as the care line weighs it for a review: who, whether
    they are the child's father or mother, whether they were (or became) the child's main carer, and what changed
    (a Situation value, or "added" for a parent or carer newly registered for a child already on the registry)."""

    who: str  # 「父亲张伟」
    parent: bool
    carer: bool
    kind: str


@dataclass(frozen=True)
class SituationChanged:
    """What `guardian_situation_change` wrote: the lines of the child's file version (label, before, after; phones
    and addresses masked), the shift, and every child this person is a parent or carer of (their categories may
    change too)."""

    changes: tuple[tuple[str, str, str], ...]
    shift: Shift
    child_ids: tuple[int, ...]


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _away_text(works_away: bool, city: str, since: dt.date | None) -> str:
    if not works_away:
        return "未外出务工"
    return f"外出务工（{city or '地点未登记'}{'，' + _ymd(since) + '起' if since else ''}）"


def _text(name: str, value: str) -> str:
    label, limit = _TEXT_LIMITS[name]
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({name: f"{label}含有无法保存的空字符"})
    if not value:
        raise ValidationError({name: f"请填写{label}"})
    if len(value) > limit:
        raise ValidationError({name: f"{label}不超过{limit}个字（现有{len(value)}个）"})
    return value


@transaction.atomic
def guardian_situation_change(actor: User, *, child_id: int, guardian_id: int, change: str, day: dt.date,
                              today: dt.date, work_city: str = "", health: str = "", phone: str = "",
                              address: str = "") -> SituationChanged:
    """Record a change in the situation of one of the child's parents or carers, dated `day` (for going away to
    work: since when). Only what the change names is written; a change that alters nothing is refused, as is one
    that does not fit the person's recorded state (a return of someone not away, a change for someone deceased)."""
    _check_editor(actor)
    child = Child.objects.filter(pk=child_id).first()
    if child is None or not scope.can_view_child(actor, child):
        raise PermissionDenied("无权修改该儿童档案")
    if change not in Situation.values:
        raise ValidationError({"change": "请选择发生了什么变动"})
    if not EARLIEST_CHANGE <= day <= today:
        raise ValidationError({"day": "变动日期不能晚于今天" if day > today else "变动日期不合理，请核对"})
    link = Guardianship.objects.filter(child_id=child_id, guardian_id=guardian_id).first()
    if link is None:
        raise ValidationError({"guardian": "请选择这名儿童的家长或监护人"})
    g = Guardian.objects.select_for_update().get(pk=guardian_id)
    who = person_label(link.relationship, g.name)
    parent = link.relationship in (Guardianship.Relationship.FATHER, Guardianship.Relationship.MOTHER)
    was_carer = link.is_primary
    if g.status == Guardian.Status.DECEASED:
        raise ValidationError(f"{who}已登记为已故，不能再登记变动")
    if g.status == Guardian.Status.MISSING and change not in (Situation.FOUND, Situation.DECEASED):
        raise ValidationError(f"{who}已登记为失踪或下落不明，请先登记“{Situation.FOUND.label}”")
    links = Guardianship.objects.filter(guardian_id=guardian_id)
    changes: list[tuple[str, str, str]] = []
    fields: list[str] = []
    when = _ymd(day)
    if change == Situation.AWAY:
        city = _text("work_city", work_city)
        before = _away_text(g.works_away, g.work_city, g.away_since)
        if g.works_away and (g.work_city, g.away_since) == (city, day):
            raise ValidationError(f"{who}已登记为{before}，没有变化")
        g.works_away, g.work_city, g.away_since = True, city, day
        changes.append((f"{who}·外出务工", before, _away_text(True, city, day)))
        fields += ["works_away", "work_city", "away_since"]
        links.update(lives_with_child=False)
    elif change == Situation.RETURNED:
        if not g.works_away:
            raise ValidationError(f"{who}目前未登记外出务工，无需登记返乡")
        changes.append((f"{who}·外出务工", _away_text(True, g.work_city, g.away_since), f"{when}返乡"))
        g.works_away, g.work_city, g.away_since = False, "", None
        fields += ["works_away", "work_city", "away_since"]
        links.update(lives_with_child=True)
    elif change == Situation.CARER:
        if was_carer:
            raise ValidationError(f"{who}已是这名儿童的主要照料人")
        if not g.capable:
            raise ValidationError(f"{who}登记为无监护能力，不能作为主要照料人（如已恢复，请先登记“{Situation.ABLE.label}”）")
        if g.works_away:
            raise ValidationError(f"{who}登记为外出务工，不能作为主要照料人（如已返乡，请先登记“{Situation.RETURNED.label}”）")
        previous = (Guardianship.objects.select_related("guardian").filter(child_id=child_id, is_primary=True)
                    .exclude(pk=link.pk).first())
        changes.append(("主要照料人", person_label(previous.relationship, previous.guardian.name) if previous
                        else "未指定", who))
        Guardianship.objects.filter(child_id=child_id).exclude(pk=link.pk).update(is_primary=False)
        Guardianship.objects.filter(pk=link.pk).update(is_primary=True, lives_with_child=True)
        fields.append("is_primary")
    elif change in (Situation.UNABLE, Situation.ABLE):
        capable = change == Situation.ABLE
        if g.capable == capable:
            raise ValidationError(f"{who}已登记为{'具备' if capable else '无'}监护能力，没有变化")
        changes.append((f"{who}·监护能力", "无" if capable else "具备", f"具备（{when}恢复）" if capable else f"无（{when}起）"))
        g.capable = capable
        fields.append("capable")
    elif change == Situation.HEALTH:
        value = _text("health", health)
        if value == g.health:
            raise ValidationError(f"{who}的身体状况已登记为“{value}”，没有变化")
        changes.append((f"{who}·身体状况", g.health, value))
        g.health = value
        fields.append("health")
    elif change == Situation.PHONE:
        if "\x00" in (phone or ""):
            raise ValidationError({"phone": "手机号含有无法保存的空字符"})
        number = normalize_mobile(phone or "")
        if not number:
            raise ValidationError({"phone": "请填写新的手机号"})
        validate_mobile(number)
        if number == g.phone:
            raise ValidationError(f"{who}的手机号已登记为该号码，没有变化")
        changes.append((f"{who}·手机号", mask_phone(g.phone), mask_phone(number)))
        g.phone = number
        fields.append("phone")
    elif change == Situation.ADDRESS:
        value = _text("address", address)
        if value == g.address:
            raise ValidationError(f"{who}的住址已登记为该地址，没有变化")
        changes.append((f"{who}·住址", mask_address(g.address), mask_address(value)))
        g.address = value
        fields.append("address")
    else:  # deceased, missing, found
        status = {Situation.DECEASED: Guardian.Status.DECEASED, Situation.MISSING: Guardian.Status.MISSING,
                  Situation.FOUND: Guardian.Status.PRESENT}[Situation(change)]
        if change == Situation.FOUND and g.status != Guardian.Status.MISSING:
            raise ValidationError(f"{who}未登记为失踪或下落不明，无需登记“{Situation.FOUND.label}”")
        if g.status == status:
            raise ValidationError(f"{who}已登记为{g.get_status_display()}，没有变化")
        changes.append((f"{who}·状况", g.get_status_display(), f"{Guardian.Status(status).label}（{when}）"))
        g.status = status
        fields.append("status")
        if status != Guardian.Status.PRESENT:
            # Someone who died or went missing neither works away nor cares for the child (an exchange file would
            # otherwise carry a work city back as working away).
            if g.works_away:
                changes.append((f"{who}·外出务工", _away_text(True, g.work_city, g.away_since), "不再计入"))
            g.works_away, g.work_city, g.away_since = False, "", None
            fields += ["works_away", "work_city", "away_since"]
            links.update(is_primary=False, lives_with_child=False)
    g.save()
    child_ids = tuple(sorted(set(links.values_list("child_id", flat=True))))
    record(actor, AuditEntry.Action.UPDATE, g, child_id=child_id, fields=fields,
           reason=f"家庭情况变动：{who}{Situation(change).label}（{when}）")
    return SituationChanged(changes=tuple(changes), child_ids=child_ids,
                            shift=Shift(who=who, parent=parent, carer=was_carer or change == Situation.CARER,
                                        kind=change))


# ---------------------------------------------------------------- households from an exchange file
# A ledger import (the care line's Excel exchange with village committees) writes thousands of children with their
# parents and carers at once: plain data in, the registry's rows found by ID number and written only where
# something changed (importing the same file twice writes nothing), in bulk.


@dataclass(frozen=True)
class PersonIn:
    relationship: str  # Guardianship.Relationship value
    name: str
    phone: str = ""
    work_city: str = ""
    works_away: bool = False
    away_since: dt.date | None = None
    birth_year: int | None = None
    health: str = ""
    lives_with_child: bool = True


@dataclass(frozen=True)
class HouseholdIn:
    id_number: str  # normalised
    name: str
    gender: str
    birth_date: dt.date
    school_id: int
    school_class_id: int
    community_id: int
    address: str
    health_notes: str
    people: tuple[PersonIn, ...]
    care_status: str = "none"  # Child.CareStatus value: the care line's category of the child, when it knows it


@dataclass
class HouseholdsOut:
    child_ids: dict[str, int]  # id number -> child
    created: int
    updated: int
    # Children already registered whose parents' or carers' situation the import changed: a parent who went away
    # to work or came back, a parent or carer newly registered (child id -> shifts).
    shifts: dict[int, list[Shift]] = field(default_factory=dict)


def existing_children(id_numbers: Iterable[str]) -> dict[str, int]:
    """Children already registered under these (normalised) ID numbers: {id number: child id}."""
    by_hash = {lookup_hash(n): n for n in id_numbers}
    found: dict[str, int] = {}
    for start in range(0, len(by_hash), 20_000):
        chunk = list(by_hash)[start:start + 20_000]
        found.update((by_hash[h], pk) for h, pk in Child.objects.filter(id_hash__in=chunk).values_list("id_hash", "pk")
                     if h is not None)
    return found


def _guardian_values(p: PersonIn) -> dict:
    return {"name": p.name, "works_away": p.works_away, "work_city": p.work_city, "away_since": p.away_since,
            "birth_year": p.birth_year, "health": p.health}


@transaction.atomic
def import_households(actor: User, *, items: list[HouseholdIn]) -> HouseholdsOut:
    """Create or update each household's child, family and parents/carers; the caller has validated every item
    and checked the actor's scope. One audit entry for the whole import."""
    _check_editor(actor)
    existing = existing_children(i.id_number for i in items)
    # The registered households as plain rows (model objects for tens of thousands of children, links and guardians
    # cost several times the reads themselves); objects are made only for what changed.
    children = {row[0]: row for row in Child.objects.filter(pk__in=existing.values()).values_list(
        "pk", "name", "gender", "school_id", "school_class_id", "health_notes", "care_status", "family_id",
        "family__community_id", "family__address")}
    links: dict[int, list[tuple]] = {}
    for link in Guardianship.objects.filter(child_id__in=children).order_by("pk").values_list(
            "child_id", "relationship", "guardian_id", "guardian__name", "guardian__works_away", "guardian__work_city",
            "guardian__away_since", "guardian__birth_year", "guardian__health", "guardian__phone_hash", "is_primary"):
        links.setdefault(link[0], []).append(link)
    updated = 0
    fresh = [item for item in items if item.id_number not in existing]
    # New households are written as plain rows with keys reserved up front (thousands at once: model objects and
    # the ORM's per-field preparation cost far more than the database does).
    family_ids = reserve_ids(Family, len(fresh))
    child_ids = reserve_ids(Child, len(fresh))
    new_ids = {item.id_number: pk for item, pk in zip(fresh, child_ids, strict=True)}
    pending_people: list[tuple[int, int, list[PersonIn]]] = []  # (child, family, people)
    for item, family_id, child_id in zip(fresh, family_ids, child_ids, strict=True):
        pending_people.append((child_id, family_id, list(item.people)))
    created = len(fresh)
    changed_children: list[Child] = []
    changed_families: list[Family] = []
    changed_guardians: list[Guardian] = []
    shifts: dict[int, list[Shift]] = {}
    for item in items:
        known = children.get(existing.get(item.id_number, 0))
        if known is None:
            continue
        child_id, name, gender, school_id, class_id, health_notes, status, family_id, community_id, address = known
        touched = False
        if (name, gender, school_id, class_id, health_notes, status) != (
                item.name, item.gender, item.school_id, item.school_class_id, item.health_notes, item.care_status):
            changed_children.append(Child(pk=child_id, name=item.name, initials=pinyin_initials(item.name),
                                          gender=item.gender, school_id=item.school_id,
                                          school_class_id=item.school_class_id, health_notes=item.health_notes,
                                          care_status=item.care_status))
            touched = True
        if (community_id, address) != (item.community_id, item.address):
            changed_families.append(Family(pk=family_id, community_id=item.community_id, address=item.address))
            touched = True
        mine = links.get(child_id, [])
        missing: list[PersonIn] = []
        for p in item.people:
            found = next((g for g in mine if g[1] == p.relationship and
                         (p.relationship in ("father", "mother") or g[3] == p.name)), None)
            parent = p.relationship in (Guardianship.Relationship.FATHER, Guardianship.Relationship.MOTHER)
            if found is None:
                missing.append(p)
                shifts.setdefault(child_id, []).append(
                    Shift(person_label(p.relationship, p.name), parent, p.lives_with_child, "added"))
                continue
            guardian_id, was_away_since, phone_hash = found[2], found[6], found[9]
            if found[4] != p.works_away:
                shifts.setdefault(child_id, []).append(
                    Shift(person_label(p.relationship, p.name), parent, found[10],
                          Situation.AWAY if p.works_away else Situation.RETURNED))
            values = _guardian_values(p)
            # The file's one 外出时间 is when both parents were away: a parent recorded as away since earlier keeps
            # that date (an export writes the later parent's date, so it imports back unchanged).
            if was_away_since and p.away_since and was_away_since <= p.away_since and p.works_away:
                values["away_since"] = was_away_since
            phone_changed = (phone_hash or "") != (lookup_hash(p.phone) if p.phone else "")
            if phone_changed or tuple(values.values()) != found[3:9]:
                changed_guardians.append(Guardian(pk=guardian_id, phone=p.phone, **values))
                touched = True
        if missing:
            pending_people.append((child_id, family_id, missing))
            touched = True
        updated += touched
    now = timezone.now()
    insert_rows(Family, ["id", "head_name", "community", "address"],
                [(fid, (item.people[0].name if item.people else item.name)[:32], item.community_id, item.address)
                 for item, fid in zip(fresh, family_ids, strict=True)],
                hukou=Family.Hukou.LOCAL, low_income=False, extreme_poverty=False, military=False, dual_earner=False,
                migrant_worker=False, created_at=now, updated_at=now)
    insert_rows(Child, ["id", "id_number", "id_hash", "id_masked", "name", "initials", "gender", "birth_date", "family",
                        "school", "school_class", "health_notes", "care_status"],
                [(cid, item.id_number, lookup_hash(item.id_number), mask_id_number(item.id_number), item.name,
                  pinyin_initials(item.name), item.gender, item.birth_date, fid, item.school_id, item.school_class_id,
                  item.health_notes, item.care_status)
                 for item, fid, cid in zip(fresh, family_ids, child_ids, strict=True)],
                disability=False, created_at=now, updated_at=now)
    if changed_children:
        Child.objects.bulk_update(changed_children, ["name", "initials", "gender", "school", "school_class",
                                                     "health_notes", "care_status"], batch_size=2000)
    if changed_families:
        Family.objects.bulk_update(changed_families, ["community", "address"], batch_size=2000)
    for g in changed_guardians:
        g.phone_masked = mask_phone(normalize_mobile(g.phone))
        g.phone_hash = lookup_hash(g.phone) if g.phone else ""
    if changed_guardians:
        Guardian.objects.bulk_update(changed_guardians, ["name", "works_away", "work_city", "away_since", "birth_year",
                                                         "health", "phone", "phone_masked", "phone_hash"],
                                     batch_size=2000)
    people_rows = [(child_id, family_id, p) for child_id, family_id, people_in in pending_people for p in people_in]
    guardian_ids = reserve_ids(Guardian, len(people_rows))
    insert_rows(Guardian, ["id", "family", "name", "gender", "phone", "phone_masked", "phone_hash", "works_away",
                           "work_city", "away_since", "birth_year", "health"],
                [(gid, family_id, p.name, "F" if p.relationship == "mother" else "M", p.phone, mask_phone(p.phone),
                  lookup_hash(p.phone) if p.phone else "", p.works_away, p.work_city, p.away_since, p.birth_year,
                  p.health) for gid, (_, family_id, p) in zip(guardian_ids, people_rows, strict=True)],
                id_number="", id_hash=None, id_masked="", user=None, workplace="", capable=True,
                status=Guardian.Status.PRESENT, address="")
    fresh_ids = set(new_ids.values())
    has_primary = set(Guardianship.objects.filter(child_id__in=[c for c, _, _ in pending_people if c not in fresh_ids],
                                                  is_primary=True).values_list("child_id", flat=True))
    link_values = []
    for gid, (child_id, _, p) in zip(guardian_ids, people_rows, strict=True):
        primary = p.lives_with_child and child_id not in has_primary
        if primary:
            has_primary.add(child_id)
        link_values.append((child_id, gid, p.relationship, primary, p.lives_with_child))
    insert_rows(Guardianship, ["child", "guardian", "relationship", "is_primary", "lives_with_child"], link_values,
                can_pickup=True)
    record(actor, AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, None,
           reason=f"导入台账：新建 {created} 名儿童，更新 {updated} 名")
    ids = dict(existing) | new_ids
    return HouseholdsOut(child_ids={i.id_number: ids[i.id_number] for i in items}, created=created, updated=updated,
                         shifts=shifts)


# ---------------------------------------------------------------- where a household lives (N-10)
# The nursery line's 15-minute childcare circle reads each household's position (WGS-84). It is set here, for many
# households at once (an import, a survey of the community, the demo): one transaction, one audit entry.
POSITION_STEP = Decimal("0.000001")


def _position(latitude: Decimal, longitude: Decimal) -> tuple[Decimal, Decimal]:
    """A WGS-84 position within China's extent (a swapped pair or a typo is caught), to six decimals (~0.1 m)."""
    if not (isinstance(latitude, Decimal) and isinstance(longitude, Decimal)
            and latitude.is_finite() and longitude.is_finite()):
        raise ValidationError("纬度、经度应为数字")
    if not (Decimal("3") <= latitude <= Decimal("54") and Decimal("73") <= longitude <= Decimal("136")):
        raise ValidationError("位置应为中国境内的 WGS-84 经纬度（纬度 3–54，经度 73–136）")
    return latitude.quantize(POSITION_STEP), longitude.quantize(POSITION_STEP)


@transaction.atomic
def households_locate(*, actor: User, positions: dict[int, tuple[Decimal, Decimal]], reason: str = "") -> int:
    """Set where households live: {family id: (latitude, longitude)}. The actor edits the registry and sees every
    one of these households; a bad position refuses the whole set (nothing is written). Returns how many."""
    _check_editor(actor)
    if not positions:
        return 0
    checked = {family_id: _position(lat, lon) for family_id, (lat, lon) in positions.items()}
    ids = sorted(checked)
    found = 0
    for start in range(0, len(ids), 20_000):
        chunk = ids[start:start + 20_000]
        found += scope.families(actor, Family.objects.filter(pk__in=chunk)).count()
    if found != len(ids):
        raise PermissionDenied("只能登记本人负责范围内家庭的住址位置")
    rows = [Family(pk=family_id, latitude=lat, longitude=lon) for family_id, (lat, lon) in checked.items()]
    Family.objects.bulk_update(rows, ["latitude", "longitude"], batch_size=500)
    record(actor, AuditEntry.Action.UPDATE, None, fields=["latitude", "longitude"],
           reason=(reason or "登记家庭住址位置") + f"（{len(rows)}户）")
    return len(rows)


@transaction.atomic
def household_locate(*, actor: User, family_id: int, latitude: Decimal, longitude: Decimal,
                     within: tuple[Decimal, Decimal, Decimal, Decimal] | None = None) -> Family:
    """Set where one household lives, by its community's children's worker (or the administrator): a WGS-84
    position in China and, given `within` (south, west, north, east: the county's bounding box), inside it. One
    audit entry naming the fields, never the values."""
    if not (scope.roles(actor) & LOCATOR_ROLES):
        raise PermissionDenied("只有本社区（村）的儿童主任可以登记家庭住址位置")
    family = locatable_families(actor).select_for_update().filter(pk=family_id).first()
    if family is None:
        raise PermissionDenied("只能登记本社区（村）家庭的住址位置")
    lat, lon = _position(latitude, longitude)
    if within is not None:
        south, west, north, east = within
        if not (south <= lat <= north and west <= lon <= east):
            raise ValidationError(f"该位置不在本县范围内（纬度 {south.normalize():f}–{north.normalize():f}，"
                                  f"经度 {west.normalize():f}–{east.normalize():f}），"
                                  "请核对是否填反或输错")
    before = "未定位" if family.latitude is None else "位置未变" if (family.latitude, family.longitude) == (lat, lon) \
        else "改正位置"
    family.latitude, family.longitude = lat, lon
    family.save(update_fields=["latitude", "longitude", "updated_at"])
    record(actor, AuditEntry.Action.UPDATE, family, fields=["latitude", "longitude"],
           reason=f"登记家庭住址位置（{before}）")
    return family

"""The ledger's writes (P-03…P-10): open and edit a file (every change versioned), set its category by hand with a
reason, re-derive categories from the guardians' data, the monthly check, the class census, the village's check."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import selectors as people
from tongxin.people import services as registry

from .. import access, rules
from ..choices import Category, Dimension, Problem
from ..models import CareFile, ClassCensus, FileVersion, MonthlyCheck, VillageCheck
from ..selectors.settings import settings_for_children

A = AuditEntry.Action

# The registry's care flag (custody's priority reads it) for each category.
CARE_STATUS = {Category.LEFT_BEHIND: "left_behind", Category.VULNERABLE: "vulnerable",
               Category.MIGRANT: "none", Category.NONE: "none"}

# The fields a person edits on a file, with their labels (for the versions); encrypted ones are never copied into
# a version, only named.
EDITABLE = ("hukou_address", "personality", "interests", "health_history", "boarding", "seriously_ill",
            "single_parent", "lacks_care", "screening", "problems", "note")
SECRET = frozenset({"hukou_address"})


def _parent(record: people.ParentRecord) -> rules.ParentFacts:
    return rules.ParentFacts(away=record.works_away, away_since=record.away_since, capable=record.capable,
                             deceased=record.status == "deceased", missing=record.status == "missing")


class _Classifiable(Protocol):
    child_id: int
    seriously_ill: bool
    single_parent: bool
    lacks_care: bool


def classify(files: Iterable[_Classifiable], on: dt.date) -> dict[int, rules.Classification]:
    """Each file's category as the registry's data and the file's own facts give it on `on` (child id -> result),
    with the months-away threshold the child's school or county sets."""
    files = list(files)
    facts = people.household_facts(f.child_id for f in files)
    settings = settings_for_children([f.child_id for f in files])
    result = {}
    for f in files:
        h = facts[f.child_id]
        father = next((p for p in h.parents if p.relationship == "father"), None)
        mother = next((p for p in h.parents if p.relationship == "mother"), None)
        months = settings[f.child_id].months_away
        result[f.child_id] = rules.classify(rules.ChildFacts(
            birth_date=h.birth_date, father=_parent(father) if father else None,
            mother=_parent(mother) if mother else None, disabled=h.disabled, seriously_ill=f.seriously_ill,
            low_income=h.low_income, extreme_poverty=h.extreme_poverty, single_parent=f.single_parent,
            migrant=h.migrant, migrant_lacks_care=f.lacks_care), on, months_away=months)
    return result


class _Categorised(Protocol):
    override: str
    derived: str
    derived_reasons: list[str]
    category: str


def _apply(file: _Categorised, found: rules.Classification) -> None:
    file.derived = found.category
    file.derived_reasons = list(found.reasons)
    file.category = file.override or found.category


def _display(file: CareFile, name: str) -> str:
    value = getattr(file, name)
    if name in SECRET:
        return "（已填写）" if value else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if name == "screening":
        return "；".join(f"{Dimension(k).label}：{v}" for k, v in value.items() if v and k in Dimension.values)
    if name == "problems":
        return "、".join(Problem(p).label for p in value if p in Problem.values)
    return str(value)


def _label(name: str) -> str:
    return str(getattr(CareFile._meta.get_field(name), "verbose_name", name))


def _clean(file: CareFile) -> None:
    try:
        file.full_clean(exclude=["child"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    if set(file.screening) - set(Dimension.values) or set(file.problems) - set(Problem.values):
        raise ValidationError("筛查维度或问题类型不正确")


def _version(actor: User | None, file: CareFile, changes: list[list[str]], note: str = "") -> None:
    if changes:
        FileVersion.objects.create(file=file, by=actor, changes=changes, note=note[:255])


def _sync_registry(files: Iterable[CareFile]) -> None:
    registry.set_care_status(statuses={f.child_id: CARE_STATUS[Category(f.category)] for f in files})


@transaction.atomic
def file_open(actor: User, *, child_id: int, on: dt.date, **fields: Any) -> CareFile:
    """Open the file of a child in the actor's scope (一人一档: at most one per child)."""
    if CareFile.objects.filter(child_id=child_id).exists():
        raise ValidationError("该儿童已建立关爱档案")
    file = CareFile(child_id=child_id, added_on=on, **{k: v for k, v in fields.items() if k in EDITABLE})
    access.require_editor(actor)
    _clean(file)
    _apply(file, classify([file], on)[child_id])
    file.save()
    access.require_editor(actor, file)
    _sync_registry([file])
    _version(actor, file, [["建档", "", file.get_category_display()]])
    record(actor, A.CREATE, file, child_id=child_id, fields=["category", *fields])
    return file


@transaction.atomic
def file_update(actor: User, file: CareFile, *, on: dt.date, reason: str = "", **fields: Any) -> CareFile:
    """Change a file's own facts; every change is a version (who, what, when) and the category is derived anew."""
    access.require_editor(actor, file)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改这些项目：{'、'.join(sorted(unknown))}")
    file = CareFile.objects.select_for_update().get(pk=file.pk)
    before = {name: _display(file, name) for name in fields}
    for name, value in fields.items():
        setattr(file, name, value)
    _clean(file)
    was = file.get_category_display()
    _apply(file, classify([file], on)[file.child_id])
    file.save()
    changes = [[_label(n), before[n], _display(file, n)]
               for n in fields if before[n] != _display(file, n)]
    if file.get_category_display() != was:
        changes.append(["关爱类别", was, file.get_category_display()])
    _version(actor, file, changes, reason)
    _sync_registry([file])
    record(actor, A.UPDATE, file, child_id=file.child_id, fields=[c[0] for c in changes])
    return file


@transaction.atomic
def file_set_category(actor: User, file: CareFile, *, category: str, reason: str, on: dt.date) -> CareFile:
    """Set the category by hand (only with a reason), or clear the hand-set one with `category=""`."""
    access.require_editor(actor, file)
    if category and category not in Category.values:
        raise ValidationError("关爱类别不正确")
    reason = reason.strip()
    if category and not reason:
        raise ValidationError("人工认定类别须填写理由")
    file = CareFile.objects.select_for_update().get(pk=file.pk)
    was = file.get_category_display()
    file.override, file.override_reason = category, reason if category else ""
    _apply(file, classify([file], on)[file.child_id])
    _clean(file)
    file.save()
    _version(actor, file, [["关爱类别（人工认定）" if category else "关爱类别（恢复按数据认定）", was,
                            file.get_category_display()]], reason)
    _sync_registry([file])
    record(actor, A.UPDATE, file, child_id=file.child_id, fields=["override"], reason=reason)
    return file


def rederive(actor: User | None, files: list[CareFile], on: dt.date, *, note: str) -> list[CareFile]:
    """Derive the categories of these files anew (after the guardians' data changed); versions the changes. Runs
    inside the caller's transaction and audit entry."""
    found = classify(files, on)
    changed = []
    for f in files:
        was = f.category
        _apply(f, found[f.child_id])
        if f.category != was:
            changed.append(f)
            _version(actor, f, [["关爱类别", Category(was).label, f.get_category_display()]], note)
    CareFile.objects.bulk_update(files, ["derived", "derived_reasons", "category"], batch_size=2000)
    _sync_registry(files)
    return changed


NOTE_MAX = 200  # a family change's note, with the change's date, fits a version's 255


@transaction.atomic
def family_change_add(actor: User, file: CareFile, *, guardian_id: int, change: str, day: dt.date, today: dt.date,
                      work_city: str = "", health: str = "", phone: str = "", address: str = "",
                      note: str = "") -> CareFile:
    """动态管理 (P-10): record at once a change in the situation of one of the child's parents or carers (the
    registry's write and its audit entry are people's), then, in the same transaction, derive anew the category of
    every child this person is a parent or carer of, version each file (who, what, when), and ask for a review —
    a new risk assessment — where the change is material (`rules.review_reasons`). Returns the child's file."""
    access.require_editor(actor, file)
    note = (note or "").strip()
    if "\x00" in note:
        raise ValidationError({"note": "说明含有无法保存的空字符"})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明不超过{NOTE_MAX}个字（现有{len(note)}个）"})
    done = registry.guardian_situation_change(actor, child_id=file.child_id, guardian_id=guardian_id, change=change,
                                              day=day, today=today, work_city=work_city, health=health, phone=phone,
                                              address=address)
    files = list(CareFile.objects.select_for_update().filter(child_id__in=done.child_ids).order_by("pk"))
    found = classify(files, today)
    version_note = f"{registry.Situation(change).label}，{day.year}年{day.month}月{day.day}日" + (f"：{note}" if note else "")
    mine = file
    flagged = []
    for f in files:
        was = Category(f.category)
        _apply(f, found[f.child_id])
        changes = [list(c) for c in done.changes]
        if f.category != was:
            changes.append(["关爱类别", was.label, f.get_category_display()])
        reasons = rules.review_reasons([done.shift], was, Category(f.category))
        if reasons:
            f.review_from, f.review_reason = rules.merge_review(f.review_from, f.review_reason, on=day, reasons=reasons)
            flagged.append(f.child_id)
        f.save(update_fields=["derived", "derived_reasons", "category", "review_from", "review_reason", "updated_at"])
        _version(actor, f, changes, version_note + ("。需重新进行风险评估" if reasons else ""))
        if f.child_id == file.child_id:
            mine = f
    _sync_registry(files)
    others = len(files) - 1  # the file itself is among them: the person is its child's parent or carer
    record(actor, A.UPDATE, file, child_id=file.child_id, fields=["family_situation", "category"]
           + (["review_from"] if flagged else []),
           reason=f"家庭情况变动：{done.shift.who}{registry.Situation(change).label}"
                  + (f"（同时更新同户 {others} 名儿童的档案）" if others else ""))
    return mine


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def files_check(actor: User, *, file_ids: list[int], on: dt.date) -> int:
    """按月更新核对 (P-04): the actor confirms these files as correct for `on`'s month. Returns how many were new."""
    month = first_of_month(on)
    access.require_editor(actor)
    mine = access.files(actor).filter(pk__in=file_ids)
    ids = list(mine.values_list("pk", flat=True))
    if len(ids) != len(set(file_ids)):
        raise ValidationError("有档案不在您负责的范围内")
    for f in CareFile.objects.filter(pk__in=ids):
        access.require_editor(actor, f)
    done = set(MonthlyCheck.objects.filter(file_id__in=ids, month=month).values_list("file_id", flat=True))
    new = [MonthlyCheck(file_id=i, month=month, by=actor) for i in ids if i not in done]
    MonthlyCheck.objects.bulk_create(new)
    CareFile.objects.filter(pk__in=ids).update(checked_month=month)
    record(actor, A.UPDATE, None, reason=f"{month:%Y年%-m月}台账核对 {len(new)} 份")
    return len(new)


@transaction.atomic
def census_confirm(actor: User, *, school_class_id: int, term_start: dt.date, covered: int) -> ClassCensus:
    """排查 (P-03): the class's list of covered children is confirmed for the term."""
    if not access.is_editor(actor):
        raise ValidationError("当前角色不能确认排查")
    census, _ = ClassCensus.objects.update_or_create(school_class_id=school_class_id, term_start=term_start,
                                                     defaults={"by": actor, "covered": covered})
    record(actor, A.UPDATE, census, reason=f"学期排查确认：关爱对象 {covered} 人")
    return census


@transaction.atomic
def village_checks(actor: User, *, file_ids: list[int], category: str, note: str = "") -> int:
    """The village's worker checks residents' files for the village's ledger (P-05): "same" records each file's own
    category; another category (with a note) records a difference the school sees. Returns how many."""
    files = list(access.files(actor).filter(pk__in=file_ids).select_related("child__family"))
    if len(files) != len(set(file_ids)):
        raise ValidationError("有档案不在您负责的范围内")
    if category != "same" and category not in Category.values:
        raise ValidationError("村台账类别不正确")
    note = note.strip()[:255]
    for f in files:
        access.require_editor(actor, f)
        VillageCheck.objects.update_or_create(file=f, defaults={
            "community_id": f.child.family.community_id, "category": f.category if category == "same" else category,
            "note": "" if category == "same" else note, "by": actor})
    record(actor, A.UPDATE, None, reason=f"村居台账核实 {len(files)} 份" + (f"：{note}" if note else ""))
    return len(files)

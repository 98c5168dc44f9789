"""The ledger's Excel exchange with schools and village committees (P-05): import validates every row and imports
nothing while any row is bad; a row updates the child its ID number identifies, so the same file twice changes
nothing; export writes the same layout back."""

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.db import insert_rows, reserve_ids
from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import User
from tongxin.people import services as registry
from tongxin.people.validators import parse_id_number

from .. import access, ledger_io, rules
from ..choices import Category
from ..models import CareFile, FileVersion
from .files import CARE_STATUS, _apply, classify

A = AuditEntry.Action
WORK_AWAY_RELATIONS = ("father", "mother")


@dataclass
class _Draft:
    """A file the import opens or may change, as plain data (model objects for thousands of files cost more than
    the database's work on them). The fields in the order the import reads them."""

    pk: int | None
    child_id: int
    hukou_address: str = ""
    boarding: bool = False
    note: str = ""
    override: str = ""
    override_reason: str = ""
    derived: str = ""
    derived_reasons: list[str] = field(default_factory=list)
    category: str = ""
    seriously_ill: bool = False
    single_parent: bool = False
    lacks_care: bool = False
    review_from: dt.date | None = None
    review_reason: str = ""


@dataclass
class ImportResult:
    errors: list[ledger_io.RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0  # children new to the registry
    updated: int = 0  # registry entries changed
    opened: int = 0  # care files opened
    changed: int = 0  # care files changed
    reviews: int = 0  # of those, files whose family's change asks for a review

    @property
    def unchanged(self) -> int:
        return self.rows - self.opened - self.changed


def _community(address: str, index: list[tuple[int, str, str, str]]) -> tuple[int, str] | None:
    """The village or community an address names (its longest matching name; with a namesake in two townships,
    the one whose township the address also names)."""
    found = [r for r in index if r[1] in address]
    if not found:
        return None
    longest = [r for r in found if len(r[1]) == len(found[0][1])]
    named = [r for r in longest if r[2] and r[2] in address]
    pick = (named or longest)[0]
    return pick[0], pick[3]


def _people(row: ledger_io.LedgerRow, on: dt.date) -> tuple[registry.PersonIn, ...]:
    out = []
    for relationship, name, city, phone in (("father", row.father_name, row.father_work_city, row.father_phone),
                                            ("mother", row.mother_name, row.mother_work_city, row.mother_phone)):
        if name:
            away = bool(city)
            out.append(registry.PersonIn(relationship=relationship, name=name, phone=phone, work_city=city,
                                         works_away=away, away_since=row.away_since if away else None,
                                         lives_with_child=not away))
    if row.guardian_name and not any(p.name == row.guardian_name for p in out):
        out.append(registry.PersonIn(relationship=row.guardian_relation or "relative", name=row.guardian_name,
                                     phone=row.guardian_phone, health=row.guardian_health,
                                     birth_year=on.year - row.guardian_age if row.guardian_age else None))
    return tuple(out)


def ledger_import(actor: User, *, data: bytes, on: dt.date, source: str) -> ImportResult:
    """Validate the whole file; when every row is good, write it in one transaction with one audit entry."""
    access.require_editor(actor)
    counties = orgs.county_paths(actor)
    classes = orgs.classes_by_label(counties)
    rows, errors = ledger_io.read_ledger(data, classes=classes, today=on)
    index = orgs.communities_of(counties)
    lookup = ledger_io.ClassIndex(classes)
    items: list[tuple[ledger_io.LedgerRow, registry.HouseholdIn]] = []
    for row in rows:
        school_id, class_id, school_path = cast(tuple[int, int, str], lookup.get(row.school, row.school_class))
        home = _community(row.address, index) or _community(row.hukou_address, index)
        if home is None:
            errors.append(ledger_io.RowError(row.line, "现住址", "现住址中没有找到所属村（社区），请写明村或社区名称"))
            continue
        if not scope.would_see(actor, school_id=school_id, class_id=class_id, school_path=school_path,
                               home_path=home[1], roles_allowed=access.EDITORS):
            errors.append(ledger_io.RowError(row.line, "班级", "该儿童的班级和住址都不在您负责的范围内"))
            continue
        items.append((row, registry.HouseholdIn(
            id_number=row.id_number, name=row.name, gender=row.gender,
            birth_date=parse_id_number(row.id_number).birth_date, school_id=school_id, school_class_id=class_id,
            community_id=home[0], address=row.address, health_notes=row.health, people=_people(row, on),
            # The stated category is the file's (see _write), so the registry's flag is known before writing.
            care_status=CARE_STATUS[Category(row.category)])))
    known = registry.existing_children(item.id_number for _, item in items)
    if known:
        mine = set(scope.children(actor).filter(pk__in=known.values(),
                                                ).filter(scope.child_q(actor, roles_allowed=access.EDITORS))
                   .values_list("pk", flat=True))
        errors += [ledger_io.RowError(row.line, "身份证号", "该儿童已在其他单位建档，不在您负责的范围内，请联系对方或上级办理")
                   for row, item in items if item.id_number in known and known[item.id_number] not in mine]
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: (e.line, e.column)), rows=len(rows))
    return _write(actor, items, on=on, source=source)


@transaction.atomic
def _write(actor: User, items: list[tuple[ledger_io.LedgerRow, registry.HouseholdIn]], *, on: dt.date,
           source: str) -> ImportResult:
    out = registry.import_households(actor, items=[item for _, item in items])
    result = ImportResult(rows=len(items), created=out.created, updated=out.updated)
    files = {row[1]: _Draft(*row) for row in CareFile.objects.filter(child_id__in=out.child_ids.values()).values_list(
        "pk", "child_id", "hukou_address", "boarding", "note", "override", "override_reason", "derived",
        "derived_reasons", "category", "seriously_ill", "single_parent", "lacks_care", "review_from", "review_reason")}
    drafts: list[tuple[_Draft, str, tuple]] = []  # (file, stated category, its values before)
    for row, item in items:
        child_id = out.child_ids[item.id_number]
        f = files.get(child_id) or _Draft(pk=None, child_id=child_id)
        before = (f.hukou_address, f.boarding, f.note, f.override, f.category)
        f.hukou_address, f.boarding, f.note = row.hukou_address, row.boarding, row.note
        drafts.append((f, row.category, before))
    found = classify([f for f, _, _ in drafts], on)
    opened: list[_Draft] = []
    changed: list[_Draft] = []
    reviews: dict[int, list[str]] = {}  # file -> why the family's change asks for a review (动态管理, P-10)
    for f, stated, before in drafts:
        c = found[f.child_id]
        # The stated category stands; where the data give another, it is the file's hand-set category with the file
        # named as its reason, and the ledger shows the disagreement.
        if stated != c.category:
            f.override, f.override_reason = stated, f"按导入台账认定（{source}）"[:255]
        elif f.override and f.override != stated:
            f.override, f.override_reason = "", ""
        _apply(f, c)
        if f.pk is None:
            opened.append(f)
            continue
        reasons = rules.review_reasons(out.shifts.get(f.child_id, ()), Category(before[4]), Category(f.category))
        if reasons:
            reviews[f.pk] = reasons
            f.review_from, f.review_reason = rules.merge_review(f.review_from, f.review_reason, on=on, reasons=reasons)
        if reasons or (f.hukou_address, f.boarding, f.note, f.override, f.category) != before:
            changed.append(f)
    result.opened, result.changed, result.reviews = len(opened), len(changed), len(reviews)
    # Thousands of new files: plain rows with their keys reserved (see tongxin.db).
    for f, pk in zip(opened, reserve_ids(CareFile, len(opened)), strict=True):
        f.pk = pk
    insert_rows(CareFile, ["id", "child", "derived", "derived_reasons", "override", "override_reason", "category",
                           "hukou_address", "boarding", "note"],
                [(f.pk, f.child_id, f.derived, f.derived_reasons, f.override, f.override_reason, f.category,
                  f.hukou_address, f.boarding, f.note) for f in opened],
                personality="", interests="", health_history="", seriously_ill=False, single_parent=False,
                lacks_care=False, screening={}, problems=[], added_on=on, level="", assessed_on=None,
                checked_month=None, review_from=None, review_reason="", updated_at=timezone.now())
    CareFile.objects.bulk_update([CareFile(pk=f.pk, child_id=f.child_id, hukou_address=f.hukou_address,
                                           boarding=f.boarding, note=f.note, override=f.override,
                                           override_reason=f.override_reason, derived=f.derived,
                                           derived_reasons=f.derived_reasons, category=f.category,
                                           review_from=f.review_from, review_reason=f.review_reason)
                                  for f in changed], ["hukou_address", "boarding", "note", "override", "override_reason", "derived",
                                           "derived_reasons", "category", "review_from", "review_reason"], batch_size=2000)
    insert_rows(FileVersion, ["file", "changes", "note"],
                [(f.pk, [["导入台账", "", source]] + ([["家庭情况变动", "", "；".join(reviews[f.pk])]]
                                                     if f.pk in reviews else []),
                  f"导入：{source}"[:240] + ("。需重新进行风险评估" if f.pk in reviews else "")) for f in changed]
                + [(f.pk, [["建档（导入）", "", Category(f.category).label]], source[:255]) for f in opened],
                at=timezone.now(), by=actor.pk)
    record(actor, A.CREATE, None, reason=f"导入关爱台账（{source}）：{result.rows} 行，新建档案 {result.opened} 份，"
                                         f"修改 {result.changed} 份（其中家庭情况变动待复核 {result.reviews} 份），"
                                         f"新登记儿童 {result.created} 名")
    return result

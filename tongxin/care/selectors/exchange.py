"""The ledger's export: the files the user may read, in the exchange layout (`ledger_io`), audited."""

import datetime as dt

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import grade_label
from tongxin.people import selectors as people

from .. import ledger_io
from ..choices import Category
from ..models import CareFile


def _row(c: people.ExchangeChild, category: str, hukou: str, boarding: bool, note: str, on: dt.date) -> ledger_io.LedgerRow:
    by = {p.relationship: p for p in c.people}
    father, mother = by.get("father"), by.get("mother")
    carer = next((p for p in c.people if p.relationship not in ("father", "mother")), None)
    away = [p.away_since for p in (father, mother) if p and p.works_away and p.away_since]
    return ledger_io.LedgerRow(
        line=0, name=c.name, gender=c.gender, id_number=c.id_number, school=c.school,
        school_class=f"{grade_label(c.class_year)}（{c.class_number}）班" if c.class_year else "",
        hukou_address=hukou, address=c.address, category=Category(category),
        father_name=father.name if father else "", father_work_city=father.work_city if father and father.works_away else "",
        father_phone=father.phone if father else "",
        mother_name=mother.name if mother else "", mother_work_city=mother.work_city if mother and mother.works_away else "",
        mother_phone=mother.phone if mother else "", away_since=max(away) if away else None,
        guardian_name=carer.name if carer else "", guardian_relation=carer.relationship if carer else "",
        guardian_age=on.year - carer.birth_year if carer and carer.birth_year else None,
        guardian_phone=carer.phone if carer else "", guardian_health=carer.health if carer else "",
        boarding=boarding, health=c.health, note=note)


def ledger_export(user, *, on: dt.date) -> tuple[bytes, int]:
    """The user's ledger as an exchange file, and how many rows. ID numbers, phones and addresses are in full only
    where the user may see them in full (else the file carries the masked forms and will not import back)."""
    files = {child: (category, hukou, boarding, note) for child, category, hukou, boarding, note in
             CareFile.objects.filter(scope.care_ledger_q(user, prefix="child__")).exclude(category=Category.NONE)
             .values_list("child_id", "category", "hukou_address", "boarding", "note")}
    ids = list(files)
    full = scope.full_id_child_ids(user, people.children_by_ids(ids)) if ids else set()
    rows = [_row(c, *files[c.child_id], on) if c.child_id in full else
            _row(c, files[c.child_id][0], "", files[c.child_id][2], files[c.child_id][3], on)
            for c in people.exchange_children(ids, full=full)]
    record(user, AuditEntry.Action.EXPORT, None, reason=f"导出关爱台账 {len(rows)} 行（{len(full)} 行含完整身份证号）")
    return ledger_io.write_ledger(rows), len(rows)

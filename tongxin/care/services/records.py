"""Contact and care records (P-43…P-53): talks, home visits, family calls, letters, homework help, help given.
Whoever may read the child's notes and works with the child (a helper paired with them, the class teacher, the
school, the village) records; a record is dated, never in the future."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access
from ..choices import Party, RecordKind
from ..models import CareFile, ContactRecord

VISIT_FIELDS = ("living", "state", "needs", "measures")


@transaction.atomic
def record_add(actor: User, file: CareFile, *, kind: str, day: dt.date, summary: str, today: dt.date,
               party: str = Party.CHILD, living: str = "", state: str = "", needs: str = "",
               measures: str = "") -> ContactRecord:
    if not access.may_read_notes(actor, file):
        raise PermissionDenied("您不是这名儿童的帮扶人，不能记录")
    if kind not in RecordKind.values or party not in Party.values:
        raise ValidationError("记录类型或对象不正确")
    if day > today:
        raise ValidationError("日期不能晚于今天")
    if (today - day).days > 366:
        raise ValidationError("只能补记一年以内的记录")
    summary = summary.strip()
    if not summary:
        raise ValidationError("请填写内容摘要")
    visit = {"living": living.strip(), "state": state.strip(), "needs": needs.strip(), "measures": measures.strip()}
    if kind != RecordKind.HOME_VISIT and any(visit.values()):
        raise ValidationError("生活环境、身心状态、帮扶需求和措施只用于家访记录")
    entry = ContactRecord(child_id=file.child_id, by=actor, kind=kind, party=party, day=day, summary=summary, **visit)
    entry.full_clean(exclude=["child", "by"])
    entry.save()
    record(actor, AuditEntry.Action.CREATE, entry, child_id=file.child_id, reason=entry.get_kind_display())
    return entry

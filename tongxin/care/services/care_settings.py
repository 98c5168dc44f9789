"""An office sets its care work's settings (P-30 teachers' load, P-14 assessment months, P-01 months away; the
seeds' values are only defaults): a county for its schools, a school for itself. A value is a column of the area's
`CareSettings` row; restoring clears it (and drops the row once it holds nothing), so the county's value or the
default applies again. A change to the months away derives the categories of the area's files anew."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.orgs.selectors import county_path

from .. import access
from ..models import CareFile, CareSettings
from ..selectors.settings import FIELD, FIELDS, settings_for, shown
from .files import rederive


def settings_area(actor: User) -> tuple[int | None, int | None, str]:
    """The area whose settings the actor sets: (school, county region, area path)."""
    area = access.office_area(actor)
    if area is None:
        raise PermissionDenied("只有学校领导和县教育局、县民政局可以调整关爱工作设置")
    return area


def setting_value(key: str, value: Any) -> int | list[int]:
    """The value checked against its bounds (refused in Chinese), as the column stores it."""
    field = FIELD.get(key)
    if field is None:
        raise ValidationError("没有这项设置")
    if key == "assessment_months":
        if not isinstance(value, (list, tuple)) or not all(type(m) is int for m in value):
            raise ValidationError("请选择风险评估月份")
        if not value:
            raise ValidationError("风险评估月份至少要选一个")
        if any(not 1 <= m <= 12 for m in value):
            raise ValidationError("风险评估月份应在 1 到 12 月之间")
        if len(set(value)) != len(value):
            raise ValidationError("风险评估月份不能重复")
        return sorted(value)
    if type(value) is not int or not field.low <= value <= field.high:
        raise ValidationError(f"{field.label}应为 {field.low} 到 {field.high} 之间的整数")
    return value


def _row(school_id: int | None, region_id: int | None) -> CareSettings | None:
    where = {"school_id": school_id} if school_id else {"region_id": region_id}
    return CareSettings.objects.select_for_update().filter(**where).first()


@transaction.atomic
def care_settings_set(actor: User, *, key: str, value: Any, on: dt.date) -> int:
    """Set one value for the actor's area. Returns how many files changed category (only a change of the months
    away re-derives them)."""
    school_id, region_id, path = settings_area(actor)
    value = setting_value(key, value)
    before = settings_for(school_id=school_id, area_path=path)
    row = _row(school_id, region_id) or CareSettings(school_id=school_id, region_id=region_id)
    setattr(row, key, value)
    row.save()
    record(actor, AuditEntry.Action.UPDATE, row, fields=[key],
           reason=f"关爱工作设置：{FIELD[key].label} {shown(key, getattr(before, key))} → {shown(key, value)}")
    return _rederive_if_changed(actor, key, before, school_id, path, on)


@transaction.atomic
def care_settings_restore(actor: User, *, key: str, on: dt.date) -> int:
    """Clear the area's own value: the county's (for a school) or the default applies again. Returns how many files
    changed category."""
    school_id, _region_id, path = settings_area(actor)
    if key not in FIELD:
        raise ValidationError("没有这项设置")
    row = _row(school_id, _region_id)
    if row is None or getattr(row, key) in (None, []):
        return 0
    before = settings_for(school_id=school_id, area_path=path)
    setattr(row, key, None)
    if all(getattr(row, f.key) in (None, []) for f in FIELDS):
        target = f"{row}"
        row.delete()
        record(actor, AuditEntry.Action.DELETE, None, fields=[key], target_repr=target,
               reason=f"关爱工作设置：{FIELD[key].label}恢复上级或默认设置")
    else:
        row.save()
        record(actor, AuditEntry.Action.UPDATE, row, fields=[key],
               reason=f"关爱工作设置：{FIELD[key].label}恢复上级或默认设置")
    return _rederive_if_changed(actor, key, before, school_id, path, on)


def _rederive_if_changed(actor: User, key: str, before, school_id: int | None, path: str, on: dt.date) -> int:
    """After the months away changed in force, derive the categories of the files it governs anew: a school's
    pupils, or a county's pupils and unschooled children but those of schools that set their own."""
    if key != "months_away" or settings_for(school_id=school_id, area_path=path).months_away == before.months_away:
        return 0
    if school_id:
        files = CareFile.objects.filter(child__school_id=school_id)
    else:
        county = county_path(path)
        own = CareSettings.objects.filter(school__isnull=False, months_away__isnull=False).values("school_id")
        files = CareFile.objects.filter(Q(child__school__region__path__startswith=county)
                                        | Q(child__school__isnull=True, child__family__community__path__startswith=county)
                                        ).exclude(child__school_id__in=own)
    return len(rederive(actor, list(files.order_by("pk")), on,
                        note=f"{FIELD[key].label}改为 {shown(key, settings_for(school_id=school_id, area_path=path).months_away)}"))

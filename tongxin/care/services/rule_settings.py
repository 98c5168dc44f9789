"""An office changes a contact rule for its area (P-31…P-34 are the seeds' defaults, not law): a county for its
schools, a school for itself. The change is a row of `ContactRuleSetting`; restoring the default deletes it."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access
from ..choices import Window
from ..models import ContactRuleSetting
from ..selectors.contact_rules import rules_for_places


def rule_area(actor: User) -> tuple[int | None, int | None, str]:
    """The area whose rules the actor sets: (school, county region, area path). A school leader sets the school's,
    a county bureau the county's."""
    area = access.office_area(actor)
    if area is None:
        raise PermissionDenied("只有学校领导和县教育局、县民政局可以调整联系频次规则")
    return area


@transaction.atomic
def rule_set(actor: User, *, key: str, count: int, window: str, active: bool) -> ContactRuleSetting:
    school_id, region_id, path = rule_area(actor)
    in_force = {r.key: r for r in _known(school_id, path)}
    if key not in in_force:
        raise ValidationError("没有这条规则")
    if not 1 <= count <= 20:
        raise ValidationError("次数应在 1 到 20 之间")
    if window not in Window.values:
        raise ValidationError("周期不正确")
    rule = in_force[key]
    row, _ = ContactRuleSetting.objects.update_or_create(key=key, **_area(school_id, region_id), defaults={
        "name": rule.name, "helper": rule.helper, "kinds": sorted(rule.kinds), "parties": sorted(rule.parties),
        "levels": sorted(rule.levels), "categories": sorted(rule.categories), "source": rule.source[:64],
        "count": count, "window": window, "active": active})
    record(actor, AuditEntry.Action.UPDATE, row, reason=f"联系频次规则：{rule.title} → {count} 次/{Window(window).label}"
                                                        f"{'' if active else '（停用）'}")
    return row


@transaction.atomic
def rule_restore(actor: User, *, key: str) -> None:
    """Drop the area's own row for the rule: the county's (for a school) or the seeds' default applies again."""
    school_id, region_id, _ = rule_area(actor)
    deleted, _ = ContactRuleSetting.objects.filter(key=key, **_area(school_id, region_id)).delete()
    if deleted:
        record(actor, AuditEntry.Action.DELETE, None, reason=f"联系频次规则 {key} 恢复上级或默认设置")


def _area(school_id: int | None, region_id: int | None) -> dict[str, Any]:
    """The lookup of an area's own rows: a school's, or a county's (never a school's under it)."""
    return {"school_id": school_id, "region": None} if school_id else {"school": None, "region_id": region_id}


def _known(school_id: int | None, path: str):
    """Every rule key the area can set: those in force plus those it switched off."""
    from .. import rules

    found = {r.key: r for r in rules.DEFAULT_RULES}
    found.update((r.key, r) for r in rules_for_places({(school_id, path)})[(school_id, path)])
    return list(found.values())

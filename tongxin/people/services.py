"""Writes to the children registry: each is one transaction that validates and writes its audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import changed_fields, record
from tongxin.orgs import scope
from tongxin.orgs.models import Role, User

from .crypto import lookup_hash
from .models import Child, Family, Guardian, Guardianship
from .validators import normalize_id_number

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

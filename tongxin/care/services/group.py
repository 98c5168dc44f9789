"""The school's care leadership group (P-73): the school leader names the members and their duties."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import School, User

from .. import access
from ..org_models import GroupMember, GroupRole
from ..selectors.work import school_staff


def _require_leader(actor: User, school_id: int) -> None:
    access.require_school_leader(actor, school_id, "只有本校领导可以调整领导小组")


@transaction.atomic
def group_set(actor: User, *, school_id: int, user_id: int, role: str, since: dt.date) -> GroupMember:
    """Name a member of the school's staff to the group with a duty (a second head is refused)."""
    _require_leader(actor, school_id)
    if role not in GroupRole.values:
        raise ValidationError("请选择职责")
    school = School.objects.get(pk=school_id)
    if user_id not in school_staff(school):
        raise ValidationError("只能选择本校的班主任或领导")
    if role == GroupRole.HEAD and GroupMember.objects.filter(school_id=school_id, role=GroupRole.HEAD).exclude(
            user_id=user_id).exists():
        raise ValidationError("领导小组已有组长，请先调整原组长的职责")
    member, created = GroupMember.objects.update_or_create(school_id=school_id, user_id=user_id,
                                                           defaults={"role": role, "since": since})
    record(actor, AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, member,
           reason=f"领导小组：{GroupRole(role).label}")
    return member


@transaction.atomic
def group_remove(actor: User, *, school_id: int, user_id: int) -> None:
    _require_leader(actor, school_id)
    member = GroupMember.objects.filter(school_id=school_id, user_id=user_id).first()
    if member is None:
        raise ValidationError("该成员不在领导小组中")
    record(actor, AuditEntry.Action.DELETE, member, reason="移出领导小组")
    member.delete()

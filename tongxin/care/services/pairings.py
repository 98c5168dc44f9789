"""Pairings (P-28…P-38, P-44): teachers as proxy parents, volunteers, a named staff helper for a key case, a pupil as
study helper, a subject teacher of the pupil's class for the monthly talk; one-to-one, one-to-many and many-to-one.
A teacher carries at most what the school sets as proxy parent (P-30)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, User
from tongxin.people import selectors as people
from tongxin.volunteers import selectors as pool

from .. import access
from ..choices import PairingKind
from ..models import CareFile, Pairing
from ..selectors.pairings import running
from ..selectors.settings import settings_for_children

A = AuditEntry.Action

# Which role a helper must hold for each kind of pairing (a subject teacher is a teacher of the school: a proxy
# parent or a key case's helper too; for the monthly talk, of the pupil's own class — checked below).
HELPER_ROLES = {
    PairingKind.PROXY_PARENT: frozenset({Role.CLASS_TEACHER, Role.SUBJECT_TEACHER, Role.SCHOOL_LEADER}),
    PairingKind.KEY_CASE: frozenset({Role.CLASS_TEACHER, Role.SUBJECT_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER,
                                     Role.TOWNSHIP_OFFICER}),
    PairingKind.VOLUNTEER: frozenset({Role.VOLUNTEER}),
    PairingKind.SUBJECT_TEACHER: frozenset({Role.SUBJECT_TEACHER}),
}
# The kinds where a volunteer or a teacher works with the child and so needs a current employment inquiry
# (入职查询, the Minors Protection Law) in the pool: a key case's named staff helper is the office's own work.
CHECKED_KINDS = frozenset({PairingKind.PROXY_PARENT, PairingKind.VOLUNTEER, PairingKind.SUBJECT_TEACHER})


@transaction.atomic
def pairing_add(actor: User, file: CareFile, *, kind: str, start: dt.date, helper_id: int | None = None,
                peer_child_id: int | None = None, end: dt.date | None = None, card_signed_on: dt.date | None = None,
                note: str = "") -> Pairing:
    """Pair a helper (or, for a study helper, a pupil) with the file's child from `start`: whoever arranges that kind
    for that child (`access.arrangeable_kinds`)."""
    if kind not in PairingKind.values:
        raise ValidationError("结对方式不正确")
    access.require_arranger(actor, file, kind)
    if end and end < start:
        raise ValidationError("结束日期不能早于开始日期")
    helper = User.objects.filter(pk=helper_id, is_active=True).first() if helper_id else None
    if helper_id and helper is None:
        raise ValidationError("所选帮扶人不存在或已停用")
    if kind == PairingKind.STUDY_HELPER:
        if helper is not None or not peer_child_id:
            raise ValidationError("学习帮手须选择一名学生")
        if peer_child_id == file.child_id:
            raise ValidationError("学习帮手不能是儿童本人")
        if not scope.children(actor).filter(pk=peer_child_id).exists():
            raise ValidationError("所选学习帮手不在您负责的范围内")
    else:
        if helper is None or peer_child_id:
            raise ValidationError("请选择帮扶人")
        if not {a.role for a in scope.assignments(helper)} & HELPER_ROLES[PairingKind(kind)]:
            raise ValidationError(f"{helper.display_name}不能担任“{PairingKind(kind).label}”")
        if kind == PairingKind.SUBJECT_TEACHER:
            _require_subject_teacher_of_class(helper, file)
        if kind in CHECKED_KINDS:
            refusal = pool.check_refusal(user_id=helper.pk, on=start)
            if refusal:
                raise ValidationError(f"不能结对：{refusal}")
    overlapping = Pairing.objects.filter(child_id=file.child_id, kind=kind, helper=helper, peer_id=peer_child_id).filter(
        Q(end__isnull=True) | Q(end__gte=start))
    if end:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ValidationError("该帮扶人已与这名儿童结对")
    if kind == PairingKind.PROXY_PARENT and helper is not None:
        load = settings_for_children([file.child_id])[file.child_id].teacher_load
        carried = Pairing.objects.filter(running(start), helper=helper, kind=kind).count()
        if carried >= load:
            raise ValidationError(f"{helper.display_name}已代理 {carried} 名儿童，"
                                  f"达到学校规定的上限（{load} 名）")
    pairing = Pairing(child_id=file.child_id, kind=kind, helper=helper, peer_id=peer_child_id, start=start, end=end,
                      card_signed_on=card_signed_on, note=note.strip()[:255], created_by=actor)
    pairing.full_clean(exclude=["child", "helper", "peer", "created_by"])
    pairing.save()
    record(actor, A.CREATE, pairing, child_id=file.child_id, reason=f"结对：{pairing.get_kind_display()}")
    return pairing


def _require_subject_teacher_of_class(helper: User, file: CareFile) -> None:
    """The monthly talk is among the subject teachers of the pupil's own class (P-44)."""
    _, class_id, _ = people.where_of([file.child_id])[file.child_id]
    if not class_id:
        raise ValidationError("该儿童未分班，不能安排任课教师谈心")
    if helper.pk not in {user_id for user_id, _, _ in orgs.subject_teachers([class_id]).get(class_id, [])}:
        raise ValidationError(f"{helper.display_name}不是该生所在班级的任课教师")


@transaction.atomic
def pairing_end(actor: User, pairing: Pairing, *, end: dt.date, reason: str) -> Pairing:
    if not access.is_arranger(actor):
        raise PermissionDenied("只有学校领导、班主任、村（社区）儿童主任和乡镇干部可以调整结对")
    file = CareFile.objects.get(child_id=pairing.child_id)
    access.require_arranger(actor, file, pairing.kind)
    if end < pairing.start:
        raise ValidationError("结束日期不能早于开始日期")
    if not reason.strip():
        raise ValidationError("请填写结束结对的原因")
    pairing.end = end
    pairing.save(update_fields=["end"])
    record(actor, A.UPDATE, pairing, child_id=pairing.child_id, fields=["end"], reason=reason.strip())
    return pairing

"""Inviting a person of the pool to serve, and their answer (voluntary, C-02)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import Region, User

from .. import access
from ..choices import InviteKind, InviteState, State
from ..models import Invitation, Person
from ..selectors import check_refusal
from . import A, _text


@transaction.atomic
def invite(*, actor: User, person_id: int, kind: str, about: str, community_id: int, start: dt.date,
           today: dt.date) -> Invitation:
    if not access.is_vetter(actor):
        raise PermissionDenied("只有社区（村）、乡镇（街道）和学校可以邀请志愿者")
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if person is None or person.state != State.ACCEPTED:
        raise ValidationError("只能邀请已入库的人员")
    if kind not in InviteKind.values:
        raise ValidationError("服务类别无效")
    about = _text(about, label="服务内容", max_length=100)
    if not about:
        raise ValidationError("请填写服务内容")
    community = Region.objects.filter(pk=community_id, level=Region.Level.COMMUNITY).first()
    if community is None:
        raise ValidationError("所选服务地点不存在")
    if start < today:
        raise ValidationError("开始日期不能早于今天")
    refusal = check_refusal(user_id=person.user_id, on=start)
    if refusal:
        raise ValidationError(f"不能邀请：{refusal}")
    if Invitation.objects.filter(person=person, about=about, state=InviteState.PENDING).exists():
        raise ValidationError("已邀请过该人员，等待其答复")
    row = Invitation.objects.create(person=person, kind=kind, about=about, community=community, start=start,
                                    invited_by=actor)
    record(actor, A.CREATE, row, reason=f"邀请{person.user.display_name}：{about}")
    return row


@transaction.atomic
def invitation_answer(*, actor: User, invitation_id: int, accept: bool) -> Invitation:
    row = Invitation.objects.select_for_update(of=("self",)).select_related("person").filter(
        pk=invitation_id).first()
    if row is None:
        raise ValidationError("未找到该邀请")
    if row.person.user_id != actor.pk:
        raise PermissionDenied("只能答复给本人的邀请")
    if row.state != InviteState.PENDING:
        raise ValidationError(f"该邀请{row.get_state_display()}")
    row.state = InviteState.ACCEPTED if accept else InviteState.DECLINED
    row.answered_at = timezone.now()
    row.save(update_fields=["state", "answered_at"])
    record(actor, A.UPDATE, row, fields=["state"], reason=row.get_state_display())
    return row

"""A person's own notification writes: reading the inbox, choosing channels and quiet hours, binding WeChat."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import User

from .. import rules
from ..models import Notice, Preference, WechatBinding

A = AuditEntry.Action


def notices_read(actor: User, *, notice_ids: list[int] | None, now: dt.datetime) -> int:
    """Mark the actor's own notices read (all unread ones when `notice_ids` is None); returns how many. Not
    audited: reading one's own messages changes nothing anyone else sees."""
    unread = Notice.objects.filter(scope.notice_q(actor), read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=notice_ids)
    return unread.update(read_at=now)


@transaction.atomic
def preference_set(actor: User, *, channels: dict[str, set[str]], quiet_start: dt.time,
                   quiet_end: dt.time) -> Preference:
    """Store the actor's channels per kind (what their role requires stays on whatever they tick) and quiet
    hours."""
    roles = scope.roles(actor)
    staff = rules.is_staff(roles)
    unknown = set(channels) - set(rules.KINDS) or {c for picked in channels.values() for c in picked} - set(rules.CHANNELS)
    if unknown:
        raise ValidationError("未知的消息类型或渠道")
    # Only the kinds the person receives are theirs to set; any other keeps its default should their role change.
    chosen = {kind.code: sorted(rules.channels_for(kind, chosen=frozenset(channels.get(kind.code, set())), staff=staff))
              for kind in rules.kinds_for(roles)}
    pref, _ = Preference.objects.select_for_update().get_or_create(user=actor)
    pref.channels, pref.quiet_start, pref.quiet_end = chosen, quiet_start, quiet_end
    pref.save()
    record(actor, A.UPDATE, pref, target_repr="消息设置", reason="修改消息通知设置")
    return pref


@transaction.atomic
def wechat_bind(actor: User, *, openid: str, now: dt.datetime) -> WechatBinding:
    """Bind the WeChat account the actor opened the platform in; an openid bound to someone else moves to the
    actor (the same phone handed on), recorded."""
    openid = (openid or "").strip()
    if not openid or len(openid) > 64 or not all(ch.isalnum() or ch in "-_" for ch in openid):
        raise ValidationError("微信返回的用户标识无效，请在微信中重新打开绑定链接")
    WechatBinding.objects.filter(openid=openid).exclude(user=actor).delete()
    binding, _ = WechatBinding.objects.update_or_create(user=actor, defaults={"openid": openid, "bound_at": now})
    record(actor, A.UPDATE, binding, target_repr="微信绑定", reason="绑定微信接收通知")
    return binding


@transaction.atomic
def wechat_unbind(actor: User) -> bool:
    deleted, _ = WechatBinding.objects.filter(user=actor).delete()
    if deleted:
        record(actor, A.DELETE, None, target_repr="微信绑定", reason="解除微信绑定")
    return bool(deleted)

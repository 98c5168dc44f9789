"""Holiday handover (P-27): a school leader hands each village committee the list of the school's left-behind
pupils living there before a winter or summer holiday; the committee confirms receipt."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role, User

from .. import access, handover_rules
from ..choices import Category
from ..handover_models import HandoverList, HandoverRound, Holiday
from ..models import CareFile

A = AuditEntry.Action


def _left_behind_by_village(school_id: int) -> dict[int, list[int]]:
    """The school's left-behind pupils by the village (community) they live in; pupils without a registered home
    are on no list (the leader's page names them)."""
    by_village: dict[int, list[int]] = defaultdict(list)
    rows = (CareFile.objects.filter(category=Category.LEFT_BEHIND, child__school_id=school_id)
            .exclude(child__family__community=None).order_by("child__school_class_id", "child__initials", "child_id")
            .values_list("child_id", "child__family__community_id"))
    for child_id, community_id in rows:
        by_village[community_id].append(child_id)
    return by_village


def _require_leader(actor: User, school_id: int) -> None:
    access.require_school_leader(actor, school_id, "只有本校领导可以办理假期交接")


@transaction.atomic
def handover_create(actor: User, *, school_id: int, holiday: str, year: int, holiday_start: dt.date,
                    school_start: dt.date, today: dt.date) -> HandoverRound:
    """Hand the school's left-behind pupils over to their villages before a holiday: one list per village."""
    _require_leader(actor, school_id)
    if holiday not in Holiday.values:
        raise ValidationError("请选择寒假或暑假")
    if not 2000 <= year <= 2100:
        raise ValidationError("年份不正确")
    problem = handover_rules.check_dates(holiday_start, school_start, today=today)
    if problem:
        raise ValidationError(problem)
    if HandoverRound.objects.filter(school_id=school_id, holiday=holiday, year=year).exists():
        raise ValidationError(f"本校{year}年{Holiday(holiday).label}的交接已办理，可在下方更新名单")
    by_village = _left_behind_by_village(school_id)
    if not by_village:
        raise ValidationError("本校台账中没有登记了住址的留守儿童，无需交接")
    try:
        with transaction.atomic():
            found = HandoverRound.objects.create(school_id=school_id, holiday=holiday, year=year,
                                                 holiday_start=holiday_start, school_start=school_start,
                                                 created_by=actor)
    except IntegrityError:  # the same handover made at the same moment by another leader
        raise ValidationError("本假期的交接刚刚已由他人办理，请刷新页面") from None
    HandoverList.objects.bulk_create([HandoverList(round=found, community_id=community_id, child_ids=ids)
                                      for community_id, ids in sorted(by_village.items())])
    record(actor, A.CREATE, found, reason=f"假期交接：{len(by_village)} 个村（社区），"
                                          f"{sum(len(v) for v in by_village.values())} 名留守儿童")
    return found


@transaction.atomic
def handover_refresh(actor: User, found: HandoverRound) -> int:
    """Bring the lists not yet received up to date with the ledger (a pupil newly left-behind, one who moved);
    a received list stays as it was received. Returns how many lists changed or were added."""
    _require_leader(actor, found.school_id)
    by_village = _left_behind_by_village(found.school_id)
    lists = {hl.community_id: hl for hl in HandoverList.objects.select_for_update().filter(round=found)}
    changed = 0
    for community_id, ids in by_village.items():
        existing = lists.get(community_id)
        if existing is None:
            HandoverList.objects.create(round=found, community_id=community_id, child_ids=ids)
            changed += 1
        elif existing.received_at is None and existing.child_ids != ids:
            existing.child_ids = ids
            existing.save(update_fields=["child_ids"])
            changed += 1
    for community_id, existing in lists.items():
        if community_id not in by_village and existing.received_at is None and existing.child_ids:
            existing.child_ids = []
            existing.save(update_fields=["child_ids"])
            changed += 1
    record(actor, A.UPDATE, found, reason=f"更新假期交接名单：{changed} 份")
    return changed


@transaction.atomic
def handover_receive(actor: User, handover: HandoverList, *, note: str, now: dt.datetime) -> HandoverList:
    """The village committee confirms it received the list (its children's worker, or the administrator)."""
    handover = HandoverList.objects.select_for_update().select_related("community").get(pk=handover.pk)
    roles = scope.roles(actor)
    worker = any(a.role == Role.COMMUNITY_WORKER and a.region_id == handover.community_id
                 for a in scope.assignments(actor))
    if not (worker or Role.ADMIN in roles):
        raise PermissionDenied(f"只有{handover.community.name}的儿童主任可以确认接收")
    if handover.received_at is not None:
        raise ValidationError("该名单已确认接收")
    note = (note or "").strip()
    if "\x00" in note or len(note) > 255:
        raise ValidationError("接收说明最多 255 字，且不能含无效字符")
    handover.received_at, handover.received_by, handover.note = now, actor, note
    handover.save(update_fields=["received_at", "received_by", "note"])
    record(actor, A.UPDATE, handover, reason="确认接收假期交接名单")
    return handover

"""Activities (P-64…P-71): a school's staff or a village's children's worker records an activity with the children
who took part, who was handed over and who was escorted home."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role, User

from ..activity_models import Activity, ActivityChild, ActivityKind
from .common import clean_text


@dataclass(frozen=True)
class Taking:
    child_id: int
    handed_over: bool = False
    escorted_home: bool = False


def places_of(user: User) -> list[tuple[str, int, str]]:
    """Where the user may record activities: ("school", id, name) for a school's leader or teacher, ("community",
    id, name) for a village's children's worker."""
    found: dict[tuple[str, int], str] = {}
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER and a.school:
            found[("school", a.school.pk)] = a.school.name
        elif a.role == Role.CLASS_TEACHER and a.school_class:
            found[("school", a.school_class.school_id)] = a.school_class.school.name
        elif a.role == Role.COMMUNITY_WORKER and a.region:
            found[("community", a.region.pk)] = f"{a.region.name}儿童之家"
    return [(kind, pk, name) for (kind, pk), name in found.items()]


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    return clean_text(value, label, limit=limit, required=required)


@transaction.atomic
def activity_add(actor: User, *, place: tuple[str, int], kind: str, title: str, venue: str, on: dt.date,
                 run_by: str, in_charge: str = "", note: str = "", taking: list[Taking], today: dt.date) -> Activity:
    if (place[0], place[1]) not in {(k, pk) for k, pk, _ in places_of(actor)}:
        raise PermissionDenied("不能为该学校或村（社区）记录活动")
    if kind not in ActivityKind.values:
        raise ValidationError("请选择活动类别")
    if on > today:
        raise ValidationError("活动日期不能晚于今天（活动结束后记录）")
    if on < today - dt.timedelta(days=366):
        raise ValidationError("活动日期过早，请核对")
    ids = [t.child_id for t in taking]
    if len(set(ids)) != len(ids):
        raise ValidationError("参加儿童有重复")
    if not ids:
        raise ValidationError("请选择参加活动的儿童")
    if scope.children(actor).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied("有儿童不在您负责的范围内")
    found = Activity(school_id=place[1] if place[0] == "school" else None,
                     community_id=place[1] if place[0] == "community" else None, kind=kind,
                     title=_text(title, "活动名称", 64), venue=_text(venue, "地点", 64), on=on,
                     run_by=_text(run_by, "主讲或组织者", 64), in_charge=_text(in_charge, "安全负责人", 32, required=False),
                     note=_text(note, "活动情况", 1000, required=False), recorded_by=actor)
    found.save()
    ActivityChild.objects.bulk_create([ActivityChild(activity=found, child_id=t.child_id, handed_over=t.handed_over,
                                                     escorted_home=t.escorted_home) for t in taking])
    record(actor, AuditEntry.Action.CREATE, found, reason=f"记录关爱活动：{found.title}（{len(ids)} 名儿童）")
    return found

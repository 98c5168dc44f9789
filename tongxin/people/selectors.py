"""Reads of the children registry. Every queryset starts from `orgs.scope`; full records are audited."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope

from .crypto import lookup_hash
from .masking import mask_address, mask_id_number, mask_phone
from .models import Child, Guardianship
from .validators import normalize_id_number

_FULL_ID = re.compile(r"^\d{17}[\dXx]$")
_MASKED_ID = re.compile(r"^[\dXx*]{5,18}$")


def search_q(query: str) -> Q:
    """Name, pinyin initials, a full ID number (matched by its keyed hash) or a masked one / last digits."""
    query = (query or "").strip()
    if not query:
        return Q()
    if _FULL_ID.match(query):
        return Q(id_hash=lookup_hash(normalize_id_number(query)))
    if "*" in query and _MASKED_ID.match(query):
        head, _, tail = query.upper().partition("*")
        return Q(id_masked__startswith=head, id_masked__endswith=tail.strip("*"))
    if query.isdigit() or (query[:-1].isdigit() and query[-1] in "Xx"):
        return Q(id_masked__endswith=query.upper())
    if query.isascii() and query.isalpha():
        return Q(initials__startswith=query.lower())
    return Q(name__contains=query)


def visible_children(user, query: str = "", *, school_class_id=None, care_status: str = "") -> QuerySet:
    qs = scope.children(user).filter(search_q(query))
    if school_class_id:
        qs = qs.filter(school_class_id=school_class_id)
    if care_status:
        qs = qs.filter(care_status=care_status)
    return qs.select_related("school", "school_class__grade", "family__community")


@dataclass
class ChildRow:
    id: int
    name: str
    gender: str
    age: int
    birth_date: object
    school: str
    school_class: str
    community: str
    id_display: str
    care_status: str
    care_status_code: str
    disability: bool


def child_rows(user, children: list[Child]) -> list[ChildRow]:
    """Rows for a list or an export: ID numbers masked unless the user's role may see them in full."""
    ids = [c.pk for c in children]
    full = scope.full_id_child_ids(user, Child.objects.filter(pk__in=ids)) if ids else set()
    return [
        ChildRow(
            id=c.pk,
            name=c.name,
            gender=c.get_gender_display(),
            age=c.age,
            birth_date=c.birth_date,
            school=c.school.name if c.school_id else "",
            school_class=c.school_class.label if c.school_class_id else "",
            community=c.family.community.name,
            id_display=(c.id_number if c.pk in full else c.id_masked) if c.id_masked else "未登记",
            care_status=c.get_care_status_display() if c.care_status != Child.CareStatus.NONE else "",
            care_status_code=c.care_status,
            disability=c.disability,
        )
        for c in children
    ]


@dataclass
class GuardianView:
    name: str
    relationship: str
    phone: str
    is_primary: bool
    lives_with_child: bool
    can_pickup: bool
    works_away: bool
    work_city: str
    workplace: str
    capable: bool


@dataclass
class ChildRecord:
    child: Child
    id_display: str
    id_full: bool
    phone_full: bool
    address: str
    guardians: list[GuardianView] = field(default_factory=list)
    family_flags: list[str] = field(default_factory=list)


def read_child(user, child_id: int, *, reason: str = "") -> ChildRecord:
    """One child's full record, as this user may see it. The read is audited."""
    child = (
        scope.children(user)
        .select_related("family__community__parent", "school", "school_class__grade")
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        if Child.objects.filter(pk=child_id).exists():
            raise PermissionDenied("无权查看该儿童档案")
        raise Http404("未找到该儿童")
    id_full = scope.may_see_full_id(user, child)
    phone_full = scope.may_see_full_phone(user, child)
    family = child.family
    guardians = [
        GuardianView(
            name=g.guardian.name,
            relationship=g.get_relationship_display(),
            phone=g.guardian.phone if phone_full else mask_phone(g.guardian.phone),
            is_primary=g.is_primary,
            lives_with_child=g.lives_with_child,
            can_pickup=g.can_pickup,
            works_away=g.guardian.works_away,
            work_city=g.guardian.work_city,
            workplace=g.guardian.workplace,
            capable=g.guardian.capable,
        )
        for g in Guardianship.objects.filter(child=child).select_related("guardian").order_by("-is_primary", "id")
    ]
    flags = [f.verbose_name for f in family._meta.fields
             if f.name in {"low_income", "extreme_poverty", "military", "dual_earner", "migrant_worker"}
             and getattr(family, f.name)]
    record(user, AuditEntry.Action.VIEW, child, reason=reason,
           fields=["id_number" if id_full else "id_masked", "guardians", "health_notes"])
    return ChildRecord(
        child=child,
        id_display=(child.id_number if id_full else mask_id_number(child.id_number)) or "未登记",
        id_full=id_full,
        phone_full=phone_full,
        address=family.address if id_full else mask_address(family.address),
        guardians=guardians,
        family_flags=flags,
    )

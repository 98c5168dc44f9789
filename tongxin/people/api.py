import datetime as dt
from typing import Literal

from ninja import Router, Schema
from ninja.pagination import paginate

from tongxin.api_inputs import BoundedPagination, Id, id_query, text_query

from . import selectors
from .models import Child

router = Router(tags=["儿童档案"])


class ChildRowOut(Schema):
    id: int
    name: str
    gender: str
    age: int
    birth_date: dt.date
    school: str
    school_class: str
    community: str
    id_display: str
    care_status: str


class GuardianOut(Schema):
    name: str
    relationship: str
    phone: str
    is_primary: bool
    lives_with_child: bool
    can_pickup: bool
    works_away: bool
    work_city: str


class ChildOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date
    id_display: str
    id_full: bool
    school: str
    school_class: str
    community: str
    address: str
    care_status: str
    disability: bool
    guardians: list[GuardianOut]


CareStatusFilter = Literal[("",) + tuple(Child.CareStatus.values)]


@router.get("", response=list[ChildRowOut], summary="儿童列表（按角色范围，证件号脱敏）")
@paginate(BoundedPagination, page_size=50)
def list_children(request, q: str = text_query(64, "姓名、拼音首字母或证件号（片段）"),
                  school_class: int | None = id_query("班级编号"), care_status: CareStatusFilter = ""):
    qs = selectors.visible_children(request.auth, q, school_class_id=school_class, care_status=care_status)
    return _RowSequence(request.auth, qs)


class _RowSequence:
    """Lets the paginator slice the queryset, and masks just the rows of the page it takes."""

    def __init__(self, user, queryset):
        self.user, self.queryset = user, queryset

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return selectors.child_rows(self.user, list(self.queryset[item]))


@router.get("/{child_id}", response=ChildOut, summary="儿童档案详情（读取将记入审计日志）")
def get_child(request, child_id: Id, reason: str = text_query(255, "查看事由（记入审计日志）")):
    rec = selectors.read_child(request.auth, child_id, reason=reason or "API 查看")
    c = rec.child
    return {
        "id": c.pk,
        "name": c.name,
        "gender": c.get_gender_display(),
        "birth_date": c.birth_date,
        "id_display": rec.id_display,
        "id_full": rec.id_full,
        "school": c.school.name if c.school_id else "",
        "school_class": c.school_class.label if c.school_class_id else "",
        "community": c.family.community.full_name,
        "address": rec.address,
        "care_status": c.get_care_status_display(),
        "disability": c.disability,
        "guardians": [g.__dict__ for g in rec.guardians],
    }

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from tongxin.api_inputs import BIGINT_MAX, BoundedPagination

from . import selectors
from .models import Child

_CARE_FILTERS = frozenset(Child.CareStatus.values) - {Child.CareStatus.NONE}


class ChildFilter(Schema):
    q: str = Field("", max_length=64, description="姓名、拼音首字母或证件号（全部或后几位）")
    school_class: int | None = Field(None, ge=1, le=BIGINT_MAX, description="班级编号")
    care_status: str = Field("", description="关爱类别：left_behind（留守儿童）或 vulnerable（困境儿童）")

    @field_validator("q")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("搜索内容不能含空字符")
        return value.strip()

    @field_validator("care_status")
    @classmethod
    def _known_care_status(cls, value: str) -> str:
        if value and value not in _CARE_FILTERS:
            raise ValueError(f"关爱类别“{value[:16]}”无效")
        return value


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


@router.get("", response=list[ChildRowOut], summary="儿童列表（按角色范围，证件号脱敏）",
            description=f"count 最多计到 {selectors.LIST_COUNT_CAP}：等于该数时表示不少于该数。")
@paginate(BoundedPagination, page_size=50)
def list_children(request, filters: Query[ChildFilter]):
    qs = selectors.visible_children(request.auth, filters.q, school_class_id=filters.school_class,
                                    care_status=filters.care_status)
    return selectors.ChildListing(request.auth, qs)


@router.get("/{child_id}", response=ChildOut, summary="儿童档案详情（读取将记入审计日志）")
def get_child(request, child_id: int, reason: str = Query("", max_length=255, pattern=r"^[^\x00]*$")):
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

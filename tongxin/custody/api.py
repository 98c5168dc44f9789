import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from tongxin.api_inputs import BoundedPagination, Id, id_query

from . import permissions, selectors
from .models import Application, Programme

router = Router(tags=["托管"])


class PeriodOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date


class ProgrammeOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    organiser: str
    fee_per_day: float
    periods: list[PeriodOut]


def _programme(p: Programme) -> dict:
    return {"id": p.pk, "name": p.name, "kind": p.get_kind_display(), "status": p.get_status_display(),
            "organiser": str(p.organiser), "fee_per_day": float(p.fee_per_day),
            "periods": [{"id": x.pk, "name": x.name, "start": x.start, "end": x.end} for x in p.periods.all()]}


@router.get("/programmes", response=list[ProgrammeOut], summary="可查看的托管项目")
def programmes(request):
    qs = permissions.overseen_programmes(request.auth).select_related("school", "community").prefetch_related("periods")
    return [_programme(p) for p in qs.order_by("-created_at")]


class SummaryOut(Schema):
    programme: ProgrammeOut
    applications: int
    placed_children: int
    waiting_children: int
    attendance_rate: float | None
    staff_people: int
    staff_hours: float
    fee_total: float
    exemption_total: float
    incidents: int
    evaluations: int
    satisfaction: float | None


@router.get("/programmes/{programme_id}/summary", response=SummaryOut, summary="托管项目工作总结（汇总数，不含个人信息）")
def summary(request, programme_id: Id):
    programme = get_object_or_404(Programme, pk=programme_id)
    if not permissions.overseen_programmes(request.auth).filter(pk=programme.pk).exists():
        raise PermissionDenied("无权查看该托管项目")
    s = selectors.programme_summary(programme)
    return {
        "programme": _programme(programme), "applications": s.applications, "placed_children": s.placed_children,
        "waiting_children": s.waiting_children, "attendance_rate": s.attendance_rate, "staff_people": s.staff_people,
        "staff_hours": float(s.staff_hours), "fee_total": float(s.fees["total"]), "exemption_total": float(s.fees["exemption"]),
        "incidents": sum(s.incidents.values()), "evaluations": s.satisfaction["overall"]["n"],
        "satisfaction": s.satisfaction["overall"]["overall"],
    }


ApplicationState = Literal[tuple(Application.State.values)]  # type: ignore[valid-type]


class ApplicationOut(Schema):
    id: int
    programme: str
    child: str
    state: str
    state_label: str
    tier: int
    tier_reasons: list[str]
    periods: list[str]
    lunch: bool
    reject_reason: str
    created_at: dt.datetime


@router.get("/applications", response=list[ApplicationOut], summary="托管申请（按角色范围）")
@paginate(BoundedPagination, page_size=50)
def applications(request, programme: int | None = id_query("项目编号"), state: ApplicationState | None = None):
    qs = selectors.applications_for(request.auth).prefetch_related("periods").order_by("-created_at")
    if programme:
        qs = qs.filter(programme_id=programme)
    if state:
        qs = qs.filter(state=state)
    return [
        {"id": a.pk, "programme": a.programme.name, "child": a.child.name, "state": a.state,
         "state_label": a.get_state_display(), "tier": a.tier, "tier_reasons": a.tier_reasons,
         "periods": [p.name for p in a.periods.all()], "lunch": a.lunch, "reject_reason": a.reject_reason,
         "created_at": a.created_at}
        for a in qs
    ]

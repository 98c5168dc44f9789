"""The family's childcare on a phone app: a child's day at the centre, their growth against the WHO standards, the
parent classes open to the family with a seat to take or give back. Own children only: a child who does not exist
is a 404, someone else's child a 403 (as the booking endpoints); a refusal by the rules is a Chinese 400."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from tongxin.api_inputs import Id
from tongxin.people import selectors as people

from . import access, rules_classes
from .models_classes import Seat
from .selectors import classes as class_sel
from .selectors import day as day_sel
from .selectors import growth as growth_sel
from .selectors import records
from .services import classes as class_svc

router = Router(tags=["社区托育"])


def found_or_404(call, *args, **kwargs):
    """A selector's answer, its Http404 turned into a 404 with its Chinese message (django-ninja says "Not Found")."""
    try:
        return call(*args, **kwargs)
    except Http404 as exc:
        raise HttpError(404, str(exc) or "未找到") from exc


def _own_child(user, child_id: int, today: dt.date) -> str:
    """The name of the login's own child under three; 404 when there is no such child, 403 when not theirs."""
    access.require_parent(user, "只有家长可以查看孩子在园的情况")
    if not people.children_by_ids([child_id]).exists():
        raise HttpError(404, "未找到该幼儿")
    if not people.is_guardian_of(user, child_id):
        raise PermissionDenied("只能查看自己孩子的在园情况")
    own = {pk: name for pk, name, _ in records.own_children(user, today)}
    if child_id not in own:
        raise HttpError(404, "未找到该孩子的托育记录")
    return own[child_id]


# ---------------------------------------------------------------- a child's day


class RecordOut(Schema):
    kind: str
    kind_label: str
    value: str
    value_label: str
    start: dt.time
    end: dt.time | None
    note: str
    own: bool
    notable: bool


class OutdoorOut(Schema):
    minutes: int
    target: int
    short: int


class FindingOut(Schema):
    session: str
    temperature: float | None
    symptom: str
    action: str


class ChildDayOut(Schema):
    child_id: int
    child: str
    day: dt.date
    here: bool
    centre: str
    room: str
    checked_in_at: dt.time | None
    checked_in_by: str
    checked_out_at: dt.time | None
    picked_up_by: str
    records: list[RecordOut]
    exceptions: list[RecordOut]
    outdoor: OutdoorOut | None
    findings: list[FindingOut]
    recent_days: list[dt.date]


def _record(r: day_sel.ChildRecord) -> dict:
    return {"kind": r.kind, "kind_label": r.kind_label, "value": r.value, "value_label": r.value_label,
            "start": r.start, "end": r.end, "note": r.note, "own": r.own, "notable": r.notable}


@router.get("/children/{child_id}/day", response=ChildDayOut,
            summary="孩子在园的一天：入园离园和接走的人、进餐、午睡、如厕、情绪、户外时间（每天 2 小时）、孩子的特殊情况")
def child_day(request, child_id: Id, day: dt.date | None = Query(None, description="日期（YYYY-MM-DD），默认今天")):
    today = timezone.localdate()
    on = day or today
    name = _own_child(request.auth, child_id, today)
    if on > today:
        raise ValidationError({"day": ["不能晚于今天"]})
    d = day_sel.child_day_data(child_id, on)
    return {
        "child_id": child_id, "child": name, "day": on, "here": d.here, "centre": d.centre, "room": d.room,
        "checked_in_at": d.checked_in_at, "checked_in_by": d.checked_in_by, "checked_out_at": d.checked_out_at,
        "picked_up_by": d.picked_up_by, "records": [_record(r) for r in d.records],
        "exceptions": [_record(r) for r in d.exceptions],
        "outdoor": None if d.outdoor is None else {"minutes": d.outdoor.minutes, "target": d.outdoor.target,
                                                   "short": d.outdoor.short},
        "findings": [{"session": f.session, "temperature": f.temperature, "symptom": f.symptom, "action": f.action}
                     for f in d.findings],
        "recent_days": d.days,
    }


# ---------------------------------------------------------------- growth


class MeasurementOut(Schema):
    measured_on: dt.date
    age_months: int
    height_cm: float
    weight_kg: float
    height_z: float | None
    height_centile: float | None
    weight_z: float | None
    weight_centile: float | None
    centre: str


class AlertOut(Schema):
    measure: str
    kind: str
    text: str


class GrowthOut(Schema):
    child_id: int
    child: str
    sex: str
    birth_date: dt.date
    measurements: list[MeasurementOut]
    alerts: list[AlertOut]
    rule: str


def measurement_out(r: growth_sel.MeasurementRow) -> dict:
    return {"measured_on": r.measured_on, "age_months": r.age_months, "height_cm": r.height_cm,
            "weight_kg": r.weight_kg, "height_z": r.height_z, "height_centile": r.height_centile,
            "weight_z": r.weight_z, "weight_centile": r.weight_centile, "centre": r.centre}


def alerts_out(alerts) -> list[dict]:
    return [{"measure": a.measure, "kind": a.kind, "text": a.text} for a in alerts]


@router.get("/children/{child_id}/growth", response=GrowthOut,
            summary="孩子的生长发育：每次测量的身长/身高、体重及其 WHO 标准 Z 值和百分位，跨越百分位线的提醒")
def child_growth(request, child_id: Id):
    page = found_or_404(growth_sel.child_growth, request.auth, child_id, today=timezone.localdate())
    t = growth_sel.G.THRESHOLDS
    return {"child_id": page.child_id, "child": page.name, "sex": page.sex_label, "birth_date": page.birth_date,
            "measurements": [measurement_out(r) for r in page.rows], "alerts": alerts_out(page.alerts),
            "rule": f"最近一次测量低于第 {t.low_centile} 百分位，或与近 6 个月内的测量相比跨越 {t.lines_crossed} 条及以上"
                    "主百分位线（第 3、15、50、85、97 百分位）时提醒"}


# ---------------------------------------------------------------- parent classes


class ClassOut(Schema):
    id: int
    kind: str
    title: str
    speaker: str
    starts_at: dt.datetime
    minutes: int
    place: str
    online: bool
    centre: str
    seats: int
    seats_left: int
    my_seat_id: int | None
    attended: bool | None
    rating: int | None


class ClassesOut(Schema):
    upcoming: list[ClassOut]
    past: list[ClassOut]


def _class(r: class_sel.ClassRow) -> dict:
    return {"id": r.pk, "kind": r.kind, "title": r.title, "speaker": r.speaker, "starts_at": r.starts_at,
            "minutes": r.minutes, "place": r.place, "online": r.online, "centre": r.centre, "seats": r.seats,
            "seats_left": r.left, "my_seat_id": r.mine.pk if r.mine else None,
            "attended": r.mine.attended if r.mine else None, "rating": r.mine.rating if r.mine else None}


@router.get("/classes", response=ClassesOut,
            summary="家长课堂和育儿讲座：可报名的（剩余名额、本人是否已报名）和本人报名过的往期课堂")
def classes(request):
    access.require_parent(request.auth, "只有家长可以报名家长课堂")
    page = class_sel.parent_classes(request.auth, timezone.now())
    return {"upcoming": [_class(r) for r in page.upcoming], "past": [_class(r) for r in page.past]}


class SeatOut(Schema):
    id: int
    class_id: int
    title: str
    starts_at: dt.datetime
    state: str


def _seat(seat: Seat) -> dict:
    return {"id": seat.pk, "class_id": seat.parent_class_id, "title": seat.parent_class.title,
            "starts_at": seat.parent_class.starts_at, "state": seat.get_state_display()}


@router.post("/classes/{class_id}/seats", response={201: SeatOut}, summary="报名家长课堂（名额有限，先到先得）")
def seat_book(request, class_id: Id):
    access.require_parent(request.auth, "只有家长可以报名家长课堂")
    if not class_sel.class_exists(class_id):
        raise HttpError(404, "未找到该课堂")
    seat = class_svc.seat_book(actor=request.auth, class_id=class_id, now=timezone.now())
    return Status(201, _seat(seat))


@router.post("/seats/{seat_id}/cancel", response=SeatOut, summary=f"取消家长课堂的报名（开课前 {rules_classes.CANCEL_BEFORE_HOURS} 小时内不能取消）")
def seat_cancel(request, seat_id: Id):
    owner = class_sel.seat_owner(seat_id)
    if owner is None:
        raise HttpError(404, "未找到该报名")
    if owner != request.auth.pk:
        raise PermissionDenied("只能取消自己的报名")
    seat = class_svc.seat_cancel(actor=request.auth, seat_id=seat_id, now=timezone.now())
    return _seat(seat)

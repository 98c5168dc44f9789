"""A centre's staff on a tablet or phone: the rooms today, one room's day now (who is in, the carers on duty against
the ratio), and a child's height and weight recorded (any child the centre knows, a temporary-care child too). The
same selectors and services as the pages: only the centre's staff, a refusal by the rules a Chinese 400."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from tongxin.api_inputs import BIGINT_MAX, Id

from . import access, rules_growth
from .api_family import AlertOut, MeasurementOut, OutdoorOut, alerts_out, found_or_404, measurement_out
from .selectors import day as day_sel
from .selectors import growth as growth_sel
from .services import growth as growth_svc

router = Router(tags=["社区托育"])

H_LOW, H_HIGH = rules_growth.HEIGHT_RANGE
W_LOW, W_HIGH = rules_growth.WEIGHT_RANGE


# ---------------------------------------------------------------- the rooms today


class RoomCountOut(Schema):
    room_id: int
    room: str
    expected: int
    checked_in: int
    present: int
    outdoor: OutdoorOut


def _outdoor(o) -> dict:
    return {"minutes": o.minutes, "target": o.target, "short": o.short}


@router.get("/centres/{centre_id}/day", response=list[RoomCountOut],
            summary="今日各班：应到、已入园、在园人数和户外时间（本机构工作人员）")
def centre_day(request, centre_id: Id):
    centre = found_or_404(access.access_centre, request.auth, centre_id)
    access.require_staff(request.auth, centre)
    return [{"room_id": r.pk, "room": r.name, "expected": r.expected, "checked_in": r.checked_in,
             "present": r.present, "outdoor": _outdoor(r.outdoor)}
            for r in day_sel.centre_day(centre, timezone.localdate())]


class RollOut(Schema):
    child_id: int
    name: str
    state: str
    care: str
    expected: str
    checked_in_at: dt.time | None
    checked_out_at: dt.time | None
    picked_up_by: str
    exceptions: int


class RoomDayOut(Schema):
    room_id: int
    room: str
    centre: str
    day: dt.date
    at: dt.time
    present: int
    carers_on_duty: int
    per_carer: int
    class_size: int
    may_take: int
    within_ratio: bool
    ratio: str
    children: list[RollOut]
    outdoor: OutdoorOut
    not_yet_recorded: list[str]


STATES = {"expected": "未到", "in": "在园", "out": "已离园"}


@router.get("/rooms/{room_id}/day", response=RoomDayOut,
            summary="班级今日：谁在园、谁已接走，此刻在岗保育人员与师生比，户外时间和尚未记录的事项（本机构工作人员）")
def room_day(request, room_id: Id):
    room = found_or_404(access.access_room, request.auth, room_id)
    now = timezone.localtime()
    page = day_sel.room_day(room, now.date(), now.time())
    most = page.carers * page.per_carer
    return {
        "room_id": room.pk, "room": room.name, "centre": room.centre.name, "day": page.day,
        "at": now.time().replace(second=0, microsecond=0), "present": page.present, "carers_on_duty": page.carers,
        "per_carer": page.per_carer, "class_size": page.size, "may_take": page.capacity,
        "within_ratio": page.present <= most and page.present <= page.size,
        "ratio": f"在园 {page.present} 名，在岗保育人员 {page.carers} 人（每人最多照护 {page.per_carer} 名，"
                 f"班额 {page.size} 名）",
        "children": [{"child_id": r.child_id, "name": r.name, "state": STATES[r.state], "care": r.care,
                      "expected": r.expected, "checked_in_at": r.in_at, "checked_out_at": r.out_at,
                      "picked_up_by": r.picked_up_by, "exceptions": r.exceptions} for r in page.roll],
        "outdoor": _outdoor(page.outdoor), "not_yet_recorded": page.missing,
    }


# ---------------------------------------------------------------- growth


class MeasurementIn(Schema):
    child_id: int = Field(ge=1, le=BIGINT_MAX, description="幼儿编号")
    measured_on: dt.date | None = Field(None, description="测量日期，默认今天")
    height_cm: Decimal = Field(ge=Decimal(str(H_LOW)), le=Decimal(str(H_HIGH)),
                               description="身长/身高（厘米，一位小数；24 个月以下卧位测身长，24 个月起立位测身高）")
    weight_kg: Decimal = Field(ge=Decimal(str(W_LOW)), le=Decimal(str(W_HIGH)), description="体重（千克，两位小数）")

    model_config = {"json_schema_extra": {"example": {"child_id": 1, "measured_on": "2027-03-02",
                                                      "height_cm": 82.5, "weight_kg": 11.35}}}

    @field_validator("height_cm")
    @classmethod
    def _one_place(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.1")):
            raise ValueError("身长/身高保留一位小数")
        return value

    @field_validator("weight_kg")
    @classmethod
    def _two_places(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.01")):
            raise ValueError("体重最多保留两位小数")
        return value


class MeasuredOut(Schema):
    id: int
    child_id: int
    child: str
    measurement: MeasurementOut
    alerts: list[AlertOut]


@router.post("/centres/{centre_id}/measurements", response={201: MeasuredOut},
             summary="记录幼儿身长体重（本机构工作人员；本机构有托育、临时托、排队或健康记录的幼儿），返回百分位和提醒")
def measurement_record(request, centre_id: Id, data: MeasurementIn):
    today = timezone.localdate()
    found_or_404(access.access_centre, request.auth, centre_id)
    m = growth_svc.measurement_record(request.auth, centre_id=centre_id, child_id=data.child_id,
                                      measured_on=data.measured_on or today, height_cm=data.height_cm,
                                      weight_kg=data.weight_kg, today=today)
    page = growth_sel.child_growth(request.auth, data.child_id, today=today)
    row = next(r for r in page.rows if r.measured_on == m.measured_on)
    return Status(201, {"id": m.pk, "child_id": page.child_id, "child": page.name, "measurement": measurement_out(row),
                        "alerts": alerts_out(page.alerts)})

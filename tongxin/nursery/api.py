"""The childcare line's API: the centres a login may see (figures only), a family's own childcare, and the
family's acts on a phone app — booking temporary care, cancelling it, answering a waiting-list offer. A child's day,
growth and the parent classes are in `api_family`, the staff's rooms and measurements in `api_staff`, mounted here.
The same services as the pages: a refusal is a 400 with the Chinese reason, another family's child a 403."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from tongxin.api_inputs import BIGINT_MAX, Id

from . import access, api_family, api_staff
from .selectors import network, records
from .services import bookings as booking_svc
from .services import waitlist as waitlist_svc

router = Router(tags=["社区托育"])
router.add_router("", api_family.router)
router.add_router("", api_staff.router)


class CentreOut(Schema):
    id: int
    name: str
    kind: str
    township: str
    community: str
    address: str
    hours: str
    affordable: bool
    places: int
    places_used: int
    children: int
    half_day_children: int
    waiting: int


@router.get("/centres", response=list[CentreOut], summary="可查看的托育中心和服务点（托位与人数，不含幼儿信息）")
def centres(request):
    access.require_reader(request.auth)
    rows = network.centre_rows(network.visible_centres(request.auth), on=timezone.localdate())
    return [{"id": r.pk, "name": r.name, "kind": r.kind, "township": r.township, "community": r.community,
             "address": r.address, "hours": r.hours, "affordable": r.affordable, "places": r.total,
             "places_used": r.used, "children": r.taken, "half_day_children": r.half, "waiting": r.waiting}
            for r in rows]


class ChildOut(Schema):
    id: int
    name: str
    age_months: int


class ContractOut(Schema):
    id: int
    child: str
    centre: str
    room: str
    care_type: str
    hours: str
    starts_on: dt.date
    ends_on: dt.date | None


class BookingOut(Schema):
    id: int
    child: str
    centre: str
    room: str
    day: dt.date
    hours: str
    cancellable: bool


class WaitOut(Schema):
    id: int
    child: str
    centre: str
    class_type: str
    care_type: str
    position: int
    state: str
    offered: str
    reply_by: dt.date | None


class FamilyOut(Schema):
    children: list[ChildOut]
    contracts: list[ContractOut]
    bookings: list[BookingOut]
    waiting: list[WaitOut]


@router.get("/mine", response=FamilyOut, summary="我的托育：本人孩子的托育协议、临时托预约和排队")
def mine(request):
    access.require_parent(request.auth)
    page = records.family_page(request.auth, today=timezone.localdate(), now=timezone.localtime())
    return {
        "children": [{"id": pk, "name": name, "age_months": age} for pk, name, age in page.children],
        "contracts": [{"id": c.pk, "child": c.child, "centre": c.centre, "room": c.room, "care_type": c.care_type,
                       "hours": c.hours, "starts_on": c.starts_on, "ends_on": c.ends_on} for c in page.contracts],
        "bookings": [{"id": b.pk, "child": b.child, "centre": b.centre, "room": b.room, "day": b.day,
                      "hours": b.hours, "cancellable": b.cancellable} for b in page.bookings],
        "waiting": [{"id": w.pk, "child": w.child, "centre": w.centre, "class_type": w.group,
                     "care_type": w.care_type, "position": w.position, "state": w.state, "offered": w.offered,
                     "reply_by": w.reply_by} for w in page.waiting],
    }


class BookingIn(Schema):
    centre_id: int = Field(ge=1, le=BIGINT_MAX)
    child_id: int = Field(ge=1, le=BIGINT_MAX)
    day: dt.date
    start: dt.time
    end: dt.time

    model_config = {"json_schema_extra": {"example": {"centre_id": 1, "child_id": 1, "day": "2027-03-02",
                                                      "start": "09:00", "end": "12:00"}}}


class BookedOut(Schema):
    id: int
    room: str
    day: dt.date
    hours: str


@router.post("/bookings", response={201: BookedOut}, summary="预约临时托（按小时）")
def book(request, data: BookingIn):
    access.require_parent(request.auth)
    booking = booking_svc.booking_create(request.auth, centre_id=data.centre_id, child_id=data.child_id, day=data.day,
                                         start=data.start, end=data.end, today=timezone.localdate(),
                                         now=timezone.localtime())
    return Status(201, {"id": booking.pk, "room": booking.room.name, "day": booking.day, "hours": booking.span.label})


class DoneOut(Schema):
    id: int
    state: str


@router.post("/bookings/{booking_id}/cancel", response=DoneOut, summary="取消尚未开始的临时托预约")
def cancel(request, booking_id: Id):
    booking = booking_svc.booking_cancel(request.auth, booking_id=booking_id, now=timezone.localtime())
    return {"id": booking.pk, "state": booking.get_state_display()}


class AnswerIn(Schema):
    accept: bool


@router.post("/waitlist/{entry_id}/answer", response=DoneOut, summary="答复入托通知：接受（签订协议）或放弃")
def answer(request, entry_id: Id, data: AnswerIn):
    entry = waitlist_svc.waitlist_answer(request.auth, entry_id=entry_id, accept=data.accept,
                                         today=timezone.localdate(), now=timezone.localtime())
    return {"id": entry.pk, "state": entry.get_state_display()}

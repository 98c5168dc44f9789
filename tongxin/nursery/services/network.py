"""The "1+N" network (N-02, N-13): a centre and its service points with their day, and their classes."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role, Site, User

from .. import access, rules
from ..choices import ClassType
from ..models import Centre, Room
from ..selectors.occupancy import limits_for, room_plan
from ._common import text

A = AuditEntry.Action


def _location(latitude: Decimal, longitude: Decimal) -> tuple[Decimal, Decimal]:
    """A WGS-84 position within China's extent (so a swapped pair or a typo is caught)."""
    if not (Decimal("3") <= latitude <= Decimal("54") and Decimal("73") <= longitude <= Decimal("136")):
        raise ValidationError("位置应为中国境内的 WGS-84 经纬度（纬度 3–54，经度 73–136）")
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


@transaction.atomic
def centre_create(actor: User, *, name: str, community_id: int, address: str, latitude: Decimal,
                  longitude: Decimal, centre_id: int | None = None, host: str = "", hours: rules.Hours | None = None,
                  affordable: bool = True, phone: str = "") -> Centre:
    """Open a centre, or (with `centre_id`) a service point of it, in a community (the administrator's or the
    county health bureau's act)."""
    county = access.office_county(actor)
    if county is None:
        raise PermissionDenied("只有县卫生健康局或系统管理员可以设立托育中心（服务点）")
    name = text(name, label="名称", max_length=64)
    if not name:
        raise ValidationError("请填写名称")
    address = text(address, label="地址", max_length=128)
    host = text(host, label="依托场所", max_length=64)
    phone = text(phone, label="联系电话", max_length=16)
    community = Region.objects.filter(pk=community_id, level=Region.Level.COMMUNITY).first()
    if community is None or not (community.path.startswith(county.path) or Role.ADMIN in scope.roles(actor)):
        raise ValidationError("请选择本县的一个社区（村）")
    hours = hours or rules.Hours()
    problem = rules.hours_problem(hours)
    if problem:
        raise ValidationError(problem)
    latitude, longitude = _location(latitude, longitude)
    parent = None
    if centre_id is not None:
        main = Centre.objects.filter(pk=centre_id, kind=Centre.Kind.CENTRE).select_related("site").first()
        if main is None:
            raise ValidationError("服务点应隶属于一个托育服务中心")
        parent = main.site
    if Site.objects.filter(kind=Site.Kind.NURSERY, name=name).exists():
        raise ValidationError(f"已有名为“{name}”的托育中心（服务点）")
    site = Site.objects.create(name=name, kind=Site.Kind.NURSERY, region=community, address=address, capacity=0,
                               parent=parent)
    centre = Centre.objects.create(site=site, kind=Centre.Kind.POINT if parent else Centre.Kind.CENTRE, host=host,
                                   latitude=latitude, longitude=longitude, opens=hours.opens, closes=hours.closes,
                                   midday=hours.midday, extended_until=hours.extended_until, affordable=affordable,
                                   phone=phone)
    record(actor, A.CREATE, centre, reason="设立社区托育服务点" if parent else "设立社区托育服务中心")
    return centre


@transaction.atomic
def centre_hours_set(actor: User, *, centre_id: int, hours: rules.Hours) -> Centre:
    """The manager sets the centre's day (opening, the half-day boundary, closing, extended hours)."""
    centre = Centre.objects.select_for_update().filter(pk=centre_id).first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre)
    problem = rules.hours_problem(hours)
    if problem:
        raise ValidationError(problem)
    centre.opens, centre.closes, centre.midday, centre.extended_until = (hours.opens, hours.closes, hours.midday,
                                                                         hours.extended_until)
    centre.save(update_fields=["opens", "closes", "midday", "extended_until"])
    record(actor, A.UPDATE, centre, fields=["opens", "closes", "midday", "extended_until"],
           reason=f"开放时间改为 {hours.label}")
    return centre


@transaction.atomic
def room_create(actor: User, *, centre_id: int, name: str, class_type: str, places: int) -> Room:
    """Open a class (with its room) at a centre or point, with its licensed places (核定托位)."""
    centre = Centre.objects.filter(pk=centre_id).select_related("site__region").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre)
    name = text(name, label="班级名称", max_length=32)
    if not name:
        raise ValidationError("请填写班级名称")
    if class_type not in ClassType.values:
        raise ValidationError("请选择班型")
    size = limits_for(centre)[class_type].max_size
    if type(places) is not int or not 1 <= places <= size:
        raise ValidationError(f"{ClassType(class_type).label}核定托位应为 1 到 {size} 个")
    if Room.objects.filter(centre=centre, name=name).exists():
        raise ValidationError(f"本机构已有“{name}”")
    room = Room.objects.create(centre=centre, name=name, class_type=class_type, places=places)
    total = sum(Room.objects.filter(centre=centre, active=True).values_list("places", flat=True))
    Site.objects.filter(pk=centre.site_id).update(capacity=total)
    record(actor, A.CREATE, room, reason=f"开设{ClassType(class_type).label}，核定托位 {places} 个")
    return room


@transaction.atomic
def centre_settings_set(actor: User, *, centre_id: int, hours: rules.Hours, phone: str, offer_reply_days: int,
                        host: str) -> Centre:
    """The manager keeps the centre's own details: its day, its phone, the host space of a point, and how many days
    a family offered a place has to answer."""
    centre = Centre.objects.select_for_update().filter(pk=centre_id).select_related("site__region").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre)
    problem = rules.hours_problem(hours)
    if problem:
        raise ValidationError(problem)
    if type(offer_reply_days) is not int or not 1 <= offer_reply_days <= rules.OFFER_REPLY_DAYS_MAX:
        raise ValidationError(f"入托通知答复期限应为 1 到 {rules.OFFER_REPLY_DAYS_MAX} 天")
    centre.phone = text(phone, label="联系电话", max_length=16)
    centre.host = text(host, label="依托场所", max_length=64)
    centre.opens, centre.closes, centre.midday, centre.extended_until = (hours.opens, hours.closes, hours.midday,
                                                                         hours.extended_until)
    centre.offer_reply_days = offer_reply_days
    fields = ["opens", "closes", "midday", "extended_until", "phone", "host", "offer_reply_days"]
    centre.save(update_fields=fields)
    record(actor, A.UPDATE, centre, fields=fields, reason=f"机构信息：开放时间 {hours.label}，答复期限 {offer_reply_days} 天")
    return centre


@transaction.atomic
def room_update(actor: User, *, room_id: int, name: str, places: int, active: bool, today: dt.date) -> Room:
    """Rename a class, change its licensed places, or close it. Places never fall below the children it already
    holds at once on any day from today (contracts, bookings and held offers), and a class with children to come is
    not closed."""
    room = Room.objects.select_for_update().filter(pk=room_id).select_related("centre__site__region").first()
    if room is None:
        raise ValidationError("未找到该班级")
    access.require_manager(actor, room.centre)
    name = text(name, label="班级名称", max_length=32)
    if not name:
        raise ValidationError("请填写班级名称")
    if Room.objects.filter(centre=room.centre, name=name).exclude(pk=room.pk).exists():
        raise ValidationError(f"本机构已有“{name}”")
    size = limits_for(room.centre)[room.class_type].max_size
    if type(places) is not int or not 1 <= places <= size:
        raise ValidationError(f"{room.get_class_type_display()}核定托位应为 1 到 {size} 个")
    plan = room_plan(room, today)
    most = max((rules.peak(plan.spans(d)) for d in plan.days_that_matter(today, None)), default=0)
    if not active and most:
        raise ValidationError(f"{room.name}还有在托或将入托的幼儿，请先办理退托或调班后再停用")
    if places < most:
        raise ValidationError(f"{room.name}最多同时有 {most} 名幼儿在托，核定托位不能少于 {most} 个")
    before = (room.name, room.places, room.active)
    room.name, room.places, room.active = name, places, active
    room.save(update_fields=["name", "places", "active"])
    total = sum(Room.objects.filter(centre=room.centre, active=True).values_list("places", flat=True))
    Site.objects.filter(pk=room.centre.site_id).update(capacity=total)
    record(actor, A.UPDATE, room, fields=["name", "places", "active"],
           reason=f"班级由“{before[0]}”托位 {before[1]} 个{'' if before[2] else '（停用）'}改为“{name}”托位 {places} 个"
                  + ("" if active else "（停用）"))
    return room

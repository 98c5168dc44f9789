"""Partners that lend venues or run activities, and programmes booking their venues (S-09, S-10)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.db import stored_text
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Region, Site, User

from .. import partner_rules, permissions
from ..models import Partner, PartnerVenue, Programme, VenueBooking
from ._common import A, changed_fields, refuse_if_withdrawn, withdraw_record
from .programmes import lend_site


def _partner_fields(*, name: str, kind: str, contact: str, phone: str, activities: str) -> dict:
    if kind not in Partner.Kind.values:
        raise ValidationError({"kind": "请选择单位类型"})
    fields = {"name": stored_text(name, label="单位名称", max_length=64), "kind": kind,
              "contact": stored_text(contact, label="联系人", max_length=32),
              "phone": stored_text(phone, label="联系电话", max_length=20),
              "activities": stored_text(activities, label="可开展的活动", max_length=128)}
    if not fields["name"] or not fields["contact"]:
        raise ValidationError("请填写单位名称和联系人")
    return fields


@transaction.atomic
def register_partner(*, actor: User, name: str, kind: str, contact: str, phone: str, region: Region,
                     activities: str = "") -> Partner:
    """Put a school, library, youth palace or social organisation in the township's registry."""
    if not permissions.may_keep_partners(actor):
        raise PermissionDenied("只有学校领导或社区儿童主任可以登记合作单位")
    if not _in_manage_area(actor, region):
        raise PermissionDenied("只能登记本乡镇（街道）范围内的合作单位")
    fields = _partner_fields(name=name, kind=kind, contact=contact, phone=phone, activities=activities)
    if Partner.objects.filter(region=region, name=fields["name"], withdrawn_at__isnull=True).exists():
        raise ValidationError({"name": "该区划已登记同名合作单位"})
    partner = Partner.objects.create(**fields, region=region, created_by=actor)
    record(actor, A.CREATE, partner, fields=["name", "kind", "contact", "region"])
    return partner


@transaction.atomic
def edit_partner(*, actor: User, partner: Partner, name: str, kind: str, contact: str, phone: str,
                 activities: str = "") -> Partner:
    """Correct a partner's name, kind, contact or activities (its region stays: it is the registry it is in)."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    permissions.require_partner_manager(actor, partner)
    refuse_if_withdrawn(partner)
    fields = _partner_fields(name=name, kind=kind, contact=contact, phone=phone, activities=activities)
    if Partner.objects.filter(region_id=partner.region_id, name=fields["name"], withdrawn_at__isnull=True) \
            .exclude(pk=partner.pk).exists():
        raise ValidationError({"name": "该区划已登记同名合作单位"})
    changed = changed_fields(partner, fields)
    if changed:
        partner.save(update_fields=changed)
        record(actor, A.UPDATE, partner, fields=changed, reason="更正合作单位信息")
    return partner


def _bookings_in_use(venues, today: dt.date):
    return (VenueBooking.objects.filter(venue__in=venues, end__gte=today)
            .select_related("programme", "venue__site").order_by("start"))


def _in_use_refusal(what: str, booking: VenueBooking) -> ValidationError:
    return ValidationError(f"{what}不能撤销：{booking.programme.name}已预约{booking.venue.site.name}"
                           f"（{booking.times_text}），请先与该项目协商取消预约")


@transaction.atomic
def withdraw_partner(*, actor: User, partner: Partner, reason: str, today: dt.date | None = None) -> Partner:
    """Take a partner out of the registry (a wrong entry, or it no longer lends or runs anything): its venues go
    with it. Refused while a programme's booking of one of its venues runs today or later."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    permissions.require_partner_manager(actor, partner)
    venues = list(PartnerVenue.objects.select_for_update().filter(partner=partner, withdrawn_at__isnull=True))
    booking = _bookings_in_use(venues, today or timezone.localdate()).first()
    if booking is not None:
        raise _in_use_refusal(partner.name, booking)
    withdraw_record(actor, partner, reason)
    for venue in venues:
        withdraw_record(actor, venue, f"合作单位撤销：{partner.withdraw_reason}")
    return partner


def _in_manage_area(actor: User, region: Region) -> bool:
    return Region.objects.filter(pk=region.pk).filter(permissions.partner_manage_q(actor, "path")).exists()


def _venue_fields(*, site: Site, capacity: int, weekdays: list[int], opens: dt.time, closes: dt.time,
                  note: str) -> dict:
    if not 1 <= capacity <= site.capacity:
        raise ValidationError({"capacity": f"可容纳人数须在 1 到 {site.capacity} 人（场所核定人数）之间"})
    if not weekdays or any(d not in partner_rules.WEEKDAY_LABELS for d in weekdays):
        raise ValidationError({"weekdays": "请选择开放日"})
    if closes <= opens:
        raise ValidationError({"closes": "关闭时间须晚于开放时间"})
    return {"capacity": capacity, "weekdays": sorted(set(weekdays)), "opens": opens, "closes": closes,
            "note": stored_text(note, label="使用说明", max_length=128)}


@transaction.atomic
def add_partner_venue(*, actor: User, partner: Partner, site: Site, capacity: int, weekdays: list[int],
                      opens: dt.time, closes: dt.time, note: str = "") -> PartnerVenue:
    """A venue the partner lends, with the children it takes at a time and when it is open."""
    permissions.require_partner_manager(actor, partner)
    if partner.withdrawn_at is not None:
        raise ValidationError("该合作单位已撤销")
    if not orgs.custody_venues().filter(pk=site.pk).exists():
        raise ValidationError({"site": "托育机构的场所不能作为托管场所"})
    fields = _venue_fields(site=site, capacity=capacity, weekdays=weekdays, opens=opens, closes=closes, note=note)
    if PartnerVenue.objects.filter(partner=partner, site=site, withdrawn_at__isnull=True).exists():
        raise ValidationError({"site": "该场所已登记"})
    venue = PartnerVenue.objects.create(partner=partner, site=site, **fields)
    record(actor, A.CREATE, venue, fields=["site", "capacity", "weekdays", "opens", "closes"])
    return venue


@transaction.atomic
def edit_partner_venue(*, actor: User, venue: PartnerVenue, capacity: int, weekdays: list[int], opens: dt.time,
                       closes: dt.time, note: str = "", today: dt.date | None = None) -> PartnerVenue:
    """Correct a venue's seats, days or hours. Refused when a booking running today or later would no longer fit
    (outside the new days or hours, or more children at a time than the new seats), naming it."""
    venue = PartnerVenue.objects.select_for_update(of=("self",)).select_related("site", "partner").get(pk=venue.pk)
    permissions.require_partner_manager(actor, venue.partner)
    refuse_if_withdrawn(venue)
    fields = _venue_fields(site=venue.site, capacity=capacity, weekdays=weekdays, opens=opens, closes=closes,
                           note=note)
    bookings = list(_bookings_in_use([venue], today or timezone.localdate()))
    for b in bookings:
        others = sum(o.children for o in bookings if o.pk != b.pk and partner_rules.bookings_clash(
            o.start, o.end, o.weekdays, o.day_start, o.day_end, b.start, b.end, b.weekdays, b.day_start, b.day_end))
        problem = partner_rules.booking_problem(
            capacity=fields["capacity"], opens=fields["opens"], closes=fields["closes"],
            open_days=fields["weekdays"], children=b.children, day_start=b.day_start, day_end=b.day_end,
            weekdays=b.weekdays, booked_at_the_same_time=others, venue_name=venue.site.name)
        if problem:
            raise ValidationError(f"修改后{b.programme.name}的预约（{b.times_text}，{b.children} 人）将无法使用：{problem}")
    changed = changed_fields(venue, fields)
    if changed:
        venue.save(update_fields=changed)
        record(actor, A.UPDATE, venue, fields=changed, reason="更正出借场所信息")
    return venue


@transaction.atomic
def withdraw_partner_venue(*, actor: User, venue: PartnerVenue, reason: str,
                           today: dt.date | None = None) -> PartnerVenue:
    """Stop lending a venue. Refused while a programme's booking of it runs today or later (say which)."""
    venue = PartnerVenue.objects.select_for_update(of=("self",)).select_related("site", "partner").get(pk=venue.pk)
    permissions.require_partner_manager(actor, venue.partner)
    booking = _bookings_in_use([venue], today or timezone.localdate()).first()
    if booking is not None:
        raise _in_use_refusal(f"{venue.site.name}", booking)
    withdraw_record(actor, venue, reason)
    return venue


def bookable_venues(programme: Programme):
    """Partners' venues a programme may book: those registered in its county (the lent room may be in the
    next township, like the county youth palace)."""
    county = programme.organiser_region.path.strip("/").split("/")[0]
    return (PartnerVenue.objects.filter(partner__region__path__startswith=f"/{county}/", withdrawn_at__isnull=True,
                                        partner__withdrawn_at__isnull=True)
            .select_related("partner", "site").order_by("partner__name", "site__name"))


@transaction.atomic
def book_partner_venue(*, actor: User, programme: Programme, venue: PartnerVenue, start: dt.date, end: dt.date,
                       weekdays: list[int], day_start: dt.time, day_end: dt.time, children: int,
                       purpose: str = "") -> VenueBooking:
    """Book a partner's venue for the programme. Refused, with the reason, outside the venue's days or hours or
    beyond its seats less what others booked at the same time. The room joins the programme's sites."""
    permissions.require_organiser(actor, programme)
    if not bookable_venues(programme).filter(pk=venue.pk).exists():
        raise ValidationError({"venue": "该场所不在本县合作单位登记的场所之内"})
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期"})
    venue = PartnerVenue.objects.select_for_update().get(pk=venue.pk)  # one booking at a time per venue
    if venue.withdrawn_at is not None:
        raise ValidationError({"venue": "该场所已撤销，不能预约"})
    others = sum(b.children for b in VenueBooking.objects.filter(venue=venue, start__lte=end, end__gte=start)
                 if partner_rules.bookings_clash(b.start, b.end, b.weekdays, b.day_start, b.day_end,
                                                 start, end, weekdays, day_start, day_end))
    problem = partner_rules.booking_problem(
        capacity=venue.capacity, opens=venue.opens, closes=venue.closes, open_days=venue.weekdays, children=children,
        day_start=day_start, day_end=day_end, weekdays=weekdays, booked_at_the_same_time=others,
        venue_name=venue.site.name)
    if problem:
        raise ValidationError(problem)
    booking = VenueBooking.objects.create(programme=programme, venue=venue, start=start, end=end,
                                          weekdays=sorted(set(weekdays)), day_start=day_start, day_end=day_end,
                                          children=children, recorded_by=actor,
                                          purpose=stored_text(purpose, label="用途", max_length=64))
    if not programme.sites.filter(pk=venue.site_id).exists():
        partner = venue.partner
        lend_site(actor, programme, site=venue.site, lender=f"{partner.name} {partner.contact} {partner.phone}",
                  agreed_on=min(start, timezone.localdate()), note=purpose)
    record(actor, A.CREATE, booking, fields=["venue", "start", "end", "weekdays", "day_start", "day_end", "children"])
    return booking

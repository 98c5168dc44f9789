"""Partners that lend venues or run activities, and programmes booking their venues (S-09, S-10)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Region, Site, User

from .. import partner_rules, permissions
from ..models import Partner, PartnerVenue, Programme, VenueBooking
from ._common import A
from .programmes import lend_site


@transaction.atomic
def register_partner(*, actor: User, name: str, kind: str, contact: str, phone: str, region: Region,
                     activities: str = "") -> Partner:
    """Put a school, library, youth palace or social organisation in the township's registry."""
    if not permissions.may_keep_partners(actor):
        raise PermissionDenied("只有学校领导或社区儿童主任可以登记合作单位")
    if not _in_manage_area(actor, region):
        raise PermissionDenied("只能登记本乡镇（街道）范围内的合作单位")
    if kind not in Partner.Kind.values:
        raise ValidationError({"kind": "请选择单位类型"})
    if not name.strip() or not contact.strip():
        raise ValidationError("请填写单位名称和联系人")
    if Partner.objects.filter(region=region, name=name.strip()).exists():
        raise ValidationError({"name": "该区划已登记同名合作单位"})
    partner = Partner.objects.create(name=name.strip(), kind=kind, contact=contact.strip(), phone=phone.strip(),
                                     region=region, activities=activities.strip(), created_by=actor)
    record(actor, A.CREATE, partner, fields=["name", "kind", "contact", "region"])
    return partner


def _in_manage_area(actor: User, region: Region) -> bool:
    return Region.objects.filter(pk=region.pk).filter(permissions.partner_manage_q(actor, "path")).exists()


@transaction.atomic
def add_partner_venue(*, actor: User, partner: Partner, site: Site, capacity: int, weekdays: list[int],
                      opens: dt.time, closes: dt.time, note: str = "") -> PartnerVenue:
    """A venue the partner lends, with the children it takes at a time and when it is open."""
    permissions.require_partner_manager(actor, partner)
    if not orgs.custody_venues().filter(pk=site.pk).exists():
        raise ValidationError({"site": "托育机构的场所不能作为托管场所"})
    if not 1 <= capacity <= site.capacity:
        raise ValidationError({"capacity": f"可容纳人数须在 1 到 {site.capacity} 人（场所核定人数）之间"})
    if not weekdays or any(d not in partner_rules.WEEKDAY_LABELS for d in weekdays):
        raise ValidationError({"weekdays": "请选择开放日"})
    if closes <= opens:
        raise ValidationError({"closes": "关闭时间须晚于开放时间"})
    if PartnerVenue.objects.filter(partner=partner, site=site).exists():
        raise ValidationError({"site": "该场所已登记"})
    venue = PartnerVenue.objects.create(partner=partner, site=site, capacity=capacity, weekdays=sorted(set(weekdays)),
                                        opens=opens, closes=closes, note=note.strip())
    record(actor, A.CREATE, venue, fields=["site", "capacity", "weekdays", "opens", "closes"])
    return venue


def bookable_venues(programme: Programme):
    """Partners' venues a programme may book: those registered in its county (the lent room may be in the
    next township, like the county youth palace)."""
    county = programme.organiser_region.path.strip("/").split("/")[0]
    return (PartnerVenue.objects.filter(partner__region__path__startswith=f"/{county}/")
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
                                          children=children, purpose=purpose.strip(), recorded_by=actor)
    if not programme.sites.filter(pk=venue.site_id).exists():
        partner = venue.partner
        lend_site(actor, programme, site=venue.site, lender=f"{partner.name} {partner.contact} {partner.phone}",
                  agreed_on=min(start, timezone.localdate()), note=purpose)
    record(actor, A.CREATE, booking, fields=["venue", "start", "end", "weekdays", "day_start", "day_end", "children"])
    return booking

"""What an office has set, as its page shows it: the class limits (national, the county's, the centre's, and what
applies), the prices in force and coming (the centre's beside the county's 普惠 price) and the subsidies."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tongxin.orgs.models import Region

from .. import rules
from ..choices import AgeBand, ClassType, PriceItem, SubsidyKind
from ..models import Centre, ClassLimit, Price, Subsidy


@dataclass(frozen=True)
class LimitRow:
    class_type: str
    label: str
    ages: str
    national: rules.Limit
    county: tuple[int | None, int | None]
    own: tuple[int | None, int | None]
    applies: rules.Limit


@dataclass(frozen=True)
class PriceView:
    item: str
    label: str
    band: str
    band_label: str
    now: Decimal | None       # the office's own price in force today
    affordable: Decimal | None  # the county's 普惠 price in force today (for a centre)
    coming: list[tuple[dt.date, Decimal]]  # the office's own later prices


@dataclass(frozen=True)
class SubsidyView:
    kind: str
    label: str
    now: Decimal | None
    county: Decimal | None
    coming: list[tuple[dt.date, Decimal]]


@dataclass
class OfficeSettings:
    name: str
    limits: list[LimitRow]
    prices: list[PriceView]
    subsidies: list[SubsidyView]


def _county_path(centre: Centre | None, county: Region | None) -> str:
    if county is not None:
        return county.path
    assert centre is not None
    return "/" + centre.site.region.path.strip("/").split("/")[0] + "/"


def office_settings(*, today: dt.date, centre: Centre | None = None, county: Region | None = None) -> OfficeSettings:
    path = _county_path(centre, county)
    county_limits = {r.class_type: (r.max_size, r.per_carer)
                     for r in ClassLimit.objects.filter(region__path=path, centre__isnull=True)}
    own_limits = ({r.class_type: (r.max_size, r.per_carer) for r in ClassLimit.objects.filter(centre=centre)}
                  if centre else {})
    limits = []
    for t in ClassType.values:
        low, high = rules.AGES[t]
        c, o = county_limits.get(t, (None, None)), own_limits.get(t, (None, None))
        limits.append(LimitRow(t, ClassType(t).label, f"{low}–{high} 个月", rules.NATIONAL[t], c, o,
                               rules.effective_limit(t, c, o)))
    county_prices = [rules.PriceRow(p.item, p.band, p.amount, p.effective_from)
                     for p in Price.objects.filter(region__path=path, centre__isnull=True)]
    own_prices = ([rules.PriceRow(p.item, p.band, p.amount, p.effective_from) for p in Price.objects.filter(centre=centre)]
                  if centre else county_prices)
    prices = []
    for item in PriceItem.values:
        for band in AgeBand.values:
            prices.append(PriceView(
                item, PriceItem(item).label, band, AgeBand(band).label, rules.price_on(own_prices, item, band, today),
                rules.price_on(county_prices, item, band, today) if centre else None,
                sorted((r.effective_from, r.amount) for r in own_prices
                       if r.item == item and r.band == band and r.effective_from > today)))
    county_subsidies = [rules.SubsidyRow(s.kind, s.amount, s.effective_from)
                        for s in Subsidy.objects.filter(region__path=path, centre__isnull=True)]
    own_subsidies = ([rules.SubsidyRow(s.kind, s.amount, s.effective_from) for s in Subsidy.objects.filter(centre=centre)]
                     if centre else county_subsidies)
    subsidies = [SubsidyView(kind, SubsidyKind(kind).label, rules.subsidy_on(own_subsidies, [], kind, today),
                             rules.subsidy_on([], county_subsidies, kind, today) if centre else None,
                             sorted((r.effective_from, r.amount) for r in own_subsidies
                                    if r.kind == kind and r.effective_from > today))
                 for kind in SubsidyKind.values]
    name = centre.name if centre else (county.name if county else "")
    return OfficeSettings(name, limits, prices, subsidies)

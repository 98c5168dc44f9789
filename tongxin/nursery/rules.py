"""Community childcare's rules (社区托育): pure functions of what they are given — ages, limits, hours, money.
Tests call them with any date and time; the services pass in what they read.

Class types and limits are the national standard's (托育机构设置标准（试行）, 国卫人口发〔2019〕58号):
乳儿班 6–12 months, at most 10 children and at least one carer (保育人员) for 3; 托小班 12–24 months, 15, 1:5;
托大班 24–36 months, 20, 1:7; children of 18 months and over may be mixed, at most 18 a class (混合班). The
standard sets no ratio of its own for a mixed class: we take that of the youngest children it admits (18–24
months are 托小班 children: 1:5), since a mixed class may hold them at any hour and the standard's ratios are
minimums (「不低于」). The county's health bureau and a centre's manager may tighten any value, never loosen it past
the national one; the strictest value set applies (`effective_limit`).

Times are half-open spans [start, end): a child booked 14:00–16:00 and a carer on duty 16:00–18:00 do not meet.
Money is yuan with two decimals, rounded half up.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .choices import AgeBand, CareType, ClassType, PriceItem

# ---------------------------------------------------------------- classes, ages and limits


@dataclass(frozen=True)
class Limit:
    max_size: int   # children in the class at once
    per_carer: int  # children one carer on duty may look after


NATIONAL: dict[str, Limit] = {
    ClassType.INFANT: Limit(10, 3),
    ClassType.TODDLER: Limit(15, 5),
    ClassType.OLDER: Limit(20, 7),
    ClassType.MIXED: Limit(18, 5),
}
# Ages in completed months, [from, to): the national standard's, not editable.
AGES: dict[str, tuple[int, int]] = {
    ClassType.INFANT: (6, 12),
    ClassType.TODDLER: (12, 24),
    ClassType.OLDER: (24, 36),
    ClassType.MIXED: (18, 36),
}
YOUNGEST_MONTHS, OLDEST_MONTHS = 6, 36


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Completed months of age on a day (born 15 March: 1 month on 15 April, still 0 on 14 April)."""
    return (on.year - birth.year) * 12 + on.month - birth.month - (1 if on.day < birth.day else 0)


def class_fits(age_months: int, class_type: str) -> bool:
    """Whether a child of this age belongs in a class of this type."""
    low, high = AGES[class_type]
    return low <= age_months < high


def fitting_types(age_months: int) -> list[str]:
    return [t for t in ClassType.values if class_fits(age_months, t)]


def age_problem(age_months: int, class_type: str) -> str | None:
    """Why a child of this age cannot be in a class of this type, or None."""
    if class_fits(age_months, class_type):
        return None
    if age_months < YOUNGEST_MONTHS:
        return f"幼儿未满 {YOUNGEST_MONTHS} 个月（现 {max(age_months, 0)} 个月），托育机构暂不能收托"
    if age_months >= OLDEST_MONTHS:
        return f"幼儿已满 3 周岁（{age_months} 个月），应入幼儿园"
    low, high = AGES[class_type]
    return f"{ClassType(class_type).label}收 {low}–{high} 个月的幼儿，该幼儿 {age_months} 个月"


def national(class_type: str) -> Limit:
    return NATIONAL[class_type]


def effective_limit(class_type: str, *overrides: tuple[int | None, int | None]) -> Limit:
    """The limit that applies: the strictest of the national one and each office's (max size, children per carer),
    an unset value (None) following the others."""
    size, per = NATIONAL[class_type].max_size, NATIONAL[class_type].per_carer
    for max_size, per_carer in overrides:
        if max_size is not None:
            size = min(size, max_size)
        if per_carer is not None:
            per = min(per, per_carer)
    return Limit(max(size, 1), max(per, 1))


def limit_problem(class_type: str, max_size: int | None, per_carer: int | None) -> str | None:
    """Why an office cannot set these values for a class type (they may only tighten the national ones)."""
    if class_type not in NATIONAL:
        return "没有这种班型"
    top = NATIONAL[class_type]
    label = ClassType(class_type).label
    if max_size is not None and not 1 <= max_size <= top.max_size:
        return f"{label}每班幼儿人数应为 1 到 {top.max_size} 人（国家标准最多 {top.max_size} 人）"
    if per_carer is not None and not 1 <= per_carer <= top.per_carer:
        return f"{label}每名保育人员照护的幼儿应为 1 到 {top.per_carer} 名（国家标准 1:{top.per_carer}）"
    return None


def class_size(limit: Limit, places: int) -> int:
    """Children a class may hold at once: its licensed places, never more than its type's size."""
    return min(limit.max_size, places)


def size_ok(children: int, class_type: str, *, limit: Limit | None = None, places: int | None = None) -> bool:
    """Whether `children` at once fit a class of this type (and, given, its licensed places)."""
    limit = limit or NATIONAL[class_type]
    return children <= (limit.max_size if places is None else class_size(limit, places))


def ratio_ok(children_present: int, carers_on_duty: int, class_type: str, *, limit: Limit | None = None) -> bool:
    """Whether the carers on duty are enough for the children present."""
    limit = limit or NATIONAL[class_type]
    return children_present <= carers_on_duty * limit.per_carer


def carers_needed(children: int, class_type: str, *, limit: Limit | None = None) -> int:
    limit = limit or NATIONAL[class_type]
    return math.ceil(children / limit.per_carer) if children > 0 else 0


# ---------------------------------------------------------------- times


@dataclass(frozen=True, order=True)
class Span:
    """[start, end) within one day."""

    start: dt.time
    end: dt.time

    @property
    def minutes(self) -> int:
        return _m(self.end) - _m(self.start)

    def covers(self, start: dt.time, end: dt.time) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def label(self) -> str:
        return f"{hm(self.start)}–{hm(self.end)}"


def _m(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _t(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60) if minutes < 24 * 60 else dt.time(23, 59)


def hm(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


STEP_MINUTES = 30       # bookings and contract hours are set on the half hour
MIN_BOOKING_MINUTES = 60
OFFER_REPLY_DAYS = 7       # a family offered a place answers within a week (the centre may set 1–30 days)
OFFER_REPLY_DAYS_MAX = 30
MIDDAY = dt.time(12, 0)  # where a morning half-day ends and an afternoon one begins, unless the centre sets its own


@dataclass(frozen=True)
class Hours:
    """A centre's (or point's) day: opening, the half-day boundary, closing, and extended hours (延时, N-04)."""

    opens: dt.time = dt.time(7, 30)
    closes: dt.time = dt.time(18, 0)
    extended_until: dt.time | None = None
    midday: dt.time = MIDDAY

    @property
    def last(self) -> dt.time:
        return self.extended_until or self.closes

    @property
    def label(self) -> str:
        text = f"{hm(self.opens)}–{hm(self.closes)}"
        return f"{text}（延时至 {hm(self.extended_until)}）" if self.extended_until else text


def hours_problem(hours: Hours) -> str | None:
    """Why a centre cannot keep these hours, or None."""
    if not hours.opens < hours.midday < hours.closes:
        return "开园时间、半日托分界时间、闭园时间应依次递增"
    if hours.extended_until is not None and hours.extended_until <= hours.closes:
        return "延时服务的结束时间应晚于闭园时间"
    if any(t.minute % STEP_MINUTES or t.second for t in (hours.opens, hours.closes, hours.midday, hours.last)):
        return "时间应为整点或半点"
    return None


def care_window(care_type: str, hours: Hours) -> Span:
    """When a contract of this type may have the child: a morning half-day from opening to midday, an afternoon one
    from midday; a full day or an afternoon may be picked up as late as extended hours allow."""
    if care_type == CareType.HALF_AM:
        return Span(hours.opens, hours.midday)
    if care_type == CareType.HALF_PM:
        return Span(hours.midday, hours.last)
    return Span(hours.opens, hours.last)


def default_span(care_type: str, hours: Hours) -> Span:
    """The daily hours a contract gets unless the family agrees others (extended hours are chosen, not given)."""
    window = care_window(care_type, hours)
    return Span(window.start, min(window.end, hours.closes))


def _on_step(t: dt.time) -> bool:
    return t.minute % STEP_MINUTES == 0 and t.second == 0 and t.microsecond == 0


def contract_hours_problem(care_type: str, span: Span, hours: Hours) -> str | None:
    """Why a contract of this type cannot have these daily hours, or None."""
    if span.start >= span.end:
        return "离园时间应晚于入园时间"
    if not (_on_step(span.start) and _on_step(span.end)):
        return "入园、离园时间应为整点或半点"
    window = care_window(care_type, hours)
    if not window.covers(span.start, span.end):
        label = CareType(care_type).label
        return f"{label}的时间应在 {window.label} 之内"
    return None


def booking_problem(span: Span, hours: Hours) -> str | None:
    """Why temporary care cannot be booked for these hours, or None."""
    if span.start >= span.end:
        return "结束时间应晚于开始时间"
    if not (_on_step(span.start) and _on_step(span.end)):
        return "预约时间应为整点或半点"
    if span.minutes < MIN_BOOKING_MINUTES:
        return f"临时托每次至少 {MIN_BOOKING_MINUTES // 60} 小时"
    if not Span(hours.opens, hours.last).covers(span.start, span.end):
        return f"预约时间应在开放时间 {hours.label} 之内"
    return None


def extended_minutes(span: Span, closes: dt.time) -> int:
    """Minutes of a span after closing time (延时)."""
    return max(0, _m(span.end) - max(_m(span.start), _m(closes)))


# ---------------------------------------------------------------- who is in the room, moment by moment


@dataclass(frozen=True)
class Segment:
    start: dt.time
    end: dt.time
    children: int
    carers: int

    @property
    def label(self) -> str:
        return f"{hm(self.start)}–{hm(self.end)}"


def segments(*, children: Sequence[Span], carers: Sequence[Span], within: Span) -> list[Segment]:
    """`within`, cut wherever a child or a carer comes or goes, with how many of each are there in each piece."""
    cuts = {_m(within.start), _m(within.end)}
    for s in (*children, *carers):
        for t in (_m(s.start), _m(s.end)):
            if _m(within.start) < t < _m(within.end):
                cuts.add(t)
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        kids = sum(1 for s in children if _m(s.start) <= a and b <= _m(s.end))
        staff = sum(1 for s in carers if _m(s.start) <= a and b <= _m(s.end))
        out.append(Segment(_t(a), _t(b), kids, staff))
    return out


def admission_problems(*, label: str, limit: Limit, places: int, children: Sequence[Span], carers: Sequence[Span],
                       new: Span, ratio: bool = True) -> list[str]:
    """Why one more child, for `new`, cannot join a class that already has `children` with `carers` on duty: each
    stretch of time at which the class would be over its size, or (with `ratio`) over what its carers may look
    after, in Chinese, e.g. 「14:00–16:00 托小班在岗保育人员 2 人，最多照护 10 名幼儿，已有 10 名」."""
    size = class_size(limit, places)
    found: list[tuple[dt.time, dt.time, str]] = []
    for seg in segments(children=children, carers=carers, within=new):
        if seg.children + 1 > size:
            text = f"{label}已满：最多 {size} 名幼儿，已有 {seg.children} 名"
        elif ratio and seg.children + 1 > seg.carers * limit.per_carer:
            text = (f"{label}在岗保育人员 {seg.carers} 人，最多照护 {seg.carers * limit.per_carer} 名幼儿，"
                    f"已有 {seg.children} 名")
        else:
            continue
        if found and found[-1][1] == seg.start and found[-1][2] == text:
            found[-1] = (found[-1][0], seg.end, text)
        else:
            found.append((seg.start, seg.end, text))
    return [f"{hm(a)}–{hm(b)} {text}" for a, b, text in found]


@dataclass(frozen=True)
class Slot:
    """An hour of a class's day on the ratio board, shown at its tightest moment (the most children for the carers
    then on duty); `ok` when every moment of the hour is within the class's size and ratio."""

    start: dt.time
    end: dt.time
    children: int
    carers: int
    capacity: int  # children the carers on duty may look after, within the class's size
    needed: int    # carers the children need
    ok: bool

    @property
    def label(self) -> str:
        return f"{hm(self.start)}–{hm(self.end)}"


def hour_slots(hours: Hours) -> list[Span]:
    """The day from opening to the end of extended hours by the hour (the last one cut at closing and at the end)."""
    marks = sorted({_m(hours.closes), _m(hours.last)})
    out, t = [], _m(hours.opens)
    while t < _m(hours.last):
        end = min(t + 60, *[m for m in marks if m > t])
        out.append(Span(_t(t), _t(end)))
        t = end
    return out


def ratio_board(*, limit: Limit, places: int, children: Sequence[Span], carers: Sequence[Span],
                hours: Hours) -> list[Slot]:
    size = class_size(limit, places)
    out = []
    for slot in hour_slots(hours):
        segs = segments(children=children, carers=carers, within=slot)
        worst = max(segs, key=lambda s: (s.children - min(size, s.carers * limit.per_carer), s.children))
        ok = all(s.children <= size and s.children <= s.carers * limit.per_carer for s in segs)
        out.append(Slot(slot.start, slot.end, worst.children, worst.carers,
                        min(size, worst.carers * limit.per_carer), carers_needed(worst.children, "", limit=limit), ok))
    return out


def free_places(board: Sequence[Slot], span: Span) -> int:
    """How many more children the class can take for the whole of `span` (a full day) on the board's day: the
    fewest free places over its hours, within the class's size and the carers on duty (none when no carer is on
    duty)."""
    within = [s for s in board if Span(s.start, s.end).overlaps(span)]
    return min((max(s.capacity - s.children, 0) for s in within), default=0)


def peak(children: Iterable[Span]) -> int:
    """The most children at any one moment."""
    spans = list(children)
    if not spans:
        return 0
    day = Span(min(s.start for s in spans), max(s.end for s in spans))
    return max(s.children for s in segments(children=spans, carers=[], within=day))


def shift_problem(span: Span, hours: Hours, others: Sequence[Span]) -> str | None:
    """Why a carer cannot be put on duty for these hours (their other shifts that day given), or None."""
    if span.start >= span.end:
        return "下班时间应晚于上班时间"
    if not (_on_step(span.start) and _on_step(span.end)):
        return "上下班时间应为整点或半点"
    if not Span(hours.opens, hours.last).covers(span.start, span.end):
        return f"值班时间应在开放时间 {hours.label} 之内"
    clash = next((o for o in others if o.overlaps(span)), None)
    if clash is not None:
        return f"该保育人员当天 {clash.label} 已有值班"
    return None


# ---------------------------------------------------------------- money

CENT = Decimal("0.01")


def money(value: Decimal | Fraction | int) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def age_band(age_months: int) -> str:
    return AgeBand.UNDER_ONE if age_months < 12 else AgeBand.ONE_TO_THREE


@dataclass(frozen=True)
class PriceRow:
    item: str
    band: str
    amount: Decimal
    effective_from: dt.date


def price_on(rows: Iterable[PriceRow], item: str, band: str, day: dt.date) -> Decimal | None:
    """The price of an item for an age band in force on a day: the row with the latest start on or before it."""
    found = [r for r in rows if r.item == item and r.band == band and r.effective_from <= day]
    return max(found, key=lambda r: r.effective_from).amount if found else None


def price_for(own: Sequence[PriceRow], county: Sequence[PriceRow], item: str, band: str,
              day: dt.date) -> Decimal | None:
    """A centre's price in force on a day, else the county's affordable (普惠) price in force that day."""
    found = price_on(own, item, band, day)
    return found if found is not None else price_on(county, item, band, day)


@dataclass(frozen=True)
class SubsidyRow:
    kind: str
    amount: Decimal
    effective_from: dt.date


def subsidy_on(own: Sequence[SubsidyRow], county: Sequence[SubsidyRow], kind: str, day: dt.date) -> Decimal | None:
    """A subsidy in force on a day: the centre's own row, else the county's (the latest start on or before it)."""
    for rows in (own, county):
        found = [r for r in rows if r.kind == kind and r.effective_from <= day]
        if found:
            return max(found, key=lambda r: r.effective_from).amount
    return None


def price_problem(amount: Decimal, cap: Decimal | None, *, affordable: bool, item_label: str) -> str | None:
    """Why a centre cannot charge this (a 普惠 centre charges at most the county's affordable price)."""
    if amount < 0 or amount > Decimal("99999.99"):
        return "价格应在 0 到 99999.99 元之间"
    if affordable and cap is not None and amount > cap:
        return f"普惠性托育机构的{item_label}不能高于县定普惠价 {cap} 元"
    return None


def month_share(month_days: Sequence[dt.date], start: dt.date, end: dt.date | None) -> Fraction:
    """The share of a month's fee a contract owes: its working days in the month over the month's working days
    (a contract starting on the 16th of a month of 22 working days, 11 of them from the 16th on, owes 11/22)."""
    if not month_days:
        return Fraction(0)
    covered = [d for d in month_days if d >= start and (end is None or d <= end)]
    return Fraction(len(covered), len(month_days))


@dataclass(frozen=True)
class ContractTerm:
    care_type: str
    starts_on: dt.date
    ends_on: dt.date | None
    extended: bool   # picked up after closing: the monthly extended-hours add-on
    label: str = ""  # where, e.g. the room


@dataclass(frozen=True)
class BookingTerm:
    day: dt.date
    span: Span
    closes: dt.time


@dataclass(frozen=True)
class BillLine:
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal  # negative for a subsidy or a reduction

    def as_json(self) -> dict:
        return {"label": self.label, "quantity": str(self.quantity), "unit": self.unit,
                "unit_price": str(self.unit_price), "amount": str(self.amount)}


@dataclass
class BillDraft:
    lines: list[BillLine] = field(default_factory=list)
    fees: Decimal = Decimal("0.00")
    subsidy: Decimal = Decimal("0.00")
    reduction: Decimal = Decimal("0.00")
    missing: list[str] = field(default_factory=list)  # items charged that have no price

    @property
    def due(self) -> Decimal:
        return self.fees - self.subsidy - self.reduction


MONTHLY_ITEM: dict[str, str] = {CareType.FULL_DAY: PriceItem.FULL_DAY, CareType.HALF_AM: PriceItem.HALF_DAY,
                CareType.HALF_PM: PriceItem.HALF_DAY}


def _share_text(share: Fraction, days: int) -> str:
    return "整月" if share == 1 else f"{share.numerator * days // share.denominator}/{days} 个工作日"


def bill_for_month(*, month_days: Sequence[dt.date], birth: dt.date, contracts: Sequence[ContractTerm],
                   bookings: Sequence[BookingTerm], prices: Sequence[PriceRow], affordable: bool,
                   per_child: Decimal | None, hardship_percent: Decimal | int | None, hardship: bool,
                   county_prices: Sequence[PriceRow] = ()) -> BillDraft:
    """One child's bill for one month at one centre.

    - a monthly contract (full or half day) owes its price times its share of the month's working days
      (`month_share`); its extended-hours add-on likewise; the price is the one in force on its first day that
      month, for the child's age band on that day (the centre's own price, else the county's 普惠 price);
    - each booking owes its hours within opening hours at the temporary rate and those after closing at the
      extended-hours rate, at the prices of its day;
    - at a 普惠 centre, the per-child subsidy (每孩每月) is given in the share of the largest monthly contract,
      never more than the monthly fees;
    - a child of a 低保 or 特困 family has `hardship_percent` off what remains.
    """
    draft = BillDraft()
    days = len(month_days)

    def charge(item: str, on: dt.date, quantity: Decimal | Fraction, unit: str, label: str) -> Decimal:
        band = age_band(age_in_months(birth, on))
        price = price_for(prices, county_prices, item, band, on)
        item_label = f"{PriceItem(item).label}（{AgeBand(band).label}）"
        if price is None:
            if item_label not in draft.missing:
                draft.missing.append(item_label)
            price = Decimal("0")
        amount = money(price * (Decimal(quantity.numerator) / Decimal(quantity.denominator))
                       if isinstance(quantity, Fraction) else price * quantity)
        shown = money(quantity) if isinstance(quantity, Fraction) else quantity
        draft.lines.append(BillLine(label, shown, unit, price, amount))
        draft.fees += amount
        return amount

    monthly_fees = Decimal("0.00")
    largest = Fraction(0)
    for c in sorted(contracts, key=lambda c: c.starts_on):
        share = month_share(month_days, c.starts_on, c.ends_on)
        if share == 0:
            continue
        first = next(d for d in month_days if d >= c.starts_on)
        where = f"（{c.label}）" if c.label else ""
        monthly_fees += charge(MONTHLY_ITEM[c.care_type], first, share, "月",
                               f"{CareType(c.care_type).label}{where}：{_share_text(share, days)}")
        largest = max(largest, share)
        if c.extended:
            charge(PriceItem.EXTENDED_MONTH, first, share, "月", f"延时托育（按月）：{_share_text(share, days)}")
    for b in sorted(bookings, key=lambda b: (b.day, b.span.start)):
        late = extended_minutes(b.span, b.closes)
        regular = b.span.minutes - late
        when = f"{b.day.month}月{b.day.day}日 {b.span.label}"
        if regular:
            charge(PriceItem.TEMPORARY, b.day, Decimal(regular) / 60, "小时", f"临时托 {when}")
        if late:
            charge(PriceItem.EXTENDED_HOUR, b.day, Decimal(late) / 60, "小时", f"延时托育 {when}")
    if affordable and per_child and largest:
        subsidy = min(money(per_child * Decimal(largest.numerator) / Decimal(largest.denominator)), monthly_fees)
        if subsidy > 0:
            draft.subsidy = subsidy
            draft.lines.append(BillLine("普惠托位补贴", money(largest), "月", per_child, -subsidy))
    if hardship and hardship_percent:
        reduction = money((draft.fees - draft.subsidy) * Decimal(hardship_percent) / 100)
        if reduction > 0:
            draft.reduction = reduction
            draft.lines.append(BillLine(f"低保、特困家庭减免 {Decimal(hardship_percent).normalize():f}%", Decimal(1),
                                        "次", reduction, -reduction))
    return draft


def offer_reply_by(offered_on: dt.date, days: int) -> dt.date:
    """The last day a family may answer an offer made on `offered_on`: `days` full days after it (an offer made on
    a Monday with seven days may be answered until the next Monday, inclusive)."""
    return offered_on + dt.timedelta(days=days)


def offer_lapsed(reply_by: dt.date | None, today: dt.date) -> bool:
    """Whether an offer's time to answer is over (an offer without a last day never lapses)."""
    return reply_by is not None and today > reply_by

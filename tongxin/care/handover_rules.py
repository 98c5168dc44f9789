"""When a school owes its village committees the holiday handover (P-27): pure functions of the dates passed in.

The holidays' usual dates are data (a school enters the real ones when it hands over); the reminder starts
`LEAD_DAYS` before the usual start, and a list nobody received by the holiday's first day is overdue."""

import datetime as dt
from dataclasses import dataclass

from .handover_models import Holiday

# (holiday, start month, start day, return month, return day, year offset of the return): Jiangxi's usual
# calendar — winter from about 20 January to the Lantern Festival's week, summer from early July to 1 September.
USUAL_DATES = ((Holiday.WINTER, 1, 20, 2, 24), (Holiday.SUMMER, 7, 5, 9, 1))
LEAD_DAYS = 14


@dataclass(frozen=True)
class HolidayDates:
    holiday: str  # Holiday value
    year: int
    start: dt.date
    school_start: dt.date

    @property
    def label(self) -> str:
        return f"{self.year}年{Holiday(self.holiday).label}"


def usual(holiday: str, year: int) -> HolidayDates:
    for kind, sm, sd, rm, rd in USUAL_DATES:
        if kind == holiday:
            return HolidayDates(kind, year, dt.date(year, sm, sd), dt.date(year, rm, rd))
    raise ValueError(f"未知的假期：{holiday}")


def next_holiday(on: dt.date) -> HolidayDates:
    """The first holiday whose usual start is on or after `on` (across the year end)."""
    candidates = [usual(kind, year) for year in (on.year, on.year + 1) for kind, *_ in USUAL_DATES]
    return min((h for h in candidates if h.start >= on), key=lambda h: h.start)


def handover_due(on: dt.date, holiday: HolidayDates, *, lead_days: int = LEAD_DAYS) -> bool:
    """Whether a school without a handover for `holiday` should be reminded on `on`."""
    return holiday.start - dt.timedelta(days=lead_days) <= on < holiday.start


def receipt_overdue(on: dt.date, holiday_start: dt.date) -> bool:
    """A list not received by the holiday's first day is overdue."""
    return on >= holiday_start


def check_dates(start: dt.date, school_start: dt.date, *, today: dt.date) -> str | None:
    """A reason the dates a school enters cannot be right, or None."""
    if school_start <= start:
        return "开学日期应晚于放假日期"
    if (school_start - start).days > 92:
        return "假期不应超过三个月，请核对日期"
    if start < today - dt.timedelta(days=60):
        return "放假日期已过去太久，请核对"
    return None


def in_focus(on: dt.date, *, lead_days: int = LEAD_DAYS) -> HolidayDates | None:
    """The holiday whose handover matters on `on`: one under way (by its usual dates), else the next one if its
    reminder has started, else None."""
    for year in (on.year - 1, on.year):
        for kind, *_ in USUAL_DATES:
            h = usual(kind, year)
            if h.start <= on < h.school_start:
                return h
    upcoming = next_holiday(on)
    return upcoming if handover_due(on, upcoming, lead_days=lead_days) else None

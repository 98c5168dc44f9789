"""The working-day calendar every service line uses: Monday to Friday, less the public holidays, plus the
weekend days made working days (调休), as the county keeps them in 「节假日与调休」.

`working_days_in` is pure (tests call it with any dates and exceptions); `working_days` reads the exceptions.
"""

import datetime as dt
from collections.abc import Mapping

from .models import CalendarDay


def working_days_in(start: dt.date, end: dt.date, exceptions: Mapping[dt.date, bool] | None = None) -> list[dt.date]:
    """Days from start to end inclusive that are working days. `exceptions` maps a date to whether it is one."""
    exceptions = exceptions or {}
    days, day = [], start
    while day <= end:
        if exceptions.get(day, day.weekday() < 5):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The calendar's exceptions between two dates: date -> is a working day."""
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "workday"))


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    return working_days_in(start, end, exceptions(start, end))


def is_working_day(day: dt.date) -> bool:
    return bool(working_days(day, day))


def working_day_before(day: dt.date, *, within: int = 31) -> dt.date:
    """The last working day before `day` (a day-by-day page's 「前一天」 skips weekends and holidays); the day
    before when none falls within `within` days."""
    found = working_days(day - dt.timedelta(days=within), day - dt.timedelta(days=1))
    return found[-1] if found else day - dt.timedelta(days=1)


def working_day_after(day: dt.date, *, within: int = 31) -> dt.date:
    """The first working day after `day`; the day after when none falls within `within` days."""
    found = working_days(day + dt.timedelta(days=1), day + dt.timedelta(days=within))
    return found[0] if found else day + dt.timedelta(days=1)

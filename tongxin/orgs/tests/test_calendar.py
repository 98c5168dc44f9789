import datetime as dt

import pytest

from tongxin.orgs.calendar import working_day_after, working_day_before, working_days_in
from tongxin.orgs.models import CalendarDay


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    # 2026-09-28 (Mon) .. 2026-10-11 (Sun): National Day 10/1-10/7 off, Sunday 9/27 and Saturday 10/10 worked.
    exceptions = {dt.date(2026, 10, d): False for d in range(1, 8)}
    exceptions[dt.date(2026, 10, 10)] = True
    days = working_days_in(dt.date(2026, 9, 28), dt.date(2026, 10, 11), exceptions)
    assert days == [dt.date(2026, 9, 28), dt.date(2026, 9, 29), dt.date(2026, 9, 30), dt.date(2026, 10, 8),
                    dt.date(2026, 10, 9), dt.date(2026, 10, 10)]
    assert len(working_days_in(dt.date(2026, 7, 6), dt.date(2026, 7, 17))) == 10


@pytest.mark.django_db
def test_the_day_before_and_after_skip_weekends_and_holidays_and_stop_on_make_up_days():
    # 2027-01-29 is a Friday; Monday 2027-02-01 made a holiday, Sunday 2027-01-31 a make-up working day.
    CalendarDay.objects.update_or_create(date=dt.date(2027, 2, 1), defaults={"workday": False, "name": "测试假日"})
    assert working_day_before(dt.date(2027, 2, 2)) == dt.date(2027, 1, 29)
    assert working_day_after(dt.date(2027, 1, 29)) == dt.date(2027, 2, 2)
    CalendarDay.objects.update_or_create(date=dt.date(2027, 1, 31), defaults={"workday": True, "name": "测试调休"})
    assert working_day_before(dt.date(2027, 2, 2)) == dt.date(2027, 1, 31)
    assert working_day_after(dt.date(2027, 1, 29)) == dt.date(2027, 1, 31)

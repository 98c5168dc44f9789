import datetime as dt

from tongxin.orgs.calendar import working_days_in


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    # 2026-09-28 (Mon) .. 2026-10-11 (Sun): National Day 10/1-10/7 off, Sunday 9/27 and Saturday 10/10 worked.
    exceptions = {dt.date(2026, 10, d): False for d in range(1, 8)}
    exceptions[dt.date(2026, 10, 10)] = True
    days = working_days_in(dt.date(2026, 9, 28), dt.date(2026, 10, 11), exceptions)
    assert days == [dt.date(2026, 9, 28), dt.date(2026, 9, 29), dt.date(2026, 9, 30), dt.date(2026, 10, 8),
                    dt.date(2026, 10, 9), dt.date(2026, 10, 10)]
    assert len(working_days_in(dt.date(2026, 7, 6), dt.date(2026, 7, 17))) == 10

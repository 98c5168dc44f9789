"""A helper's care work over a term, for the annual and performance assessment (P-76): pure functions. A serious
neglect — grounds for the one-vote veto (一票否决) — is a paired child left without any contact by the helper for
`NEGLECT_MONTHS` whole calendar months while the pairing ran, or a mandatory report raised on a paired child the
helper had not contacted in the `REPORT_LOOKBACK_DAYS` before it."""

import datetime as dt
from collections.abc import Iterable

from .rules import add_months, month_start

NEGLECT_MONTHS = 2
REPORT_LOOKBACK_DAYS = 30


def months_without_contact(start: dt.date, end: dt.date, contacts: Iterable[dt.date], on: dt.date) -> int:
    """The longest run of whole calendar months, within the pairing (start..end, or until `on`) and before `on`'s
    month, with no contact."""
    days = sorted(contacts)
    last = min(end, on) if end else on
    month = month_start(start) if start.day == 1 else add_months(month_start(start), 1)
    longest = run = 0
    while add_months(month, 1) <= month_start(last):
        following = add_months(month, 1)
        if any(month <= d < following for d in days):
            run = 0
        else:
            run += 1
            longest = max(longest, run)
        month = following
    return longest


def neglected(start: dt.date, end: dt.date | None, contacts: Iterable[dt.date], on: dt.date,
              reports: Iterable[dt.date] = (), *, months: int = NEGLECT_MONTHS,
              lookback: int = REPORT_LOOKBACK_DAYS) -> str | None:
    """Why this pairing counts as a serious neglect on `on`, or None."""
    contacts = list(contacts)
    gap = months_without_contact(start, end or on, contacts, on)
    if gap >= months:
        return f"连续 {gap} 个整月未与结对儿童联系"
    for day in reports:
        if start <= day <= (end or on) and not any(day - dt.timedelta(days=lookback) <= c <= day for c in contacts):
            return f"结对儿童被强制报告（{day:%Y-%m-%d}）前 {lookback} 天内无联系记录"
    return None

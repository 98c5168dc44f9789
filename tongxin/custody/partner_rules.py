"""Pure rules of partners' venues, programme accounts and guest sessions: no database, dates and figures passed in."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .rules import times_overlap

WEEKDAY_LABELS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def weekday_text(days: Iterable[int]) -> str:
    return "、".join(WEEKDAY_LABELS[d] for d in sorted(days))

CENT = Decimal("0.01")


def booking_problem(*, capacity: int, opens: dt.time, closes: dt.time, open_days: Iterable[int], children: int,
                    day_start: dt.time, day_end: dt.time, weekdays: Iterable[int], booked_at_the_same_time: int,
                    venue_name: str) -> str | None:
    """Why a programme may not book a partner's venue (None when it may): outside the venue's days or hours, or
    more children than its seats less those booked by others at the same time."""
    days, open_set = set(weekdays), set(open_days)
    if not days:
        return "请选择使用日"
    closed = days - open_set
    if closed:
        return (f"{venue_name}{weekday_text(closed)}不开放（开放日：{weekday_text(open_set) or '无'}）")
    if day_end <= day_start:
        return "结束时间须晚于开始时间"
    if day_start < opens or day_end > closes:
        return f"{venue_name}开放时间为 {opens:%H:%M}-{closes:%H:%M}，所订时段 {day_start:%H:%M}-{day_end:%H:%M} 超出开放时间"
    if children < 1:
        return "儿童人数须至少 1 人"
    room = max(capacity - booked_at_the_same_time, 0)
    if children > room:
        if booked_at_the_same_time:
            return (f"{venue_name}可容纳 {capacity} 人，同一时段已被预约 {booked_at_the_same_time} 人，"
                    f"本次最多 {room} 人")
        return f"{venue_name}可容纳 {capacity} 人，本次预约 {children} 人超过容量"
    return None


def bookings_clash(a_start: dt.date, a_end: dt.date, a_days: Iterable[int], a_from: dt.time, a_to: dt.time,
                   b_start: dt.date, b_end: dt.date, b_days: Iterable[int], b_from: dt.time, b_to: dt.time) -> bool:
    """Whether two bookings of one venue can have children there at the same moment."""
    return (a_start <= b_end and b_start <= a_end and bool(set(a_days) & set(b_days))
            and times_overlap(a_from, a_to, b_from, b_to))


def spending_problem(*, fund_label: str, amount: Decimal, received: Decimal, spent: Decimal) -> str | None:
    """专款专用: a programme's spending is charged to one of its own funds, and what is charged to a fund never
    exceeds what that fund brought this programme. One programme's money never pays for another's, nor a
    donation for what the street budget should cover."""
    if amount <= 0:
        return "支出金额须大于 0"
    left = received - spent
    if amount > left:
        return (f"专款专用：本项目{fund_label}共收入 {received:.2f} 元，已支出 {spent:.2f} 元，余额 {left:.2f} 元，"
                f"不能列支 {amount:.2f} 元")
    return None


def cost_per_child_day(spent: Decimal, child_days: int) -> Decimal | None:
    """Spending divided by the child-days attended (a day a child checked in), to the cent; None before any."""
    if child_days <= 0:
        return None
    return (spent / child_days).quantize(CENT)


def fund_balances(received: Mapping[str, Decimal], spent: Mapping[str, Decimal],
                  labels: Iterable[tuple[str, str]]) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(fund label, received, spent, balance) for every fund that has money in or out."""
    rows = []
    for key, label in labels:
        r, s = received.get(key, Decimal(0)), spent.get(key, Decimal(0))
        if r or s:
            rows.append((label, r, s, r - s))
    return rows


def drill_problem(*, is_drill: bool, drill_kind: str, minutes: int | None, result: str) -> str | None:
    """A drill is recorded whole (kind, how long, how it went), or not at all."""
    if is_drill and not drill_kind:
        return "应急演练须选择演练类型"
    if drill_kind:
        if not minutes or not 1 <= minutes <= 240:
            return "请填写演练时长（1-240 分钟）"
        if not result.strip():
            return "请填写演练效果（如：全体 3 分钟内有序撤离）"
    elif minutes or result.strip():
        return "未选择演练类型时，不填写演练时长和效果"
    return None


__all__ = ["WEEKDAY_LABELS", "booking_problem", "bookings_clash", "cost_per_child_day", "drill_problem",
           "fund_balances", "spending_problem", "weekday_text"]

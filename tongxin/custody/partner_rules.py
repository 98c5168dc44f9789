"""Pure rules of partners' venues, programme accounts and guest sessions: no database, dates and figures passed in."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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


def spending_fund_choices(balances: Mapping[str, Decimal], labels: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The funds a spending may be charged to, those with money left first (the first is the form's default), each
    with its balance; the others after, marked as empty (专款专用: a spending beyond a fund's balance is refused)."""
    with_money = [(key, f"{label}（余额 {balances[key]:,.2f} 元）") for key, label in labels
                  if balances.get(key, Decimal(0)) > 0]
    empty = [(key, f"{label}（无余额）") for key, label in labels if balances.get(key, Decimal(0)) <= 0]
    return with_money + empty


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


# S-04 「定期邀请专业人士……进行防溺水、交通安全、急救、消防安全等安全教育讲座和演练」 (seed 003) gives no number.
# The default reads it for the programmes the seed describes: holiday programmes run in periods (期) with a new
# intake each, so every period drills at least once (a child of the second period did not take part in the first
# one's drill); a longer period (an after-school term) drills once every four weeks, so a term of about 16 weeks
# covers the four subjects the seed names (drowning, traffic, first aid, fire) once each. An office running
# programmes may ask for more (DrillSetting), never less.
DEFAULT_DRILL_EVERY_WEEKS = 4


def drill_every_weeks_problem(every_weeks: int) -> str | None:
    if not 1 <= every_weeks <= DEFAULT_DRILL_EVERY_WEEKS:
        return (f"安全演练频次只能比默认（每期至少 1 次、每 {DEFAULT_DRILL_EVERY_WEEKS} 周 1 次）更频繁："
                f"请填写 1 到 {DEFAULT_DRILL_EVERY_WEEKS} 周")
    return None


def drill_dues(start: dt.date, end: dt.date, every_weeks: int) -> list[dt.date]:
    """The dates by which a period's drills are due: one per whole `every_weeks` weeks of the period and at least
    one; the k-th by the last day of its k-th block of weeks, the last one by the period's last day (a remainder
    shorter than a block joins the last block)."""
    span = 7 * every_weeks
    n = max(1, ((end - start).days + 1) // span)
    return [start + dt.timedelta(days=k * span - 1) for k in range(1, n)] + [end]


@dataclass(frozen=True)
class PeriodDrills:
    name: str
    start: dt.date
    end: dt.date
    held: int
    dues: tuple[dt.date, ...]
    overdue: tuple[dt.date, ...]  # due dates passed while the period has had fewer drills than their rank

    @property
    def expected(self) -> int:
        return len(self.dues)


@dataclass(frozen=True)
class DrillBoard:
    every_weeks: int
    periods: tuple[PeriodDrills, ...]

    @property
    def held(self) -> int:
        return sum(p.held for p in self.periods)

    @property
    def expected(self) -> int:
        return sum(p.expected for p in self.periods)

    @property
    def overdue(self) -> list[tuple[str, int, dt.date]]:
        """(period, which drill of the period, its due date) for each drill overdue."""
        return [(p.name, p.dues.index(due) + 1, due) for p in self.periods for due in p.overdue]


def drill_board(periods: Sequence[tuple[str, dt.date, dt.date]], drill_dates: Iterable[dt.date], every_weeks: int,
                today: dt.date) -> DrillBoard:
    """Drills held against drills due, period by period. The k-th drill of a period is overdue from the day after
    its due date while the period has had fewer than k drills (one held late clears it: it is no longer missing)."""
    dates = sorted(drill_dates)
    rows = []
    for name, start, end in periods:
        held = [d for d in dates if start <= d <= end]
        dues = drill_dues(start, end, every_weeks)
        overdue = tuple(due for k, due in enumerate(dues, 1) if due < today and len(held) < k)
        rows.append(PeriodDrills(name=name, start=start, end=end, held=len(held), dues=tuple(dues), overdue=overdue))
    return DrillBoard(every_weeks=every_weeks, periods=tuple(rows))


__all__ = ["DEFAULT_DRILL_EVERY_WEEKS", "WEEKDAY_LABELS", "DrillBoard", "PeriodDrills", "booking_problem",
           "bookings_clash", "cost_per_child_day", "drill_board", "drill_dues", "drill_every_weeks_problem",
           "drill_problem", "fund_balances", "spending_problem", "weekday_text"]

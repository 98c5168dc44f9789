"""Absence and dropout (控辍保学, P-21…P-26): the deadlines, as pure functions of the dates passed in.

The county plan (seed 002): 「对学生无故不到校的，要及时了解原因，超过一个星期的，要及时组织劝返；劝返无效的，书面报告
教育管理中心和当地人民政府」, and 「认真开展好2、8月控辍保学宣传月活动」. So, for a case opened on the first day a pupil
was absent without a reason given:

- the reason is to be found out (了解原因) by the end of the day after (`cause_days`, 1);
- from the day the absence has lasted more than a week (`week_days`, 7 calendar days; or, with `school_days`, that
  many school days of the working-day calendar) persuasion (劝返) is due, and the first one is to be recorded within
  `persuade_days` (3) days of that day;
- once persuasion is declared failed, the written report is to be delivered to the township's education management
  centre and government within `report_days` (3) days;
- February and August are the publicity months (`publicity_months`).

「及时」 gives no number: the days above are this platform's defaults, each set per county or school
(`AbsenceSettings`). A deadline is a day: what is due on it may be done until that day ends."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .absence_choices import Reason, Recipient, Stage

MAX_WALK = 400  # days: a week counted in school days is found well within this, even across a summer holiday


@dataclass(frozen=True)
class Deadlines:
    cause_days: int = 1
    week_days: int = 7
    school_days: bool = False
    persuade_days: int = 3
    report_days: int = 3
    publicity_months: tuple[int, ...] = (2, 8)
    back_days: int = 7  # how far back a register may be taken or corrected


DEFAULTS = Deadlines()


def is_school_day(day: dt.date, exceptions: Mapping[dt.date, bool] | None = None) -> bool:
    """Monday to Friday, unless the calendar's exceptions say otherwise (public holidays, 调休 working weekends)."""
    return (exceptions or {}).get(day, day.weekday() < 5)


def over_week_on(opened_on: dt.date, d: Deadlines = DEFAULTS,
                 exceptions: Mapping[dt.date, bool] | None = None) -> dt.date:
    """The first day on which an absence that began on `opened_on` has lasted more than a week: `week_days`
    calendar days later, or, counting school days, the school day after the first `week_days` school days."""
    if not d.school_days:
        return opened_on + dt.timedelta(days=d.week_days)
    counted, day = 0, opened_on
    for _ in range(MAX_WALK):
        if is_school_day(day, exceptions):
            counted += 1
            if counted > d.week_days:
                return day
        day += dt.timedelta(days=1)
    return day


def cause_due(opened_on: dt.date, d: Deadlines = DEFAULTS) -> dt.date:
    return opened_on + dt.timedelta(days=d.cause_days)


def persuasion_due(opened_on: dt.date, d: Deadlines = DEFAULTS,
                   exceptions: Mapping[dt.date, bool] | None = None) -> dt.date:
    return over_week_on(opened_on, d, exceptions) + dt.timedelta(days=d.persuade_days)


def report_due(failed_on: dt.date, d: Deadlines = DEFAULTS) -> dt.date:
    return failed_on + dt.timedelta(days=d.report_days)


def is_publicity_month(on: dt.date, d: Deadlines = DEFAULTS) -> bool:
    """February and August (by default): the 控辍保学 publicity months (P-25)."""
    return on.month in d.publicity_months


def register_day_problem(day: dt.date, today: dt.date, d: Deadlines = DEFAULTS,
                         exceptions: Mapping[dt.date, bool] | None = None) -> str:
    """Why a register cannot be taken for `day` ("" when it can): not in the future, not further back than
    `back_days`, and only on a school day."""
    if day > today:
        return "不能为以后的日期点名"
    if (today - day).days > d.back_days:
        return f"只能补登或更正 {d.back_days} 天内的点名"
    if not is_school_day(day, exceptions):
        return f"{day.month}月{day.day}日不是上课日（周末或节假日），不用点名"
    return ""


@dataclass(frozen=True)
class CaseFacts:
    opened_on: dt.date
    cause_on: dt.date | None = None
    persuasions: tuple[dt.date, ...] = ()
    failed_on: dt.date | None = None
    delivered: frozenset[str] = frozenset()  # Recipient values the written report reached
    closed_on: dt.date | None = None


@dataclass(frozen=True)
class CaseState:
    stage: str  # Stage value
    days: int  # calendar days from the first absence to today (or to the closing), both counted
    over_week_on: dt.date
    overdue: tuple[str, ...]  # what is late, as a person reads it
    due: tuple[tuple[str, dt.date], ...]  # what is due next and by when, soonest first
    cause_known: bool = True

    @property
    def stage_label(self) -> str:
        if self.stage == Stage.ABSENT:
            return "已了解原因，未返校" if self.cause_known else "缺课待查明"
        return Stage(self.stage).label

    @property
    def open(self) -> bool:
        return self.stage != Stage.CLOSED


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


ALL_RECIPIENTS = frozenset(Recipient.values)


def case_state(f: CaseFacts, today: dt.date, d: Deadlines = DEFAULTS,
               exceptions: Mapping[dt.date, bool] | None = None) -> CaseState:
    """Where a case stands on `today`: its stage, how long the pupil has been away, what is overdue and what is
    due next. Facts dated after `today` do not count yet."""
    week = over_week_on(f.opened_on, d, exceptions)
    end = f.closed_on if f.closed_on and f.closed_on <= today else today
    days = max(0, (end - f.opened_on).days + 1)
    if f.closed_on and f.closed_on <= today:
        return CaseState(Stage.CLOSED, days, week, (), ())
    overdue: list[str] = []
    due: list[tuple[str, dt.date]] = []
    if f.failed_on and f.failed_on <= today:
        delivered = {r for r in f.delivered}
        if ALL_RECIPIENTS <= delivered:
            return CaseState(Stage.REPORTED, days, week, (), ())
        by = report_due(f.failed_on, d)
        missing = "和".join(Recipient(r).label for r in Recipient.values if r not in delivered)
        if today > by:
            overdue.append(f"书面报告应于{_md(by)}前送达{missing}")
        else:
            due.append((f"书面报告送达{missing}", by))
        return CaseState(Stage.FAILED, days, week, tuple(overdue), tuple(due))
    stage = Stage.PERSUADE if today >= week else Stage.ABSENT
    cause_known = bool(f.cause_on and f.cause_on <= today)
    if not cause_known:
        by = cause_due(f.opened_on, d)
        if today > by:
            overdue.append(f"应于{_md(by)}前了解缺课原因")
        else:
            due.append(("了解缺课原因", by))
    persuaded = any(p <= today for p in f.persuasions)
    if stage == Stage.PERSUADE and not persuaded:
        by = persuasion_due(f.opened_on, d, exceptions)
        if today > by:
            overdue.append(f"缺课已超过一周，应于{_md(by)}前组织劝返")
        else:
            due.append(("组织劝返", by))
    due.sort(key=lambda item: item[1])
    return CaseState(stage, days, week, tuple(overdue), tuple(due), cause_known)


def tally(roster: int, marks: Iterable[str]) -> dict[str, int]:
    """A register's counts: on the roll, present, and absent by reason."""
    marks = list(marks)
    counts = {r: sum(1 for m in marks if m == r) for r in Reason.values}
    return {"roster": roster, "present": roster - len(marks), "absent": len(marks), **counts}

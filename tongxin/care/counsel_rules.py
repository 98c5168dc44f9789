"""The anonymous mailbox's dates (悄悄话信箱, P-58), as pure functions: the school's counsellors open the mailbox
and answer on one weekday (the seeds' Friday unless the school sets another).

A letter is due on the first answer day AFTER the day it was left: one left on a Thursday is answered the next
day, one left on the answer day itself (after the box was opened, or while the counsellor was answering) by the
following week's. When that day is no working day (a public holiday in 「节假日与调休」), it is due on the next
working day instead: nobody opens the box on a holiday. Not answered by its due day, it is overdue from the day
after; an answer given after the due day is "answered late".

And the study support plan's term (P-55): the care line's terms (`rules.window_of(Window.TERM, ...)`)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .choices import Window
from .rules import window_of

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
HOLIDAY_LIMIT = 60  # days looked ahead for a working day (the longest run of holidays the calendar may hold)


def is_working_day(day: dt.date, exceptions: Mapping[dt.date, bool] | None = None) -> bool:
    """Monday to Friday, unless the calendar's exceptions say otherwise (as `orgs.calendar`)."""
    return (exceptions or {}).get(day, day.weekday() < 5)


def answer_due(left_on: dt.date, weekday: int, exceptions: Mapping[dt.date, bool] | None = None) -> dt.date:
    """The day a letter left on `left_on` must be answered by: the first `weekday` (0 Monday … 6 Sunday) after
    that day, moved to the next working day when it is a holiday."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"回信日无效：{weekday}")
    ahead = (weekday - left_on.weekday()) % 7 or 7
    due = left_on + dt.timedelta(days=ahead)
    if weekday >= 5:  # a school that answers on a weekend answers then, whatever the calendar says of it
        return due
    for _ in range(HOLIDAY_LIMIT):
        if is_working_day(due, exceptions):
            return due
        due += dt.timedelta(days=1)
    return due


def exceptions_window(left_on: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose calendar exceptions `answer_due` may ask about for a letter left on `left_on`."""
    return left_on, left_on + dt.timedelta(days=7 + HOLIDAY_LIMIT)


@dataclass(frozen=True)
class LetterState:
    state: str  # "waiting", "overdue", "answered", "late" (answered after its due day)
    due: dt.date
    days_over: int  # days past the due day: still unanswered, or when the answer came

    @property
    def due_day(self) -> str:
        return WEEKDAY_NAMES[self.due.weekday()]

    @property
    def label(self) -> str:
        return {"waiting": "待回复", "overdue": f"逾期 {self.days_over} 天", "answered": "已回复",
                "late": f"已回复（晚 {self.days_over} 天）"}[self.state]


def letter_state(left_on: dt.date, answered_on: dt.date | None, *, today: dt.date, weekday: int,
                 exceptions: Mapping[dt.date, bool] | None = None) -> LetterState:
    due = answer_due(left_on, weekday, exceptions)
    if answered_on is not None:
        over = (answered_on - due).days
        return LetterState("late" if over > 0 else "answered", due, max(over, 0))
    over = (today - due).days
    return LetterState("overdue" if over > 0 else "waiting", due, max(over, 0))


def inbox_order(state: LetterState, left_on: dt.date, pk: int) -> tuple:
    """Overdue letters first (the longest overdue first), then those waiting (the soonest due first), then the
    answered ones (the newest first)."""
    rank = {"overdue": 0, "waiting": 1}.get(state.state, 2)
    if rank == 0:
        return (0, -state.days_over, left_on.toordinal(), pk)
    if rank == 1:
        return (1, state.due.toordinal(), left_on.toordinal(), pk)
    return (2, -left_on.toordinal(), -pk)


def term_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The term holding `day`: spring 2-01…8-31, autumn 9-01…1-31 of the next year."""
    return window_of(Window.TERM, day)


def term_label(term_start: dt.date) -> str:
    """2026年秋季学期 / 2027年春季学期."""
    return f"{term_start.year}年{'春季' if term_start.month < 9 else '秋季'}学期"

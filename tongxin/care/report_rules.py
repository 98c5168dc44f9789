"""The mandatory report's deadlines (P-18): pure functions of the times passed in.

A report goes at once to the police and the township government (level 0). Nobody acknowledging it within the
township's time (`ack_minutes`, default 120) sends it to the township's leader (level 1); still nobody after twice
that time, to the county civil affairs bureau (level 2). An acknowledgement by anyone handling it stops the chain."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .report_choices import EventKind, Recipient

LEVELS = (Recipient.LEADER, Recipient.COUNTY)


def deadline(raised_at: dt.datetime, ack_minutes: int, level: int) -> dt.datetime:
    """When a report not acknowledged goes to `level` (1: the leader, 2: the county)."""
    return raised_at + dt.timedelta(minutes=ack_minutes * level)


def levels_due(raised_at: dt.datetime, ack_minutes: int, acknowledged_at: dt.datetime | None,
               now: dt.datetime) -> tuple[int, ...]:
    """The escalation levels whose time has come by `now` without an acknowledgement before it."""
    return tuple(int(level) for level in LEVELS
                 if deadline(raised_at, ack_minutes, level) <= now
                 and (acknowledged_at is None or acknowledged_at > deadline(raised_at, ack_minutes, level)))


@dataclass(frozen=True)
class Event:
    kind: str  # EventKind value
    at: dt.datetime
    level: int | None = None


@dataclass(frozen=True)
class ReportState:
    acknowledged_at: dt.datetime | None
    police_at: dt.datetime | None
    acted_at: dt.datetime | None  # first measure recorded
    closed_at: dt.datetime | None
    level: int  # the highest level it has been sent to
    overdue: bool  # not acknowledged and past its first deadline
    next_deadline: dt.datetime | None  # when it escalates next, while nobody acknowledges

    @property
    def stage(self) -> str:
        if self.closed_at:
            return "已结案"
        if self.acted_at:
            return "处置中"
        if self.acknowledged_at:
            return "已签收，待处置"
        return "逾期未签收" if self.overdue else "待签收"

    @property
    def open(self) -> bool:
        return self.closed_at is None


def _first(events: list[Event], kind: str) -> dt.datetime | None:
    return min((e.at for e in events if e.kind == kind), default=None)


def state(raised_at: dt.datetime, ack_minutes: int, events: Iterable[Event], now: dt.datetime) -> ReportState:
    """Where a report stands at `now`, from its events (those after `now` are not yet)."""
    events = [e for e in events if e.at <= now]
    acknowledged = _first(events, EventKind.RECEIVED)
    level = max((e.level for e in events if e.kind == EventKind.SENT and e.level is not None), default=0)
    waiting = acknowledged is None
    upcoming = [deadline(raised_at, ack_minutes, lv) for lv in LEVELS if lv > level] if waiting else []
    return ReportState(
        acknowledged_at=acknowledged, police_at=_first(events, EventKind.POLICE_RECEIVED),
        acted_at=_first(events, EventKind.ACTED), closed_at=_first(events, EventKind.CLOSED), level=level,
        overdue=waiting and now >= deadline(raised_at, ack_minutes, 1),
        next_deadline=min(upcoming) if upcoming else None)


def waited(start: dt.datetime, end: dt.datetime) -> str:
    """A duration as a person says it: 45分钟, 2小时5分钟, 3天2小时."""
    minutes = max(0, int((end - start).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{mins}分钟"

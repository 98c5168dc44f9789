"""The pool's pure rules: whether a person may work with children on a day, and what a registration must hold.
The validity of a check is data (each check keeps its own 有效期至); the defaults below only fill the form."""

import datetime as dt
from dataclasses import dataclass

from .choices import CheckKind, CheckResult

# Defaults offered when a check is recorded (months of validity); the recorder may set another date.
DEFAULT_VALID_MONTHS = {CheckKind.INQUIRY: 36, CheckKind.HEALTH: 12}


@dataclass(frozen=True)
class CheckRow:
    kind: str
    result: str
    checked_on: dt.date
    valid_until: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def current(checks: list[CheckRow], kind: str, on: dt.date) -> CheckRow | None:
    """The latest check of a kind made by `on` (a later check replaces an earlier one, whatever its result)."""
    made = [c for c in checks if c.kind == kind and c.checked_on <= on]
    return max(made, key=lambda c: c.checked_on) if made else None


def check_problem(checks: list[CheckRow], on: dt.date, *, needs_health: bool = False) -> str | None:
    """Why the person may not work with children on `on`, or None. The employment inquiry is always needed; a
    health check where the service needs it."""
    wanted = [CheckKind.INQUIRY] + ([CheckKind.HEALTH] if needs_health else [])
    for kind in wanted:
        label = "入职查询" if kind == CheckKind.INQUIRY else "健康检查"
        row = current(checks, kind, on)
        if row is None:
            return f"没有{label}记录"
        if row.result != CheckResult.CLEAR:
            return f"{label}结果不合格，不得从事密切接触未成年人的工作"
        if row.valid_until < on:
            return f"{label}已于 {row.valid_until:%Y-%m-%d} 过期"
    return None


def weekdays_text(days: str) -> str:
    names = "一二三四五六日"
    return "、".join(f"周{names[int(d) - 1]}" for d in sorted(set(days)) if d in "1234567") or "—"


def registration_problem(*, source: str, school_id: int | None, area_count: int) -> str | None:
    if source == "teacher" and not school_id:
        return "在职教师请选择任职学校"
    if area_count == 0:
        return "请至少选择一个可服务的社区（村）"
    return None

"""The custody line's rules as pure functions: callable by tests with any date, fee or text."""

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from tongxin.people.selectors import PriorityFacts

from .models import PriorityTier

# The county's cap on what a programme may charge per child per day, lunch apart (e.g. 24 yuan).
DEFAULT_FEE_CAP = Decimal("24.00")


def fee_cap() -> Decimal:
    return Decimal(str(getattr(settings, "CUSTODY_FEE_CAP", DEFAULT_FEE_CAP)))


def check_fee(fee_per_day: Decimal, cap: Decimal | None = None) -> None:
    cap = fee_cap() if cap is None else cap
    if fee_per_day < 0:
        raise ValidationError({"fee_per_day": "收费标准不能为负数"})
    if fee_per_day > cap:
        raise ValidationError({"fee_per_day": f"每生每日收费 {fee_per_day} 元超过上限 {cap} 元（不含午餐）"})


# A custody day supervises homework and offers activities; it must not teach new lessons, hold make-up
# classes or tests (the seeds of the policy forbid them).
_FORBIDDEN = [
    (re.compile(r"新课|新授|讲授新|预习新|超前学习|提前学习|学习新知"), "上新课"),
    (re.compile(r"补课|补习|培优|提优|辅导班|集体授课|学科(培训|辅导课)"), "集体补课"),
    (re.compile(r"考试|测验|测试|小测|考查|月考|模拟考|单元考|摸底|排名"), "考试或测验"),
]


def forbidden_activity_reason(text: str) -> str | None:
    for pattern, what in _FORBIDDEN:
        found = pattern.search(text or "")
        if found:
            return f"托管期间不得组织{what}（“{found.group(0)}”），只能安排作业辅导、阅读、文体、科普、安全教育等活动"
    return None


def deadline_problem(deadline: dt.date, today: dt.date) -> str | None:
    """An application deadline set now must not lie in the past."""
    if deadline < today:
        return f"报名截止日期（{deadline:%Y年%-m月%-d日}）已过，请选择今天或以后的日期"
    return None


SCHOOL_AGE = (6, 15)  # compulsory schooling: from six to fifteen


def of_school_age(birth_date: dt.date, on: dt.date) -> bool:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return SCHOOL_AGE[0] <= age <= SCHOOL_AGE[1]


def venue_room(site_capacity: int, used: Iterable[int]) -> int:
    """Seats a venue still holds for one more group, given the sizes of the groups already there at the same time
    (S-08: all groups of a day at one site never exceed its capacity)."""
    return max(0, site_capacity - sum(used))


def times_overlap(a_start: dt.time, a_end: dt.time, b_start: dt.time, b_end: dt.time) -> bool:
    return a_start < b_end and b_start < a_end


def default_eligible_grades(top_grade: int = 6) -> list[int]:
    """All grades but the graduating one."""
    return list(range(1, top_grade))


def priority(facts: PriorityFacts) -> tuple[int, list[str]]:
    """The tier an application is served in, with the reasons (shown to reviewers and in reports)."""
    special = [label for flag, label in (
        (facts.disabled, "残疾儿童"),
        (facts.left_behind, "留守儿童"),
        (facts.vulnerable, "困境儿童"),
        (facts.low_income, "低保家庭"),
        (facts.extreme_poverty, "特困家庭"),
        (facts.military, "军人家庭"),
        (facts.migrant_worker, "进城务工人员家庭"),
    ) if flag]
    if special:
        return PriorityTier.SPECIAL, special
    if facts.dual_earner:
        return PriorityTier.DUAL_EARNER, ["双职工家庭"]
    return PriorityTier.GENERAL, []


def lottery_key(seed: str, unit: str) -> str:
    """The draw order inside a tier: anyone with the published seed can recompute it."""
    return hashlib.sha256(f"{seed}:{unit}".encode()).hexdigest()


@dataclass(frozen=True)
class Unit:
    """Who is placed together: one child, or siblings of one family applying for the same period."""

    key: str  # e.g. "family:123"
    tier: int
    members: tuple[int, ...]  # application ids


def draw(units: Iterable[Unit], seed: str) -> list[tuple[Unit, str]]:
    """The draw: units by tier, then by their lottery key (returned with each unit, computed once)."""
    keyed = [(u, lottery_key(seed, u.key)) for u in units]
    keyed.sort(key=lambda unit_key: (unit_key[0].tier, unit_key[1]))
    return keyed


def draw_order(units: Iterable[Unit], seed: str) -> list[Unit]:
    return [u for u, _ in draw(units, seed)]


def assign_seats(ordered: list[Unit], free: dict[int, int]) -> tuple[dict[str, int], list[Unit]]:
    """Place units in draw order into groups (id -> free seats, in preference order), siblings together.
    Returns unit key -> group id, and the units left waiting. A unit that does not fit anywhere waits;
    smaller units after it may still be placed. `free` is updated with the seats taken.

    Each unit goes to the first group with room for all of it. Free seats only ever go down, so for each unit
    size a cursor remembers the first group that may still have room for that many: it only moves forward,
    and the whole draw costs one pass over the units plus one over the groups per unit size (not a scan of
    every group for every family)."""
    groups = list(free)
    first_fit: dict[int, int] = {}  # unit size -> index of the first group that may still hold that many
    placed: dict[str, int] = {}
    waiting: list[Unit] = []
    for unit in ordered:
        size = len(unit.members)
        i = first_fit.get(size, 0)
        while i < len(groups) and free[groups[i]] < size:
            i += 1
        first_fit[size] = i
        if i == len(groups):
            waiting.append(unit)
            continue
        target = groups[i]
        free[target] -= size
        placed[unit.key] = target
    return placed, waiting


CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bill:
    days: int
    fee_per_day: Decimal
    care_fee: Decimal
    lunch_days: int
    lunch_price: Decimal
    lunch_fee: Decimal
    exemption_percent: int
    exemption: Decimal
    total: Decimal


def bill(days: int, fee_per_day: Decimal, lunch_days: int, lunch_price: Decimal, exemption_percent: int = 0) -> Bill:
    """Care fee = days × daily fee; lunch = lunch days × price; an exemption reduces the care fee only
    (lunch is paid at cost)."""
    care = (fee_per_day * days).quantize(CENT)
    lunch = (lunch_price * lunch_days).quantize(CENT)
    exemption = (care * Decimal(exemption_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Bill(days, fee_per_day, care, lunch_days, lunch_price, lunch, exemption_percent, exemption,
                care - exemption + lunch)


def is_late_pickup(now: dt.datetime, day_end: dt.time, grace_minutes: int) -> bool:
    deadline = dt.datetime.combine(now.date(), day_end, tzinfo=now.tzinfo) + dt.timedelta(minutes=grace_minutes)
    return now > deadline


def is_missing(now: dt.datetime, day_start: dt.time, grace_minutes: int = 30) -> bool:
    """A placed child not checked in and with no absence reason this long after the day starts is missing."""
    deadline = dt.datetime.combine(now.date(), day_start, tzinfo=now.tzinfo) + dt.timedelta(minutes=grace_minutes)
    return now > deadline


FEVER = Decimal("37.3")


# ------------------------------------------------------------------ the session window (alerts)


def _on(day: dt.date, t: dt.time, tz) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=tz)


def in_session(now: dt.datetime, day_start: dt.time, day_end: dt.time) -> bool:
    """Whether `now` (local time) lies inside the day's custody session."""
    return _on(now.date(), day_start, now.tzinfo) <= now <= _on(now.date(), day_end, now.tzinfo)


def is_missing_now(now: dt.datetime, day_start: dt.time, day_end: dt.time, grace_minutes: int = 30) -> bool:
    """A child not there and not excused is missing from `grace_minutes` after the start until the session
    ends; after the end nobody is reported missing any more (the day is over)."""
    return is_missing(now, day_start, grace_minutes) and now <= _on(now.date(), day_end, now.tzinfo)


def is_late_pickup_of(check_in: dt.datetime, now: dt.datetime, day_end: dt.time, grace_minutes: int) -> bool:
    """Late pickup: the child came during the session (checked in before its end) and is still there after
    the end plus the grace. A child registered after the session ended is not "late" by that check-in."""
    local_in = check_in.astimezone(now.tzinfo) if now.tzinfo else check_in
    if local_in.date() != now.date() or local_in >= _on(now.date(), day_end, now.tzinfo):
        return False
    return is_late_pickup(now, day_end, grace_minutes)


def after_session(now: dt.datetime, day_end: dt.time) -> bool:
    return now > _on(now.date(), day_end, now.tzinfo)


# ------------------------------------------------------------------ health checks (C-30)

ALL_HEALTH_SLOTS = ("morning", "noon", "afternoon")


def required_health_slots(programme_kind: str) -> tuple[str, ...]:
    """一日三检: a holiday day is a whole day in custody, so all three checks (晨检、午检、晚检) fall to it. An
    after-school session starts when lessons end; the school day's own morning and noon checks are the
    school's, so custody owes the 晚检 only."""
    return ("afternoon",) if programme_kind == "after_school" else ALL_HEALTH_SLOTS


def missing_health_slots(done: Iterable[str], programme_kind: str) -> list[str]:
    done = set(done)
    return [slot for slot in required_health_slots(programme_kind) if slot not in done]


def check_temperature(value) -> Decimal:
    """A temperature as read: a finite number between 34.0 and 42.5 ℃ (anything else is a misreading)."""
    try:
        temperature = Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        raise ValidationError("体温须为数字，如 36.5") from None
    if not temperature.is_finite():
        raise ValidationError("体温须为数字，如 36.5")
    if not Decimal("34.0") <= temperature <= Decimal("42.5"):
        raise ValidationError("体温读数不合理，请重新测量")
    return temperature.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ duty (C-02, C-24, C-26, C-27)


def consecutive_run(days: Iterable[dt.date], day: dt.date) -> int:
    """How many calendar days in a row a person would be on duty, counting `day` and the days around it."""
    taken = set(days) | {day}
    run, d = 1, day - dt.timedelta(days=1)
    while d in taken:
        run, d = run + 1, d - dt.timedelta(days=1)
    d = day + dt.timedelta(days=1)
    while d in taken:
        run, d = run + 1, d + dt.timedelta(days=1)
    return run


def consecutive_duty_problem(days: Iterable[dt.date], day: dt.date, limit: int) -> str | None:
    """C-27: one person's rest is kept: no more than `limit` duty days in a row (a rest day breaks the run)."""
    run = consecutive_run(days, day)
    if run > limit:
        return f"{day:%-m月%-d日} 值班将连续 {run} 天，超过每人连续值班上限 {limit} 天，请安排休息"
    return None


def credited_hours(shift_start: dt.datetime, shift_end: dt.datetime, signed_in: dt.datetime | None,
                   signed_out: dt.datetime | None) -> Decimal:
    """The hours of a shift counted for pay: only a shift signed in AND out, and only the time actually on
    duty inside the rostered times (arriving early or staying late adds nothing; leaving early counts less)."""
    if signed_in is None or signed_out is None:
        return Decimal("0")
    start, end = max(shift_start, signed_in), min(shift_end, signed_out)
    if end <= start:
        return Decimal("0")
    return (Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ fees as of right (C-08)


@dataclass(frozen=True)
class HardshipFacts:
    low_income: bool
    extreme_poverty: bool
    vulnerable: bool
    school_certified: bool


def fee_waiver_reasons(facts: HardshipFacts) -> list[str]:
    """Why a pupil pays no care fee as of right (empty: no entitlement). Lunch is still paid at cost."""
    return [label for flag, label in (
        (facts.low_income, "低保家庭"),
        (facts.extreme_poverty, "特困供养"),
        (facts.vulnerable, "困境儿童"),
        (facts.school_certified, "学校认定家庭经济困难"),
    ) if flag]


def school_year_of(day: dt.date) -> int:
    """The school year a date belongs to, by its starting year: 1 September to 31 August (a summer holiday
    closes the year that began the September before)."""
    return day.year if day.month >= 9 else day.year - 1

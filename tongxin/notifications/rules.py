"""The notification rules, pure (times passed in): which kinds exist and how urgent they are, which channels a
person must keep and may choose, night-time quiet hours, the retry schedule, and what may leave the platform.

Urgent kinds (a missing child, a late pick-up, a mandatory report) go out at once, day or night, and staff cannot
switch their SMS off; everything else waits for the end of the recipient's quiet hours."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

SMS, WECHAT = "sms", "wechat"
CHANNELS: dict[str, str] = {SMS: "短信", WECHAT: "微信"}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    urgent: bool
    staff_must: frozenset[str]   # the channels staff receiving this kind cannot switch off
    default: frozenset[str]      # the channels on until the person chooses
    params: tuple[str, ...]      # the SMS/WeChat template's variables, in order
    audience: frozenset[str]     # the roles (orgs.Role values) it is sent to: the settings page shows them this kind


_CUSTODY = frozenset({"parent", "class_teacher", "subject_teacher", "school_leader", "volunteer", "community_worker"})
_HANDLERS = frozenset({"township_officer", "county_civil"})
_HELPERS = frozenset({"class_teacher", "subject_teacher", "school_leader", "volunteer", "community_worker"})
_WHO = ("child", "place", "time")

KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("custody.missing", "托管儿童未到且未请假", True, frozenset({SMS}), frozenset({SMS, WECHAT}), _WHO, _CUSTODY),
    Kind("custody.late_pickup", "托管儿童超时未接", True, frozenset({SMS}), frozenset({SMS, WECHAT}), _WHO, _CUSTODY),
    Kind("care.absence", "孩子未到校", False, frozenset(), frozenset({SMS, WECHAT}), _WHO, frozenset({"parent"})),
    Kind("care.report", "强制报告", True, frozenset({SMS}), frozenset({SMS, WECHAT}), _WHO, _HANDLERS),
    Kind("care.report_escalated", "强制报告逾期未签收", True, frozenset({SMS}), frozenset({SMS, WECHAT}), _WHO,
         _HANDLERS),
    Kind("nursery.offer", "托育排队有托位", False, frozenset(), frozenset({SMS, WECHAT}), _WHO, frozenset({"parent"})),
    Kind("care.digest", "关爱工作每周待办", False, frozenset(), frozenset({WECHAT}), ("count", "place", "time"),
         _HELPERS),
    Kind("nursery.health", "托育晨午检异常", True, frozenset(), frozenset({SMS, WECHAT}), _WHO, frozenset({"parent"})),
)}


def is_staff(roles: set[str]) -> bool:
    """Anyone who holds a role other than parent: their urgent channels are required."""
    return bool(set(roles) - {"parent"})


def kinds_for(roles: set[str]) -> list[Kind]:
    """The kinds a person with these roles receives (the administrator: all of them)."""
    if "admin" in roles:
        return list(KINDS.values())
    return [k for k in KINDS.values() if k.audience & roles]

PARAM_MAX = 20          # an SMS template variable's length (the providers' limit for a name-like value)
KEY_MAX = 64

# Quiet hours by default: 22:00 to 07:00, the recipient's local time.
QUIET_START, QUIET_END = dt.time(22, 0), dt.time(7, 0)


def channels_for(kind: Kind, *, chosen: frozenset[str] | None, staff: bool) -> frozenset[str]:
    """The outbound channels of one kind for one person: what they chose (or the kind's default), always with
    what their role requires."""
    picked = kind.default if chosen is None else chosen
    return frozenset(picked | (kind.staff_must if staff else frozenset())) & frozenset(CHANNELS)


def in_quiet_hours(at: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a local time falls in [start, end), the span crossing midnight when start > end; start == end
    means no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def not_before(now: dt.datetime, *, urgent: bool, start: dt.time, end: dt.time) -> dt.datetime:
    """When a message may go: now if urgent or outside quiet hours, else at the end of the quiet hours (today's
    or tomorrow's), in `now`'s time zone."""
    if urgent or not in_quiet_hours(now.timetz().replace(tzinfo=None), start, end):
        return now
    wake = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return wake if wake > now else wake + dt.timedelta(days=1)


# Retries: the first after 30 s, doubling to at most an hour; a message is given up after 8 tries (about 2 h
# in all), urgent ones after 10 (about 4 h, by then someone has called).
RETRY_FIRST = dt.timedelta(seconds=30)
RETRY_MAX = dt.timedelta(hours=1)


def retry_after(attempts: int) -> dt.timedelta:
    """The wait before the next try, after `attempts` failed tries (1 or more)."""
    return min(RETRY_FIRST * (2 ** max(attempts - 1, 0)), RETRY_MAX)


def max_attempts(urgent: bool) -> int:
    return 10 if urgent else 8


# A message not sent by then is stale and dropped with the reason: a missing-child SMS a day late misleads more than
# it helps (the inbox keeps it), an absence after three days, the week's digest after the week.
STALE_AFTER = {True: dt.timedelta(hours=24), False: dt.timedelta(days=3)}
STALE_AFTER_KIND = {"care.digest": dt.timedelta(days=7)}


def stale_after(kind: str, urgent: bool) -> dt.timedelta:
    return STALE_AFTER_KIND.get(kind, STALE_AFTER[urgent])


def stale_reason(after: dt.timedelta) -> str:
    span = f"{after.days} 天" if after.days else f"{after.seconds // 3600} 小时"
    return f"超过 {span}未能发出，已过时，不再发送（站内消息仍在）"


LEASE = dt.timedelta(minutes=2)   # a worker's claim on a message; past it, the worker is taken to have died


# Personal ID numbers never leave the platform: an 18-character resident ID (17 digits and a digit or X) or an old
# 15-digit one, standing alone, is masked in anything sent.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


def without_id_numbers(text: str) -> str:
    """`text` with every personal ID number masked to its first 6 characters and asterisks."""
    return _ID_NUMBER.sub(lambda m: m.group(0)[:6] + "*" * (len(m.group(0)) - 6), text)


def clip_param(value: str) -> str:
    """A template variable as it may be sent: no ID number, one line, at most PARAM_MAX characters."""
    value = " ".join(without_id_numbers(str(value)).split())
    return value if len(value) <= PARAM_MAX else value[:PARAM_MAX - 1] + "…"


def message_key(key: str, *parts: object) -> str:
    """The outbox's idempotency key of one message: the event's key and the recipient and channel, hashed to a
    fixed length when long (the providers take at most 64 of [A-Za-z0-9_-])."""
    raw = ":".join([key, *map(str, parts)])
    if len(raw) <= KEY_MAX and re.fullmatch(r"[A-Za-z0-9_-]+", raw.replace(":", "-")):
        return raw.replace(":", "-")
    return "h" + hashlib.sha256(raw.encode()).hexdigest()[:KEY_MAX - 1]


def digest_week(now: dt.datetime, *, weekday: int = 0, at: dt.time = dt.time(8, 0)) -> str | None:
    """The ISO week whose digest is due at `now` (from Monday 08:00 by default, the recipient's local time), as
    "2026-W49"; None before that moment in the week."""
    if (now.weekday(), now.time()) < (weekday, at):
        return None
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"

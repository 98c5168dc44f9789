"""The day in a childcare room (一日生活): pure rules for check-in, the whole-room records and the outdoor time.

The national guidance (托育机构保育指导大纲（试行）2021; 托育机构管理规范（试行）2019) asks for a daily record of
each child's eating, sleep, toileting and mood, given to the family, and at least two hours a day outdoors (less
in bad weather); a centre records once for the whole room and only notes the children who differ. A child is
checked in only while the room stays within its size and its carers' ratio at that moment."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .rules import Limit, Span, class_size, hm

OUTDOOR_MINUTES = 120  # at least two hours outdoors a day (保育指导大纲); what a centre aims for, set here

MEALS = ("breakfast", "lunch", "snack")
KINDS: dict[str, str] = {
    "breakfast": "早餐",
    "lunch": "午餐",
    "snack": "午点",
    "nap": "午睡",
    "nappy": "换尿布/如厕",
    "mood": "情绪",
    "outdoor": "户外活动",
}
# What each kind records, the first value being the usual one. "" : none (times only).
VALUES: dict[str, dict[str, str]] = {
    "breakfast": {"all": "全部吃完", "some": "吃了一部分", "little": "吃得很少", "none": "未进食"},
    "lunch": {"all": "全部吃完", "some": "吃了一部分", "little": "吃得很少", "none": "未进食"},
    "snack": {"all": "全部吃完", "some": "吃了一部分", "little": "吃得很少", "none": "未进食"},
    "nap": {"slept": "安睡", "restless": "睡得不安稳", "awake": "未入睡"},
    "nappy": {"wet": "小便", "dirty": "大便", "dry": "干爽", "toilet": "自己如厕", "loose": "稀便"},
    "mood": {"happy": "愉快", "calm": "平静", "upset": "哭闹、情绪低落"},
    "outdoor": {"joined": "参加", "indoor": "未参加（留在室内）"},
}
# The values that keep a child away from the record (no sleep counted, no outdoor time).
NOT_TAKING_PART = {"nap": "awake", "outdoor": "indoor"}
# Values a parent should notice (shown marked on the timeline).
NOTABLE = {("breakfast", "little"), ("breakfast", "none"), ("lunch", "little"), ("lunch", "none"),
           ("snack", "little"), ("snack", "none"), ("nap", "awake"), ("nappy", "loose"), ("mood", "upset")}
SPANNED = frozenset({"nap", "outdoor"})  # kinds recorded from–to
ONCE_A_DAY = frozenset({"breakfast", "lunch", "snack", "nap", "mood"})  # the others may be recorded several times


def value_label(kind: str, value: str) -> str:
    return VALUES.get(kind, {}).get(value, "")


def entry_problem(kind: str, value: str, start: dt.time | None, end: dt.time | None, *, opens: dt.time,
                  last: dt.time) -> str | None:
    """Why a whole-room record (or a child's exception) cannot be kept as given, or None."""
    if kind not in KINDS:
        return "请选择记录类型"
    if value not in VALUES[kind]:
        return f"请选择{KINDS[kind]}的情况"
    if start is None:
        return "请填写时间"
    if not opens <= start <= last:
        return f"时间应在开园时间 {hm(opens)}–{hm(last)} 之内"
    if kind in SPANNED:
        if end is None:
            return f"{KINDS[kind]}请填写开始和结束时间"
        if end <= start:
            return "结束时间应晚于开始时间"
        if end > last:
            return f"结束时间不能晚于 {hm(last)}"
    elif end is not None:
        return f"{KINDS[kind]}只需填写一个时间"
    return None


def present_at(check_in: dt.time, check_out: dt.time | None, at: dt.time) -> bool:
    """Whether a child checked in at `check_in` (and out at `check_out`) was in the room at `at`."""
    return check_in <= at and (check_out is None or at < check_out)


def check_in_problem(*, label: str, limit: Limit, places: int, present: int, carers: int, at: dt.time) -> str | None:
    """Why one more child cannot come into the room at `at`, with `present` children already in and `carers` on
    duty: over the class's size, or over what its carers may look after (国家标准的师生比), or None."""
    size = class_size(limit, places)
    if present + 1 > size:
        return f"{hm(at)} {label}已满：最多 {size} 名幼儿，已在园 {present} 名"
    if present + 1 > carers * limit.per_carer:
        if carers == 0:
            return f"{hm(at)} {label}没有在岗保育人员，不能接收幼儿"
        return (f"{hm(at)} {label}在岗保育人员 {carers} 人，最多照护 {carers * limit.per_carer} 名幼儿，"
                f"已在园 {present} 名；请先安排保育人员到岗")
    return None


def carers_at(shifts: Iterable[Span], at: dt.time) -> int:
    return sum(1 for s in shifts if s.start <= at < s.end)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def union_minutes(spans: Iterable[Span]) -> int:
    """Minutes covered by any of the spans (two overlapping outdoor sessions count once)."""
    total, reach = 0, -1
    for s in sorted(spans):
        a, b = _minutes(s.start), _minutes(s.end)
        if b <= reach:
            continue
        total += b - max(a, reach)
        reach = b
    return total


@dataclass(frozen=True)
class Outdoor:
    minutes: int
    target: int

    @property
    def short(self) -> int:
        return max(0, self.target - self.minutes)

    @property
    def label(self) -> str:
        return duration_label(self.minutes)

    @property
    def short_label(self) -> str:
        return duration_label(self.short)

    @property
    def target_label(self) -> str:
        return duration_label(self.target)


def outdoor(spans: Sequence[Span], target: int = OUTDOOR_MINUTES) -> Outdoor:
    return Outdoor(union_minutes(spans), target)


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} 小时 {rest} 分钟"
    if hours:
        return f"{hours} 小时"
    return f"{rest} 分钟"

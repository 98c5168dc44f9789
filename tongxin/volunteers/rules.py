"""The pool's pure rules: whether a person may work with children on a day, and what a registration must hold.
The validity of a check is data (each check keeps its own 有效期至); the defaults below only fill the form."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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


def registration_throttled(*, recent: int, per_hour: int) -> bool:
    """Whether one more self-registration from an address that made `recent` in the last hour goes over the limit."""
    return recent >= per_hour


def weekdays_text(days: str) -> str:
    names = "一二三四五六日"
    return "、".join(f"周{names[int(d) - 1]}" for d in sorted(set(days)) if d in "1234567") or "—"


def availability_text(*, weekdays: str, holidays: bool, hours: str) -> str:
    """When a person can serve, as their page and a match read it, e.g. "周二、周五；寒暑假；放学后"."""
    return "；".join(t for t in (weekdays_text(weekdays), "寒暑假" if holidays else "", hours) if t)


def registration_problem(*, source: str, school_id: int | None, area_count: int) -> str | None:
    if source == "teacher" and not school_id:
        return "在职教师请选择任职学校"
    if area_count == 0:
        return "请至少选择一个可服务的社区（村）"
    return None


# The newcomer rule's defaults (P-39); a county sets its own (PoolRule).
DEFAULT_TRAINING_HOURS_BEFORE = Decimal("2")
DEFAULT_SERVICES_BEFORE_ALONE = 3


def alone_problem(*, services_done: int, services_before_alone: int) -> str | None:
    """Why the person may not yet work alone (they serve alongside an experienced person), or None."""
    if services_done < services_before_alone:
        return f"已服务 {services_done} 次，满 {services_before_alone} 次后才能独立服务（须与有经验的人员同班）"
    return None


def training_problem(*, hours_before: Decimal, required: Decimal) -> str | None:
    if hours_before < required:
        return f"岗前培训 {hours_before} 学时，不足 {required} 学时"
    return None


LETTER_TEXTS = {
    "safety": ("本人自愿参加青少年儿童关爱志愿服务，承诺：遵守《中华人民共和国未成年人保护法》，尊重儿童人格尊严，"
               "不体罚、变相体罚或侮辱儿童；服务期间不单独将儿童带离服务场所，不私自接送儿童；"
               "发现儿童受到侵害或面临危险，立即制止并报告服务组织方和所在社区（村）；"
               "严格执行接送交接、安全检查和应急预案；不收受儿童及家长财物。如有违反，愿承担相应责任。"),
    "quality": ("本人承诺：按约定的时间和内容提供服务，不无故缺席，确需请假的提前告知服务组织方；"
                "认真备课，因材施教，不以任何名义向儿童及家长推销商品或有偿补课；"
                "保护儿童及其家庭的个人信息，不泄露、不传播；"
                "接受服务组织方、家长和社区的监督评价，服务记录真实完整。"),
}


def letters_to_sign(signed: Iterable[tuple[str, str]]) -> list[str]:
    """The kinds of responsibility letter the person has still to sign, given the (kind, text) of those they
    signed: a letter is signed once for each wording (a new wording is signed again)."""
    done = set(signed)
    return [kind for kind, text in LETTER_TEXTS.items() if (kind, text) not in done]


# A care contact (a talk, a visit, a call recorded by the helper) counts as this many volunteer hours.
CONTACT_HOURS = Decimal("1")


def place_rank(target_path: str, home_path: str, area_paths: list[str]) -> int:
    """就近就熟就便 (P-36): 0 when the person lives in or serves the target community, 1 in its township, 2 in the
    county, 3 further."""
    if target_path == home_path or target_path in area_paths:
        return 0
    township = target_path.rstrip("/").rsplit("/", 1)[0] + "/"
    if any(p.startswith(township) for p in [home_path, *area_paths]):
        return 1
    county = township.rstrip("/").rsplit("/", 1)[0] + "/"
    return 2 if home_path.startswith(county) else 3


PLACE_LABELS = {0: "本社区（村）", 1: "本乡镇（街道）", 2: "本县", 3: "县外"}


def place_label(rank: int, *, lives_there: bool) -> str:
    """How near a candidate is, as the tag reads: whether they live in the community or only serve there (both
    rank first)."""
    if rank == 0:
        return "住在本社区（村）" if lives_there else "可服务本社区（村）"
    return PLACE_LABELS[rank]


def match_key(*, rank: int, skill_hit: bool, available: bool, load: int, name: str) -> tuple:
    """The matching order: nearest first, then the skill asked, then free at the time asked, then the lightest
    load; by name to be stable."""
    return (rank, not skill_hit, not available, load, name)

"""The care line's rules as pure functions: who is covered (P-01, P-02), when a file's risk assessment is due
(P-14), the risk level (P-15, P-09), and the contact rules with the windows they count over (P-31, P-33, P-34,
P-37, P-43, P-44).

No database and no clock: every date is passed in, so tests and the to-do list can ask about any day.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .choices import Category, Dimension, HelperRole, Level, Party, Problem, RecordKind, Window

# ---------------------------------------------------------------------------------------------------------------
# Dates


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return add_months(month_start(day), 1) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier), clamped to the month's last day (1-31 + 1 = 2-28
    or 2-29)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if day.day <= 28:  # every month has it (most calls: this runs for every parent of every child classified)
        return dt.date(year, month0 + 1, day.day)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years (周岁) on `on`; a child born on 2-29 turns a year older on 3-01 in common years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _ym(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------------------------------------------------------
# 1. Category (P-01, P-02)


@dataclass(frozen=True)
class ParentFacts:
    away: bool = False  # works away from home (外出务工)
    away_since: dt.date | None = None  # None while away = start not recorded
    capable: bool = True  # able to care for the child (具备监护能力)
    deceased: bool = False
    missing: bool = False  # whereabouts unknown / abandoned the child

    @property
    def unable(self) -> bool:
        """Cannot care for the child: deceased, missing or without the ability (无监护能力)."""
        return self.deceased or self.missing or not self.capable

    @property
    def working_away(self) -> bool:
        """Away for work; a parent recorded as deceased or missing is not counted as away."""
        return self.away and not self.deceased and not self.missing

    def state(self) -> str:
        """Why this parent cannot care, in Chinese (the first that holds)."""
        if self.deceased:
            return "已故"
        if self.missing:
            return "下落不明"
        if not self.capable:
            return "无监护能力"
        return "具备监护能力"


@dataclass(frozen=True)
class ChildFacts:
    birth_date: dt.date
    father: ParentFacts | None = None  # None: not recorded
    mother: ParentFacts | None = None
    disabled: bool = False
    seriously_ill: bool = False
    low_income: bool = False  # 低保
    extreme_poverty: bool = False  # 特困
    single_parent: bool = False
    migrant: bool = False  # lives in town with parents who came there to work
    migrant_lacks_care: bool = False


@dataclass(frozen=True)
class Classification:
    category: Category  # the primary one, by precedence LEFT_BEHIND > VULNERABLE > MIGRANT > NONE
    applies: frozenset[Category]  # every category whose conditions hold (empty for NONE)
    reasons: tuple[str, ...]  # Chinese, one per condition that holds, in a stable order
    # Near misses a person checking the file wants to see (not reasons: nothing here makes a category apply), e.g.
    # "父亲外出务工未满3个月（自2026年5月）", "已满16周岁，不再按留守儿童统计".
    notes: tuple[str, ...] = ()


PRECEDENCE = (Category.LEFT_BEHIND, Category.VULNERABLE, Category.MIGRANT)


def _away_long_enough(parent: ParentFacts, on: dt.date, months_away: int) -> bool:
    if not parent.working_away:
        return False
    if parent.away_since is None:
        return True  # start not recorded: counted as away long enough, and the reason says so
    return add_months(parent.away_since, months_away) <= on


def _since(parent: ParentFacts) -> str:
    return "外出时间未登记" if parent.away_since is None else f"自{_ym(parent.away_since)}"


def _left_behind_reason(
    father: ParentFacts | None, mother: ParentFacts | None, on: dt.date, months_away: int
) -> str | None:
    if (
        father is not None
        and mother is not None
        and _away_long_enough(father, on, months_away)
        and _away_long_enough(mother, on, months_away)
    ):
        return f"父母双方外出务工满{months_away}个月（父亲{_since(father)}，母亲{_since(mother)}）"
    for who, away, other_who, other in (("父亲", father, "母亲", mother), ("母亲", mother, "父亲", father)):
        if away is not None and _away_long_enough(away, on, months_away) and other is not None and other.unable:
            return f"{who}外出务工满{months_away}个月（{_since(away)}），{other_who}{other.state()}"
    return None


def classify(facts: ChildFacts, on: dt.date, *, months_away: int = 3, under_age: int = 16) -> Classification:
    """Every category the facts place the child in on `on`, the primary one, and the reasons (P-01, P-02).

    留守: younger than `under_age`, and both parents away for work at least `months_away` calendar months, or one
    away that long and the other unable to care (无监护能力, 已故 or 下落不明). A parent away with no start date counts
    as away long enough. 困境: orphan, de facto unsupported, seriously ill, disabled, 低保, 特困, single parent.
    流动: living in town with parents who came to work there, and lacking care."""
    reasons: list[str] = []
    notes: list[str] = []
    applies: set[Category] = set()
    father, mother = facts.father, facts.mother

    left = _left_behind_reason(father, mother, on, months_away)
    if left is not None:
        if age_on(facts.birth_date, on) < under_age:
            applies.add(Category.LEFT_BEHIND)
            reasons.append(left)
        else:
            notes.append(f"已满{under_age}周岁，不再按留守儿童统计（{left}）")
    for who, parent in (("父亲", father), ("母亲", mother)):
        if parent is not None and parent.working_away and not _away_long_enough(parent, on, months_away):
            notes.append(f"{who}外出务工未满{months_away}个月（{_since(parent)}）")

    vulnerable: list[str] = []
    if father is not None and mother is not None:
        if father.deceased and mother.deceased:
            vulnerable.append("孤儿（父母双方均已故）")
        elif father.unable and mother.unable:
            vulnerable.append(f"事实无人抚养（父亲{father.state()}，母亲{mother.state()}）")
    for flag, label in (
        (facts.seriously_ill, "患重病"),
        (facts.disabled, "残疾"),
        (facts.low_income, "低保家庭"),
        (facts.extreme_poverty, "特困家庭"),
        (facts.single_parent, "单亲家庭"),
    ):
        if flag:
            vulnerable.append(label)
    if vulnerable:
        applies.add(Category.VULNERABLE)
        reasons.extend(vulnerable)

    if facts.migrant and facts.migrant_lacks_care:
        applies.add(Category.MIGRANT)
        reasons.append("随父母进城务工、缺乏照料")

    category = next((c for c in PRECEDENCE if c in applies), Category.NONE)
    return Classification(category=category, applies=frozenset(applies), reasons=tuple(reasons), notes=tuple(notes))


class ShiftLike(Protocol):
    """A change in a parent's or carer's situation (people.services.Shift): who, whether a parent, whether the
    child's main carer (before the change, or after it for a new carer), and what changed."""

    @property
    def who(self) -> str: ...
    @property
    def parent(self) -> bool: ...
    @property
    def carer(self) -> bool: ...
    @property
    def kind(self) -> str: ...


# What a change of each kind reads as in a review's reason; kinds not listed (health, phone, address, regaining the
# ability to care) are recorded but do not by themselves ask for a review.
_SHIFT_TEXT = {"away": "外出务工", "returned": "返乡", "found": "已找到、恢复联系", "unable": "丧失监护能力",
               "deceased": "去世", "missing": "失踪或下落不明", "carer": "成为主要照料人", "added": "新登记为家长或监护人"}


def review_reasons(shifts: Iterable[ShiftLike], before: Category, after: Category) -> list[str]:
    """Why a change in the family asks for the file to be reviewed (动态管理, P-10), in Chinese; empty when it
    does not: the category changed, a parent went away to work or came back (or reappeared), the main carer went
    away, or the carer changed or can no longer care (lost the ability, died, went missing)."""
    reasons = []
    for s in shifts:
        material = {
            "away": s.parent or s.carer, "returned": s.parent or s.carer, "found": s.parent or s.carer,
            "unable": True, "deceased": True, "missing": True, "carer": True, "added": True,
        }.get(s.kind, False)
        if material:
            reasons.append(f"{s.who}{_SHIFT_TEXT[s.kind]}")
    if before != after:
        reasons.append(f"关爱类别由{before.label}变为{after.label}")
    return list(dict.fromkeys(reasons))


def merge_review(review_from: dt.date | None, reason: str, *, on: dt.date, reasons: Sequence[str],
                 limit: int = 255) -> tuple[dt.date, str]:
    """A file's pending review after another change on `on`: the review waits for an assessment dated on or after
    the latest change, and its reason lists every change since the last assessment (the newest kept when the
    column is full)."""
    parts = [p for p in reason.split("；") if p] if review_from else []
    parts = list(dict.fromkeys(parts + list(reasons)))
    text = "；".join(parts)
    while len(text) > limit and len(parts) > 1:
        parts.pop(0)
        text = "；".join(parts)
    return max(review_from, on) if review_from else on, text[:limit]


# ---------------------------------------------------------------------------------------------------------------
# 2. Risk assessment schedule (P-14)

ROUND_MONTHS = (3, 9)
ASSESSMENT_STATES = {"done": "已评估", "due": "待评估", "overdue": "逾期未评估"}


@dataclass(frozen=True)
class AssessmentDue:
    window_start: dt.date  # first day of the month the current assessment is due in
    deadline: dt.date  # last day of that month
    state: str  # "done" | "due" | "overdue"
    reason: str  # "3月例行评估" / "9月例行评估" / "新增对象当月评估"

    @property
    def state_label(self) -> str:
        return ASSESSMENT_STATES[self.state]


def _check_months(months: tuple[int, ...]) -> None:
    if not months or any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"评估月份须为1至12之间的月份（收到{months!r}）")


def last_round(on: dt.date, months: tuple[int, ...] = ROUND_MONTHS) -> dt.date:
    """First day of the most recent round month starting on or before `on`."""
    _check_months(months)
    return max(dt.date(year, m, 1) for year in (on.year - 1, on.year) for m in months if dt.date(year, m, 1) <= on)


def next_round(on: dt.date, months: tuple[int, ...] = ROUND_MONTHS) -> dt.date:
    """First day of the next round month after `on`'s month."""
    _check_months(months)
    after = month_start(on)
    return min(dt.date(year, m, 1) for year in (on.year, on.year + 1) for m in months if dt.date(year, m, 1) > after)


def assessment_due(
    *, on: dt.date, added: dt.date, assessed: Sequence[dt.date], months: tuple[int, ...] = ROUND_MONTHS
) -> AssessmentDue:
    """The assessment a file owes on `on` (P-14): one in every round month (March and September) and one in the
    month the file was added, whichever of the two came last. Done when an assessment is dated in that window
    (up to `on`); otherwise due until the month's end and overdue after it, until one is done or the next round
    month begins."""
    if on < added:
        raise ValueError(f"查询日期（{_ymd(on)}）早于建档日期（{_ymd(added)}）")
    round_start = last_round(on, months)
    added_start = month_start(added)
    if added_start > round_start:
        start, reason = added_start, "新增对象当月评估"
    else:
        start, reason = round_start, f"{round_start.month}月例行评估"
    deadline = month_end(start)
    if any(start <= day <= on for day in assessed):
        state = "done"
    elif on <= deadline:
        state = "due"
    else:
        state = "overdue"
    return AssessmentDue(window_start=start, deadline=deadline, state=state, reason=reason)


# ---------------------------------------------------------------------------------------------------------------
# 3. Risk level (P-15, P-09)

SCORE_LABELS = {0: "无风险", 1: "轻度", 2: "中度", 3: "重度"}


@dataclass(frozen=True)
class RiskScale:
    high_if_any: int = 3
    high_total: int = 7
    medium_if_any: int = 2
    medium_total: int = 3


def _score_label(score: int) -> str:
    return SCORE_LABELS.get(score, f"{score}分")


def risk_level(
    scores: Mapping[Dimension, int], problems: Iterable[Problem] = (), scale: RiskScale = RiskScale()
) -> tuple[Level, tuple[str, ...]]:
    """The level an assessment gives (低/中/高) and its reasons (P-15): every one of the five dimensions scored 0
    (无风险) to 3 (重度). High when one score reaches `high_if_any` or the total `high_total`; medium when one
    reaches `medium_if_any` or the total `medium_total`; low otherwise."""
    unknown = [str(key) for key in scores if key not in Dimension.values]
    if unknown:
        raise ValueError(f"未知的评估维度：{'、'.join(unknown)}")
    by_value = {str(key): value for key, value in scores.items()}
    missing = [d.label for d in Dimension if d.value not in by_value]
    if missing:
        raise ValueError(f"以下维度未评分：{'、'.join(missing)}")
    for d in Dimension:
        value = by_value[d.value]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            raise ValueError(f"{d.label}的评分须为0至3的整数（收到{value!r}）")

    values = [by_value[d.value] for d in Dimension]
    total, top = sum(values), max(values)
    reasons = [
        f"{d.label}：{_score_label(by_value[d.value])}（{by_value[d.value]}分）"
        for d in Dimension
        if by_value[d.value] >= 1
    ]
    given: set[Problem] = set()
    for problem in problems:
        if problem not in Problem.values:
            raise ValueError(f"未知的问题类型：{problem}")
        given.add(Problem(problem))
    reasons += [p.label for p in Problem if p in given]

    def hits(if_any: int, if_total: int) -> list[str]:
        hit = []
        if top >= if_any:
            hit.append(f"单项达到{_score_label(if_any)}")
        if total >= if_total:
            hit.append(f"总分{if_total}分及以上")
        return hit

    if hit := hits(scale.high_if_any, scale.high_total):
        return Level.HIGH, tuple(reasons + hit)
    if hit := hits(scale.medium_if_any, scale.medium_total):
        return Level.MEDIUM, tuple(reasons + hit)
    return Level.LOW, tuple(
        reasons + [f"各项均低于{_score_label(scale.medium_if_any)}，总分低于{scale.medium_total}分"]
    )


# ---------------------------------------------------------------------------------------------------------------
# 4. Contact rules and their windows (P-31, P-33, P-34, P-37, P-43, P-44)

TERM_STARTS: tuple[tuple[int, int], ...] = ((2, 1), (9, 1))  # spring 2-01…8-31, autumn 9-01…next 1-31
SCHOOL_YEAR_START = (9, 1)
RULE_STATES = {"done": "已完成", "due": "未完成"}


@dataclass(frozen=True)
class ContactRule:
    key: str  # stable, e.g. "p31_week"
    name: str  # "三个二：每周与儿童联系交流、辅导作业两次"
    helper: HelperRole
    kinds: frozenset[RecordKind]
    count: int
    window: Window
    parties: frozenset[Party] = frozenset()  # empty = any party
    levels: frozenset[Level] = frozenset()  # empty = every level (and files not yet assessed)
    categories: frozenset[Category] = frozenset()  # empty = any category
    source: str = ""  # requirement id / seed, e.g. "P-31"

    def counts(self, record: "Record") -> bool:
        """Whether a record is of a kind this rule counts, held with a party it counts."""
        return record.kind in self.kinds and (not self.parties or record.party in self.parties)

    @property
    def title(self) -> str:
        """The name as pages, cards and the API show it (`rule_title`): never contradicting the count in force."""
        return rule_title(self)


_CHILD = frozenset({Party.CHILD})
_TALKS = frozenset({RecordKind.TALK, RecordKind.CONTACT, RecordKind.HOMEWORK})
_LEFT = frozenset({Category.LEFT_BEHIND})

DEFAULT_RULES: tuple[ContactRule, ...] = (
    # 「三个二」 for the proxy parent of a left-behind child (001·P19).
    ContactRule(
        key="p31_week",
        name="三个二：每周与儿童联系交流、辅导作业两次",
        helper=HelperRole.PROXY_PARENT,
        kinds=_TALKS,
        count=2,
        window=Window.WEEK,
        parties=_CHILD,
        categories=_LEFT,
        source="P-31",
    ),
    ContactRule(
        key="p31_month",
        name="三个二：每月与儿童父母、任课教师、托管人联系两次",
        helper=HelperRole.PROXY_PARENT,
        kinds=frozenset({RecordKind.TALK, RecordKind.CONTACT, RecordKind.FAMILY_CALL, RecordKind.VIDEO_CALL}),
        count=2,
        window=Window.MONTH,
        parties=frozenset({Party.PARENT, Party.CARER, Party.SUBJECT_TEACHER}),
        categories=_LEFT,
        source="P-31",
    ),
    ContactRule(
        key="p31_visits",
        name="三个二：每两月到儿童家中走访两次",
        helper=HelperRole.PROXY_PARENT,
        kinds=frozenset({RecordKind.HOME_VISIT}),
        count=2,
        window=Window.TWO_MONTHS,
        categories=_LEFT,
        source="P-31",
    ),
    # The class teacher's monthly talk and record card (001·P17, P3).
    ContactRule(
        key="p43_talk",
        name="班主任每月与留守儿童谈心一次，填写记录卡",
        helper=HelperRole.CLASS_TEACHER,
        kinds=frozenset({RecordKind.TALK}),
        count=1,
        window=Window.MONTH,
        parties=_CHILD,
        categories=_LEFT,
        source="P-43",
    ),
    # Each subject teacher's monthly talk with the left-behind pupils assigned to them (001·P3).
    ContactRule(
        key="p44_talk",
        name="任课教师每月与结对的留守学生谈心一次",
        helper=HelperRole.SUBJECT_TEACHER,
        kinds=frozenset({RecordKind.TALK}),
        count=1,
        window=Window.MONTH,
        parties=_CHILD,
        categories=_LEFT,
        source="P-44",
    ),
    # Volunteers' 「五个一」 (001·P23); its monthly call or letter also meets P-34 (at least a contact a month).
    ContactRule(
        key="p33_school",
        name="五个一：每月了解一次儿童在校表现",
        helper=HelperRole.VOLUNTEER,
        kinds=frozenset({RecordKind.SCHOOL_CHECK}),
        count=1,
        window=Window.MONTH,
        source="P-33",
    ),
    ContactRule(
        key="p33_call",
        name="五个一：每月与儿童通一次电话或写一封信谈心（即至少每月联系一次）",
        helper=HelperRole.VOLUNTEER,
        kinds=frozenset({RecordKind.TALK, RecordKind.CONTACT, RecordKind.LETTER}),
        count=1,
        window=Window.MONTH,
        parties=_CHILD,
        source="P-33、P-34",
    ),
    ContactRule(
        key="p33_weekend",
        name="五个一：每学期陪儿童过一个有意义的双休日",
        helper=HelperRole.VOLUNTEER,
        kinds=frozenset({RecordKind.ACTIVITY}),
        count=1,
        window=Window.TERM,
        source="P-33",
    ),
    ContactRule(
        key="p33_supplies",
        name="五个一：每学期资助一批学习用品",
        helper=HelperRole.VOLUNTEER,
        kinds=frozenset({RecordKind.SUPPLIES}),
        count=1,
        window=Window.TERM,
        source="P-33",
    ),
    ContactRule(
        key="p33_skill",
        name="五个一：每年帮助儿童学会一项技能或新本领",
        helper=HelperRole.VOLUNTEER,
        kinds=frozenset({RecordKind.SKILL}),
        count=1,
        window=Window.SCHOOL_YEAR,
        source="P-33",
    ),
    # Key cases (重点帮扶对象, high risk): the seeds name the helper but no frequency; these are the platform's.
    ContactRule(
        key="p37_week",
        name="重点帮扶：每周与儿童联系交流一次",
        helper=HelperRole.KEY_CASE,
        kinds=_TALKS,
        count=1,
        window=Window.WEEK,
        parties=_CHILD,
        levels=frozenset({Level.HIGH}),
        source="P-37（种子未规定频次，平台默认）",
    ),
    ContactRule(
        key="p37_visit",
        name="重点帮扶：每月家访一次",
        helper=HelperRole.KEY_CASE,
        kinds=frozenset({RecordKind.HOME_VISIT}),
        count=1,
        window=Window.MONTH,
        levels=frozenset({Level.HIGH}),
        source="P-37（种子未规定频次，平台默认）",
    ),
)


_DEFAULT_BY_KEY = {r.key: r for r in DEFAULT_RULES}
# What each default rule asks, without its count and period: the name shown once an office changed either.
RULE_SUBJECTS: dict[str, str] = {
    "p31_week": "三个二：与儿童联系交流、辅导作业",
    "p31_month": "三个二：与儿童父母、任课教师、托管人联系",
    "p31_visits": "三个二：到儿童家中走访",
    "p43_talk": "班主任与留守儿童谈心，填写记录卡",
    "p44_talk": "任课教师与结对的留守学生谈心",
    "p33_school": "五个一：了解儿童在校表现",
    "p33_call": "五个一：与儿童通电话或写信谈心",
    "p33_weekend": "五个一：陪儿童过有意义的双休日",
    "p33_supplies": "五个一：资助学习用品",
    "p33_skill": "五个一：帮助儿童学会技能或新本领",
    "p37_week": "重点帮扶：与儿童联系交流",
    "p37_visit": "重点帮扶：家访",
}


def rule_title(rule: ContactRule) -> str:
    """A rule's name as shown. The seeds' wording names its count and period (「每周……两次」), so it is kept only
    while the rule keeps the default's count and period; otherwise what the rule asks, followed by the count and
    period in force: 「三个二：与儿童联系交流、辅导作业（每周3次）」. A rule that is not one of the defaults shows its
    own name with the count and period in force."""
    default = _DEFAULT_BY_KEY.get(rule.key)
    if default is not None and (rule.count, rule.window) == (default.count, default.window):
        return rule.name
    return f"{RULE_SUBJECTS.get(rule.key, rule.name)}（{rule.window.label}{rule.count}次）"


def applies(rule: ContactRule, *, helper: HelperRole, level: Level | None, categories: frozenset[Category]) -> bool:
    """Whether `rule` binds a helper of this role for a child of this level (None: not yet assessed) and these
    categories. A rule limited to some levels never binds for a child not yet assessed."""
    if rule.helper != helper:
        return False
    if rule.levels and (level is None or level not in rule.levels):
        return False
    return not rule.categories or bool(rule.categories & categories)


def _check_term_starts(term_starts: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    if not term_starts:
        raise ValueError("至少需要一个学期开始日期")
    for month, day in term_starts:
        try:
            dt.date(2001, month, day)  # a common year: 2-29 is refused, it does not start a term every year
        except (TypeError, ValueError):
            raise ValueError(f"学期开始日期无效：{month}月{day}日") from None
    return sorted(set(term_starts))


_WINDOWS = frozenset(Window.values)  # (Window.values builds a new list on every use: this runs per duty)


def window_of(
    window: Window, day: dt.date, *, term_starts: tuple[tuple[int, int], ...] = TERM_STARTS
) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) of the window of kind `window` that contains `day`: a week Monday to
    Sunday, a calendar month, an aligned pair of months (Jan–Feb … Nov–Dec), a term from one term start to the day
    before the next (crossing the year end), a school year 9-01…8-31."""
    if window not in _WINDOWS:
        raise ValueError(f"未知的统计周期：{window}")
    window = Window(window)
    if window == Window.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if window == Window.MONTH:
        return month_start(day), month_end(day)
    if window == Window.TWO_MONTHS:
        start = dt.date(day.year, day.month - (day.month - 1) % 2, 1)
        return start, add_months(start, 2) - dt.timedelta(days=1)
    if window == Window.TERM:
        starts = _check_term_starts(term_starts)
        candidates = [dt.date(year, m, d) for year in (day.year - 1, day.year, day.year + 1) for m, d in starts]
        start = max(c for c in candidates if c <= day)
        following = min(c for c in candidates if c > day)
        return start, following - dt.timedelta(days=1)
    if window == Window.SCHOOL_YEAR:
        m, d = SCHOOL_YEAR_START
        year = day.year if (day.month, day.day) >= (m, d) else day.year - 1
        return dt.date(year, m, d), dt.date(year + 1, m, d) - dt.timedelta(days=1)
    raise AssertionError(window)  # every Window is handled above


@dataclass(frozen=True)
class Record:
    day: dt.date
    kind: RecordKind
    party: Party = Party.CHILD


@dataclass(frozen=True)
class RuleStatus:
    rule: ContactRule
    start: dt.date
    end: dt.date  # the window containing `on`
    done: int  # matching records with start <= day <= on
    needed: int  # rule.count
    binding: bool  # the window started on or after `since`; a window already running when the duty began is
    # shown, never counted as missed
    state: str  # "done" | "due" (short, window still open)
    missed_last: int  # shortfall of the previous window, if it was binding; else 0
    last_start: dt.date | None  # the previous window, when it was binding; None when the duty began after its start
    last_end: dt.date | None
    last_done: int = 0  # matching records in the previous window, when it was binding

    @property
    def short(self) -> int:
        """Records still needed in the current window."""
        return max(0, self.needed - self.done)

    @property
    def state_label(self) -> str:
        return RULE_STATES[self.state]


def rule_status(
    rule: ContactRule,
    records: Iterable[Record],
    on: dt.date,
    *,
    since: dt.date | None = None,
    term_starts: tuple[tuple[int, int], ...] = TERM_STARTS,
) -> RuleStatus:
    """Where a helper stands on one rule on `on`: what the current window holds so far, and by how much the
    previous window fell short. `since` is the day the duty began (the pairing's start); windows that began before
    it are not binding."""
    start, end = window_of(rule.window, on, term_starts=term_starts)
    last_start, last_end = window_of(rule.window, start - dt.timedelta(days=1), term_starts=term_starts)
    days = [r.day for r in records if rule.counts(r)]
    done = sum(1 for day in days if start <= day <= on)
    last_binding = since is None or last_start >= since
    last_done = sum(1 for day in days if last_start <= day <= last_end) if last_binding else 0
    return RuleStatus(
        rule=rule,
        start=start,
        end=end,
        done=done,
        needed=rule.count,
        binding=since is None or start >= since,
        state="done" if done >= rule.count else "due",
        missed_last=max(0, rule.count - last_done) if last_binding else 0,
        last_start=last_start if last_binding else None,
        last_end=last_end if last_binding else None,
        last_done=last_done,
    )


def compliance(
    rules: Iterable[ContactRule],
    records: Iterable[Record],
    on: dt.date,
    *,
    since: dt.date | None = None,
    term_starts: tuple[tuple[int, int], ...] = TERM_STARTS,
) -> list[RuleStatus]:
    """`rule_status` of every rule, in the rules' order, over the same records."""
    kept = list(records)
    return [rule_status(rule, kept, on, since=since, term_starts=term_starts) for rule in rules]

"""The care line's dashboard for a school, a township or the county (P-73…P-80): every figure over the files, reports,
handovers and aid the reader may see, each as a section with its goal, rows for the table and the Excel sheet, and
bars for the chart. Each figure comes from the same selectors the working pages use, so the two always agree."""

import datetime as dt
from dataclasses import dataclass, field

from tongxin.orgs import scope
from tongxin.orgs.models import Role, User
from tongxin.people import selectors as people

from .. import aid_rules, rules
from ..absence_choices import Stage
from ..choices import Category, Level
from ..models import CareFile, DropoutCase, MandatoryReport
from ..report_choices import EventKind
from . import absence as absence_sel
from . import aid as aid_sel
from . import handovers as handover_sel
from .board import board
from .reports import report_states
from .todo import _file_rows, assessment_states

READERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL})
CATEGORIES = (Category.LEFT_BEHIND, Category.VULNERABLE, Category.MIGRANT)
LEVELS = (Level.HIGH, Level.MEDIUM, Level.LOW)
AGE_BUCKETS = ((2, "2小时内"), (24, "2–24小时"), (24 * 7, "1–7天"), (None, "7天以上"))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar shows
    whole: float  # what a full bar is
    text: str


@dataclass
class Section:
    key: str
    title: str
    goal: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    alert: str = ""  # a figure off its goal

    @property
    def table(self) -> list[list[tuple[str, object]]]:
        """The rows with each cell's header (a phone shows the header beside the cell)."""
        return [list(zip(self.headers, row, strict=False)) for row in self.rows]


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 100.0


def _by_category(files) -> Section:
    s = Section("categories", "按类别和风险等级", "", ["类别", "高风险", "中风险", "低风险", "未评估", "合计"])
    table: list[tuple[str, list[int]]] = []
    for cat in CATEGORIES:
        mine = [f for f in files if f.category == cat]
        counts = [sum(f.level == lv for f in mine) for lv in LEVELS]
        table.append((cat.label, [*counts, len(mine) - sum(counts), len(mine)]))
    total = [sum(numbers[i] for _, numbers in table) for i in range(5)]
    s.rows = [[label, *numbers] for label, numbers in table] + [["合计", *total]]
    s.bars = [Bar(label, n[4], max(total[4], 1), f"{n[4]} 人，其中高风险 {n[0]}") for label, n in table]
    return s


def _filing(user: User, files, on: dt.date) -> Section:
    flagged = people.flagged_children(scope.children(user))
    with_file = set(CareFile.objects.filter(child_id__in=flagged).exclude(category=Category.NONE)
                    .values_list("child_id", flat=True))
    checked = set(CareFile.objects.filter(pk__in=[f.file_id for f in files],
                                          checked_month__gte=on.replace(day=1)).values_list("pk", flat=True))
    s = Section("filing", "建档与月度核对", "建档率目标 100%", ["项目", "完成", "应完成", "比例（%）"])
    s.rows = [["建档（登记为留守、困境的儿童）", len(with_file & flagged), len(flagged),
               percent(len(with_file & flagged), len(flagged))],
              ["本月已核对档案", len(checked), len(files), percent(len(checked), len(files))]]
    s.bars = [Bar(str(r[0]), float(str(r[3])), 100, f"{r[3]}%") for r in s.rows]
    if flagged and len(with_file & flagged) < len(flagged):
        s.alert = f"{len(flagged) - len(with_file & flagged)} 名登记为留守、困境的儿童尚未建档"
    return s


def _enrolment(files, on: dt.date) -> Section:
    ages = people.birth_and_school([f.child_id for f in files if f.category == Category.LEFT_BEHIND])
    of_age = {c for c, (birth, _) in ages.items() if 6 <= rules.age_on(birth, on) <= 15}
    enrolled = {c for c in of_age if ages[c][1]}
    share = percent(len(enrolled), len(of_age))
    s = Section("enrolment", "留守儿童义务教育入学率", "目标不低于 98%", ["项目", "人数"])
    s.rows = [["6–15周岁留守儿童", len(of_age)], ["在校就读", len(enrolled)], ["入学率（%）", share]]
    s.bars = [Bar("入学率", share, 100, f"{share}%")]
    if of_age and share < 98:
        s.alert = f"入学率 {share}%，低于 98%"
    return s


def _assessments(files, on: dt.date) -> Section:
    states = assessment_states([f for f in files if f.added_on <= on], on)
    counts = {k: sum(st.state == k for st in states.values()) for k in ("done", "due", "overdue")}
    s = Section("assessments", "风险评估（每年3月、9月）", "逾期评估目标为 0", ["状态", "份数"])
    s.rows = [["已评估", counts["done"]], ["本期待评估", counts["due"]], ["逾期未评估", counts["overdue"]]]
    s.bars = [Bar(str(r[0]), float(str(r[1])), max(len(states), 1), f"{r[1]} 份") for r in s.rows]
    if counts["overdue"]:
        s.alert = f"{counts['overdue']} 份档案逾期未评估"
    return s


def _compliance(user: User, on: dt.date, by: str) -> Section:
    found = board(user, on=on, by=by)
    s = Section("compliance", "联系规则达标（上一统计期）", "「三个二」、班主任每月谈心等",
                ["单位", "应联系项", "达标", "未达标", "达标率（%）"])
    s.rows = [[u.label, u.duties, u.met, u.behind, u.percent] for u in [*found.units, found.total]]
    s.bars = [Bar(u.label, u.percent, 100, f"{u.percent}%") for u in found.units[:20]]
    if found.total.duties and found.total.percent < 100:
        s.alert = f"{found.helpers_behind} 名帮扶人有联系未达标"
    return s


def _reports(user: User, now: dt.datetime) -> Section:
    found = list(MandatoryReport.objects.filter(scope.report_q(user)).exclude(events__kind=EventKind.CLOSED)
                 .only("pk", "raised_at", "ack_minutes"))
    states = report_states(found, now)
    buckets = {label: [0, 0] for _, label in AGE_BUCKETS}  # [open, not acknowledged]
    for report in found:
        hours = (now - report.raised_at).total_seconds() / 3600
        label = next(label for limit, label in AGE_BUCKETS if limit is None or hours < limit)
        buckets[label][0] += 1
        buckets[label][1] += states[report.pk].acknowledged_at is None
    s = Section("reports", "未结案的强制报告（按已过时间）", "报告应在规定时限内签收", ["已过时间", "未结案", "其中未签收"])
    s.rows = [[label, n, waiting] for label, (n, waiting) in buckets.items()]
    s.bars = [Bar(label, n, max(len(found), 1), f"{n} 份") for label, (n, _) in buckets.items()]
    waiting_total = sum(w for _, w in buckets.values())
    if waiting_total:
        s.alert = f"{waiting_total} 份报告尚无人签收"
    return s


def _handovers(user: User, on: dt.date) -> Section:
    page = handover_sel.handover_page(user, today=on)
    latest = page.rows[0].holiday if page.rows else "—"
    s = Section("handovers", f"假期交接（{latest}）", "各村（居）委会全部确认接收", ["项目", "份数"])
    s.rows = [["交接名单", page.lists], ["已接收", page.received], ["待接收", page.waiting], ["逾期未接收", page.overdue]]
    s.bars = [Bar("已接收", page.received, max(page.lists, 1), f"{page.received}/{page.lists}")]
    if page.overdue or page.missing_schools:
        s.alert = "；".join(filter(None, [f"{page.overdue} 份名单逾期未接收" if page.overdue else "",
                                         "未交接：" + "、".join(page.missing_schools) if page.missing_schools else ""]))
    return s


def _aid(user: User, on: dt.date) -> Section:
    year = aid_rules.school_year(on)
    schools = aid_sel.school_shares(user, year)
    s = Section("aid", f"{year[0]:%Y}—{year[1]:%Y}学年受助比例", "现金约 20%、物资约 30%、合计不超过 50%",
                ["学校", "在校生", "现金帮扶（%）", "物资帮扶（%）", "合计受助（%）"])
    s.rows = [[x.school, x.shares.enrolled, x.shares.cash_percent, x.shares.material_percent,
               x.shares.either_percent] for x in schools]
    s.bars = [Bar(x.school, x.shares.either_percent, 100, f"{x.shares.either_percent}%") for x in schools]
    over = [x.school for x in schools if x.shares.over_cap]
    if over:
        s.alert = "受助比例超过 50%：" + "、".join(over)
    return s


def _dropout(user: User, on: dt.date) -> Section:
    cases = list(DropoutCase.objects.filter(absence_sel.case_q(user)))
    states = absence_sel.case_states(cases, on)
    s = Section("dropout", "控辍保学（按阶段）", "每名缺课学生都有责任人，超过一周须劝返", ["阶段", "人数", "其中有逾期事项"])
    counts = [(stage.label, [st for st in states.values() if st.stage == stage]) for stage in Stage]
    s.rows = [[label, len(mine), sum(bool(st.overdue) for st in mine)] for label, mine in counts]
    open_cases = sum(len(mine) for label, mine in counts if label != Stage.CLOSED.label)
    s.bars = [Bar(label, len(mine), max(len(cases), 1), f"{len(mine)} 人") for label, mine in counts]
    late = sum(sum(bool(st.overdue) for st in mine) for _, mine in counts)
    if late:
        s.alert = f"{late} 个缺课案例有逾期事项（共 {open_cases} 个未结案）"
    return s


@dataclass
class Dashboard:
    on: dt.date
    files: int
    sections: list[Section]


def dashboard(user: User, *, now: dt.datetime, on: dt.date) -> Dashboard:
    files = _file_rows(scope.care_ledger_q(user, prefix="child__"))
    roles = scope.roles(user)
    by = "class" if roles == {Role.SCHOOL_LEADER} else "school" if Role.TOWNSHIP_OFFICER in roles else "township"
    sections = [_by_category(files), _filing(user, files, on), _enrolment(files, on), _assessments(files, on),
                _compliance(user, on, by), _reports(user, now), _dropout(user, on), _handovers(user, on), _aid(user, on)]
    return Dashboard(on=on, files=len(files), sections=sections)

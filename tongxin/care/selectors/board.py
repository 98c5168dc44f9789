"""The compliance board (P-31…P-44): for every file in the reader's scope, every duty (a paired helper's, the class
teacher's) under every contact rule in force — who is behind, on which rule, by how much — summed per class, school
or township. The same pure `rules.rule_status` as each person's to-do list, so the two always agree."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.people import selectors as people

from .. import rules
from ..choices import Category, HelperRole, Level, PairingKind, Party, RecordKind
from ..models import ContactRecord, Pairing
from .contact_rules import rules_for_places
from .pairings import running
from .todo import HELPER_OF_KIND, LOOKBACK_DAYS, FileRow, _file_rows

PAGE = 50


@dataclass(frozen=True)
class Behind:
    """One helper behind on one rule for one child."""

    helper: str
    role: HelperRole
    file: FileRow
    status: rules.RuleStatus
    helper_id: int


@dataclass
class Unit:
    """A class, school or township's figures."""

    label: str
    files: int = 0
    duties: int = 0  # (helper, child, rule) triples with a binding last window
    met: int = 0  # of those, met last window
    due_now: int = 0  # short in the current window (still open)

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.duties) if self.duties else 100

    @property
    def behind(self) -> int:
        return self.duties - self.met


@dataclass
class Board:
    on: dt.date
    by: str  # "class" | "school" | "township"
    units: list[Unit] = field(default_factory=list)
    behind: list[Behind] = field(default_factory=list)  # every shortfall, largest first
    helpers_behind: int = 0
    total: Unit = field(default_factory=lambda: Unit("合计"))


def _unit_label(row: FileRow, by: str, schools: dict[int, tuple[str, str]]) -> str:
    """A row's unit: its class (named with its school when the board spans more than one school: a school
    leader reads 「三年级（2）班」, a county 「石门中心小学三年级（2）班」), its school, or its township."""
    school, township = schools.get(row.school_id or 0, ("未入学", ""))
    if by == "class":
        return row.class_label if len(schools) <= 1 and row.school_id in schools else f"{school}{row.class_label}"
    if by == "school":
        return school
    return township or "未入学"


def board(user, *, on: dt.date, by: str = "school") -> Board:
    """The board of everything the user may read in the ledger."""
    files = _file_rows(scope.care_ledger_q(user, prefix="child__"))
    result = Board(on=on, by=by)
    if not files:
        return result
    by_child = {f.child_id: f for f in files}
    duties: list[tuple[FileRow, int, HelperRole, dt.date]] = []  # (file, helper user, role, since)
    for child_id, helper_id, kind, start in (Pairing.objects.filter(running(on), child_id__in=list(by_child))
                                             .exclude(kind=PairingKind.STUDY_HELPER)
                                             .values_list("child_id", "helper_id", "kind", "start")):
        f = by_child[child_id]
        duties.append((f, helper_id, HELPER_OF_KIND[PairingKind(kind)], max(start, f.added_on)))
    class_of = dict(_classes(list(by_child)))
    teachers = orgs.class_teachers(sorted({c for c in class_of.values() if c}))
    for f in files:
        for user_id, _, since in teachers.get(class_of.get(f.child_id) or 0, []):
            duties.append((f, user_id, HelperRole.CLASS_TEACHER, max(since, f.added_on)))
    records: dict[tuple[int, int], list[rules.Record]] = defaultdict(list)
    for child_id, by_id, day, kind, party in ContactRecord.objects.filter(
            child_id__in=list(by_child), day__gt=on - dt.timedelta(days=LOOKBACK_DAYS), day__lte=on).values_list(
            "child_id", "by_id", "day", "kind", "party"):
        records[(child_id, by_id)].append(rules.Record(day=day, kind=RecordKind(kind), party=Party(party)))
    in_force = rules_for_places({(f.school_id, f.area_path) for f in files})
    schools = orgs.school_places({f.school_id for f in files if f.school_id})
    units: dict[str, Unit] = {}
    for f in files:
        unit = units.setdefault(_unit_label(f, by, schools), Unit(_unit_label(f, by, schools)))
        unit.files += 1
        result.total.files += 1
    behind_helpers: set[int] = set()
    raw_behind: list[tuple[int, HelperRole, FileRow, rules.RuleStatus]] = []
    for f, helper_id, role, since in duties:
        level = Level(f.level) if f.level else None
        unit = units[_unit_label(f, by, schools)]
        for rule in in_force[(f.school_id, f.area_path)]:
            if not rules.applies(rule, helper=role, level=level, categories=frozenset({Category(f.category)})):
                continue
            status = rules.rule_status(rule, records.get((f.child_id, helper_id), ()), on, since=since)
            if status.state != "done":
                unit.due_now += 1
                result.total.due_now += 1
            if status.last_start is None:
                continue  # no binding window has closed yet
            for u in (unit, result.total):
                u.duties += 1
                u.met += not status.missed_last
            if status.missed_last:
                behind_helpers.add(helper_id)
                raw_behind.append((helper_id, role, f, status))
    names = orgs.display_names(behind_helpers)
    result.behind = sorted((Behind(names.get(h, "—"), role, f, s, h) for h, role, f, s in raw_behind),
                           key=lambda b: (-b.status.missed_last, b.helper, b.file.name))
    result.helpers_behind = len(behind_helpers)
    result.units = sorted(units.values(), key=lambda u: (u.percent, u.label))
    return result


def _classes(child_ids: list[int]) -> list[tuple[int, int | None]]:
    return [(child, klass) for child, (_, klass, _) in people.where_of(child_ids).items()]

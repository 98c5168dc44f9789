"""A person's care to-do list for any date (P-04, P-14, P-31…P-44): the contacts their rules ask of them this
window and what they missed last window, the files of their class not checked this month, the assessments due
or overdue, and their class's census. The same answer for a page and the API (`?on=YYYY-MM-DD`), so a school can
plan next week."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.custody.selectors.day import CareEvent, care_events
from tongxin.orgs import scope
from tongxin.orgs.models import Role, grade_label
from tongxin.orgs.selectors import users_with_role

from .. import absence_rules, rules
from ..choices import Category, HelperRole, Level, PairingKind, Party, RecordKind, Window
from ..models import Assessment, CareFile, ClassCensus, ContactRecord, Pairing
from .absence import deadlines_of_user
from .contact_rules import rules_for_places
from .pairings import running
from .settings import settings_for_places

HELPER_OF_KIND = {PairingKind.PROXY_PARENT: HelperRole.PROXY_PARENT, PairingKind.VOLUNTEER: HelperRole.VOLUNTEER,
                  PairingKind.KEY_CASE: HelperRole.KEY_CASE, PairingKind.SUBJECT_TEACHER: HelperRole.SUBJECT_TEACHER}
# The longest window a rule counts over is a school year; the one before it is read for what was missed.
LOOKBACK_DAYS = 2 * 366


@dataclass(frozen=True)
class FileRow:
    file_id: int
    child_id: int
    name: str
    class_label: str
    category: str
    level: str
    added_on: dt.date
    school_id: int | None
    area_path: str

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else "未评估"


@dataclass(frozen=True)
class Duty:
    file: FileRow
    role: HelperRole
    status: rules.RuleStatus

    @property
    def short(self) -> int:
        return max(0, self.status.needed - self.status.done)

    @property
    def record_party(self) -> str:
        """With whom the record form starts for this rule (the child, unless the rule counts only others)."""
        parties = self.status.rule.parties
        return Party.CHILD.value if not parties or Party.CHILD in parties else next(
            p.value for p in Party if p in parties)

    @property
    def record_kind(self) -> str:
        """The kind the record form starts on for this rule (the first of its kinds, in the form's order)."""
        return next(k.value for k in RecordKind if k in self.status.rule.kinds)


@dataclass
class Todo:
    on: dt.date
    duties: list[Duty] = field(default_factory=list)  # every rule of every child, done or not
    unchecked: list[FileRow] = field(default_factory=list)  # not confirmed for on's month
    assessments: list[tuple[FileRow, rules.AssessmentDue]] = field(default_factory=list)  # due or overdue
    census_due: list[tuple[int, str]] = field(default_factory=list)  # (class id, label) not confirmed this term
    # 家庭情况变动，需复核 (P-10): (file, since, what changed) waiting for a new risk assessment
    reviews: list[tuple[FileRow, dt.date, str]] = field(default_factory=list)
    # 托管提醒: the custody line's absences, alerts and incidents of the children one helps, the last week
    custody: list[tuple[FileRow, CareEvent]] = field(default_factory=list)
    term_start: dt.date | None = None
    today: dt.date | None = None
    publicity: bool = False  # a 控辍保学 publicity month (P-25), for the school's teachers and leaders
    keeps_class: bool = False  # a class teacher: the class's checks, assessments and census are theirs too

    @property
    def this_month(self) -> bool:
        """The list answers for the current month (the monthly check can only be confirmed in its month)."""
        return self.today is not None and (self.on.year, self.on.month) == (self.today.year, self.today.month)

    @property
    def open_duties(self) -> list[Duty]:
        return [d for d in self.duties if d.status.state != "done" or d.status.missed_last]

    @property
    def due_duties(self) -> list[Duty]:
        """Duties short in the current window (those done this window but short last window are listed, not due)."""
        return [d for d in self.duties if d.status.state != "done"]

    @property
    def done_duties(self) -> int:
        return len(self.duties) - len(self.open_duties)

    @property
    def behind(self) -> list[Duty]:
        return [d for d in self.duties if d.status.missed_last]

    @property
    def count(self) -> int:
        return (len(self.open_duties) + len(self.unchecked) + len(self.assessments) + len(self.census_due)
                + len(self.reviews))  # the custody reminders are news, not work to do


CUSTODY_DAYS = 7  # how far back the to-do shows what happened in custody


def _file_rows(q: Q, *, covered_only: bool = True) -> list[FileRow]:
    found = CareFile.objects.filter(q)
    rows = ((found.exclude(category=Category.NONE) if covered_only else found)
            .values_list("pk", "child_id", "child__name", "child__school_class__grade__year",
                         "child__school_class__number", "category", "level", "added_on", "child__school_id",
                         "child__school__region__path", "child__family__community__path")
            .order_by("child__school_class_id", "child__initials", "pk"))

    return [FileRow(pk, child, name, f"{grade_label(year)}（{number}）班" if year else "未分班", cat, level, added,
                    school, school_path or home_path)
            for pk, child, name, year, number, cat, level, added, school, school_path, home_path in rows]


def _records(user_id: int, child_ids: set[int], on: dt.date) -> dict[int, list[rules.Record]]:
    found: dict[int, list[rules.Record]] = defaultdict(list)
    for child_id, day, kind, party in ContactRecord.objects.filter(
            by_id=user_id, child_id__in=child_ids, day__gt=on - dt.timedelta(days=LOOKBACK_DAYS), day__lte=on
    ).values_list("child_id", "day", "kind", "party"):
        found[child_id].append(rules.Record(day=day, kind=RecordKind(kind), party=Party(party)))
    return found


def todo_for(user, on: dt.date, *, today: dt.date | None = None) -> Todo:
    """What `user` has to do on `on` (any date: past, today or to plan ahead); `today` tells the list whether `on`
    is in the current month."""
    todo = Todo(on=on, today=today)
    if scope.roles(user) & {Role.CLASS_TEACHER, Role.SCHOOL_LEADER}:
        todo.publicity = absence_rules.is_publicity_month(on, deadlines_of_user(user))
    # The duties: (file, role, since) — from the user's pairings, and for a class teacher, the class's files.
    duties: list[tuple[FileRow, HelperRole, dt.date]] = []
    pairings = list(Pairing.objects.filter(running(on), helper_id=user.pk).exclude(kind=PairingKind.STUDY_HELPER)
                    .values_list("child_id", "kind", "start"))
    if pairings:
        by_child = {r.child_id: r for r in _file_rows(Q(child_id__in={c for c, _, _ in pairings}))}
        for child_id, kind, start in pairings:
            if child_id in by_child:
                row = by_child[child_id]
                duties.append((row, HELPER_OF_KIND[PairingKind(kind)], max(start, row.added_on)))
    class_assignments = [a for a in scope.assignments(user) if a.role == Role.CLASS_TEACHER and a.school_class_id]
    class_files: list[FileRow] = []
    todo.keeps_class = bool(class_assignments)
    for a in class_assignments:
        rows = _file_rows(Q(child__school_class_id=a.school_class_id))
        class_files += rows
        since = a.created_at.date()
        duties += [(r, HelperRole.CLASS_TEACHER, max(since, r.added_on)) for r in rows]
    if duties:
        in_force = rules_for_places({(r.school_id, r.area_path) for r, _, _ in duties})
        records = _records(user.pk, {r.child_id for r, _, _ in duties}, on)
        for row, role, since in duties:
            level = Level(row.level) if row.level else None
            for rule in in_force[(row.school_id, row.area_path)]:
                if rules.applies(rule, helper=role, level=level, categories=frozenset({Category(row.category)})):
                    status = rules.rule_status(rule, records.get(row.child_id, ()), on, since=since)
                    todo.duties.append(Duty(row, role, status))
        todo.duties.sort(key=lambda d: (d.status.state == "done" and not d.status.missed_last, -d.status.missed_last,
                                        d.status.end, d.file.class_label, d.file.name))
        helped = {r.child_id: r for r, _, _ in duties}
        todo.custody = [(helped[e.child_id], e) for e in reversed(
            care_events(helped, on - dt.timedelta(days=CUSTODY_DAYS - 1), on))]
    # The class teacher's files: the monthly check, the assessments, the census.
    if class_files:
        month = on.replace(day=1)
        checked = set(CareFile.objects.filter(pk__in=[r.file_id for r in class_files], checked_month__gte=month)
                      .values_list("pk", flat=True))
        todo.unchecked = [r for r in class_files if r.file_id not in checked and r.added_on <= on]
        todo.assessments = assessments_due(class_files, on)
        # A change that took a child out of the care line's categories is reviewed too.
        todo.reviews = reviews_due(Q(child__school_class_id__in=[a.school_class_id for a in class_assignments]), on)
        term_start, _ = rules.window_of(Window.TERM, on)
        todo.term_start = term_start
        confirmed = set(ClassCensus.objects.filter(school_class_id__in=[a.school_class_id for a in class_assignments],
                                                   term_start=term_start).values_list("school_class_id", flat=True))
        todo.census_due = [(a.school_class.pk, a.school_class.label) for a in class_assignments
                           if a.school_class is not None and a.school_class.pk not in confirmed]
    return todo


def assessment_states(files: list[FileRow], on: dt.date) -> dict[int, rules.AssessmentDue]:
    """Each file's assessment on `on` (file id -> due, done or overdue), with the months its school or county sets,
    in two reads however many files. A file opened after `on` counts as opened that month."""
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for file_id, day in Assessment.objects.filter(file_id__in=[f.file_id for f in files], on__lte=on).values_list("file_id", "on"):
        dates[file_id].append(day)
    months = settings_for_places({(f.school_id, f.area_path) for f in files})
    return {f.file_id: rules.assessment_due(on=on, added=min(f.added_on, on), assessed=dates.get(f.file_id, []),
                                            months=months[(f.school_id, f.area_path)].assessment_months)
            for f in files}


def assessments_due(files: list[FileRow], on: dt.date) -> list[tuple[FileRow, rules.AssessmentDue]]:
    """The files (opened by `on`) whose assessment is due or overdue on `on`, most urgent first."""
    opened = [f for f in files if f.added_on <= on]
    states = assessment_states(opened, on)
    found = [(f, states[f.file_id]) for f in opened if states[f.file_id].state != "done"]
    found.sort(key=lambda x: (x[1].state != "overdue", x[1].deadline, x[0].class_label, x[0].name))
    return found


def reviews_due(q: Q, on: dt.date) -> list[tuple[FileRow, dt.date, str]]:
    """Of the files `q` selects, those whose family changed by `on` and that wait for a new risk assessment since,
    whatever their category (oldest change first)."""
    q &= Q(review_from__lte=on)
    pending: dict[int, tuple[dt.date, str]] = {
        pk: (since, reason) for pk, since, reason in
        CareFile.objects.filter(q).values_list("pk", "review_from", "review_reason") if since is not None}
    found = [(f, *pending[f.file_id]) for f in _file_rows(q, covered_only=False) if f.file_id in pending]
    found.sort(key=lambda x: (x[1], x[0].class_label, x[0].name))
    return found


def term_start(on: dt.date) -> dt.date:
    return rules.window_of(Window.TERM, on)[0]


def covered_in_class(class_id: int) -> int:
    """How many covered children (any category but none) a class has, for its census."""
    return CareFile.objects.filter(child__school_class_id=class_id).exclude(category=Category.NONE).count()


def helpers_on(on: dt.date) -> list[int]:
    """Everyone with a care to-do on `on`: the helpers of running pairings (pupils helping pupils aside) and the
    class teachers; user ids, for the weekly digest."""
    paired = set(Pairing.objects.filter(running(on), helper__isnull=False, helper__is_active=True)
                 .exclude(kind=PairingKind.STUDY_HELPER).values_list("helper_id", flat=True))
    return sorted(paired | set(users_with_role(Role.CLASS_TEACHER)))


@dataclass(frozen=True)
class TodoSummary:
    count: int
    parts: list[tuple[str, int]]   # (what, how many), only the non-zero ones


def todo_summary(user, on: dt.date) -> TodoSummary:
    """The to-do of `on` in counts, as the weekly digest tells it."""
    todo = todo_for(user, on, today=on)
    parts = [("谈心、家访与联系", len(todo.open_duties)), ("月度核查", len(todo.unchecked)),
             ("风险评估", len(todo.assessments)), ("情况变动复核", len(todo.reviews)), ("班级摸底", len(todo.census_due))]
    return TodoSummary(todo.count, [(what, n) for what, n in parts if n])

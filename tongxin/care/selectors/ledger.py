"""The ledger (台账) as each role may read it: the list of files with this month's check and the assessment due,
the share confirmed per class, and one file whole (its read audited)."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.custody.selectors.day import CareEvent, care_events
from tongxin.orgs import scope
from tongxin.orgs.models import Role, grade_label
from tongxin.people import selectors as people

from .. import access, rules
from ..choices import Category, Dimension, Level, PairingKind, Problem, RecordKind
from ..models import Assessment, CareFile, ClassCensus, ContactRecord, FileVersion, Pairing
from .todo import FileRow, _file_rows, assessment_states, term_start

PAGE = 50
CUSTODY_DAYS = 90  # what happened in custody the file page shows
FILE_RECORDS = 8  # the latest records the file page shows; all of them on the growth file's own page
# Who sees the share confirmed per class (everyone who oversees more than one class).
OVERSEERS = frozenset({Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER, Role.COMMUNITY_WORKER, Role.ADMIN, Role.COUNTY_EDU,
                       Role.COUNTY_CIVIL})
FILTERS = {"unchecked": "本月未核对", "assess": "待评估", "review": "家庭情况变动待复核", "disagree": "人工认定与数据不一致",
           "high": "高风险"}


@dataclass(frozen=True)
class LedgerRow:
    row: FileRow
    checked: bool
    assessment: rules.AssessmentDue
    disagrees: bool
    review: bool = False  # the family changed and the file waits for a new assessment (P-10)


@dataclass
class ClassShare:
    class_id: int | None
    label: str
    files: int
    checked: int
    census: bool

    @property
    def missing(self) -> int:
        return self.files - self.checked


@dataclass
class Ledger:
    on: dt.date
    rows: list[LedgerRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]  # category -> files in scope
    checked: int  # files in scope confirmed this month
    classes: list[ClassShare] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    @property
    def by_category(self) -> list[tuple[str, str, int]]:
        return [(c.value, c.label, self.counts.get(c.value, 0)) for c in Category if c != Category.NONE]

    @property
    def checked_percent(self) -> int:
        return round(100 * self.checked / self.files) if self.files else 0


def _scope_q(user) -> Q:
    return scope.care_ledger_q(user, prefix="child__")


def ledger(user, *, on: dt.date, school_class_id: int | None = None, category: str = "", only: str = "",
           query: str = "", page: int = 1) -> Ledger:
    month = on.replace(day=1)
    base = CareFile.objects.filter(_scope_q(user)).exclude(category=Category.NONE)
    counts = dict(base.values_list("category").annotate(n=Count("pk")).order_by())
    checked = base.filter(checked_month__gte=month).count()
    # A change in the family that took a child out of the categories still waits for its review (P-10).
    q = Q(_scope_q(user)) & (Q() if only == "review" else ~Q(category=Category.NONE))
    if school_class_id:
        q &= Q(child__school_class_id=school_class_id)
    if category:
        q &= Q(category=category)
    if query:
        q &= people.name_q(query, prefix="child__")
    if only == "unchecked":
        q &= Q(checked_month__isnull=True) | Q(checked_month__lt=month)
    elif only == "disagree":
        q &= ~Q(override="") & ~Q(override=F("derived"))
    elif only == "high":
        q &= Q(level="high")
    elif only == "review":
        q &= Q(review_from__isnull=False)
    rows = _file_rows(q, covered_only=only != "review")
    if only == "assess":
        due = {pk for pk, state in assessment_states(rows, on).items() if state.state != "done"}
        rows = [r for r in rows if r.file_id in due]
    paginator = Paginator(rows, PAGE)
    shown = paginator.get_page(page)
    listed = list(shown.object_list)
    states = assessment_states(listed, on)
    flags = {pk: (checked, override, derived, review) for pk, checked, override, derived, review in
             CareFile.objects.filter(pk__in=[r.file_id for r in listed]).values_list(
                 "pk", "checked_month", "override", "derived", "review_from")}
    result = Ledger(on=on, total=paginator.count, page=shown.number, pages=paginator.num_pages, counts=counts,
                    checked=checked, rows=[
                        LedgerRow(r, _checked(flags[r.file_id][0], month), states[r.file_id],
                                  bool(flags[r.file_id][1]) and flags[r.file_id][1] != flags[r.file_id][2],
                                  flags[r.file_id][3] is not None)
                        for r in listed])
    result.classes = class_shares(user, on)
    return result


def _checked(checked_month: dt.date | None, month: dt.date) -> bool:
    return checked_month is not None and checked_month >= month


def class_shares(user, on: dt.date) -> list[ClassShare]:
    """Per class in scope: files, how many confirmed this month, whether this term's census is done (P-03, P-04).
    Only for those who oversee more than one class."""
    if not scope.roles(user) & OVERSEERS:
        return []
    month = on.replace(day=1)
    term = term_start(on)
    rows = (CareFile.objects.filter(_scope_q(user)).exclude(category=Category.NONE)
            .values("child__school_class_id", "child__school__name", "child__school_class__grade__year",
                    "child__school_class__number")
            .annotate(files=Count("pk"), checked=Count("pk", filter=Q(checked_month__gte=month)))
            .order_by("child__school__name", "child__school_class__grade__year", "child__school_class__number"))
    done = set(ClassCensus.objects.filter(term_start=term).values_list("school_class_id", flat=True))
    return [ClassShare(r["child__school_class_id"],
                       f"{r['child__school__name'] or '未入学'}"
                       + (f"{grade_label(r['child__school_class__grade__year'])}（{r['child__school_class__number']}）班"
                          if r["child__school_class_id"] else ""),
                       r["files"], r["checked"], r["child__school_class_id"] in done) for r in rows]


@dataclass
class FileDetail:
    file: CareFile
    carers: list[people.CarerView]
    assessment: rules.AssessmentDue
    assessments: list[Assessment]
    pairings: list[Pairing]
    versions: list[FileVersion]
    records: list[ContactRecord]
    can_edit: bool
    can_read_notes: bool
    arrange_kinds: list[PairingKind]  # the pairings this reader may arrange for the child
    checked: bool
    screening: list[tuple[str, str]]
    problems: list[str]
    records_total: int = 0  # the growth file's records in all (the page shows the latest; the rest on its own page)
    custody: list[CareEvent] = field(default_factory=list)  # the custody line's absences, alerts, incidents (90 days)

    @property
    def has_key_helper(self) -> bool:
        return any(p.kind == PairingKind.KEY_CASE for p in self.pairings)

    @property
    def can_arrange_key_helper(self) -> bool:
        return PairingKind.KEY_CASE in self.arrange_kinds

    @property
    def arranges_only_talks(self) -> bool:
        """A class teacher: assigns the pupil's subject teachers for the monthly talk, nothing else."""
        return self.arrange_kinds == [PairingKind.SUBJECT_TEACHER]


def file_detail(user, file_id: int, *, on: dt.date) -> FileDetail:
    """One file whole, as this user may read it; the read is audited (who read which child's file, when)."""
    file = access.access_file(user, file_id)
    notes = access.may_read_notes(user, file)
    full = scope.may_see_full_phone(user, file.child)
    assessments = list(Assessment.objects.filter(file=file).select_related("by")[:10]) if notes else []
    # The schedule reads every assessment's date, whether or not this reader may read the assessments themselves.
    school_id, _, path = people.where_of([file.child_id])[file.child_id]
    row = FileRow(file.pk, file.child_id, file.child.name, "", file.category, file.level, file.added_on, school_id, path)
    due = assessment_states([row], on)[file.pk]
    pairings = list(Pairing.objects.filter(child_id=file.child_id).filter(Q(end__isnull=True) | Q(end__gte=on))
                    .select_related("helper", "peer").order_by("kind", "start"))
    records = list(ContactRecord.objects.filter(child_id=file.child_id).select_related("by")[:FILE_RECORDS]) if notes else []
    total = (len(records) if len(records) < FILE_RECORDS else ContactRecord.objects.filter(child_id=file.child_id).count()
             ) if notes else 0
    record(user, AuditEntry.Action.VIEW, file, child_id=file.child_id, fields=["care_file"] + (["notes"] if notes else []))
    return FileDetail(
        file=file, carers=people.carers_of(file.child_id, full=full, on=on), assessment=due, assessments=assessments,
        pairings=pairings, versions=list(FileVersion.objects.filter(file=file).select_related("by")[:20]),
        records=records, can_edit=_can_edit(user, file), can_read_notes=notes,
        arrange_kinds=access.arrangeable_kinds(user, file),
        checked=_checked(file.checked_month, on.replace(day=1)),
        screening=[(Dimension(k).label, v) for k, v in file.screening.items() if k in Dimension.values and v],
        problems=[Problem(p).label for p in file.problems if p in Problem.values], records_total=total,
        custody=list(reversed(care_events([file.child_id], on - dt.timedelta(days=CUSTODY_DAYS), on))) if notes else [])


GROWTH_PAGE = 50


@dataclass
class Growth:
    """成长档案 (P-53) whole: every record of the child, newest first, a page at a time, of one kind or all."""

    file: CareFile
    can_read_notes: bool
    kind: str
    page: Page | None  # None for a reader who may not read the records
    kinds: list[tuple[str, str, int]]  # (kind, label, records) of the kinds the child has records of
    total: int  # records of every kind


def growth(user, file_id: int, *, kind: str = "", page: int = 1) -> Growth:
    """The growth file of a child whose file the user may read; the records only for those who may read the
    file's notes (as on the file page). The read is audited (who read which child's records, which page)."""
    file = access.access_file(user, file_id)
    notes = access.may_read_notes(user, file)
    if not notes:
        record(user, AuditEntry.Action.VIEW, file, child_id=file.child_id, fields=["care_file"], reason="成长档案")
        return Growth(file=file, can_read_notes=False, kind=kind, page=None, kinds=[], total=0)
    records = ContactRecord.objects.filter(child_id=file.child_id)
    counts = dict(records.values_list("kind").annotate(n=Count("pk")).order_by())
    shown = Paginator((records.filter(kind=kind) if kind else records).select_related("by"), GROWTH_PAGE).get_page(page)
    record(user, AuditEntry.Action.VIEW, file, child_id=file.child_id, fields=["notes"],
           reason=f"成长档案（{RecordKind(kind).label if kind else '全部'}，第{shown.number}页）")
    return Growth(file=file, can_read_notes=True, kind=kind, page=shown, total=sum(counts.values()),
                  kinds=[(k.value, k.label, counts[k.value]) for k in RecordKind if counts.get(k.value)])


@dataclass
class FamilyForm:
    """What the family-change form needs: the child's parents and carers to pick from, and as they stand."""

    file: CareFile
    choices: list[tuple[int, str]]
    carers: list[people.CarerView]


def family_form(user, file_id: int, *, on: dt.date, audit: bool = True) -> FamilyForm:
    """For a keeper of this child's file (others are refused); the read of the carers is audited (the page opened:
    a form sent back with its errors shows what was read when it opened, and a refused post stores nothing)."""
    file = access.access_file(user, file_id)
    access.require_editor(user, file)
    if audit:
        record(user, AuditEntry.Action.VIEW, file, child_id=file.child_id, fields=["guardians"], reason="家庭情况变动")
    return FamilyForm(file=file, choices=people.guardian_choices(file.child_id),
                      carers=people.carers_of(file.child_id, full=scope.may_see_full_phone(user, file.child), on=on))


def _can_edit(user, file: CareFile) -> bool:
    try:
        access.require_editor(user, file)
    except PermissionDenied:
        return False
    return True


@dataclass
class Card:
    pairing: Pairing
    file: CareFile
    rules: list[rules.ContactRule]


def pairing_card(user, pairing_id: int, *, on: dt.date) -> Card:
    """A pairing with its child's file and the contact rules its helper keeps, if the user may read the file."""
    from django.http import Http404

    from .contact_rules import rules_for_places
    from .todo import HELPER_OF_KIND

    pairing = Pairing.objects.select_related("helper", "peer").filter(pk=pairing_id).first()
    if pairing is None:
        raise Http404("未找到该结对")
    file = access.access_file(user, CareFile.objects.only("pk").get(child_id=pairing.child_id).pk)
    school_id, _, path = people.where_of([file.child_id])[file.child_id]
    role = HELPER_OF_KIND.get(PairingKind(pairing.kind))
    level = Level(file.level) if file.level else None
    kept = [r for r in rules_for_places({(school_id, path)})[(school_id, path)]
            if role and rules.applies(r, helper=role, level=level, categories=frozenset({Category(file.category)}))]
    return Card(pairing=pairing, file=file, rules=kept)

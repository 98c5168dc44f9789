"""Reads of counselling and support (P-55, P-58, P-59): study support plans (as the child's care notes), the
counselling records (only through `orgs.scope.counselling_q`; every read audited), the school's counsellors, the
mailbox's letters (`scope.mailbox_q`) and the board of its answers (`scope.mailbox_board_q`)."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import calendar, scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, School, SchoolClass, User, grade_label
from tongxin.people import selectors as people

from .. import counsel_rules
from ..choices import Category
from ..counsel_models import (
    DEFAULT_ANSWER_WEEKDAY,
    CounsellingRecord,
    Counsellor,
    MailboxAnswer,
    MailboxMessage,
    MailboxSetting,
    StudyPlan,
    StudyResult,
)
from ..models import CareFile

PAGE_SIZE = 20
PICK_LIMIT = 80  # two classes of names on a phone (a search, a class)
COVERED_LIMIT = 1000  # the school's covered children, folded class by class
BOARD_SIZE = 30
INBOX_ANSWERED = 20  # answered letters shown under the open ones
STAFF_ROLES = frozenset({Role.CLASS_TEACHER, Role.SCHOOL_LEADER})


# ---------------------------------------------------------------- who is who


def designations(user: User) -> list[Counsellor]:
    """The schools where the user is a designated counsellor (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_tongxin_counsellor", None)
    if cached is None:
        cached = list(Counsellor.objects.filter(user=user, active=True).select_related("school").order_by("school__code"))
        user._tongxin_counsellor = cached  # type: ignore[attr-defined]
    return cached


def is_counsellor(user: User) -> bool:
    return bool(designations(user))


def led_schools(user: User) -> list[School]:
    """The schools the user leads (every school for the administrator): where they designate counsellors and
    read every counselling record."""
    if Role.ADMIN in scope.roles(user):
        return list(School.objects.order_by("code"))
    ids = [a.school_id for a in scope.assignments(user) if a.role == Role.SCHOOL_LEADER and a.school_id]
    return list(School.objects.filter(pk__in=ids).order_by("code"))


def reads_counselling(user: User) -> bool:
    """Whether the user has counselling records to read at all: a counsellor, a school leader, the administrator
    (which ones is `scope.counselling_q`'s)."""
    return is_counsellor(user) or bool(led_schools(user))


def reads_mailbox(user: User) -> bool:
    """Whether the user opens a mailbox: a counsellor, the administrator (which letters is `scope.mailbox_q`'s)."""
    return is_counsellor(user) or scope.mailbox_q(user) == Q()


def mailbox_schools(user: User) -> list[School]:
    """The schools whose mailbox the user writes to and whose board they read: those they work at."""
    ids = scope.staff_school_ids(user)
    found = School.objects.all() if ids is None else School.objects.filter(pk__in=ids)
    return list(found.order_by("code"))


def answer_weekday(school_id: int) -> int:
    """The weekday the school's counsellors answer on (the seeds' Friday unless the school set another)."""
    return _weekdays([school_id])[school_id]


def _weekdays(school_ids: list[int]) -> dict[int, int]:
    set_ = dict(MailboxSetting.objects.filter(school_id__in=school_ids).values_list("school_id", "answer_weekday"))
    return {pk: set_.get(pk, DEFAULT_ANSWER_WEEKDAY) for pk in school_ids}


def _labels(child_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each child's name and class (「三年级（1）班」; 「」 for a child without a class)."""
    rows = people.children_by_ids(child_ids).values_list("pk", "name", "school_class__grade__year",
                                                         "school_class__number")
    return {pk: (name, f"{grade_label(year)}（{number}）班" if number else "") for pk, name, year, number in rows}


# ---------------------------------------------------------------- the school's pupils, for a record


@dataclass(frozen=True)
class PupilChoice:
    pk: int
    name: str
    class_label: str
    covered: str  # the care category's label, "" for a pupil the care line does not cover


_SPLIT = re.compile(r"[\s,，、;；]+")


def pupil_choices(school_id: int, *, query: str = "", class_id: int | None = None,
                  chosen: list[int] | None = None) -> list[PupilChoice]:
    """Pupils of the school a counsellor may name in a record (the designation grants their names and classes,
    nothing more): a whole class, those matching any of the names (or initials) in `query` (several may be given,
    separated by spaces or 、), at most PICK_LIMIT; else the school's covered children (留守, 困境, 流动), which
    the page folds class by class. The ones already chosen are kept; all class by class."""
    pupils = people.pupils_of(school_id)
    names = [n for n in _SPLIT.split(query.strip()) if n][:20]
    limit = PICK_LIMIT
    if class_id:
        found = pupils.filter(school_class_id=class_id)
    elif names:
        q = Q(pk__in=[])
        for name in names:
            q |= people.name_q(name)
        found = pupils.filter(q)
    else:
        found = pupils.filter(pk__in=CareFile.objects.filter(child__school_id=school_id)
                              .exclude(category=Category.NONE).values("child_id"))
        limit = COVERED_LIMIT
    order = ("school_class__grade__year", "school_class__number", "initials", "pk")
    ids = set(found.order_by(*order).values_list("pk", flat=True)[:limit]) | set(chosen or [])
    rows = pupils.filter(pk__in=ids).order_by(*order).values_list(
        "pk", "name", "school_class__grade__year", "school_class__number")
    covered = dict(CareFile.objects.filter(child_id__in=ids).exclude(category=Category.NONE)
                   .values_list("child_id", "category"))
    return [PupilChoice(pk, name, f"{grade_label(year)}（{number}）班" if number else "",
                        Category(covered[pk]).label if pk in covered else "") for pk, name, year, number in rows]


def school_classes(school_id: int) -> list[tuple[int, str]]:
    return [(c.pk, c.label) for c in SchoolClass.objects.filter(school_id=school_id).select_related("grade")
            .order_by("grade__year", "number")]


# ---------------------------------------------------------------- counselling records


@dataclass(frozen=True)
class RecordRow:
    pk: int
    day: dt.date
    kind: str
    group: bool
    topic: str
    children: list[str]  # 「姓名（班级）」
    counsellor: str
    school: str
    mine: bool
    follow_up: str


def _rows(user: User, found: list[CounsellingRecord]) -> tuple[list[RecordRow], list[int]]:
    links: dict[int, list[int]] = {r.pk: [] for r in found}
    for record_id, child_id in CounsellingRecord.children.through.objects.filter(
            counsellingrecord_id__in=list(links)).order_by("pk").values_list("counsellingrecord_id", "child_id"):
        links[record_id].append(child_id)
    ids = sorted({c for cs in links.values() for c in cs})
    labels = _labels(ids)
    names = orgs.display_names({r.counsellor.user_id for r in found})
    rows = []
    for r in found:
        kids = [f"{labels[c][0]}（{labels[c][1]}）" if labels[c][1] else labels[c][0] for c in links[r.pk]
                if c in labels]
        rows.append(RecordRow(pk=r.pk, day=r.day, kind=r.get_kind_display(), group=r.kind == "group", topic=r.topic,
                              children=kids, counsellor=names.get(r.counsellor.user_id, ""),
                              school=r.counsellor.school.name, mine=r.counsellor.user_id == user.pk,
                              follow_up=r.follow_up))
    return rows, ids


def _audit_read(user: User, child_ids: list[int], what: str, target: CounsellingRecord | None = None) -> None:
    entry = record(user, AuditEntry.Action.VIEW, target, fields=["counselling"], reason=what,
                   **({} if target is not None else {"target_repr": what}))
    entry.target_type, entry.children = CounsellingRecord._meta.label, child_ids
    entry.save(update_fields=["target_type", "children"])


def counselling_list(user: User, *, page: int = 1) -> tuple[Page, list[RecordRow]]:
    """The counselling records the user may read (`scope.counselling_q`), newest first; the page read is audited
    with the children it named."""
    found = (CounsellingRecord.objects.filter(scope.counselling_q(user)).select_related("counsellor__school")
             .order_by("-day", "-pk"))
    paged = Paginator(found, PAGE_SIZE).get_page(page)
    rows, ids = _rows(user, list(paged.object_list))
    if rows:
        _audit_read(user, ids, f"查看心理辅导记录列表（{len(rows)} 条）")
    return paged, rows


def access_counselling(user: User, record_id: int) -> CounsellingRecord:
    """The record, if the user may read it; 404 if there is none, 403 if it is not theirs to read."""
    found = (CounsellingRecord.objects.filter(scope.counselling_q(user), pk=record_id)
             .select_related("counsellor__school").first())
    if found is None:
        if CounsellingRecord.objects.filter(pk=record_id).exists():
            raise PermissionDenied("心理辅导记录只有记录的心理辅导教师和学校领导可以查看")
        raise Http404("未找到该心理辅导记录")
    return found


@dataclass(frozen=True)
class RecordDetail:
    record: CounsellingRecord
    row: RecordRow
    may_edit: bool  # the counsellor who wrote it, still designated


def counselling_detail(user: User, found: CounsellingRecord, *, audit: bool = True) -> RecordDetail:
    """One record (already narrowed by `access_counselling`); reading it is audited, except when the page is
    shown again with a refused form's errors."""
    rows, ids = _rows(user, [found])
    if audit:
        _audit_read(user, ids, "查看心理辅导记录", found)
    return RecordDetail(record=found, row=rows[0],
                        may_edit=found.counsellor.user_id == user.pk and found.counsellor.active)


# ---------------------------------------------------------------- the mailbox


@dataclass(frozen=True)
class Letter:
    pk: int
    school: str
    left_on: dt.date
    text: str
    state: counsel_rules.LetterState
    answer: str
    answered_on: dt.date | None
    on_board: bool


def _letters(found: list[MailboxMessage], *, today: dt.date) -> list[Letter]:
    if not found:
        return []
    weekdays = _weekdays(sorted({m.school_id for m in found}))
    exceptions = calendar.exceptions(counsel_rules.exceptions_window(min(m.left_on for m in found))[0],
                                     counsel_rules.exceptions_window(max(m.left_on for m in found))[1])
    answers = {a.message_id: a for a in MailboxAnswer.objects.filter(message__in=[m.pk for m in found])}
    letters = []
    for m in found:
        a = answers.get(m.pk)
        letters.append(Letter(
            pk=m.pk, school=m.school.name, left_on=m.left_on, text=m.text,
            state=counsel_rules.letter_state(m.left_on, a.answered_on if a else None, today=today,
                                             weekday=weekdays[m.school_id], exceptions=exceptions),
            answer=a.text if a else "", answered_on=a.answered_on if a else None, on_board=a.on_board if a else False))
    return letters


@dataclass
class Inbox:
    open: list[Letter] = field(default_factory=list)  # overdue first, then waiting
    answered: list[Letter] = field(default_factory=list)
    schools: list[tuple[str, str]] = field(default_factory=list)  # (name, answer day)

    @property
    def overdue(self) -> int:
        return sum(letter.state.state == "overdue" for letter in self.open)


def inbox(user: User, *, today: dt.date) -> Inbox:
    """The letters of the schools where the user is a counsellor (`scope.mailbox_q`): every unanswered one, the
    overdue first, then the latest answered ones."""
    visible = MailboxMessage.objects.filter(scope.mailbox_q(user)).select_related("school")
    waiting = list(visible.filter(answer__isnull=True))
    answered = list(visible.filter(answer__isnull=False).order_by("-left_on", "-pk")[:INBOX_ANSWERED])
    letters = _letters(waiting + answered, today=today)
    box = Inbox()
    for letter in letters:
        (box.open if letter.answered_on is None else box.answered).append(letter)
    box.open.sort(key=lambda x: counsel_rules.inbox_order(x.state, x.left_on, x.pk))
    box.answered.sort(key=lambda x: counsel_rules.inbox_order(x.state, x.left_on, x.pk))
    schools = [d.school for d in designations(user)]
    days = _weekdays([s.pk for s in schools])
    box.schools = [(s.name, counsel_rules.WEEKDAY_NAMES[days[s.pk]]) for s in schools]
    return box


def access_letter(user: User, message_id: int, *, today: dt.date) -> Letter:
    found = MailboxMessage.objects.filter(scope.mailbox_q(user), pk=message_id).select_related("school").first()
    if found is None:
        if MailboxMessage.objects.filter(pk=message_id).exists():
            raise PermissionDenied("信箱里的来信只有本校心理辅导教师可以查看")
        raise Http404("未找到这封来信")
    return _letters([found], today=today)[0]


@dataclass(frozen=True)
class MailboxCounts:
    waiting: int
    overdue: int


def mailbox_counts(school_ids: list[int], *, today: dt.date) -> dict[int, MailboxCounts]:
    """Each school's unanswered letters and how many of them are overdue (figures, no letter read): for the
    leader's page and the counsellor's home card."""
    found = list(MailboxMessage.objects.filter(school_id__in=school_ids, answer__isnull=True).select_related("school"))
    letters = _letters(found, today=today)
    school_of = {m.pk: m.school_id for m in found}
    counts = {pk: MailboxCounts(0, 0) for pk in school_ids}
    for letter in letters:
        c = counts[school_of[letter.pk]]
        counts[school_of[letter.pk]] = MailboxCounts(c.waiting + 1, c.overdue + (letter.state.state == "overdue"))
    return counts


@dataclass(frozen=True)
class BoardItem:
    pk: int
    left_on: dt.date
    text: str
    answer: str
    answered_on: dt.date


def board(user: User, school_id: int) -> list[BoardItem]:
    """回音板: the answers the counsellors put on the school's board, newest first, without any name."""
    found = (MailboxAnswer.objects.filter(scope.mailbox_board_q(user, prefix="message__"), on_board=True,
                                          message__school_id=school_id)
             .select_related("message").order_by("-answered_on", "-pk")[:BOARD_SIZE])
    return [BoardItem(a.message_id, a.message.left_on, a.message.text, a.text, a.answered_on) for a in found]


def next_answer_day(school_id: int, *, today: dt.date) -> dt.date:
    """When a letter left today will be answered by."""
    return counsel_rules.answer_due(today, answer_weekday(school_id),
                                    calendar.exceptions(*counsel_rules.exceptions_window(today)))


# ---------------------------------------------------------------- the leader's page


@dataclass(frozen=True)
class CounsellorRow:
    pk: int
    name: str
    active: bool
    since: dt.date
    ended: dt.date | None
    records: int
    last: dt.date | None
    still_staff: bool


@dataclass(frozen=True)
class SchoolCounsel:
    school: School
    counsellors: list[CounsellorRow]
    candidates: list[tuple[int, str]]  # the school's staff not designated now
    weekday: int
    counts: MailboxCounts

    @property
    def weekday_name(self) -> str:
        return counsel_rules.WEEKDAY_NAMES[self.weekday]


def staff_of(school_id: int) -> list[tuple[int, str]]:
    """The school's staff (its class teachers and leaders): (user id, 「姓名（角色·范围）」)."""
    return orgs.staff_near(school_id=school_id, area_path="", roles=STAFF_ROLES)


def school_counsel(user: User, *, today: dt.date) -> list[SchoolCounsel]:
    """For each school the user leads: its counsellors (with how many records each wrote, no record read), its
    staff who could be designated, the mailbox's answer day and unanswered letters."""
    schools = led_schools(user)
    ids = [s.pk for s in schools]
    counts = mailbox_counts(ids, today=today)
    days = _weekdays(ids)
    designated = list(Counsellor.objects.filter(school_id__in=ids).select_related("user")
                      .annotate(n=Count("records"), last=Max("records__day")).order_by("-active", "pk"))
    result = []
    for s in schools:
        staff = staff_of(s.pk)
        staff_ids = {pk for pk, _ in staff}
        mine = [c for c in designated if c.school_id == s.pk]
        active = {c.user_id for c in mine if c.active}
        result.append(SchoolCounsel(
            school=s, weekday=days[s.pk], counts=counts[s.pk],
            counsellors=[CounsellorRow(c.pk, c.user.display_name, c.active, c.designated_at.date(),
                                       c.ended_at.date() if c.ended_at else None, c.n, c.last,
                                       c.user_id in staff_ids) for c in mine],
            candidates=[(pk, label) for pk, label in staff if pk not in active]))
    return result


# ---------------------------------------------------------------- study support plans


@dataclass(frozen=True)
class StudyRow:
    file_id: int
    name: str
    class_label: str
    category: str  # the value (the tag's class)
    category_label: str
    plan: StudyPlan | None
    results: int
    last_result: dt.date | None


def study_list(user: User, *, today: dt.date, query: str = "", missing: bool = False,
               page: int = 1) -> tuple[Page, list[StudyRow], dt.date]:
    """The covered children whose care notes the user may read, with this term's study support plan (or none
    yet), class by class."""
    term_start, _ = counsel_rules.term_of(today)
    files = (CareFile.objects.filter(scope.care_notes_q(user, prefix="child__")).exclude(category=Category.NONE)
             .select_related("child__school_class__grade"))
    if query.strip():
        files = files.filter(people.name_q(query.strip(), prefix="child__"))
    planned = StudyPlan.objects.filter(term_start=term_start).values("child_id")
    if missing:
        files = files.exclude(child_id__in=planned)
    files = files.order_by("child__school_id", "child__school_class__grade__year", "child__school_class__number",
                           "child__initials", "pk")
    paged = Paginator(files, PAGE_SIZE).get_page(page)
    shown = list(paged.object_list)
    plans = {p.child_id: p for p in StudyPlan.objects.filter(term_start=term_start,
                                                             child_id__in=[f.child_id for f in shown])
             .annotate(n=Count("results"), last=Max("results__day"))}
    rows = []
    for f in shown:
        c = f.child
        p = plans.get(c.pk)
        rows.append(StudyRow(f.pk, c.name, c.school_class.label if c.school_class else "", f.category, f.get_category_display(),
                             p, getattr(p, "n", 0), getattr(p, "last", None)))
    return paged, rows, term_start


def current_plan(child_id: int, *, today: dt.date) -> StudyPlan | None:
    """The child's study support plan for the term holding `today`, if made."""
    return StudyPlan.objects.filter(child_id=child_id, term_start=counsel_rules.term_of(today)[0]).first()


@dataclass(frozen=True)
class StudyDetail:
    file: CareFile
    term_start: dt.date
    term_end: dt.date
    plan: StudyPlan | None
    results: list[tuple[StudyResult, str]]  # with who wrote it
    earlier: list[tuple[StudyPlan, list[StudyResult]]]


def study_detail(user: User, file: CareFile, *, today: dt.date, audit: bool = True) -> StudyDetail:
    """One child's plan for this term with its staged results, and the earlier terms' (the caller has checked
    the user may read the child's care notes). Reading it is audited, except when the page is shown again with a
    refused form's errors (the reader opened it just before)."""
    term_start, term_end = counsel_rules.term_of(today)
    plans = list(StudyPlan.objects.filter(child_id=file.child_id).order_by("-term_start")[:6])
    current = next((p for p in plans if p.term_start == term_start), None)
    results: dict[int, list[StudyResult]] = {p.pk: [] for p in plans}
    for r in StudyResult.objects.filter(plan__in=[p.pk for p in plans]).order_by("day", "pk"):
        results[r.plan_id].append(r)
    names = orgs.display_names({r.by_id for rs in results.values() for r in rs})
    if audit:
        record(user, AuditEntry.Action.VIEW, file, child_id=file.child_id, fields=["study_plan"],
               reason="查看学习帮扶计划")
    return StudyDetail(
        file=file, term_start=term_start, term_end=term_end, plan=current,
        results=[(r, names.get(r.by_id, "")) for r in results[current.pk]] if current else [],
        earlier=[(p, results[p.pk]) for p in plans if p.term_start < term_start])

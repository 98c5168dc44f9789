"""Reads of absence and dropout (控辍保学, P-21…P-26): who may take which class's register and act on which case
(all through `orgs.scope`, via the child), a class's register for a day, the school's day at a glance, the case
lists, one case with its history, the written report's contents, the deadlines in force."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import calendar, scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, SchoolClass, grade_label
from tongxin.people import selectors as people

from .. import absence_rules as rules
from ..absence_choices import Closing, EventKind, Reason, Recipient, Stage
from ..absence_models import Absence, AbsenceRegister, AbsenceSettings, CaseEvent, DropoutCase

# Who reads the cases of the children in their scope: the school line (class teacher, school, county education
# bureau) and the government line (village, township) of the 双线责任制 (P-26); never a parent or a volunteer.
CASE_READERS = frozenset({Role.ADMIN, Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER,
                          Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU})
# Who records on a case (reason found, persuasion, notes): all of them but the bureau, which oversees.
CASE_ACTORS = CASE_READERS - {Role.COUNTY_EDU}
# The school side: takes the registers, records the return and closes the case.
SCHOOL_SIDE = frozenset({Role.ADMIN, Role.CLASS_TEACHER, Role.SCHOOL_LEADER})
# The school's leaders: reassign a case, declare persuasion failed, send the written report.
LEADERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER})
PAGE_SIZE = 20
TABS = {"open": "未结案", "overdue": "逾期", "closed": "已结案"}


# ---------------------------------------------------------------- who may

def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def case_q(user, prefix: str = "") -> Q:
    """Cases (or records, with `prefix`, e.g. "case__") the user may read: those of children in their scope (by
    CASE_READERS' roles), and those they are responsible for."""
    q = scope.child_q(user, prefix=f"{prefix}child__", roles_allowed=CASE_READERS)
    if q == Q() or not _signed_in(user):
        return q
    return q | Q(**{f"{prefix}responsible": user})


def _holds(user, case: DropoutCase, roles: frozenset) -> bool:
    return DropoutCase.objects.filter(scope.child_q(user, prefix="child__", roles_allowed=roles), pk=case.pk).exists()


def may_act(user, case: DropoutCase) -> bool:
    return case.responsible_id == user.pk or _holds(user, case, CASE_ACTORS)


def is_school_side(user, case: DropoutCase) -> bool:
    return case.responsible_id == user.pk or _holds(user, case, SCHOOL_SIDE)


def is_leader(user, case: DropoutCase) -> bool:
    return _holds(user, case, LEADERS)


def reads_cases(user) -> bool:
    return bool(scope.roles(user) & CASE_READERS) or DropoutCase.objects.filter(responsible=user).exists()


def access_case(user, case_id: int) -> DropoutCase:
    """The case, if the user may read it; 404 when there is none, 403 when it is not theirs to see."""
    found = (DropoutCase.objects.filter(case_q(user), pk=case_id)
             .select_related("child", "school__region", "school_class__grade", "responsible").first())
    if found is None:
        if DropoutCase.objects.filter(pk=case_id).exists():
            raise PermissionDenied("无权查看该控辍保学个案")
        raise Http404("未找到该控辍保学个案")
    return found


def register_pupils(user, class_id: int) -> QuerySet:
    """The pupils of a class whose register the user takes (its class teacher, the school's leaders, the
    administrator), in the list's order; 404 for no such class, 403 for someone else's."""
    if not SchoolClass.objects.filter(pk=class_id).exists():
        raise Http404("未找到该班级")
    pupils = people.classmates(user, class_id).filter(scope.child_q(user, roles_allowed=SCHOOL_SIDE))
    if not pupils.exists():
        raise PermissionDenied("只有本班班主任和学校领导可以为该班点名")
    return pupils


def register_classes(user) -> list[tuple[int, str]]:
    """The classes whose registers the user takes: (class id, label with the school's name when several
    schools)."""
    pupils = people.visible_children(user).filter(scope.child_q(user, roles_allowed=SCHOOL_SIDE))
    rows = list(SchoolClass.objects.filter(pk__in=pupils.exclude(school_class=None).values("school_class_id"))
                .values_list("pk", "school__name", "grade__year", "number")
                .order_by("school__code", "grade__year", "number"))
    several = len({school for _, school, _, _ in rows}) > 1
    return [(pk, f"{school if several else ''}{grade_label(year)}（{number}）班") for pk, school, year, number in rows]


# ---------------------------------------------------------------- deadlines in force

def _merge(base: rules.Deadlines, row: AbsenceSettings | None) -> rules.Deadlines:
    if row is None:
        return base

    def pick(value, default):
        return default if value is None else value

    return rules.Deadlines(
        cause_days=pick(row.cause_days, base.cause_days), week_days=pick(row.week_days, base.week_days) or 1,
        school_days=pick(row.school_days, base.school_days), persuade_days=pick(row.persuade_days, base.persuade_days),
        report_days=pick(row.report_days, base.report_days),
        publicity_months=tuple(row.publicity_months) if isinstance(row.publicity_months, list) else base.publicity_months,
        back_days=base.back_days)


def deadlines_for(school_ids: Iterable[int]) -> dict[int, rules.Deadlines]:
    """Each school's deadlines: its own settings, else its county's, else the seeds' defaults; two reads."""
    places = orgs.school_paths(school_ids)
    by_school = {r.school_id: r for r in AbsenceSettings.objects.filter(school_id__in=list(places))}
    counties = {orgs.county_path(p) for p in places.values()}
    by_county = {r.region.path: r for r in AbsenceSettings.objects.filter(region__path__in=counties)
                 .select_related("region") if r.region is not None}
    return {pk: _merge(_merge(rules.DEFAULTS, by_county.get(orgs.county_path(path))), by_school.get(pk))
            for pk, path in places.items()}


def deadlines_of_user(user) -> rules.Deadlines:
    """The deadlines of the user's school (the first of their assignments that has one), else the defaults: for
    the publicity months on their to-do list."""
    for a in scope.assignments(user):
        school_id = a.school_id or (a.school_class.school_id if a.school_class else None)
        if school_id:
            return deadlines_for([school_id]).get(school_id, rules.DEFAULTS)
    return rules.DEFAULTS


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return calendar.exceptions(start, end + dt.timedelta(days=rules.MAX_WALK))


# ---------------------------------------------------------------- the register

@dataclass(frozen=True)
class Pupil:
    pk: int
    name: str
    reason: str  # "" when present
    case_id: int | None  # an open case
    case_days: int = 0


@dataclass(frozen=True)
class Sheet:
    class_id: int
    label: str
    day: dt.date
    pupils: list[Pupil]
    taken_by: str  # "" when not taken
    taken_at: dt.datetime | None
    counts: dict[str, int]
    problem: str  # why this day cannot be registered ("" when it can)

    @property
    def cases(self) -> list[Pupil]:
        return [p for p in self.pupils if p.case_id]


def class_label(class_id: int, *, school: bool = True) -> str:
    row = SchoolClass.objects.filter(pk=class_id).values_list("school__name", "grade__year", "number").first()
    return f"{row[0] if school else ''}{grade_label(row[1])}（{row[2]}）班" if row else ""


def register_sheet(user, class_id: int, *, day: dt.date, today: dt.date) -> Sheet:
    """A class's register for a day: every pupil (present unless marked), who took it and when."""
    pupils = list(register_pupils(user, class_id).values_list("pk", "name"))
    register = AbsenceRegister.objects.filter(school_class_id=class_id, day=day).select_related("by").first()
    marks = dict(Absence.objects.filter(register=register).values_list("child_id", "reason")) if register else {}
    cases = dict(DropoutCase.objects.filter(child_id__in=[pk for pk, _ in pupils], closed_on__isnull=True)
                 .values_list("child_id", "pk"))
    opened = dict(DropoutCase.objects.filter(pk__in=cases.values()).values_list("pk", "opened_on"))
    school_id = orgs.school_of_class(class_id)
    d = deadlines_for([school_id]).get(school_id, rules.DEFAULTS) if school_id else rules.DEFAULTS
    problem = rules.register_day_problem(day, today, d, calendar.exceptions(day, day))
    rows = [Pupil(pk, name, marks.get(pk, ""), cases.get(pk),
                  (today - opened[cases[pk]]).days + 1 if pk in cases else 0) for pk, name in pupils]
    return Sheet(class_id=class_id, label=class_label(class_id, school=False), day=day, pupils=rows,
                 taken_by=register.by.display_name if register and register.by else ("已点名" if register else ""),
                 taken_at=register.at if register else None,
                 counts=rules.tally(len(rows), [p.reason for p in rows if p.reason]), problem=problem)


@dataclass(frozen=True)
class ClassDay:
    class_id: int
    label: str
    taken: bool
    roster: int
    absent: int
    unexplained: int


def school_day(user, *, day: dt.date) -> list[ClassDay]:
    """The user's classes on a day (for a school's leader: every class): taken or not, how many away."""
    classes = register_classes(user)
    registers = {r.school_class_id: r for r in AbsenceRegister.objects.filter(
        school_class_id__in=[pk for pk, _ in classes], day=day)}
    counts: dict[int, Counter] = defaultdict(Counter)
    for class_id, reason in Absence.objects.filter(register__in=registers.values()).values_list(
            "register__school_class_id", "reason"):
        counts[class_id][reason] += 1
    return [ClassDay(pk, label, pk in registers, registers[pk].roster if pk in registers else 0,
                     sum(counts[pk].values()), counts[pk][Reason.UNEXPLAINED]) for pk, label in classes]


# ---------------------------------------------------------------- cases

def _facts(cases: list[DropoutCase]) -> dict[int, rules.CaseFacts]:
    persuasions: dict[int, list[dt.date]] = defaultdict(list)
    delivered: dict[int, set[str]] = defaultdict(set)
    for case_id, kind, day, recipient in CaseEvent.objects.filter(
            case__in=[c.pk for c in cases], kind__in=[EventKind.PERSUASION, EventKind.DELIVERED]).values_list(
            "case_id", "kind", "day", "recipient"):
        if kind == EventKind.PERSUASION:
            persuasions[case_id].append(day)
        elif recipient:
            delivered[case_id].add(recipient)
    return {c.pk: rules.CaseFacts(opened_on=c.opened_on, cause_on=c.cause_on, persuasions=tuple(persuasions[c.pk]),
                                  failed_on=c.failed_on, delivered=frozenset(delivered[c.pk]), closed_on=c.closed_on)
            for c in cases}


def case_states(cases: list[DropoutCase], today: dt.date) -> dict[int, rules.CaseState]:
    """Each case's state on `today`, with its school's deadlines and the working-day calendar; four reads."""
    if not cases:
        return {}
    facts = _facts(cases)
    deadlines = deadlines_for({c.school_id for c in cases})
    exceptions = _exceptions(min(c.opened_on for c in cases), today)
    return {c.pk: rules.case_state(facts[c.pk], today, deadlines.get(c.school_id, rules.DEFAULTS), exceptions)
            for c in cases}


@dataclass(frozen=True)
class CaseRow:
    pk: int
    child: str
    where: str
    opened_on: dt.date
    responsible: str
    state: rules.CaseState
    mine: bool


def _where(case: DropoutCase) -> str:
    klass = case.school_class
    return f"{case.school.name}{grade_label(klass.grade.year)}（{klass.number}）班" if klass else case.school.name


def _rows(user, cases: list[DropoutCase], today: dt.date) -> list[CaseRow]:
    states = case_states(cases, today)
    return [CaseRow(c.pk, c.child.name, _where(c), c.opened_on, c.responsible.display_name, states[c.pk],
                    c.responsible_id == user.pk) for c in cases]


@dataclass
class CaseList:
    tab: str
    page: Page
    rows: list[CaseRow]
    stages: dict[str, int] = field(default_factory=dict)  # open cases by stage label
    overdue: int = 0


def case_list(user, *, today: dt.date, tab: str, page: int = 1) -> CaseList:
    """One tab of the cases the user may read: open ones (the longest away first), the overdue ones among them,
    or closed ones (latest first); with the open cases counted by stage."""
    visible = DropoutCase.objects.filter(case_q(user)).select_related(
        "child", "school", "school_class__grade", "responsible")
    open_cases = list(visible.filter(closed_on__isnull=True).order_by("opened_on", "pk"))
    states = case_states(open_cases, today)
    stages = Counter(states[c.pk].stage for c in open_cases)
    late = [c for c in open_cases if states[c.pk].overdue]
    if tab == "closed":
        found: list[DropoutCase] | QuerySet = visible.filter(closed_on__isnull=False).order_by("-closed_on", "-pk")
    elif tab == "overdue":
        found = late
    else:
        tab, found = "open", open_cases
    paged = Paginator(found, PAGE_SIZE).get_page(page)
    return CaseList(tab=tab, page=paged, rows=_rows(user, list(paged.object_list), today),
                    stages={Stage(s).label: stages[s] for s in Stage.values if s != Stage.CLOSED and stages[s]},
                    overdue=len(late))


@dataclass(frozen=True)
class Summary:
    """The home card: a class teacher's register today and the cases of their class or given to them; for
    everyone else who follows cases, the open ones in their scope."""

    classes: int
    untaken: int
    open_cases: int
    overdue: int
    school_day: bool = True


def summary(user, *, today: dt.date) -> Summary:
    classes = register_classes(user) if scope.roles(user) & {Role.CLASS_TEACHER} else []
    taken = set(AbsenceRegister.objects.filter(school_class_id__in=[pk for pk, _ in classes], day=today)
                .values_list("school_class_id", flat=True))
    found = DropoutCase.objects.filter(case_q(user), closed_on__isnull=True)
    if classes:  # a class teacher: their class's cases and those given to them
        found = found.filter(Q(responsible=user) | Q(school_class_id__in=[pk for pk, _ in classes]))
    mine = list(found)
    states = case_states(mine, today)
    school_day_today = rules.is_school_day(today, calendar.exceptions(today, today))
    return Summary(classes=len(classes), untaken=len(classes) - len(taken) if school_day_today else 0,
                   open_cases=len(mine), overdue=sum(1 for s in states.values() if s.overdue),
                   school_day=school_day_today)


@dataclass(frozen=True)
class TimelineItem:
    day: dt.date
    kind: str
    title: str
    who: str
    text: str


@dataclass(frozen=True)
class AbsenceSpan:
    """What the registers say since the case was opened."""

    unexplained: int  # days marked 无故缺课
    other: int  # days away for another reason
    last_absent: dt.date | None
    present: list[dt.date]  # days the register had the pupil in class (the latest few)


@dataclass(frozen=True)
class CaseDetail:
    case: DropoutCase
    where: str
    state: rules.CaseState
    timeline: list[TimelineItem]
    span: AbsenceSpan
    may_act: bool
    school_side: bool
    leader: bool
    persuaded: bool
    delivered: dict[str, TimelineItem]  # recipient value -> its delivery
    report_status: list[tuple[str, TimelineItem | None]]  # each recipient by name, and its delivery if any
    choices: list[tuple[int, str]]  # people the case may be given to (for its leader)
    deadlines: rules.Deadlines


def _title(e: CaseEvent, names: Mapping[str, str]) -> str:
    if e.kind == EventKind.PERSUASION:
        return f"劝返（{e.get_method_display()}）：{e.get_result_display()}" if e.result else "劝返"
    if e.kind == EventKind.CAUSE:
        return f"了解原因（{e.get_method_display()}）" if e.method else "了解原因"
    if e.kind == EventKind.DELIVERED:
        return f"书面报告送达{names.get(e.recipient, e.get_recipient_display())}（{e.get_delivery_display()}）"
    if e.kind == EventKind.CLOSED and e.result:
        return f"结案：{Closing(e.result).label}" if e.result in Closing.values else "结案"
    return e.get_kind_display()


def _events(case: DropoutCase) -> list[tuple[CaseEvent, TimelineItem]]:
    events = list(CaseEvent.objects.filter(case=case).select_related("by").order_by("day", "at", "pk"))
    names = recipients_of(case) if any(e.kind == EventKind.DELIVERED for e in events) else {}
    items = []
    for e in events:
        who = e.by.display_name if e.by else "系统"
        text = "；".join(part for part in (f"参与人员：{e.people}" if e.people and e.kind == EventKind.PERSUASION else "",
                                            f"签收人：{e.people}" if e.people and e.kind == EventKind.DELIVERED else "",
                                            e.text) if part)
        items.append((e, TimelineItem(e.day, e.kind, _title(e, names), who, text)))
    return items


def _timeline(case: DropoutCase) -> list[TimelineItem]:
    return [item for _, item in _events(case)]


def _span(case: DropoutCase, today: dt.date) -> AbsenceSpan:
    end = case.closed_on or today
    rows = list(Absence.objects.filter(child_id=case.child_id, day__gte=case.opened_on, day__lte=end)
                .values_list("day", "reason"))
    absent_days = {day for day, _ in rows}
    present = list(AbsenceRegister.objects.filter(
        school_class_id=case.school_class_id, day__gte=case.opened_on, day__lte=end).exclude(day__in=absent_days)
        .order_by("-day").values_list("day", flat=True)[:5]) if case.school_class_id else []
    return AbsenceSpan(unexplained=sum(1 for _, r in rows if r == Reason.UNEXPLAINED),
                       other=sum(1 for _, r in rows if r != Reason.UNEXPLAINED),
                       last_absent=max(absent_days) if absent_days else None, present=present)


def responsible_choices(case: DropoutCase) -> list[tuple[int, str]]:
    """Whom a case may be given to: the school's teachers and leaders, the child's village and township staff."""
    school_path = case.school.region.path
    home = people.home_path(case.child_id) or school_path
    found = orgs.staff_near(school_id=case.school_id, area_path=home,
                            roles=frozenset({Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER,
                                             Role.TOWNSHIP_OFFICER}))
    return found


def case_detail(user, case: DropoutCase, *, today: dt.date, audit: bool = True) -> CaseDetail:
    """One case whole, as the user may act on it; reading it is audited (not when the page is shown again with a
    refused form's errors)."""
    state = case_states([case], today)[case.pk]
    events = _events(case)
    timeline = [item for _, item in events]
    leader = is_leader(user, case)
    delivered = {e.recipient: t for e, t in events if e.kind == EventKind.DELIVERED and e.recipient}
    if audit:
        record(user, AuditEntry.Action.VIEW, case, child_id=case.child_id, reason="查看控辍保学个案")
    return CaseDetail(
        case=case, where=_where(case), state=state, timeline=timeline, span=_span(case, today),
        may_act=may_act(user, case), school_side=is_school_side(user, case), leader=leader,
        persuaded=any(t.kind == EventKind.PERSUASION for t in timeline),
        delivered=delivered,
        report_status=[(name, delivered.get(value)) for value, name in recipients_of(case).items()],
        choices=responsible_choices(case) if leader and state.open else [],
        deadlines=deadlines_for([case.school_id]).get(case.school_id, rules.DEFAULTS))


# ---------------------------------------------------------------- the written report

@dataclass(frozen=True)
class WrittenReport:
    """What the written report on failed persuasion says (P-23): to whom, the pupil and family, the case's
    history, the school's request."""

    case: DropoutCase
    school: str
    where: str
    township: str  # the child's home township (its government), else the school's
    school_township: str  # the school's township (its education management centre)
    child_name: str
    gender: str
    birth_date: dt.date
    address: str
    carers: list[people.CarerView]
    state: rules.CaseState
    timeline: list[TimelineItem]
    span: AbsenceSpan
    on: dt.date
    by: str

    @property
    def persuasions(self) -> int:
        return sum(1 for t in self.timeline if t.kind == EventKind.PERSUASION)

    @property
    def recipients(self) -> list[str]:
        return [f"{self.school_township}教育管理中心", f"{self.township}人民政府"]


def _township_name(path: str) -> str:
    found = orgs.township_of(path) if path else None
    return found.name if found else ""


def written_report(user, case: DropoutCase, *, today: dt.date) -> WrittenReport:
    """The written report's contents, for the case's leaders once persuasion failed; producing it is audited as an
    export of the child's record. Phones and addresses in full only for those who may see them (`orgs.scope`)."""
    if not is_leader(user, case) and not is_school_side(user, case):
        raise PermissionDenied("只有学校可以出具劝返无效书面报告")
    if case.failed_on is None:
        raise PermissionDenied("个案尚未认定劝返无效，不出具书面报告")
    full = scope.may_see_full_phone(user, case.child)
    carers = people.carers_of(case.child_id, full=full, on=today)
    home = people.exchange_children([case.child_id], full={case.child_id} if full else set())
    primary = (home[0].address if home else "") or next((c.address for c in carers if c.address), "")
    school_township = _township_name(case.school.region.path)
    record(user, AuditEntry.Action.EXPORT, case, child_id=case.child_id, reason="出具劝返无效书面报告")
    return WrittenReport(
        case=case, school=case.school.name, where=_where(case),
        township=_township_name(people.home_path(case.child_id)) or school_township, school_township=school_township,
        child_name=case.child.name, gender=case.child.get_gender_display(), birth_date=case.child.birth_date,
        address=primary, carers=carers, state=case_states([case], today)[case.pk],
        timeline=[t for t in _timeline(case) if t.kind != EventKind.DELIVERED],  # the report's own delivery: not in it
        span=_span(case, today), on=today, by=user.display_name)


def recipients_of(case: DropoutCase) -> Mapping[str, str]:
    """The two recipients of a case's written report, by name: {Recipient value: "石门乡教育管理中心", …}."""
    school_township = _township_name(case.school.region.path)
    township = _township_name(people.home_path(case.child_id)) or school_township
    return {Recipient.EDU_CENTRE: f"{school_township}教育管理中心", Recipient.GOVERNMENT: f"{township}人民政府"}



"""Each teacher's care work this term (P-73, P-76): the school's leadership group, and one row a teacher — pairings
carried, talks, home visits and other contacts recorded, contacts behind on the rules, and any serious neglect of a
paired child flagged for the one-vote veto — for the annual and performance assessment."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, RoleAssignment, School, User

from .. import rules, work_rules
from ..choices import PairingKind, RecordKind, Window
from ..models import ContactRecord, GroupMember, MandatoryReport, Pairing
from ..org_models import GroupRole
from .board import board
from .picker import child_labels

TEACHER_KINDS = (PairingKind.PROXY_PARENT, PairingKind.KEY_CASE, PairingKind.SUBJECT_TEACHER)


@dataclass
class TeacherRow:
    user_id: int
    name: str
    duty: str  # class teacher of …, leader
    paired: int = 0
    talks: int = 0
    home_visits: int = 0
    other: int = 0
    behind: int = 0  # shortfalls on the rules last window (the compliance board's)
    neglect: list[str] = field(default_factory=list)  # "child: reason"

    @property
    def total(self) -> int:
        return self.talks + self.home_visits + self.other


@dataclass
class SchoolWork:
    school: School
    group: list[tuple[str, str]]  # (role label, name)
    teachers: list[TeacherRow]


@dataclass
class WorkSheet:
    term: tuple[dt.date, dt.date]
    schools: list[SchoolWork]


_STAFF_ORDER = {Role.SCHOOL_LEADER: 0, Role.CLASS_TEACHER: 1, Role.SUBJECT_TEACHER: 2}


def school_staff(school: School) -> dict[int, str]:
    """The school's leaders, class teachers and subject teachers (in that order, classes by grade): user id -> duty
    (a subject teacher's with the classes taught)."""
    found: dict[int, str] = {}
    taught: dict[int, list[str]] = defaultdict(list)
    assignments = sorted(
        RoleAssignment.objects.filter(active=True, user__is_active=True)
        .filter(Q(role__in=[Role.CLASS_TEACHER, Role.SUBJECT_TEACHER], school_class__school=school)
                | Q(role=Role.SCHOOL_LEADER, school=school))
        .select_related("school_class__grade").order_by("school_class__grade__year", "school_class__number", "pk"),
        key=lambda a: _STAFF_ORDER[Role(a.role)])
    for a in assignments:
        if a.role == Role.SUBJECT_TEACHER:
            if a.user_id not in found and a.school_class is not None:
                taught[a.user_id].append(a.school_class.label)
            continue
        found.setdefault(a.user_id, f"{a.school_class.label}班主任" if a.school_class else "学校领导")
    for user_id, classes in taught.items():
        found[user_id] = f"任课教师（{'、'.join(classes)}）"
    return found


def work_sheet(user: User, *, on: dt.date) -> WorkSheet:
    term = rules.window_of(Window.TERM, on)
    schools = orgs.schools_in_area(user)
    behind: dict[int, int] = defaultdict(int)
    for b in board(user, on=on, by="class").behind:
        behind[b.helper_id] += 1
    result = WorkSheet(term=term, schools=[])
    for school in schools:
        staff = school_staff(school)
        names = orgs.display_names(staff)
        rows = {pk: TeacherRow(pk, names.get(pk, ""), duty) for pk, duty in staff.items()}
        pairings = list(Pairing.objects.filter(helper_id__in=list(rows), kind__in=TEACHER_KINDS, start__lte=on)
                        .filter(Q(end__isnull=True) | Q(end__gte=term[0]))
                        .values_list("helper_id", "child_id", "start", "end"))
        for helper_id, _, _, end in pairings:
            if end is None or end >= on:
                rows[helper_id].paired += 1
        records = list(ContactRecord.objects.filter(by_id__in=list(rows), day__range=(term[0], on))
                       .values_list("by_id", "child_id", "kind", "day"))
        contacts: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for by_id, child_id, kind, day in records:
            row = rows[by_id]
            if kind == RecordKind.TALK:
                row.talks += 1
            elif kind == RecordKind.HOME_VISIT:
                row.home_visits += 1
            else:
                row.other += 1
            contacts[(by_id, child_id)].append(day)
        # Contacts before the term count for the neglect rule too (a pairing running since the summer).
        for by_id, child_id, day in ContactRecord.objects.filter(
                by_id__in=list(rows), child_id__in={c for _, c, _, _ in pairings},
                day__lt=term[0]).values_list("by_id", "child_id", "day"):
            contacts[(by_id, child_id)].append(day)
        reports: dict[int, list[dt.date]] = defaultdict(list)
        for child_id, raised in MandatoryReport.objects.filter(child_id__in={c for _, c, _, _ in pairings}
                                                                 ).values_list("child_id", "raised_at"):
            reports[child_id].append(raised.date())
        labels = child_labels([c for _, c, _, _ in pairings])
        for helper_id, child_id, start, end in pairings:
            why = work_rules.neglected(start, end, contacts[(helper_id, child_id)], on, reports[child_id])
            if why:
                rows[helper_id].neglect.append(f"{labels.get(child_id, ('', ''))[0]}：{why}")
        for row in rows.values():
            row.behind = behind.get(row.user_id, 0)
        members = sorted(GroupMember.objects.filter(school=school).values_list("role", "user__real_name"),
                         key=lambda m: GroupRole.values.index(m[0]))
        group = [(GroupRole(role).label.split("（")[0], name) for role, name in members if role != GroupRole.MEMBER]
        ordinary = sum(role == GroupRole.MEMBER for role, _ in members)
        if ordinary:
            group.append(("成员", f"{ordinary} 人"))
        # Those flagged first; otherwise the school's own order (leaders, then classes by grade).
        result.schools.append(SchoolWork(school, group, sorted(rows.values(), key=lambda r: not r.neglect)))
    return result


def may_read_work(user: User) -> bool:
    return bool(scope.roles(user) & {Role.ADMIN, Role.SCHOOL_LEADER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU})

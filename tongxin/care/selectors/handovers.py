"""Reads of the holiday handovers (P-27): the page of each role (a leader's school and the form to hand over, a
village's lists to receive, the township's and county's receipts) and one list with its pupils' contacts."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record_many
from tongxin.custody.selectors.programmes import holiday_placements
from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, School, User, grade_label
from tongxin.people import selectors as people

from .. import handover_rules
from ..choices import Category
from ..handover_models import HandoverList, HandoverRound
from ..models import CareFile

SHOWN_HOLIDAYS = 2  # the lists of the latest two holidays (a year's handovers at a glance)


@dataclass(frozen=True)
class ListRow:
    pk: int
    school: str
    community: str
    holiday: str  # 2027年寒假
    holiday_start: dt.date
    school_start: dt.date
    children: int
    received_at: dt.datetime | None
    received_by: str
    overdue: bool


@dataclass(frozen=True)
class Due:
    school: School
    holiday: handover_rules.HolidayDates


@dataclass
class HandoverPage:
    today: dt.date
    due: list[Due]  # the leader's schools that owe the next holiday's handover
    rows: list[ListRow]
    lists: int = 0
    received: int = 0
    overdue: int = 0
    missing_schools: list[str] = field(default_factory=list)  # (township/county) schools that have not handed over
    focus: handover_rules.HolidayDates | None = None  # the holiday those schools owe

    @property
    def waiting(self) -> int:
        return self.lists - self.received


def leader_schools(user: User) -> list[School]:
    return [a.school for a in scope.assignments(user) if a.role == Role.SCHOOL_LEADER and a.school is not None]


def recent_rounds(school_ids: list[int], n: int = 4) -> list[HandoverRound]:
    """The latest handovers of these schools (for the leader to bring their lists up to date)."""
    return list(HandoverRound.objects.filter(school_id__in=school_ids).order_by("-holiday_start")[:n]) if school_ids else []


OVERSEERS = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL, Role.ADMIN})


def _schools_with_left_behind(user: User) -> list[School]:
    """The schools in the user's area (by where they stand) that have left-behind pupils to hand over."""
    schools = orgs.schools_in_area(user)
    having = set(CareFile.objects.filter(category=Category.LEFT_BEHIND, child__school__in=schools)
                 .values_list("child__school_id", flat=True).distinct())
    return [s for s in schools if s.pk in having]


def handover_page(user: User, *, today: dt.date) -> HandoverPage:
    focus = handover_rules.in_focus(today)
    done = set(HandoverRound.objects.filter(holiday=focus.holiday, year=focus.year)
               .values_list("school_id", flat=True)) if focus else set()
    due = [Due(s, focus) for s in leader_schools(user) if focus and s.pk not in done]
    visible = HandoverList.objects.filter(scope.handover_q(user))
    holidays = list(visible.order_by("-round__holiday_start").values_list("round__holiday", "round__year")
                    .distinct()[:SHOWN_HOLIDAYS])
    rows: list[ListRow] = []
    if holidays:
        shown = visible.filter(round__holiday__in=[h for h, _ in holidays], round__year__in=[y for _, y in holidays])
        found = list(shown.select_related("round__school", "community", "received_by")
                     .order_by("-round__holiday_start", "received_at", "round__school__name", "community__path"))
        for hl in found:
            if (hl.round.holiday, hl.round.year) not in holidays or not hl.child_ids:
                continue
            rows.append(ListRow(
                pk=hl.pk, school=hl.round.school.name, community=hl.community.name,
                holiday=f"{hl.round.year}年{hl.round.get_holiday_display()}", holiday_start=hl.round.holiday_start,
                school_start=hl.round.school_start, children=len(hl.child_ids), received_at=hl.received_at,
                received_by=hl.received_by.display_name if hl.received_by else "",
                overdue=hl.received_at is None and handover_rules.receipt_overdue(today, hl.round.holiday_start)))
    latest = [r for r in rows if r.holiday == rows[0].holiday] if rows else []
    page = HandoverPage(today=today, due=due, rows=rows, lists=len(latest),
                        received=sum(r.received_at is not None for r in latest),
                        overdue=sum(r.overdue for r in latest))
    if focus and scope.roles(user) & OVERSEERS:
        page.focus = focus
        page.missing_schools = [s.name for s in _schools_with_left_behind(user) if s.pk not in done]
    return page


@dataclass(frozen=True)
class Pupil:
    name: str
    class_label: str
    contacts: list[people.Contact]
    custody: str  # the holiday custody programme the pupil is placed in, "" if none


@dataclass(frozen=True)
class HandoverDetail:
    handover: HandoverList
    pupils: list[Pupil]
    overdue: bool
    may_receive: bool


def access_handover(user: User, handover_id: int) -> HandoverList:
    """The list, if the user may read it (`orgs.scope.handover_q`); 404 when there is none, 403 otherwise."""
    found = (HandoverList.objects.filter(scope.handover_q(user), pk=handover_id)
             .select_related("round__school", "community", "received_by").first())
    if found is None:
        if HandoverList.objects.filter(pk=handover_id).exists():
            raise PermissionDenied("无权查看该交接名单")
        raise Http404("未找到该交接名单")
    return found


def handover_detail(user: User, found: HandoverList, *, today: dt.date, audit: bool = True) -> HandoverDetail:
    """One list with its pupils' parents and carers (phones in full where `orgs.scope` allows) and their holiday
    custody placements; reading it is audited per child (not again when a refused form shows it anew)."""
    ids = list(found.child_ids)
    children = people.children_by_ids(ids)
    full = scope.full_phone_child_ids(user, children)
    contacts = people.contacts_of(ids, full=full)
    custody = holiday_placements(ids, found.round.holiday_start, found.round.school_start - dt.timedelta(days=1))
    labels = {pk: (name, f"{grade_label(year)}（{number}）班" if number else "")
              for pk, name, year, number in children.values_list("pk", "name", "school_class__grade__year",
                                                                  "school_class__number")}
    pupils = [Pupil(labels[pk][0], labels[pk][1], contacts.get(pk, []), custody.get(pk, "")) for pk in ids
              if pk in labels]
    if audit:
        record_many(user, AuditEntry.Action.VIEW, list(children), reason="查看假期交接名单")
    worker = any(a.role == Role.COMMUNITY_WORKER and a.region_id == found.community_id
                 for a in scope.assignments(user))
    return HandoverDetail(
        handover=found, pupils=pupils,
        overdue=found.received_at is None and handover_rules.receipt_overdue(today, found.round.holiday_start),
        may_receive=found.received_at is None and (worker or Role.ADMIN in scope.roles(user)))

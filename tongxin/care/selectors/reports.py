"""Reads of mandatory reports: the lists of those handling them and of those who raised them, one report's
timeline, the townships' receiving settings. The reporter's name is shown only to the reporter and to those
handling the report (`orgs.scope.report_handler_q`)."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Region, Role, User

from .. import report_rules
from ..report_choices import EventKind, Recipient
from ..report_models import DEFAULT_ACK_MINUTES, MandatoryReport, ReportEvent, ReportRoute
from .picker import child_labels

REPORTER_HIDDEN = "报告人（信息仅办理单位可见）"
TABS = {"open": "待办理", "closed": "已结案", "mine": "我提交的"}
PAGE_SIZE = 20


@dataclass(frozen=True)
class ReportRow:
    pk: int
    child: str
    where: str  # class or village
    township: str
    situation: str
    urgent: bool
    raised_at: dt.datetime
    waited: str  # since raised, or until closed
    stage: str
    overdue: bool
    level: str  # the highest level it has gone to
    reporter: str


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str
    title: str
    who: str
    text: str


@dataclass(frozen=True)
class ReportDetail:
    report: MandatoryReport
    row: ReportRow
    state: report_rules.ReportState
    timeline: list[TimelineItem]
    handler: bool  # the reader handles it (acknowledge, act, close)
    reporter: bool  # the reader raised it
    received_by_me: bool
    file_id: int | None
    deadline_text: str




def report_states(reports: list[MandatoryReport], now: dt.datetime) -> dict[int, report_rules.ReportState]:
    """Each report's state at `now` from its events, in one read however many reports."""
    events: dict[int, list[report_rules.Event]] = {r.pk: [] for r in reports}
    for report_id, kind, at, level in ReportEvent.objects.filter(report__in=[r.pk for r in reports]).values_list(
            "report_id", "kind", "at", "level"):
        events[report_id].append(report_rules.Event(kind, at, level))
    return {r.pk: report_rules.state(r.raised_at, r.ack_minutes, events[r.pk], now) for r in reports}


def _rows(user: User, reports: list[MandatoryReport], now: dt.datetime) -> list[ReportRow]:
    states = report_states(reports, now)
    labels = child_labels([r.child_id for r in reports])
    handled = set(MandatoryReport.objects.filter(scope.report_handler_q(user), pk__in=[r.pk for r in reports])
                  .values_list("pk", flat=True))
    names = orgs.display_names({r.raised_by_id for r in reports})
    rows = []
    for r in reports:
        s = states[r.pk]
        child, where = labels.get(r.child_id, ("", ""))
        shown = r.pk in handled or r.raised_by_id == user.pk
        rows.append(ReportRow(
            pk=r.pk, child=child, where=where, township=r.township.name, situation=r.get_situation_display(),
            urgent=r.urgent, raised_at=r.raised_at, waited=report_rules.waited(r.raised_at, s.closed_at or now),
            stage=s.stage, overdue=s.overdue, level=Recipient(s.level).label,
            reporter=names.get(r.raised_by_id, "") if shown else REPORTER_HIDDEN))
    return rows


def _closed() -> Exists:
    return Exists(ReportEvent.objects.filter(report=OuterRef("pk"), kind=EventKind.CLOSED))


def is_handler_anywhere(user: User) -> bool:
    return bool(scope.roles(user) & scope.REPORT_HANDLER_ROLES)


def report_list(user: User, *, now: dt.datetime, tab: str, page: int = 1) -> tuple[Page, list[ReportRow], str]:
    """One tab of the reports the user may read: open ones (those they handle, or of children in their care),
    closed ones, or those they raised. Oldest open report first; closed ones newest first."""
    visible = MandatoryReport.objects.filter(scope.report_q(user)).select_related("township")
    if tab == "mine":
        found = visible.filter(raised_by=user).order_by("-raised_at", "-pk")
    elif tab == "closed":
        found = visible.filter(_closed()).order_by("-raised_at", "-pk")
    else:
        tab = "open"
        found = visible.exclude(_closed()).order_by("raised_at", "pk")
    paged = Paginator(found, PAGE_SIZE).get_page(page)
    return paged, _rows(user, list(paged.object_list), now), tab


def waiting_for(user: User, *, now: dt.datetime) -> int:
    """Open reports the user handles that nobody has acknowledged yet (the badge on the home page)."""
    if not is_handler_anywhere(user):
        return 0
    received = Exists(ReportEvent.objects.filter(report=OuterRef("pk"), kind__in=[EventKind.RECEIVED,
                                                                                     EventKind.CLOSED]))
    return MandatoryReport.objects.filter(scope.report_handler_q(user)).exclude(received).count()


def _who(event: ReportEvent, report: MandatoryReport, shown: bool, names: dict[int, str]) -> str:
    if event.by_id is None:
        return "系统"
    if event.by_id == report.raised_by_id and not shown:
        return REPORTER_HIDDEN
    return names.get(event.by_id, "")


def report_detail(user: User, report: MandatoryReport, *, now: dt.datetime, audit: bool = True) -> ReportDetail:
    """One report with its timeline; reading it is audited (who read which child's report), except when the page
    is shown again with a refused form's errors (the reader opened it just before)."""
    row = _rows(user, [report], now)[0]
    handler = MandatoryReport.objects.filter(scope.report_handler_q(user), pk=report.pk).exists()
    reporter = report.raised_by_id == user.pk
    events = list(ReportEvent.objects.filter(report=report).order_by("at", "pk"))
    names = orgs.display_names({e.by_id for e in events if e.by_id} | {report.raised_by_id})
    shown = handler or reporter
    timeline = [TimelineItem(report.raised_at, "raised", "提交报告",
                             names.get(report.raised_by_id, "") if shown else REPORTER_HIDDEN, "")]
    for e in events:
        title = e.get_kind_display()
        if e.kind == EventKind.SENT:
            title = f"发送至 {e.to_label}"
        elif e.kind == EventKind.ESCALATED:
            title = f"逾期未签收，上报{Recipient(e.level).label if e.level is not None else ''}"
        elif e.kind == EventKind.RECEIVED:
            title = f"签收（{e.to_label}）"
        timeline.append(TimelineItem(e.at, e.kind, title, _who(e, report, shown, names), e.text))
    s = report_rules.state(report.raised_at, report.ack_minutes,
                           [report_rules.Event(e.kind, e.at, e.level) for e in events], now)
    if s.closed_at:
        deadline_text = ""
    elif s.acknowledged_at is None and s.next_deadline:
        left = report_rules.waited(now, s.next_deadline)
        nxt = Recipient(s.level + 1).label
        deadline_text = (f"{s.next_deadline:%H:%M} 前无人签收将上报{nxt}（还剩 {left}）" if s.next_deadline > now
                         else f"已逾期，正在上报{nxt}")
    elif s.acknowledged_at is None:
        deadline_text = "已上报至县民政局，仍无人签收"
    else:
        deadline_text = ""
    file_id = _file_of(report.child_id)
    if audit:
        record(user, AuditEntry.Action.VIEW, report, child_id=report.child_id, reason="查看强制报告")
    return ReportDetail(report=report, row=row, state=s, timeline=timeline, handler=handler, reporter=reporter,
                        received_by_me=any(e.kind == EventKind.RECEIVED and e.by_id == user.pk for e in events),
                        file_id=file_id, deadline_text=deadline_text)


def _file_of(child_id: int) -> int | None:
    from ..models import CareFile

    return CareFile.objects.filter(child_id=child_id).values_list("pk", flat=True).first()


def child_reports(user: User, child_id: int, *, now: dt.datetime) -> list[ReportRow]:
    """The reports on one child the user may read (for the child's file)."""
    found = list(MandatoryReport.objects.filter(scope.report_q(user), child_id=child_id).select_related("township")
                 .order_by("-raised_at", "-pk")[:20])
    return _rows(user, found, now)


@dataclass(frozen=True)
class RouteRow:
    township: Region
    route: ReportRoute | None
    officers: list[tuple[int, str]]  # the township officers (government contact and leader are chosen from them)

    @property
    def ack_minutes(self) -> int:
        return self.route.ack_minutes if self.route else DEFAULT_ACK_MINUTES


def route_townships(user: User) -> list[RouteRow]:
    """The townships whose receiving settings the user sets: a township officer their own, the county civil
    affairs bureau every township of its county."""
    paths = [a.area.path for a in scope.assignments(user) if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL)]
    admin = Role.ADMIN in scope.roles(user)
    if not paths and not admin:
        return []
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if not admin:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path)
        townships = townships.filter(q)
    routes = {r.township_id: r for r in ReportRoute.objects.filter(township__in=townships)
              .select_related("government_contact", "leader")}
    return [RouteRow(t, routes.get(t.pk), orgs.users_holding(Role.TOWNSHIP_OFFICER, region_path=t.path))
            for t in townships.order_by("path")]

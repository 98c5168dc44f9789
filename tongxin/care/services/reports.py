"""Mandatory reports (强制报告, P-16…P-20): raise one in a minute, send it at once to the police and the township
government of the child's home, acknowledge, record the police's receipt and what was done, close; escalate what
nobody acknowledges in time. Every write only adds rows: a report is never edited or deleted."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Role, User
from tongxin.people import selectors as people

from .. import report_rules, rules
from ..choices import Category, Level
from ..models import CareFile, FileVersion
from ..report_choices import EventKind, Recipient, Situation
from ..report_models import DEFAULT_ACK_MINUTES, MandatoryReport, ReportEvent, ReportRoute
from ..selectors.reports import report_states, route_townships
from .common import clean_text
from .files import _apply, _sync_registry, classify
from .notices import escalation_notices_send, report_notices_send

A = AuditEntry.Action
# Everyone working with children may (and must) report; a parent goes to the police directly.
RAISERS = frozenset(Role.values) - {Role.PARENT}
TEXT_MAX = 1000


def _text(value: str, label: str, *, required: bool, limit: int = TEXT_MAX) -> str:
    return clean_text(value, label, limit=limit, required=required)


def access_report(user: User, report_id: int) -> MandatoryReport:
    """The report, if the user may read it (`orgs.scope.report_q`); 404 when there is none, 403 when it is not
    theirs to see."""
    found = MandatoryReport.objects.filter(scope.report_q(user), pk=report_id).first()
    if found is None:
        if MandatoryReport.objects.filter(pk=report_id).exists():
            raise PermissionDenied("无权查看该强制报告")
        raise Http404("未找到该强制报告")
    return found


def is_handler(user: User, report: MandatoryReport) -> bool:
    return MandatoryReport.objects.filter(scope.report_handler_q(user), pk=report.pk).exists()


def _require_handler(user: User, report: MandatoryReport) -> None:
    if not is_handler(user, report):
        raise PermissionDenied("只有儿童居住地的乡镇（街道）和县民政局可以办理该报告")


def _state(report: MandatoryReport, now: dt.datetime) -> report_rules.ReportState:
    return report_states([report], now)[report.pk]


def _raise_risk(actor: User, child_id: int, report: MandatoryReport, now: dt.datetime) -> None:
    """The report makes the child a high-risk case (重点帮扶对象) and opens follow-up on the care plan: the file
    (opened if the child had none) goes to high risk, with a version saying why, and waits for a new risk
    assessment on the class teacher's to-do (the same review as a change in the family, P-10)."""
    on = now.date()
    why = [f"强制报告：{report.get_situation_display()}，请重新评估并更新关爱方案"]
    file = CareFile.objects.select_for_update().filter(child_id=child_id).first()
    if file is None:
        file = CareFile(child_id=child_id, added_on=on)
        _apply(file, classify([file], on)[child_id])
        file.level = Level.HIGH
        file.review_from, file.review_reason = rules.merge_review(None, "", on=on, reasons=why)
        file.save()
        _sync_registry([file])
        FileVersion.objects.create(file=file, by=actor, note=f"强制报告 #{report.pk}",
                                   changes=[["建档", "", Category(file.category).label], ["风险等级", "", "高"]])
        return
    was = Level(file.level).label if file.level else "未评估"
    review_from, review_reason = rules.merge_review(file.review_from, file.review_reason, on=on, reasons=why)
    CareFile.objects.filter(pk=file.pk).update(level=Level.HIGH, review_from=review_from, review_reason=review_reason)
    if file.level != Level.HIGH:
        FileVersion.objects.create(file=file, by=actor, note=f"强制报告 #{report.pk}", changes=[["风险等级", was, "高"]])


def _first_recipients(route: ReportRoute | None, township_name: str) -> list[tuple[str, User | None]]:
    if route is None:
        return [("公安机关（本乡镇尚未设置派出所联系方式，请同时拨打 110）", None),
                (f"{township_name}人民政府（全体乡镇干部）", None)]
    police = f"{route.police_name}（{route.police_contact + '，' if route.police_contact else ''}{route.police_phone}）"
    government = route.government_contact
    return [(police, None),
            (f"{township_name}人民政府：{government.display_name}" if government
             else f"{township_name}人民政府（全体乡镇干部）", government)]


@transaction.atomic
def report_raise(actor: User, *, child_id: int, situation: str, description: str, location: str = "",
                 urgent: bool = False, now: dt.datetime) -> MandatoryReport:
    """Raise a report on a child in the actor's scope; it is sent at once to the police and the township
    government of the child's home, and the child becomes a high-risk case."""
    if not scope.roles(actor) & RAISERS:
        raise PermissionDenied("当前角色不能在此提交强制报告，如遇紧急情况请直接拨打 110")
    if not scope.children(actor).filter(pk=child_id).exists():
        raise PermissionDenied("该儿童不在您负责的范围内")
    if situation not in Situation.values:
        raise ValidationError("请选择发现的情形")
    description = _text(description, "发现的情况", required=True)
    location = _text(location, "发现地点", required=False, limit=128)
    township = orgs.township_of(people.home_path(child_id))
    if township is None:
        raise ValidationError("该儿童的住址和学校都没有登记所属乡镇（街道），无法确定接收单位，请先补全住址；紧急情况请拨打 110")
    route = ReportRoute.objects.filter(township=township).select_related("government_contact").first()
    report = MandatoryReport.objects.create(
        child_id=child_id, township=township, situation=situation, description=description, location=location,
        urgent=bool(urgent), raised_by=actor, raised_at=now,
        ack_minutes=route.ack_minutes if route else DEFAULT_ACK_MINUTES)
    ReportEvent.objects.bulk_create([
        ReportEvent(report=report, kind=EventKind.SENT, level=Recipient.FIRST, to_label=label[:128], to_user=user,
                    at=now) for label, user in _first_recipients(route, township.name)])
    _raise_risk(actor, child_id, report, now)
    report_notices_send(report, route, now=now)
    record(actor, A.CREATE, report, child_id=child_id, reason=f"强制报告：{report.get_situation_display()}"[:255])
    return report


@transaction.atomic
def report_receive(actor: User, report: MandatoryReport, *, now: dt.datetime) -> ReportEvent:
    """Acknowledge (签收) a report: the first acknowledgement stops the escalation."""
    _require_handler(actor, report)
    if ReportEvent.objects.filter(report=report, kind=EventKind.RECEIVED, by=actor).exists():
        raise ValidationError("您已签收该报告")
    event = ReportEvent.objects.create(report=report, kind=EventKind.RECEIVED, by=actor, at=now,
                                       to_label=_handler_label(actor, report))
    record(actor, A.UPDATE, report, child_id=report.child_id, reason="签收强制报告")
    return event


def _handler_label(actor: User, report: MandatoryReport) -> str:
    roles = {a.role for a in scope.assignments(actor)}
    if Role.TOWNSHIP_OFFICER in roles:
        where = f"{report.township.name}人民政府"
    elif Role.COUNTY_CIVIL in roles:
        where = "县民政局"
    else:
        where = "系统管理员"
    return f"{where}：{actor.display_name}"[:128]


@transaction.atomic
def report_police_receipt(actor: User, report: MandatoryReport, *, text: str, now: dt.datetime) -> ReportEvent:
    """Record that the police received the report (who took it, a case or receipt number): by its handlers or
    by the reporter, who may have called the station."""
    if not (is_handler(actor, report) or report.raised_by_id == actor.pk):
        raise PermissionDenied("只有报告人和办理单位可以登记公安机关接报情况")
    text = _text(text, "接报情况（接警人、回执或警情编号）", required=True, limit=255)
    event = ReportEvent.objects.create(report=report, kind=EventKind.POLICE_RECEIVED, by=actor, at=now, text=text)
    record(actor, A.UPDATE, report, child_id=report.child_id, reason="登记公安机关接报")
    return event


@transaction.atomic
def report_act(actor: User, report: MandatoryReport, *, text: str, now: dt.datetime) -> ReportEvent:
    """Record what was done (处置): visit, placement, protection measures, referral."""
    _require_handler(actor, report)
    if _state(report, now).closed_at:
        raise ValidationError("该报告已结案，请在结案后以补充情况记录")
    text = _text(text, "处置情况", required=True)
    received = ReportEvent.objects.filter(report=report, kind=EventKind.RECEIVED).exists()
    events = [] if received else [ReportEvent(report=report, kind=EventKind.RECEIVED, by=actor, at=now,
                                              to_label=_handler_label(actor, report))]
    events.append(ReportEvent(report=report, kind=EventKind.ACTED, by=actor, at=now, text=text))
    ReportEvent.objects.bulk_create(events)
    record(actor, A.UPDATE, report, child_id=report.child_id, reason="记录强制报告处置情况")
    return events[-1]


@transaction.atomic
def report_note(actor: User, report: MandatoryReport, *, text: str, now: dt.datetime) -> ReportEvent:
    """Add to a report (a report is never edited): the reporter or a handler."""
    if not (is_handler(actor, report) or report.raised_by_id == actor.pk):
        raise PermissionDenied("只有报告人和办理单位可以补充情况")
    text = _text(text, "补充情况", required=True)
    event = ReportEvent.objects.create(report=report, kind=EventKind.NOTE, by=actor, at=now, text=text)
    record(actor, A.UPDATE, report, child_id=report.child_id, reason="补充强制报告情况")
    return event


@transaction.atomic
def report_close(actor: User, report: MandatoryReport, *, text: str, now: dt.datetime) -> ReportEvent:
    """Close a report once something was done about it."""
    _require_handler(actor, report)
    found = _state(report, now)
    if found.closed_at:
        raise ValidationError("该报告已结案")
    if found.acted_at is None:
        raise ValidationError("请先记录处置情况，再结案")
    text = _text(text, "结案说明", required=True)
    event = ReportEvent.objects.create(report=report, kind=EventKind.CLOSED, by=actor, at=now, text=text)
    record(actor, A.UPDATE, report, child_id=report.child_id, reason="强制报告结案")
    return event


def _county_recipients(report: MandatoryReport) -> str:
    names = [name for _, name in orgs.users_holding(Role.COUNTY_CIVIL, region_path=orgs.county_path(report.township.path))]
    return "县民政局：" + ("、".join(names) if names else "（未设置账号）")


@transaction.atomic
def reports_escalate(*, now: dt.datetime) -> int:
    """Send every report nobody acknowledged in time to the next level (the township's leader, then the county
    civil affairs bureau), each step recorded; returns how many steps were sent. Safe to run at any time and
    twice at once: a level is sent once."""
    waiting = list(MandatoryReport.objects.select_for_update(of=("self",))
                   .exclude(events__kind__in=[EventKind.RECEIVED, EventKind.CLOSED])
                   .filter(raised_at__lte=now - dt.timedelta(minutes=1)).select_related("township"))
    states = report_states(waiting, now)
    sent = 0
    for report in waiting:
        found = states[report.pk]
        due = [lv for lv in report_rules.levels_due(report.raised_at, report.ack_minutes, found.acknowledged_at, now)
               if lv > found.level]
        if not due:
            continue
        route = ReportRoute.objects.filter(township=report.township).select_related("leader").first()
        rows = []
        for level in due:
            at = report_rules.deadline(report.raised_at, report.ack_minutes, level)
            if level == Recipient.LEADER:
                leader = route.leader if route else None
                label = (f"乡镇分管领导：{leader.display_name}" if leader
                         else "乡镇分管领导（本乡镇尚未设置，已发送全体乡镇干部）")
                user = leader
            else:
                label, user = _county_recipients(report), None
            waited = report_rules.waited(report.raised_at, at)
            escalation_notices_send(report, level, user.pk if user else None, waited=waited, now=now)
            rows += [ReportEvent(report=report, kind=EventKind.ESCALATED, level=level, at=now, to_label=label[:128],
                                 text=f"报告后{waited}内无人签收"),
                     ReportEvent(report=report, kind=EventKind.SENT, level=level, at=now, to_label=label[:128],
                                 to_user=user)]
            sent += 1
        ReportEvent.objects.bulk_create(rows)
    if sent:
        record(None, A.UPDATE, None, reason=f"强制报告逾期未签收，逐级上报 {sent} 次")
    return sent


@transaction.atomic
def route_set(actor: User, *, township_id: int, police_name: str, police_contact: str, police_phone: str,
              government_contact_id: int | None, leader_id: int | None, ack_minutes: int) -> ReportRoute:
    """Set where a township's reports go: a township officer for their own township, the county civil affairs
    bureau for any township of its county. The government contact and the leader are the township's officers."""
    township = next((row.township for row in route_townships(actor) if row.township.pk == township_id), None)
    if township is None:
        raise PermissionDenied("无权设置该乡镇（街道）的强制报告接收单位")
    officers = {pk for pk, _ in orgs.users_holding(Role.TOWNSHIP_OFFICER, region_path=township.path)}
    for label, pk in (("乡镇政府接报人", government_contact_id), ("乡镇分管领导", leader_id)):
        if pk is not None and pk not in officers:
            raise ValidationError(f"{label}须是本乡镇（街道）的干部账号")
    if not 10 <= ack_minutes <= 24 * 60:
        raise ValidationError("签收时限应在 10 分钟到 24 小时之间")
    route = ReportRoute.objects.filter(township=township).first() or ReportRoute(township=township)
    route.police_name = _text(police_name, "公安机关（派出所）名称", required=True, limit=64)
    route.police_contact = _text(police_contact, "派出所联系人", required=False, limit=32)
    route.police_phone = _text(police_phone, "派出所电话", required=True, limit=20)
    if not all(ch.isdigit() or ch in "-－ " for ch in route.police_phone):
        raise ValidationError("派出所电话只能包含数字和“-”")
    route.government_contact_id, route.leader_id = government_contact_id, leader_id
    route.ack_minutes, route.updated_by = ack_minutes, actor
    created = route.pk is None
    route.save()
    record(actor, A.CREATE if created else A.UPDATE, route, reason=f"设置{township.name}强制报告接收单位")
    return route

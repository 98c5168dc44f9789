"""Writes of the custody line. Each is one transaction that checks who may do it and writes its audit entry."""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import changed_fields, record, record_many
from tongxin.orgs import scope
from tongxin.orgs.models import Role, Site
from tongxin.people.models import Child, Guardian, Guardianship

from . import permissions, rules
from .models import (
    Activity, Alert, Application, Attendance, CalendarDay, Evaluation, FeeExemption, Group, HealthCheck, Incident,
    Need, Period, Placement, PlacementRun, Programme, RosterShift, TimetableSlot,
)

A = AuditEntry.Action
LIVE = (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED,
        Application.State.PLACED, Application.State.WAITING)


def calendar_exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "workday"))


def period_days(period: Period) -> list[dt.date]:
    return rules.working_days(period.start, period.end, calendar_exceptions(period.start, period.end))


# ---------------------------------------------------------------- programme set-up (organisers)

PROGRAMME_FIELDS = {"name", "kind", "school", "community", "status", "apply_deadline", "day_start", "day_end",
                    "pickup_grace_minutes", "eligible_grades", "group_size_limit", "fee_per_day", "lunch_available",
                    "lunch_price", "children_per_staff", "agreement_text", "commitment_text"}


def _validate_programme(p: Programme) -> None:
    rules.check_fee(p.fee_per_day)
    if p.day_end <= p.day_start:
        raise ValidationError({"day_end": "每日结束时间须晚于开始时间"})
    if not p.eligible_grades or any(not isinstance(g, int) or not 1 <= g <= 9 for g in p.eligible_grades):
        raise ValidationError({"eligible_grades": "请选择可报名的年级（1-9 年级）"})
    if not 1 <= p.group_size_limit <= 40:
        raise ValidationError({"group_size_limit": "每班人数上限应在 1 到 40 之间"})
    if p.lunch_price < 0:
        raise ValidationError({"lunch_price": "午餐价格不能为负数"})
    if p.children_per_staff < 1:
        raise ValidationError({"children_per_staff": "师生比须至少为 1"})


@transaction.atomic
def create_programme(actor, **fields) -> Programme:
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    fields.setdefault("eligible_grades", rules.default_eligible_grades())
    programme = Programme(created_by=actor, **fields)
    if bool(programme.school_id) == bool(programme.community_id):
        raise ValidationError("托管项目须由一所学校或一个社区（村）主办")
    _validate_programme(programme)
    programme.save()
    permissions.require_organiser(actor, programme)  # raising here rolls the creation back
    if programme.school_id:
        programme.sites.set(Site.objects.filter(school=programme.school))
    else:
        programme.sites.set(Site.objects.filter(region=programme.community, school=None))
    record(actor, A.CREATE, programme, fields=sorted(fields))
    return programme


@transaction.atomic
def update_programme(actor, programme: Programme, **changes) -> Programme:
    permissions.require_organiser(actor, programme)
    unknown = set(changes) - PROGRAMME_FIELDS - {"sites"}
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    before = Programme.objects.get(pk=programme.pk)
    sites = changes.pop("sites", None)
    for name, value in changes.items():
        setattr(programme, name, value)
    _validate_programme(programme)
    if programme.group_size_limit < before.group_size_limit and programme.periods.filter(groups__capacity__gt=programme.group_size_limit).exists():
        raise ValidationError({"group_size_limit": "已有班组人数上限高于新的上限，请先调整班组"})
    programme.save()
    if sites is not None:
        own = Site.objects.filter(school=programme.school) if programme.school_id else Site.objects.filter(region=programme.community)
        if any(s not in own for s in sites):
            raise ValidationError({"sites": "只能选择主办单位自己的场所"})
        programme.sites.set(sites)
    record(actor, A.UPDATE, programme, fields=changed_fields(before, programme) + (["sites"] if sites is not None else []))
    return programme


@transaction.atomic
def add_period(actor, programme: Programme, *, name: str, start: dt.date, end: dt.date) -> Period:
    permissions.require_organiser(actor, programme)
    if end < start:
        raise ValidationError("期次结束日期不能早于开始日期")
    if programme.periods.filter(start__lte=end, end__gte=start).exists():
        raise ValidationError("与已有期次的日期重叠")
    if not rules.working_days(start, end, calendar_exceptions(start, end)):
        raise ValidationError("该期次内没有工作日（周末和法定节假日不托管）")
    period = Period.objects.create(programme=programme, name=name, start=start, end=end)
    record(actor, A.CREATE, period)
    return period


@transaction.atomic
def add_group(actor, period: Period, *, site: Site, name: str, capacity: int | None = None) -> Group:
    programme = period.programme
    permissions.require_organiser(actor, programme)
    capacity = programme.group_size_limit if capacity is None else capacity
    if not 1 <= capacity <= programme.group_size_limit:
        raise ValidationError({"capacity": f"班组人数上限不能超过项目规定的 {programme.group_size_limit} 人"})
    if not programme.sites.filter(pk=site.pk).exists():
        raise ValidationError({"site": "请选择本项目的托管场所"})
    group = Group.objects.create(period=period, site=site, name=name, capacity=capacity)
    record(actor, A.CREATE, group)
    return group


DEFAULT_DAY = [
    ("08:30", "09:00", Activity.SAFETY, "晨检、安全提醒"),
    ("09:00", "10:30", Activity.HOMEWORK, "假期作业辅导"),
    ("10:30", "11:30", Activity.READING, "自主阅读"),
    ("11:30", "13:30", Activity.LUNCH, "午餐、午休"),
    ("13:30", "14:30", Activity.ARTS, "书法、绘画、手工"),
    ("14:30", "15:30", Activity.SPORTS, "体育游戏"),
    ("15:30", "16:30", Activity.SCIENCE, "科普实验"),
    ("16:30", "17:30", Activity.FREE_PLAY, "自由活动、等候接送"),
]


def validate_timetable(programme: Programme, slots: list[dict]) -> list[TimetableSlot]:
    """Slots must lie inside the programme's day, not overlap, and schedule no lesson, make-up class or test."""
    parsed = []
    for i, s in enumerate(slots, 1):
        start, end = s["start"], s["end"]
        if isinstance(start, str):
            start = dt.time.fromisoformat(start)
        if isinstance(end, str):
            end = dt.time.fromisoformat(end)
        if s["activity"] not in Activity.values:
            raise ValidationError(f"第{i}项：活动类型“{s['activity']}”不在允许的托管活动之内")
        reason = rules.forbidden_activity_reason(s.get("title", ""))
        if reason:
            raise ValidationError(f"第{i}项：{reason}")
        if end <= start:
            raise ValidationError(f"第{i}项：结束时间须晚于开始时间")
        if start < programme.day_start or end > programme.day_end:
            raise ValidationError(f"第{i}项：须在每日托管时间 {programme.day_start:%H:%M}-{programme.day_end:%H:%M} 之内")
        parsed.append(TimetableSlot(start=start, end=end, activity=s["activity"], title=s.get("title", "")[:64]))
    parsed.sort(key=lambda t: t.start)
    for a, b in zip(parsed, parsed[1:]):
        if b.start < a.end:
            raise ValidationError(f"{a.start:%H:%M}-{a.end:%H:%M} 与 {b.start:%H:%M}-{b.end:%H:%M} 时间重叠")
    return parsed


@transaction.atomic
def save_timetable(actor, group: Group, slots: list[dict]) -> list[TimetableSlot]:
    permissions.require_organiser(actor, group.programme)
    parsed = validate_timetable(group.programme, slots)
    group.slots.all().delete()
    for slot in parsed:
        slot.group = group
    TimetableSlot.objects.bulk_create(parsed)
    record(actor, A.UPDATE, group, fields=["timetable"])
    return parsed


# ---------------------------------------------------------------- applications (parents) and review chain

def priority_of(child: Child, needs: list[str]):
    family = child.family
    return rules.priority(rules.PriorityFacts(
        disabled=child.disability,
        left_behind=child.care_status == Child.CareStatus.LEFT_BEHIND,  # from the registry, not the parent's word
        vulnerable=child.care_status == Child.CareStatus.VULNERABLE,
        low_income=family.low_income,
        extreme_poverty=family.extreme_poverty,
        military=family.military,
        migrant_worker=family.migrant_worker,
        dual_earner=family.dual_earner or Need.DUAL_EARNER in needs,
    ))


def eligibility_problem(programme: Programme, child: Child) -> str | None:
    if programme.school_id and child.school_id != programme.school_id:
        return f"该项目只面向{programme.school.name}的学生"
    if programme.community_id and child.family.community_id != programme.community_id:
        return f"该项目只面向居住在{programme.community.name}的儿童"
    grade = child.school_class.grade.year if child.school_class_id else None
    if grade not in programme.eligible_grades:
        return "孩子所在年级不在本项目招收范围内（毕业年级一般不招收）"
    return None


@transaction.atomic
def apply(actor, *, programme: Programme, child: Child, periods: list[Period], lunch: bool, needs: list[str],
          signature: str, agree_service: bool, agree_safety: bool, note: str = "", today: dt.date | None = None) -> Application:
    link = permissions.require_guardian_of(actor, child)
    today = today or timezone.localdate()
    if programme.status != Programme.Status.OPEN:
        raise ValidationError("该项目当前不在报名期")
    if programme.apply_deadline and today > programme.apply_deadline:
        raise ValidationError(f"报名已于 {programme.apply_deadline:%Y年%-m月%-d日} 截止")
    problem = eligibility_problem(programme, child)
    if problem:
        raise ValidationError(problem)
    if not periods:
        raise ValidationError("请至少选择一个托管期次")
    if any(p.programme_id != programme.pk for p in periods):
        raise ValidationError("所选期次不属于该项目")
    unknown = set(needs) - set(Need.values)
    if unknown:
        raise ValidationError("托管需求选项无效")
    if lunch and not programme.lunch_available:
        raise ValidationError("该项目不提供午餐")
    if not (agree_service and agree_safety):
        raise ValidationError("请阅读并签署《托管服务协议》和《安全承诺书》")
    if signature.strip() != link.guardian.name:
        raise ValidationError(f"签名须为监护人本人姓名（{link.guardian.name}）")
    tier, reasons = priority_of(child, needs)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, child=child, applicant=actor, guardian=link.guardian, lunch=lunch,
                needs=list(needs), note=note[:255], agreement_signed_at=now, commitment_signed_at=now,
                signature=signature.strip(), tier=tier, tier_reasons=reasons,
            )
    except IntegrityError:
        raise ValidationError("该儿童已有一份进行中的报名，请勿重复提交") from None
    application.periods.set(periods)
    record(actor, A.CREATE, application, child_id=child.pk, fields=["periods", "lunch", "needs", "signature"])
    return application


def _require_state(application: Application, *states) -> None:
    if application.state not in states:
        raise ValidationError(f"申请当前状态为“{application.get_state_display()}”，不能办理此操作")


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).get(pk=application.pk)


@dataclass(frozen=True)
class _Step:
    """One step of the review chain: who may decide, from which state, and what the parent reads."""

    check: Callable
    from_state: str
    to_state: str
    by_field: str
    at_field: str
    missing_reason: str
    rejected_by: Callable[[Application], str]
    notes: tuple[str, str]


_CLASS_REVIEW = _Step(
    check=lambda actor, app: permissions.require_class_teacher_of(actor, app.child),
    from_state=Application.State.SUBMITTED, to_state=Application.State.REVIEWED,
    by_field="reviewed_by", at_field="reviewed_at", missing_reason="退回申请时请填写原因，家长会看到",
    rejected_by=lambda app: "班主任初审", notes=("初审通过", "初审退回"))
_APPROVAL = _Step(
    check=lambda actor, app: permissions.require_organiser(actor, app.programme),
    from_state=Application.State.REVIEWED, to_state=Application.State.APPROVED,
    by_field="approved_by", at_field="approved_at", missing_reason="不予批准时请填写原因，家长会看到",
    rejected_by=lambda app: f"{app.programme.organiser}审批", notes=("审批通过", "审批不予通过"))


def _decide(step: _Step, actor, application: Application, approve: bool, reason: str) -> Application:
    application = _lock(application)
    step.check(actor, application)
    _require_state(application, step.from_state)
    if not approve and not reason.strip():
        raise ValidationError(step.missing_reason)
    setattr(application, step.by_field, actor)
    setattr(application, step.at_field, timezone.now())
    application.state = step.to_state if approve else Application.State.REJECTED
    application.reject_reason = "" if approve else f"{step.rejected_by(application)}未通过：{reason.strip()}"
    application.save()
    record(actor, A.UPDATE, application, fields=["state"], reason=step.notes[0] if approve else step.notes[1])
    return application


@transaction.atomic
def class_review(actor, application: Application, *, approve: bool, reason: str = "") -> Application:
    """The class teacher's first review."""
    return _decide(_CLASS_REVIEW, actor, application, approve, reason)


@transaction.atomic
def organiser_decision(actor, application: Application, *, approve: bool, reason: str = "") -> Application:
    """The school's (or community's) approval after the first review."""
    return _decide(_APPROVAL, actor, application, approve, reason)


# ---------------------------------------------------------------- placement: priority, lottery, seats

def _take_seats(group_id: int, n: int) -> bool:
    """Take n seats if they are free: one conditional UPDATE, safe under concurrent requests on both
    databases (and the group's check constraint refuses anything over capacity as a last line)."""
    return bool(Group.objects.filter(pk=group_id, seats_taken__lte=F("capacity") - n)
                .update(seats_taken=F("seats_taken") + n))


def _free_seat(group_id: int) -> None:
    Group.objects.filter(pk=group_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _sync_application_states(application_ids) -> None:
    """An application is 'placed' once any of its periods has a seat, else 'waiting' while any waits:
    recomputed for many applications in three queries."""
    states = defaultdict(set)
    for app_id, state in (Placement.objects.filter(application_id__in=application_ids)
                          .exclude(state=Placement.State.WITHDRAWN).values_list("application_id", "state")):
        states[app_id].add(state)
    placed = [a for a, s in states.items() if Placement.State.PLACED in s]
    waiting = [a for a, s in states.items() if Placement.State.PLACED not in s]
    now = timezone.now()
    Application.objects.filter(pk__in=placed).exclude(state=Application.State.PLACED).update(
        state=Application.State.PLACED, updated_at=now)
    Application.objects.filter(pk__in=waiting).exclude(state=Application.State.WAITING).update(
        state=Application.State.WAITING, updated_at=now)


@transaction.atomic
def run_placement(actor, period: Period, *, seed: str | None = None) -> PlacementRun:
    """Place every approved application for this period that has no seat or waiting place yet.
    Order: priority tier, then a lottery keyed by the published seed; siblings (same family) are one unit
    and share a group; a unit that does not fit waits."""
    programme = period.programme
    permissions.require_organiser(actor, programme)
    seed = seed or secrets.token_hex(8)
    groups = list(Group.objects.select_for_update(of=("self",)).filter(period=period).order_by("name", "pk"))
    if not groups:
        raise ValidationError("请先为该期次设置托管班组")
    already = Placement.objects.filter(period=period).exclude(state=Placement.State.WITHDRAWN).values("application_id")
    candidates = list(
        Application.objects.select_for_update(of=("self",))
        .filter(programme=programme, periods=period, state__in=[Application.State.APPROVED, Application.State.PLACED,
                                                                Application.State.WAITING])
        .exclude(pk__in=already)
        .select_related("child")
    )
    by_family = defaultdict(list)
    for app in candidates:
        by_family[app.child.family_id].append(app)
    units = [rules.Unit(key=f"family:{fid}", tier=min(a.tier for a in apps), members=tuple(sorted(a.pk for a in apps)))
             for fid, apps in by_family.items()]
    ordered = rules.draw_order(units, seed)
    placed, waiting = rules.assign_seats(ordered, {g.pk: g.seats_free for g in groups})
    run = PlacementRun.objects.create(period=period, seed=seed, run_by=actor)
    apps = {a.pk: a for a in candidates}
    # The groups are locked for this transaction, so their free seats cannot change under us: take each
    # group's seats in one conditional UPDATE (which still refuses to overfill).
    taken = defaultdict(int)
    for unit in ordered:
        if unit.key in placed:
            taken[placed[unit.key]] += len(unit.members)
    for gid, n in taken.items():
        if not _take_seats(gid, n):
            raise ValidationError("班组名额在安置过程中发生变化，请重新执行安置")
    rows = []
    for unit in ordered:
        gid = placed.get(unit.key)
        for app_id in unit.members:
            rows.append(Placement(application_id=app_id, child_id=apps[app_id].child_id, period=period, group_id=gid,
                                  state=Placement.State.PLACED if gid else Placement.State.WAITING,
                                  lottery_key=rules.lottery_key(seed, unit.key), run=run))
    Placement.objects.bulk_create(rows)
    _sync_application_states([a.pk for a in candidates])
    run.placed = sum(r.state == Placement.State.PLACED for r in rows)
    run.waiting = len(rows) - run.placed
    run.save(update_fields=["placed", "waiting"])
    record(actor, A.CREATE, run, reason=f"安置 {run.placed} 人，候补 {run.waiting} 人，种子 {seed}")
    return run


@transaction.atomic
def place_late_application(actor, application: Application, period: Period) -> Placement:
    """Place one approved application after the main run (e.g. a late approval): the first group with a
    free seat, or the waiting list."""
    permissions.require_organiser(actor, application.programme)
    application = _lock(application)
    _require_state(application, Application.State.APPROVED, Application.State.PLACED, Application.State.WAITING)
    if not application.periods.filter(pk=period.pk).exists():
        raise ValidationError("该申请未选择这一期次")
    group_id = None
    for group in Group.objects.filter(period=period).order_by("name", "pk"):
        if _take_seats(group.pk, 1):
            group_id = group.pk
            break
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                application=application, child_id=application.child_id, period=period, group_id=group_id,
                state=Placement.State.PLACED if group_id else Placement.State.WAITING,
                lottery_key=rules.lottery_key("late", str(application.pk)))
    except IntegrityError:
        raise ValidationError("该儿童在这一期次已有安置，不能重复安置") from None
    _sync_application_states([application.pk])
    record(actor, A.CREATE, placement, child_id=application.child_id)
    return placement


def _promote_waiting(period: Period, group_id: int, actor) -> Placement | None:
    """Move the first waiting child of the period (by tier, then lottery) into the freed group."""
    waiting = (Placement.objects.select_for_update(of=("self",))
               .filter(period=period, state=Placement.State.WAITING)
               .order_by("application__tier", "lottery_key", "pk").first())
    if waiting is None or not _take_seats(group_id, 1):
        return None
    waiting.state, waiting.group_id = Placement.State.PLACED, group_id
    waiting.save(update_fields=["state", "group", "updated_at"])
    _sync_application_states([waiting.application_id])
    record(actor, A.UPDATE, waiting, child_id=waiting.child_id, fields=["state", "group"], reason="候补递补")
    return waiting


@transaction.atomic
def withdraw(actor, application: Application, *, reason: str = "") -> Application:
    """The parent withdraws: seats are freed and the waiting list moves up."""
    application = _lock(application)
    if application.applicant_id != actor.pk:
        permissions.require_guardian_of(actor, application.child)
    _require_state(application, *LIVE)
    for placement in application.placements.select_for_update(of=("self",)).exclude(state=Placement.State.WITHDRAWN):
        was_placed = placement.state == Placement.State.PLACED
        placement.state = Placement.State.WITHDRAWN
        placement.save(update_fields=["state", "updated_at"])
        if was_placed:
            _free_seat(placement.group_id)
            _promote_waiting(placement.period, placement.group_id, actor)
    application.state = Application.State.WITHDRAWN
    application.reject_reason = reason[:255]
    application.save(update_fields=["state", "reject_reason", "updated_at"])
    record(actor, A.UPDATE, application, fields=["state"], reason="家长撤回")
    return application


# ---------------------------------------------------------------- fees and exemptions

EXEMPTION_ELIGIBLE = "低保、特困家庭和困境儿童"


@transaction.atomic
def request_exemption(actor, application: Application, *, percent: int, reason: str) -> FeeExemption:
    child = application.child
    try:
        permissions.require_guardian_of(actor, child)
    except PermissionDenied:
        permissions.require_class_teacher_of(actor, child)
    family = child.family
    if not (family.low_income or family.extreme_poverty or child.care_status == Child.CareStatus.VULNERABLE):
        raise ValidationError(f"费用减免仅面向{EXEMPTION_ELIGIBLE}（以儿童档案登记为准）")
    if not 1 <= percent <= 100:
        raise ValidationError("减免比例应在 1% 到 100% 之间")
    exemption, _ = FeeExemption.objects.update_or_create(
        application=application,
        defaults={"percent": percent, "reason": reason[:255], "requested_by": actor, "state": FeeExemption.State.REQUESTED,
                  "decided_by": None, "decided_at": None},
    )
    record(actor, A.CREATE, exemption, child_id=child.pk, fields=["percent", "reason"])
    return exemption


@transaction.atomic
def decide_exemption(actor, exemption: FeeExemption, *, approve: bool, percent: int | None = None) -> FeeExemption:
    permissions.require_organiser(actor, exemption.application.programme)
    if exemption.state != FeeExemption.State.REQUESTED:
        raise ValidationError("该减免申请已审批")
    if percent is not None:
        if not 1 <= percent <= 100:
            raise ValidationError("减免比例应在 1% 到 100% 之间")
        exemption.percent = percent
    exemption.state = FeeExemption.State.APPROVED if approve else FeeExemption.State.REFUSED
    exemption.decided_by, exemption.decided_at = actor, timezone.now()
    exemption.save()
    record(actor, A.UPDATE, exemption, child_id=exemption.application.child_id, fields=["state", "percent"])
    return exemption


# ---------------------------------------------------------------- roster

@transaction.atomic
def add_shift(actor, programme: Programme, *, staff, date: dt.date, duty: str, group: Group | None = None,
              start: dt.time | None = None, end: dt.time | None = None) -> RosterShift:
    """Organisers roster people; a teacher or volunteer may sign themselves up for a day."""
    if staff.pk != actor.pk or duty == RosterShift.Duty.LEADER:
        permissions.require_organiser(actor, programme)
    elif not (permissions.oversees(actor, programme) or Role.VOLUNTEER in scope.roles(actor)):
        raise PermissionDenied("您不能报名该项目的值班")
    if not any(date in period_days(p) for p in programme.periods.all()):
        raise ValidationError("该日期不是本项目的托管日")
    if group is not None and (group.period.programme_id != programme.pk or not group.period.start <= date <= group.period.end):
        raise ValidationError("所选班组不在该日期的期次内")
    start = start or programme.day_start
    end = end or programme.day_end
    if end <= start:
        raise ValidationError("结束时间须晚于开始时间")
    try:
        with transaction.atomic():
            shift = RosterShift.objects.create(programme=programme, staff=staff, date=date, duty=duty, group=group,
                                               start=start, end=end)
    except IntegrityError:
        raise ValidationError(f"{staff} 在 {date:%-m月%-d日} 已有排班") from None
    record(actor, A.CREATE, shift)
    return shift


@transaction.atomic
def remove_shift(actor, shift: RosterShift) -> None:
    if shift.staff_id != actor.pk:
        permissions.require_organiser(actor, shift.programme)
    if shift.signed_in_at:
        raise ValidationError("已签到的值班不能删除")
    record(actor, A.DELETE, shift)
    shift.delete()


@transaction.atomic
def sign_shift(actor, shift: RosterShift, *, now: dt.datetime | None = None) -> RosterShift:
    """The duty teacher's own attendance: first call signs in, second signs out."""
    if shift.staff_id != actor.pk:
        raise PermissionDenied("只能本人签到")
    now = now or timezone.now()
    if timezone.localtime(now).date() != shift.date:
        raise ValidationError("只能在值班当天签到签退")
    if shift.signed_in_at is None:
        shift.signed_in_at = now
    elif shift.signed_out_at is None:
        shift.signed_out_at = now
    else:
        raise ValidationError("今天已签到并签退")
    shift.save(update_fields=["signed_in_at", "signed_out_at"])
    record(actor, A.UPDATE, shift, fields=["signed_in_at" if shift.signed_out_at is None else "signed_out_at"])
    return shift


# ---------------------------------------------------------------- daily operation

def leader_on_duty(programme: Programme, date: dt.date):
    shift = programme.shifts.filter(date=date, duty=RosterShift.Duty.LEADER).select_related("staff").first()
    return shift.staff if shift else None


_UNKNOWN = object()


def _raise_alert(placement: Placement, date: dt.date, kind: str, message: str, leader=_UNKNOWN) -> tuple[Alert, bool]:
    """Raise an alert for the leader on duty, once per child, day and kind. Returns (alert, newly raised)."""
    programme = placement.period.programme
    if leader is _UNKNOWN:
        leader = leader_on_duty(programme, date)
    alert, created = Alert.objects.get_or_create(
        placement=placement, date=date, kind=kind,
        defaults={"programme": programme, "message": message[:255], "notify": leader},
    )
    if created:
        record(None, A.CREATE, alert, child_id=placement.child_id, reason=message[:255])
    return alert, created


def _resolve_alerts(placement: Placement, date: dt.date, kind: str, actor, now: dt.datetime) -> None:
    """What the duty teacher just did settles the day's open alert of this kind (e.g. the child arrived)."""
    Alert.objects.filter(placement=placement, date=date, kind=kind, handled_at=None).update(handled_by=actor, handled_at=now)


def _placement_for_today(actor, placement: Placement, now: dt.datetime) -> dt.date:
    date = timezone.localtime(now).date()
    period = placement.period
    if placement.state != Placement.State.PLACED:
        raise ValidationError("该儿童本期未被安置")
    if not period.start <= date <= period.end or date not in period_days(period):
        raise ValidationError("今天不是该期次的托管日")
    permissions.require_duty_or_organiser(actor, period.programme, date)
    return date


@transaction.atomic
def check_in(actor, placement: Placement, *, now: dt.datetime | None = None) -> Attendance:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    attendance, _ = Attendance.objects.select_for_update(of=("self",)).get_or_create(placement=placement, date=date)
    if attendance.check_in_at:
        raise ValidationError(f"{placement.child.name} 已于 {timezone.localtime(attendance.check_in_at):%H:%M} 入托")
    attendance.check_in_at, attendance.check_in_by, attendance.absence_reason = now, actor, ""
    attendance.save()
    _resolve_alerts(placement, date, Alert.Kind.MISSING, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["check_in_at"])
    return attendance


@transaction.atomic
def check_in_by_code(actor, code: str, *, now: dt.datetime | None = None) -> Attendance:
    placement = Placement.objects.filter(qr_token=code.strip()).select_related("period__programme", "child").first()
    if placement is None:
        raise ValidationError("无效的签到码")
    return check_in(actor, placement, now=now)


def authorised_pickups(child: Child):
    return Guardian.objects.filter(guardianships__child=child, guardianships__can_pickup=True)


def check_out(actor, placement: Placement, *, guardian: Guardian, now: dt.datetime | None = None) -> Attendance:
    """Hand the child to a guardian authorised to pick them up. Anyone else is refused, and the refusal
    raises an alert to the leader on duty (committed even though the hand-over is refused)."""
    now = now or timezone.now()
    if not Guardianship.objects.filter(child_id=placement.child_id, guardian=guardian, can_pickup=True).exists():
        date = _placement_for_today(actor, placement, now)
        with transaction.atomic():
            _raise_alert(placement, date, Alert.Kind.UNAUTHORISED_PICKUP,
                         f"{guardian.name} 不是 {placement.child.name} 的授权接送人，已拒绝交接")
        raise PermissionDenied(f"{guardian.name} 不是 {placement.child.name} 的授权接送人，不能接走孩子")
    return _check_out(actor, placement, guardian, now)


@transaction.atomic
def _check_out(actor, placement: Placement, guardian: Guardian, now: dt.datetime) -> Attendance:
    date = _placement_for_today(actor, placement, now)
    attendance = Attendance.objects.select_for_update(of=("self",)).filter(placement=placement, date=date).first()
    if attendance is None or attendance.check_in_at is None:
        raise ValidationError(f"{placement.child.name} 今天未入托，不能办理离托")
    if attendance.check_out_at:
        raise ValidationError(f"{placement.child.name} 已于 {timezone.localtime(attendance.check_out_at):%H:%M} 离托")
    attendance.check_out_at, attendance.check_out_by, attendance.picked_up_by = now, actor, guardian
    attendance.save()
    programme = placement.period.programme
    if rules.is_late_pickup(timezone.localtime(now), programme.day_end, programme.pickup_grace_minutes):
        _raise_alert(placement, date, Alert.Kind.LATE_PICKUP,
                     f"{placement.child.name} 于 {timezone.localtime(now):%H:%M} 才被接走（应在 {programme.day_end:%H:%M} 前）")
    _resolve_alerts(placement, date, Alert.Kind.LATE_PICKUP, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["check_out_at", "picked_up_by"])
    return attendance


@transaction.atomic
def mark_absent(actor, placement: Placement, *, reason: str, now: dt.datetime | None = None) -> Attendance:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    if not reason.strip():
        raise ValidationError("请填写缺勤原因")
    attendance, _ = Attendance.objects.get_or_create(placement=placement, date=date)
    if attendance.check_in_at:
        raise ValidationError("已入托的儿童不能登记缺勤")
    attendance.absence_reason = reason.strip()[:64]
    attendance.save()
    _resolve_alerts(placement, date, Alert.Kind.MISSING, actor, now)
    record(actor, A.UPDATE, attendance, child_id=placement.child_id, fields=["absence_reason"])
    return attendance


@transaction.atomic
def record_health_check(actor, placement: Placement, *, slot: str, temperature: Decimal, note: str = "",
                        now: dt.datetime | None = None) -> HealthCheck:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    temperature = Decimal(str(temperature))
    if not Decimal("34.0") <= temperature <= Decimal("42.5"):
        raise ValidationError("体温读数不合理，请重新测量")
    check, _ = HealthCheck.objects.update_or_create(
        placement=placement, date=date, slot=slot,
        defaults={"temperature": temperature, "note": note[:128], "checked_by": actor},
    )
    if temperature >= rules.FEVER:
        _raise_alert(placement, date, Alert.Kind.FEVER,
                     f"{placement.child.name} {check.get_slot_display()}体温 {temperature}℃，请联系家长")
    record(actor, A.UPDATE, check, child_id=placement.child_id, fields=["temperature", "note"])
    return check


@transaction.atomic
def record_incident(actor, placement: Placement, *, kind: str, description: str, action_taken: str = "",
                    occurred_at: dt.datetime | None = None, guardian_informed_at: dt.datetime | None = None,
                    informed_note: str = "", now: dt.datetime | None = None) -> Incident:
    now = now or timezone.now()
    date = _placement_for_today(actor, placement, now)
    if not description.strip():
        raise ValidationError("请填写事件经过")
    incident = Incident.objects.create(
        placement=placement, occurred_at=occurred_at or now, kind=kind, description=description,
        action_taken=action_taken, guardian_informed_at=guardian_informed_at, leader_informed_at=now,
        informed_note=informed_note[:255], recorded_by=actor,
    )
    _raise_alert(placement, date, Alert.Kind.INCIDENT,
                 f"{placement.child.name} 发生{incident.get_kind_display()}：{description[:60]}")
    record(actor, A.CREATE, incident, child_id=placement.child_id, fields=["kind", "description"])
    return incident


@transaction.atomic
def scan_alerts(programme: Programme, *, now: dt.datetime | None = None) -> list[Alert]:
    """Raise today's alerts (returning the new ones): placed children missing without leave, and children
    not picked up in time. Each child gets one alert of a kind a day, addressed to the leader on duty."""
    now = timezone.localtime(now or timezone.now())
    date = now.date()
    leader = leader_on_duty(programme, date)
    already = set(Alert.objects.filter(programme=programme, date=date).values_list("placement_id", "kind"))
    due = []
    for period in programme.periods.filter(start__lte=date, end__gte=date):
        if date not in period_days(period):
            continue
        placements = Placement.objects.filter(period=period, state=Placement.State.PLACED).select_related("child")
        days = {a.placement_id: a for a in Attendance.objects.filter(placement__period=period, date=date)}
        for p in placements:
            att = days.get(p.pk)
            if att is None or (att.check_in_at is None and not att.absence_reason):
                if rules.is_missing(now, programme.day_start):
                    due.append((p, Alert.Kind.MISSING, f"{p.child.name} 未到托且未请假，请立即联系家长"))
            elif att.check_in_at and att.check_out_at is None:
                if rules.is_late_pickup(now, programme.day_end, programme.pickup_grace_minutes):
                    due.append((p, Alert.Kind.LATE_PICKUP, f"{p.child.name} 超过 {programme.day_end:%H:%M} 仍未被接走"))
    new = [Alert(programme=programme, placement=p, date=date, kind=kind, message=message[:255], notify=leader)
           for p, kind, message in due if (p.pk, kind) not in already]
    if not new:
        return []
    try:
        with transaction.atomic():
            Alert.objects.bulk_create(new)
    except IntegrityError:  # another scan raised some of them meanwhile: fall back to one at a time
        raised = [_raise_alert(a.placement, date, a.kind, a.message, leader) for a in new]
        return [alert for alert, created in raised if created]
    record_many(None, A.CREATE, new, reason="托管预警")
    return new


@transaction.atomic
def handle_alert(actor, alert: Alert) -> Alert:
    permissions.require_duty_or_organiser(actor, alert.programme, alert.date)
    alert.handled_by, alert.handled_at = actor, timezone.now()
    alert.save(update_fields=["handled_by", "handled_at"])
    record(actor, A.UPDATE, alert, child_id=alert.placement.child_id, fields=["handled_at"])
    return alert


# ---------------------------------------------------------------- evaluation

@transaction.atomic
def submit_evaluation(actor, placement: Placement, *, scores: dict[str, int], comment: str = "",
                      today: dt.date | None = None) -> Evaluation:
    permissions.require_guardian_of(actor, placement.child)
    today = today or timezone.localdate()
    if placement.state != Placement.State.PLACED:
        raise ValidationError("只有参加了本期托管的家庭可以评价")
    last_day = max(period_days(placement.period), default=placement.period.end)
    if today < last_day:
        raise ValidationError(f"本期托管结束（{last_day:%-m月%-d日}）后才能评价")
    if set(scores) != set(Evaluation.QUESTIONS) or any(not 1 <= int(v) <= 5 for v in scores.values()):
        raise ValidationError("请为每一项打 1-5 分")
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(placement=placement, submitted_by=actor, comment=comment[:500],
                                                   **{k: int(v) for k, v in scores.items()})
    except IntegrityError:
        raise ValidationError("本期已评价过，感谢您的反馈") from None
    record(actor, A.CREATE, evaluation, child_id=placement.child_id)
    return evaluation

"""Programme set-up by organisers: programmes, periods, groups, timetables."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import changed_fields, record
from tongxin.orgs import calendar
from tongxin.orgs import selectors as orgs
from tongxin.orgs.models import Site, User

from .. import permissions, rules, selectors
from ..models import Activity, Group, Period, Programme, TimetableSlot, VenueLoan
from ._common import A

PROGRAMME_FIELDS = {"name", "kind", "school", "community", "status", "apply_deadline", "day_start", "day_end",
                    "pickup_grace_minutes", "eligible_grades", "group_size_limit", "fee_per_day", "lunch_available",
                    "lunch_price", "children_per_staff", "max_consecutive_duty_days", "agreement_text",
                    "commitment_text"}


def _validate_programme(p: Programme, *, today: dt.date, before: Programme | None = None) -> None:
    rules.check_fee(p.fee_per_day)
    if p.apply_deadline and (before is None or before.apply_deadline != p.apply_deadline):
        problem = rules.deadline_problem(p.apply_deadline, today)
        if problem:
            raise ValidationError({"apply_deadline": problem})
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
def create_programme(actor: User, *, today: dt.date | None = None, **fields) -> Programme:
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    fields.setdefault("eligible_grades", rules.default_eligible_grades())
    programme = Programme(created_by=actor, **fields)
    if bool(programme.school_id) == bool(programme.community_id):
        raise ValidationError("托管项目须由一所学校或一个社区（村）主办")
    _validate_programme(programme, today=today or timezone.localdate())
    programme.save()
    permissions.require_organiser(actor, programme)  # raising here rolls the creation back
    if programme.school_id:
        programme.sites.set(orgs.custody_venues().filter(school=programme.school))
    else:
        programme.sites.set(orgs.custody_venues().filter(region=programme.community, school=None))
    record(actor, A.CREATE, programme, fields=sorted(fields))
    return programme


@transaction.atomic
def update_programme(actor: User, programme: Programme, *, today: dt.date | None = None, **changes) -> Programme:
    permissions.require_organiser(actor, programme)
    unknown = set(changes) - PROGRAMME_FIELDS - {"sites"}
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    before = Programme.objects.get(pk=programme.pk)
    sites = changes.pop("sites", None)
    for name, value in changes.items():
        setattr(programme, name, value)
    _validate_programme(programme, today=today or timezone.localdate(), before=before)
    if programme.group_size_limit < before.group_size_limit and programme.periods.filter(groups__capacity__gt=programme.group_size_limit).exists():
        raise ValidationError({"group_size_limit": "已有班组人数上限高于新的上限，请先调整班组"})
    programme.save()
    if sites is not None:
        venues = orgs.custody_venues()
        own = venues.filter(school=programme.school) if programme.school_id else venues.filter(region=programme.community)
        if any(s not in own for s in sites):
            raise ValidationError({"sites": "只能选择主办单位自己的场所"})
        programme.sites.set(sites)
    record(actor, A.UPDATE, programme, fields=changed_fields(before, programme) + (["sites"] if sites is not None else []))
    return programme


@transaction.atomic
def add_period(actor: User, programme: Programme, *, name: str, start: dt.date, end: dt.date) -> Period:
    permissions.require_organiser(actor, programme)
    if end < start:
        raise ValidationError("期次结束日期不能早于开始日期")
    if programme.periods.filter(start__lte=end, end__gte=start).exists():
        raise ValidationError("与已有期次的日期重叠")
    if not calendar.working_days(start, end):
        raise ValidationError("该期次内没有工作日（周末和法定节假日不托管）")
    period = Period.objects.create(programme=programme, name=name, start=start, end=end)
    record(actor, A.CREATE, period)
    return period


@transaction.atomic
def add_group(actor: User, period: Period, *, site: Site, name: str, capacity: int | None = None) -> Group:
    programme = period.programme
    permissions.require_organiser(actor, programme)
    capacity = programme.group_size_limit if capacity is None else capacity
    if not 1 <= capacity <= programme.group_size_limit:
        raise ValidationError({"capacity": f"班组人数上限不能超过项目规定的 {programme.group_size_limit} 人"})
    if not programme.sites.filter(pk=site.pk).exists():
        raise ValidationError({"site": "请选择本项目的托管场所"})
    at_the_same_time = [
        g.capacity for g in Group.objects.filter(site=site, period__start__lte=period.end, period__end__gte=period.start)
        .select_related("period__programme")
        if rules.times_overlap(g.period.programme.day_start, g.period.programme.day_end, programme.day_start,
                               programme.day_end)]
    room = rules.venue_room(site.capacity, at_the_same_time)
    if capacity > room:
        raise ValidationError({"capacity": f"{site.name}可容纳 {site.capacity} 人，同一时段已安排 "
                                           f"{site.capacity - room} 人，这个班组最多 {room} 人"})
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
def save_timetable(actor: User, group: Group, slots: list[dict]) -> list[TimetableSlot]:
    permissions.require_organiser(actor, group.programme)
    parsed = validate_timetable(group.programme, slots)
    group.slots.all().delete()
    for slot in parsed:
        slot.group = group
    TimetableSlot.objects.bulk_create(parsed)
    record(actor, A.UPDATE, group, fields=["timetable"])
    return parsed



@transaction.atomic
def borrow_venue(actor: User, programme: Programme, *, site: Site, lender: str, agreed_on: dt.date, note: str = "") -> VenueLoan:
    """Record a venue lent by another body and add it to the programme's sites."""
    permissions.require_organiser(actor, programme)
    if not selectors.venues_to_borrow(programme).filter(pk=site.pk).exists():
        raise ValidationError({"site": "该场所已是本项目的场所，或不在本县范围内"})
    if not lender.strip():
        raise ValidationError({"lender": "请填写出借单位及联系人"})
    loan = lend_site(actor, programme, site=site, lender=lender, agreed_on=agreed_on, note=note)
    record(actor, A.CREATE, loan, fields=["site", "lender", "agreed_on"])
    return loan


def lend_site(actor: User, programme: Programme, *, site: Site, lender: str, agreed_on: dt.date, note: str = "") -> VenueLoan:
    """The loan record and the site joining the programme's sites (no check, no audit: the caller's service
    does both, inside its transaction)."""
    loan = VenueLoan.objects.create(programme=programme, site=site, lender=lender.strip()[:64], agreed_on=agreed_on,
                                    note=note.strip()[:128], recorded_by=actor)
    programme.sites.add(site)
    return loan

"""Age packages and parent classes (N-05, N-06): a centre's own activities, a class's week plan, parent classes and
weekend talks with their seats (booked against the places with the class's row locked: no seat sold twice),
attendance and feedback. Each service is one transaction and one audit entry."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access, rules_classes
from ..choices import AgeBand
from ..models import Centre, Room
from ..models_classes import Activity, Domain, ParentClass, PlanItem, Seat
from ._common import day_label, text

A = AuditEntry.Action


def activities_seed() -> int:
    """The packages' default activities, added where missing (run after migrating); how many were added."""
    have = set(Activity.objects.filter(centre__isnull=True).values_list("code", flat=True))
    rows = [Activity(code=d.code, package=d.package, domain=d.domain, name=d.name, min_months=d.min_months,
                     max_months=d.max_months, minutes=d.minutes, carer_does=d.carer_does)
            for d in rules_classes.DEFAULT_ACTIVITIES if d.code not in have]
    Activity.objects.bulk_create(rows)
    return len(rows)


def _centre(centre_id: int) -> Centre:
    centre = Centre.objects.filter(pk=centre_id).select_related("site").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    return centre


@transaction.atomic
def activity_create(*, actor: User, centre_id: int, package: str, domain: str, name: str, min_months: int,
                    max_months: int, minutes: int, carer_does: str) -> Activity:
    """A centre's own activity in an age package (its manager's)."""
    centre = _centre(centre_id)
    access.require_manager(actor, centre, "只有本托育机构的负责人可以添加活动")
    name = text(name, label="活动名称", max_length=32)
    carer_does = text(carer_does, label="保育人员怎么做", max_length=400)
    if not name or not carer_does:
        raise ValidationError("请填写活动名称和保育人员怎么做")
    if package not in AgeBand.values or domain not in Domain.values:
        raise ValidationError("请选择年龄包和领域")
    if not 0 <= min_months < max_months <= 36:
        raise ValidationError("适宜月龄应在 0–36 个月之间，且起始小于截止")
    if not 1 <= minutes <= 120:
        raise ValidationError("时长应为 1–120 分钟")
    activity = Activity.objects.create(centre=centre, package=package, domain=domain, name=name,
                                       min_months=min_months, max_months=max_months, minutes=minutes,
                                       carer_does=carer_does, created_by=actor)
    record(actor, A.CREATE, activity, reason=f"添加年龄包活动：{centre.name}「{name}」")
    return activity


@transaction.atomic
def plan_add(*, actor: User, room_id: int, day: dt.date, activity_id: int, today: dt.date) -> PlanItem:
    """An activity for a class on a day: the class's staff plan it, from the defaults and the centre's own that suit
    the class's ages, on a day not past and within the weeks ahead allowed."""
    room = Room.objects.select_for_update(of=("self",)).select_related("centre__site").filter(pk=room_id).first()
    if room is None:
        raise ValidationError("未找到该班级")
    if not access.works_at(actor, room.centre):
        raise PermissionDenied("只有本托育机构的工作人员可以安排活动")
    problem = rules_classes.plan_problem(day, today=today)
    if problem:
        raise ValidationError(problem)
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None or activity.centre_id not in (None, room.centre_id):
        raise ValidationError("未找到该活动")
    if not rules_classes.suits_class(activity.min_months, activity.max_months, room.class_type):
        raise ValidationError(f"「{activity.name}」适合 {activity.min_months}–{activity.max_months} 个月，"
                              f"不适合{room.get_class_type_display()}")
    planned = PlanItem.objects.filter(room=room, day=day)
    if planned.filter(activity=activity).exists():
        raise ValidationError(f"{day_label(day)}{room.name}已安排「{activity.name}」")
    if planned.count() >= rules_classes.PLAN_PER_DAY:
        raise ValidationError(f"每班每天最多安排 {rules_classes.PLAN_PER_DAY} 项活动")
    item = PlanItem.objects.create(room=room, day=day, activity=activity, created_by=actor)
    record(actor, A.CREATE, item, reason=f"安排活动：{room.name} {day_label(day)}「{activity.name}」")
    return item


@transaction.atomic
def plan_remove(*, actor: User, item_id: int, today: dt.date) -> None:
    item = PlanItem.objects.select_related("room__centre__site", "activity").filter(pk=item_id).first()
    if item is None:
        raise ValidationError("未找到该活动安排")
    if not access.works_at(actor, item.room.centre):
        raise PermissionDenied("只有本托育机构的工作人员可以调整活动")
    if item.day < today:
        raise ValidationError("已过去的活动安排不能删除")
    record(actor, A.DELETE, item, reason=f"删除活动安排：{item.room.name} {day_label(item.day)}「{item.activity.name}」")
    item.delete()


@transaction.atomic
def class_create(*, actor: User, centre_id: int, kind: str, title: str, speaker: str, starts_at: dt.datetime,
                 minutes: int, place: str, online: bool, seats: int, now: dt.datetime) -> ParentClass:
    """A parent class or weekend talk, by the centre's manager, not in the past."""
    centre = _centre(centre_id)
    access.require_manager(actor, centre, "只有本托育机构的负责人可以发布家长课堂")
    title = text(title, label="主题", max_length=48)
    speaker = text(speaker, label="主讲人", max_length=32)
    place = text(place, label="地点", max_length=100)
    if kind not in ParentClass.Kind.values:
        raise ValidationError("请选择家长课堂或育儿讲座")
    if not (title and speaker and place):
        raise ValidationError("请填写主题、主讲人和地点（线上课堂填写会议号或链接）")
    if starts_at <= now:
        raise ValidationError("开始时间应在现在之后")
    if not 1 <= seats <= 500:
        raise ValidationError("名额应为 1–500 人")
    if not 15 <= minutes <= 240:
        raise ValidationError("时长应为 15–240 分钟")
    found = ParentClass.objects.create(centre=centre, kind=kind, title=title, speaker=speaker, starts_at=starts_at,
                                       minutes=minutes, place=place, online=online, seats=seats, created_by=actor,
                                       created_at=now)
    record(actor, A.CREATE, found, reason=f"发布{found.get_kind_display()}：{centre.name}「{title}」")
    return found


@transaction.atomic
def seat_book(*, actor: User, class_id: int, now: dt.datetime) -> Seat:
    """A parent's seat, refused when the class has begun or is full. The class's row is locked while the seats are
    counted and the new one written: two parents never take the last seat."""
    access.require_parent(actor)
    found = ParentClass.objects.select_for_update(of=("self",)).select_related("centre__site").filter(
        pk=class_id).first()
    if found is None or not access.may_open(actor, found.centre):
        raise ValidationError("未找到该课堂")
    if found.starts_at <= now:
        raise ValidationError("课堂已开始，不能报名")
    booked = Seat.objects.filter(parent_class=found, state=Seat.State.BOOKED)
    if booked.filter(parent=actor).exists():
        raise ValidationError("您已报名该课堂")
    if booked.count() >= found.seats:
        raise ValidationError(f"「{found.title}」名额已满（{found.seats} 人）")
    seat = Seat.objects.create(parent_class=found, parent=actor, booked_at=now)
    record(actor, A.CREATE, seat, reason=f"报名{found.get_kind_display()}「{found.title}」")
    return seat


@transaction.atomic
def seat_cancel(*, actor: User, seat_id: int, now: dt.datetime) -> Seat:
    seat = Seat.objects.select_for_update(of=("self",)).select_related("parent_class").filter(pk=seat_id).first()
    if seat is None or seat.parent_id != actor.pk:
        raise ValidationError("未找到该报名")
    if seat.state != Seat.State.BOOKED:
        raise ValidationError("该报名已取消")
    if seat.parent_class.starts_at - dt.timedelta(hours=rules_classes.CANCEL_BEFORE_HOURS) <= now:
        raise ValidationError(f"开课前 {rules_classes.CANCEL_BEFORE_HOURS} 小时内不能取消")
    seat.state = Seat.State.CANCELLED
    seat.save(update_fields=["state"])
    record(actor, A.UPDATE, seat, fields=["state"], reason=f"取消报名「{seat.parent_class.title}」")
    return seat


@transaction.atomic
def attendance_mark(*, actor: User, class_id: int, present: set[int], now: dt.datetime) -> int:
    """The staff mark who came (the seats in `present`), once the class has begun; the others are absent."""
    found = ParentClass.objects.select_for_update(of=("self",)).select_related("centre__site").filter(
        pk=class_id).first()
    if found is None:
        raise ValidationError("未找到该课堂")
    if not access.works_at(actor, found.centre):
        raise PermissionDenied("只有本托育机构的工作人员可以登记出席")
    if found.starts_at > now:
        raise ValidationError("课堂开始后才能登记出席")
    seats = list(Seat.objects.filter(parent_class=found, state=Seat.State.BOOKED))
    unknown = present - {s.pk for s in seats}
    if unknown:
        raise ValidationError("出席名单中有未报名的家长")
    for s in seats:
        s.attended = s.pk in present
    Seat.objects.bulk_update(seats, ["attended"])
    record(actor, A.UPDATE, found, fields=["attended"],
           reason=f"登记出席「{found.title}」：{len(present)}/{len(seats)} 人")
    return len(present)


@transaction.atomic
def seat_rate(*, actor: User, seat_id: int, rating: int, comment: str, now: dt.datetime) -> Seat:
    """A parent's feedback (1–5 and a comment) on a class they attended, once, within the days allowed."""
    seat = Seat.objects.select_for_update(of=("self",)).select_related("parent_class").filter(pk=seat_id).first()
    if seat is None or seat.parent_id != actor.pk or seat.state != Seat.State.BOOKED:
        raise ValidationError("未找到该报名")
    if not seat.attended:
        raise ValidationError("出席课堂后才能评价")
    if seat.rating is not None:
        raise ValidationError("您已评价过该课堂")
    if now > seat.parent_class.starts_at + dt.timedelta(days=rules_classes.FEEDBACK_DAYS):
        raise ValidationError(f"课堂结束 {rules_classes.FEEDBACK_DAYS} 天后不能再评价")
    if not 1 <= rating <= 5:
        raise ValidationError("评分应为 1–5 分")
    seat.rating, seat.comment, seat.rated_at = rating, text(comment, label="评价", max_length=200), now
    seat.save(update_fields=["rating", "comment", "rated_at"])
    record(actor, A.UPDATE, seat, fields=["rating", "comment"], reason=f"评价「{seat.parent_class.title}」")
    return seat



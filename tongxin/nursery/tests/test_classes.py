"""Age packages and parent classes (N-05, N-06): the seeded packages, a class's week plan, seats booked against the
places, attendance, feedback and a class's figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.nursery import rules_classes
from tongxin.nursery.choices import AgeBand, ClassType
from tongxin.nursery.models_classes import Activity, ParentClass, PlanItem, Seat
from tongxin.nursery.selectors import classes as sel
from tongxin.nursery.services import classes as svc

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def _default(code: str) -> Activity:
    return Activity.objects.get(centre__isnull=True, code=code)


def _class(net, *, seats: int = 2, day: dt.date = TODAY + dt.timedelta(days=5)) -> ParentClass:
    return svc.class_create(actor=net.manager, centre_id=net.centre.pk, kind="class", title="回应式喂养",
                            speaker="刘医生", starts_at=at(day, 10), minutes=60, place="二楼多功能室", online=False,
                            seats=seats, now=at(TODAY))


def _parents(net, django_user_model, n: int):
    """`n` parents, each the guardian of an infant (the first is `net.parent`)."""
    found = []
    for i in range(n):
        if i:
            net.parent = django_user_model.objects.create(username=f"test_parent_{i}")
        net.infant(10)
        found.append(net.parent)
    return found


# ---------------------------------------------------------------- rules


def test_every_default_activity_fits_its_package_and_the_guidelines_domains():
    for d in rules_classes.DEFAULT_ACTIVITIES:
        band = rules_classes.package_for(d.min_months)
        assert band == d.package, d.code
        assert d.min_months < d.max_months <= 36 and 1 <= d.minutes <= 120 and len(d.carer_does) <= 400


def test_both_packages_cover_all_seven_domains():
    for band in AgeBand:
        assert {d.domain for d in rules_classes.DEFAULT_ACTIVITIES if d.package == band} == {
            "feeding", "sleep", "habits", "movement", "language", "cognition", "social"}


def test_an_activity_for_older_toddlers_does_not_suit_the_infant_class():
    assert not rules_classes.suits_class(24, 36, ClassType.INFANT)
    assert rules_classes.suits_class(6, 12, ClassType.INFANT)
    assert rules_classes.suits_class(18, 36, ClassType.TODDLER)


def test_a_past_day_or_one_beyond_the_weeks_ahead_cannot_be_planned():
    assert rules_classes.plan_problem(TODAY - dt.timedelta(days=1), today=TODAY)
    assert rules_classes.plan_problem(TODAY + dt.timedelta(weeks=4), today=TODAY)
    assert rules_classes.plan_problem(TODAY + dt.timedelta(days=25), today=TODAY) is None


def test_the_figures_are_attendance_out_of_booked_and_the_mean_of_the_ratings():
    f = rules_classes.class_figures([(True, 5), (True, 4), (False, None), (True, None)])
    assert (f.booked, f.attended, f.attendance_rate, f.rating) == (4, 3, Decimal("75.0"), Decimal("4.50"))
    assert rules_classes.class_figures([]).attendance_rate is None


# ---------------------------------------------------------------- packages and week plans


def test_the_default_activities_are_seeded_after_migrating():
    assert Activity.objects.filter(centre__isnull=True).count() == len(rules_classes.DEFAULT_ACTIVITIES)


def test_a_manager_adds_an_activity_of_the_centre_and_a_carer_cannot(net):
    kwargs = dict(centre_id=net.centre.pk, package=AgeBand.ONE_TO_THREE, domain="movement", name="小小搬运工",
                  min_months=18, max_months=36, minutes=20, carer_does="让幼儿把软积木从一处搬到另一处。")
    svc.activity_create(actor=net.manager, **kwargs)
    with pytest.raises(PermissionDenied):
        svc.activity_create(actor=net.carers[0], **kwargs)
    assert [a.name for a in Activity.objects.filter(centre=net.centre)] == ["小小搬运工"]


def test_a_carer_plans_a_suiting_activity_and_the_parent_sees_it_this_week(net):
    child = net.infant(18)
    from tongxin.nursery.services import contracts

    contracts.contract_create(net.manager, room_id=net.rooms["托小班"].pk, child_id=child.pk, care_type="full_day",
                              starts_on=TODAY, drop_off=dt.time(8), pick_up=dt.time(17), today=TODAY, now=at(TODAY))
    svc.plan_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, day=TODAY, activity_id=_default("T-LANG-1").pk,
                 today=TODAY)
    (who, week), = sel.family_week(net.parent, TODAY)
    assert [i.name for i in week.days[0].items] == ["绘本共读"]


def test_an_activity_for_older_children_is_refused_for_the_infant_class(net):
    with pytest.raises(ValidationError, match="不适合乳儿班"):
        svc.plan_add(actor=net.manager, room_id=net.rooms["乳儿班"].pk, day=TODAY,
                     activity_id=_default("T-SOC-1").pk, today=TODAY)
    assert not PlanItem.objects.filter(room__centre=net.centre).exists()


def test_the_same_activity_twice_on_a_day_is_refused(net):
    args = dict(actor=net.manager, room_id=net.rooms["乳儿班"].pk, day=TODAY, activity_id=_default("I-COG-1").pk,
                today=TODAY)
    svc.plan_add(**args)
    with pytest.raises(ValidationError, match="已安排"):
        svc.plan_add(**args)


def test_another_centres_own_activity_cannot_be_planned(net, demo_user):
    other = svc.activity_create(actor=demo_user("nursery"), centre_id=_demo_centre().pk, package=AgeBand.UNDER_ONE,
                                domain="language", name="别处的活动", min_months=6, max_months=12, minutes=10,
                                carer_does="略")
    with pytest.raises(ValidationError, match="未找到该活动"):
        svc.plan_add(actor=net.manager, room_id=net.rooms["乳儿班"].pk, day=TODAY, activity_id=other.pk, today=TODAY)


def _demo_centre():
    from tongxin.nursery.models import Centre

    return Centre.objects.filter(kind="centre").order_by("pk").first()


# ---------------------------------------------------------------- parent classes


def test_a_carer_cannot_publish_a_class(net):
    with pytest.raises(PermissionDenied):
        svc.class_create(actor=net.carers[0], centre_id=net.centre.pk, kind="talk", title="讲座", speaker="某",
                         starts_at=at(TODAY + dt.timedelta(days=3)), minutes=60, place="线上", online=True, seats=5,
                         now=at(TODAY))


def test_a_class_in_the_past_is_refused(net):
    with pytest.raises(ValidationError, match="开始时间"):
        _class(net, day=TODAY - dt.timedelta(days=1))


def test_a_full_class_refuses_the_next_parent(net, django_user_model):
    found = _class(net, seats=2)
    a, b, c = _parents(net, django_user_model, 3)
    svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    svc.seat_book(actor=b, class_id=found.pk, now=at(TODAY))
    with pytest.raises(ValidationError, match="名额已满"):
        svc.seat_book(actor=c, class_id=found.pk, now=at(TODAY))
    assert Seat.objects.filter(parent_class=found).count() == 2


def test_a_cancelled_seat_frees_the_place(net, django_user_model):
    found = _class(net, seats=1)
    a, b = _parents(net, django_user_model, 2)
    seat = svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    svc.seat_cancel(actor=a, seat_id=seat.pk, now=at(TODAY))
    svc.seat_book(actor=b, class_id=found.pk, now=at(TODAY))
    assert Seat.objects.get(parent_class=found, state="booked").parent == b


def test_a_parent_books_a_class_once(net, django_user_model):
    found = _class(net, seats=5)
    (a,) = _parents(net, django_user_model, 1)
    svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    with pytest.raises(ValidationError, match="已报名"):
        svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))


def test_a_seat_cannot_be_cancelled_within_two_hours_of_the_class(net, django_user_model):
    found = _class(net, day=TODAY)
    (a,) = _parents(net, django_user_model, 1)
    seat = svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY, 7))
    with pytest.raises(ValidationError, match="小时内不能取消"):
        svc.seat_cancel(actor=a, seat_id=seat.pk, now=at(TODAY, 8, 30))


def test_someone_not_a_parent_cannot_book(net):
    found = _class(net)
    with pytest.raises(PermissionDenied):
        svc.seat_book(actor=net.carers[0], class_id=found.pk, now=at(TODAY))


def test_attendance_before_the_class_begins_is_refused(net, django_user_model):
    found = _class(net)
    (a,) = _parents(net, django_user_model, 1)
    seat = svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    with pytest.raises(ValidationError, match="开始后"):
        svc.attendance_mark(actor=net.manager, class_id=found.pk, present={seat.pk}, now=at(TODAY))


def test_attendance_and_feedback_make_the_class_figures(net, django_user_model):
    day = TODAY + dt.timedelta(days=5)
    found = _class(net, seats=5, day=day)
    parents = _parents(net, django_user_model, 4)
    seats = [svc.seat_book(actor=p, class_id=found.pk, now=at(TODAY)) for p in parents]
    svc.attendance_mark(actor=net.carers[1], class_id=found.pk, present={s.pk for s in seats[:3]}, now=at(day, 12))
    svc.seat_rate(actor=parents[0], seat_id=seats[0].pk, rating=5, comment="很实用", now=at(day, 13))
    svc.seat_rate(actor=parents[1], seat_id=seats[1].pk, rating=4, comment="", now=at(day, 13))
    (row,) = sel.centre_classes(net.centre)
    assert (row.figures.attendance_rate, row.figures.rating) == (Decimal("75.0"), Decimal("4.50"))


def test_a_parent_who_did_not_attend_cannot_rate(net, django_user_model):
    day = TODAY + dt.timedelta(days=5)
    found = _class(net, day=day)
    (a,) = _parents(net, django_user_model, 1)
    seat = svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    svc.attendance_mark(actor=net.manager, class_id=found.pk, present=set(), now=at(day, 12))
    with pytest.raises(ValidationError, match="出席课堂后"):
        svc.seat_rate(actor=a, seat_id=seat.pk, rating=5, comment="", now=at(day, 13))
    assert Seat.objects.get(pk=seat.pk).rating is None


def test_a_parent_rates_a_class_once(net, django_user_model):
    day = TODAY + dt.timedelta(days=5)
    found = _class(net, day=day)
    (a,) = _parents(net, django_user_model, 1)
    seat = svc.seat_book(actor=a, class_id=found.pk, now=at(TODAY))
    svc.attendance_mark(actor=net.manager, class_id=found.pk, present={seat.pk}, now=at(day, 12))
    svc.seat_rate(actor=a, seat_id=seat.pk, rating=3, comment="", now=at(day, 13))
    with pytest.raises(ValidationError, match="已评价"):
        svc.seat_rate(actor=a, seat_id=seat.pk, rating=5, comment="", now=at(day, 14))


def test_from_saturday_a_parent_is_shown_the_week_to_come():
    assert rules_classes.parent_week(dt.date(2027, 3, 5)) == dt.date(2027, 3, 1)   # a Friday: this week
    assert rules_classes.parent_week(dt.date(2027, 3, 6)) == dt.date(2027, 3, 8)   # a Saturday: the next


def test_a_class_of_an_unknown_kind_is_refused(net):
    with pytest.raises(ValidationError, match="请选择"):
        svc.class_create(actor=net.manager, centre_id=net.centre.pk, kind="party", title="x", speaker="x",
                         starts_at=at(TODAY + dt.timedelta(days=3)), minutes=60, place="x", online=False, seats=5,
                         now=at(TODAY))
    assert not ParentClass.objects.filter(centre=net.centre).exists()


def test_a_parent_sees_the_plan_of_the_class_their_child_is_booked_into_for_temporary_care(net):
    from tongxin.nursery.services import bookings

    tue = TODAY + dt.timedelta(days=1)
    net.shift("托小班", tue, 0, "07:30", "18:00")
    child = net.infant(18)
    bookings.booking_create(net.parent, centre_id=net.centre.pk, child_id=child.pk, day=tue, start=dt.time(9),
                            end=dt.time(11), today=TODAY, now=at(TODAY))
    svc.plan_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, day=tue, activity_id=_default("T-COG-2").pk,
                 today=TODAY)
    (who, week), = sel.family_week(net.parent, TODAY)
    assert "临时托" in who and [i.name for i in week.days[1].items] == ["沙水游戏"]

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.audit.models import AuditEntry
from tongxin.custody import selectors, services
from tongxin.custody.models import Activity, Application, Group, Placement, PriorityTier, Programme
from tongxin.people.models import Child, Family, Guardian

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=TZ)


# ------------------------------------------------------------------ programme set-up

def test_programme_fee_above_cap_is_refused(leader, school):
    with pytest.raises(ValidationError, match="超过上限"):
        services.create_programme(leader, name="x", school=school, fee_per_day=Decimal("25"))
    assert not Programme.objects.filter(name="x").exists()


def test_only_the_schools_own_leader_may_create_or_change(demo_user, school, programme):
    with pytest.raises(PermissionDenied):
        services.create_programme(demo_user("leader"), name="别校", school=school, fee_per_day=Decimal("10"))
    with pytest.raises(PermissionDenied):
        services.update_programme(demo_user("teacher"), programme, fee_per_day=Decimal("10"))
    assert not Programme.objects.filter(name="别校").exists()


def test_graduating_grade_excluded_by_default(programme):
    assert programme.eligible_grades == [1, 2, 3, 4, 5]


def test_period_must_have_working_days_and_not_overlap(leader, programme, period):
    with pytest.raises(ValidationError, match="没有工作日"):
        services.add_period(leader, programme, name="周末", start=dt.date(2027, 2, 6), end=dt.date(2027, 2, 7))
    with pytest.raises(ValidationError, match="重叠"):
        services.add_period(leader, programme, name="重叠", start=dt.date(2027, 1, 25), end=dt.date(2027, 2, 5))
    assert len(services.period_days(period)) == 10


def test_group_capacity_cannot_exceed_programme_limit(group_factory):
    with pytest.raises(ValidationError, match="40"):
        group_factory(capacity=41)
    assert group_factory().capacity == 40


def test_timetable_refuses_lessons_make_up_classes_and_tests(leader, group_factory):
    group = group_factory()
    services.save_timetable(leader, group, [
        {"start": start, "end": end, "activity": activity, "title": title} for start, end, activity, title in services.DEFAULT_DAY])
    assert group.slots.count() == 8
    for title, what in [("数学补课", "集体补课"), ("英语单元测验", "考试"), ("预习新课", "新课")]:
        with pytest.raises(ValidationError, match=what):
            services.save_timetable(leader, group, [{"start": "09:00", "end": "10:00", "activity": Activity.HOMEWORK, "title": title}])
    with pytest.raises(ValidationError, match="不在允许"):
        services.save_timetable(leader, group, [{"start": "09:00", "end": "10:00", "activity": "lesson", "title": "语文"}])
    with pytest.raises(ValidationError, match="重叠"):
        services.save_timetable(leader, group, [{"start": "09:00", "end": "10:00", "activity": "reading"},
                                                {"start": "09:30", "end": "10:30", "activity": "sports"}])
    with pytest.raises(ValidationError, match="之内"):
        services.save_timetable(leader, group, [{"start": "07:30", "end": "08:40", "activity": "reading"}])
    assert group.slots.count() == 8  # refused saves change nothing


# ------------------------------------------------------------------ application and review chain

def test_review_chain_and_reasons_the_parent_sees(programme, period, pupils, parent_of, teacher_of, leader):
    child = pupils(1)[0]
    parent = parent_of(child)
    name = Guardian.objects.get(user=parent).name
    kwargs = dict(programme=programme, child=child, periods=[period], lunch=True, needs=["dual_earner"],
                  agree_service=True, agree_safety=True, today=dt.date(2027, 1, 5))
    with pytest.raises(ValidationError, match="签署"):
        services.apply(parent, signature=name, **{**kwargs, "agree_safety": False})
    with pytest.raises(ValidationError, match="本人姓名"):
        services.apply(parent, signature="别人", **kwargs)
    with pytest.raises(ValidationError, match="托管需求"):  # C-16: an application states its care need
        services.apply(parent, signature=name, **{**kwargs, "needs": []})
    app = services.apply(parent, signature=name, **kwargs)
    assert app.state == Application.State.SUBMITTED
    with pytest.raises(ValidationError, match="重复"):
        services.apply(parent, signature=name, **kwargs)
    with pytest.raises(ValidationError, match="状态"):
        services.organiser_decision(leader, app, approve=True)  # the class teacher reviews first
    with pytest.raises(PermissionDenied):
        services.class_review(leader, app, approve=True, need_confirmed=True)
    teacher = teacher_of(child)
    with pytest.raises(ValidationError, match="原因"):
        services.class_review(teacher, app, approve=False)
    with pytest.raises(ValidationError, match="核实"):  # C-16: the teacher confirms the care need before approving
        services.class_review(teacher, app, approve=True)
    app = services.class_review(teacher, app, approve=True, need_confirmed=True, need_note="电话核实：父母均在外务工")
    assert app.state == Application.State.REVIEWED and app.need_confirmed and "父母均在外务工" in app.need_note
    app = services.organiser_decision(leader, app, approve=False, reason="名额已满，请报名第二期")
    assert app.state == Application.State.REJECTED and "名额已满" in app.reject_reason
    assert AuditEntry.objects.filter(target_type="custody.Application", target_id=str(app.pk)).count() == 3
    # A rejected application does not block a new one.
    services.apply(parent, signature=name, **kwargs)


def test_only_guardians_apply_and_only_eligible_children(programme, period, pupils, parent_of, demo_user):
    child = pupils(1)[0]
    with pytest.raises(PermissionDenied):
        services.apply(demo_user("teacher"), programme=programme, child=child, periods=[period], lunch=False, needs=["nobody_home"],
                       signature="x", agree_service=True, agree_safety=True)
    sixth = Child.objects.filter(school=programme.school, school_class__grade__year=6).first()
    parent = parent_of(sixth)
    with pytest.raises(ValidationError, match="年级"):
        services.apply(parent, programme=programme, child=sixth, periods=[period], lunch=False, needs=["nobody_home"],
                       signature=Guardian.objects.get(user=parent).name, agree_service=True, agree_safety=True)
    other_school = Child.objects.exclude(school=programme.school).exclude(school=None).first()
    parent = parent_of(other_school)
    with pytest.raises(ValidationError, match="只面向"):
        services.apply(parent, programme=programme, child=other_school, periods=[period], lunch=False, needs=["nobody_home"],
                       signature=Guardian.objects.get(user=parent).name, agree_service=True, agree_safety=True)


def test_left_behind_priority_comes_from_the_registry(programme, period, pupils, approved):
    left = pupils(1, care_status=Child.CareStatus.LEFT_BEHIND, disability=False)[0]
    plain = Child.objects.filter(school=programme.school, school_class__grade__year__lte=5, care_status="none",
                                 disability=False, family__low_income=False, family__extreme_poverty=False,
                                 family__military=False, family__migrant_worker=False, family__dual_earner=False).first()
    a_left, a_plain = approved([left, plain])
    assert a_left.tier == PriorityTier.SPECIAL and "留守儿童" in a_left.tier_reasons
    assert a_plain.tier == PriorityTier.GENERAL
    a_plain_dual = Application.objects.get(pk=a_plain.pk)
    assert a_plain_dual.tier_reasons == []


# ------------------------------------------------------------------ placement

def test_placement_by_tier_then_reproducible_lottery_with_published_seed(leader, period, group_factory, pupils, approved):
    group_factory("一组", capacity=5)
    children = pupils(3, only_children=True, care_status="left_behind") + pupils(7, only_children=True, care_status="none",
                                                                                  family__low_income=False, disability=False)
    apps = approved(children)
    special = [a for a in apps if a.tier == PriorityTier.SPECIAL]
    assert len(special) >= 3
    run = services.run_placement(leader, period, seed="published-seed")
    assert run.seed == "published-seed" and run.placed == 5 and run.waiting == len(apps) - 5
    placed = Placement.objects.filter(period=period, state=Placement.State.PLACED)
    assert placed.count() == 5 == Group.objects.get(period=period).seats_taken
    # Every special-tier child is placed before any general one (there are fewer than 5 here).
    assert {a.pk for a in special[:5]} <= set(placed.values_list("application_id", flat=True))
    # Recompute the order from the seed alone: the same children are placed.
    from tongxin.custody import rules
    units = [rules.Unit(f"family:{a.child.family_id}", a.tier, (a.pk,)) for a in apps]
    expected = {u.members[0] for u in rules.draw_order(units, "published-seed")[:5]}
    assert set(placed.values_list("application_id", flat=True)) == expected


def test_siblings_placed_together_and_nobody_twice(leader, period, group_factory, programme, approved):
    group_factory("一组", capacity=3)
    group_factory("二组", capacity=3)
    from django.db.models import Count
    fam = (Family.objects.filter(children__school=programme.school, children__school_class__grade__year__lte=5)
           .annotate(n=Count("children")).filter(n=2).first())
    siblings = list(fam.children.all())
    others = list(Child.objects.filter(school=programme.school, school_class__grade__year__lte=5)
                  .exclude(family=fam).order_by("id")[:3])
    approved(siblings + others)
    services.run_placement(leader, period, seed="s")
    rows = Placement.objects.filter(period=period, child__in=siblings)
    assert rows.count() == 2 and len({(r.state, r.group_id) for r in rows}) == 1
    # A second run places nobody twice.
    again = services.run_placement(leader, period, seed="t")
    assert again.placed == again.waiting == 0
    assert Placement.objects.filter(period=period).exclude(state="withdrawn").count() == 5
    for g in Group.objects.filter(period=period):
        assert g.seats_taken == g.placements.filter(state="placed").count() <= g.capacity


def test_withdrawal_frees_the_seat_and_the_waiting_list_moves_up(leader, period, group_factory, pupils, approved):
    group_factory("一组", capacity=2)
    children = pupils(4, only_children=True)
    apps = approved(children)
    services.run_placement(leader, period, seed="w")
    placed = Placement.objects.get(period=period, state="placed", application=Application.objects.filter(
        pk__in=[a.pk for a in apps], state="placed").first())
    first_waiting = Placement.objects.filter(period=period, state="waiting").order_by("application__tier", "lottery_key").first()
    parent = placed.application.applicant
    services.withdraw(parent, placed.application)
    first_waiting.refresh_from_db()
    assert first_waiting.state == "placed" and first_waiting.application.state == "placed"
    assert Group.objects.get(period=period).seats_taken == 2


def test_fees_and_exemptions(leader, period, group_factory, pupils, approved, teacher_of):
    group_factory()
    poor = Child.objects.filter(school=period.programme.school, school_class__grade__year__lte=5, family__low_income=True).first()
    rich = Child.objects.filter(school=period.programme.school, school_class__grade__year__lte=5, family__low_income=False,
                                family__extreme_poverty=False, care_status="none").first()
    a_poor, a_rich = approved([poor, rich])
    services.run_placement(leader, period, seed="f")
    # C-08: the 低保 pupil's care fee is waived at placement, without a request; lunch is paid at cost.
    assert selectors.bill_for(a_poor).total == Decimal("120.00")  # care 10×20 waived + lunch 10×12
    with pytest.raises(ValidationError, match="全免"):
        services.request_exemption(teacher_of(poor), a_poor, percent=100, reason="低保户")
    # Anyone else may still ask for a partial reduction, decided by the organiser.
    ex = services.request_exemption(teacher_of(rich), a_rich, percent=100, reason="父亲失业，家里暂时困难")
    assert selectors.bill_for(a_rich).total == Decimal("320.00")  # not yet approved: care 10×20 + lunch 10×12
    services.decide_exemption(leader, ex, approve=True, percent=50)
    assert selectors.bill_for(a_rich).care_fee == Decimal("200.00")
    assert selectors.bill_for(a_rich).total == Decimal("220.00")
    rows, totals = selectors.fee_report(leader, period.programme)
    assert totals["children"] == 2 and totals["exempted_children"] == 2 and totals["exemption"] == Decimal("300.00")


def test_a_past_application_deadline_is_refused(leader, school):
    with pytest.raises(ValidationError, match="已过"):
        services.create_programme(leader, name="过期", school=school, fee_per_day=Decimal("10"),
                                  apply_deadline=dt.date(2020, 1, 1), today=dt.date(2026, 11, 23))
    p = services.create_programme(leader, name="按期", school=school, fee_per_day=Decimal("10"),
                                  apply_deadline=dt.date(2026, 12, 1), today=dt.date(2026, 11, 23))
    # an unchanged deadline that has since passed does not block other edits
    services.update_programme(leader, p, name="按期托管", today=dt.date(2027, 1, 5))

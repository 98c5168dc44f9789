import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone

from tongxin.custody import services
from tongxin.custody.models import Placement, Programme, RosterShift
from tongxin.orgs.models import CalendarDay, School, Site
from tongxin.people.models import Child, Guardian, Guardianship

SCHOOL = "3611990002"  # 城关第二小学: no demo programme runs there


def weekend_made_workday(teacher, today: dt.date) -> None:
    """On a Saturday or Sunday, make today a working day the teacher can be rostered on.

    The demo rosters the teacher Monday to Friday, every week. A weekend duty on top would join the week before
    (on a Saturday) or the week after (on a Sunday) into a sixth day in a row, which the roster refuses. So the
    teacher's shifts within six days either side of today are cleared.
    """
    if today.weekday() < 5:
        return
    CalendarDay.objects.update_or_create(date=today, defaults={"workday": True, "name": "测试调休"})
    week = dt.timedelta(days=6)
    RosterShift.objects.filter(staff=teacher, date__gte=today - week, date__lte=today + week).exclude(date=today).delete()


@pytest.fixture
def leader(demo_user):
    return demo_user("leader2")


@pytest.fixture
def school():
    return School.objects.get(code=SCHOOL)


@pytest.fixture
def programme(leader, school):
    p = services.create_programme(leader, name="2027年寒假托管", kind=Programme.Kind.WINTER, school=school,
                                  fee_per_day=Decimal("20"), lunch_price=Decimal("12"), status=Programme.Status.OPEN,
                                  agreement_text="服务协议", commitment_text="安全承诺")
    return p


@pytest.fixture
def period(leader, programme):
    # 2027-01-18 (Mon) to 2027-01-29 (Fri): ten working days.
    return services.add_period(leader, programme, name="第一期", start=dt.date(2027, 1, 18), end=dt.date(2027, 1, 29))


@pytest.fixture
def group_factory(leader, period, school):
    def make(name="一组", capacity=None):
        site = Site.objects.filter(school=school).first()
        return services.add_group(leader, period, site=site, name=name, capacity=capacity)

    return make


@pytest.fixture
def parent_of(django_user_model):
    """Give the primary guardian of a child a login and return it."""

    def make(child):
        link = Guardianship.objects.filter(child=child).order_by("-is_primary", "id").first()
        guardian = link.guardian
        if guardian.user_id is None:
            guardian.user = django_user_model.objects.create(username=f"g{guardian.pk}", real_name=guardian.name)
            Guardian.objects.filter(pk=guardian.pk).update(user=guardian.user)
        return guardian.user

    return make


@pytest.fixture
def pupils(school):
    def pick(n, only_children=False, **filters):
        qs = Child.objects.filter(school=school, school_class__grade__year__lte=5, **filters)
        if only_children:  # no sibling in the registry, so each child is a unit of its own
            qs = qs.annotate(siblings=Count("family__children")).filter(siblings=1)
        return list(qs.order_by("id")[:n])

    return pick


@pytest.fixture
def teacher_of(django_user_model):
    from tongxin.orgs.models import Role

    def get(child):
        return django_user_model.objects.get(assignments__role=Role.CLASS_TEACHER, assignments__school_class=child.school_class_id)

    return get


@pytest.fixture
def approved(programme, period, parent_of, teacher_of, leader):
    """Take children through application, class review and approval."""

    def run(children, periods=None, lunch=True, needs=("nobody_home",)):
        apps = []
        for child in children:
            parent = parent_of(child)
            name = Guardian.objects.get(user=parent).name
            app = services.apply(parent, programme=programme, child=child, periods=periods or [period], lunch=lunch,
                                 needs=list(needs), signature=name, agree_service=True, agree_safety=True,
                                 today=dt.date(2027, 1, 5))
            services.class_review(teacher_of(child), app, approve=True, need_confirmed=True)
            apps.append(services.organiser_decision(leader, app, approve=True))
        return apps

    return run


@pytest.fixture
def running_today(demo_user):
    """A programme of 青溪县实验小学 whose period covers today, with the demo teacher on duty."""
    leader, teacher = demo_user("leader"), demo_user("teacher")
    today = timezone.localdate()
    weekend_made_workday(teacher, today)
    programme = services.create_programme(leader, name="今日托管测试", school=leader.assignments.get().school,
                                          fee_per_day=Decimal("20"), status=Programme.Status.OPEN)
    period = services.add_period(leader, programme, name="本期", start=today, end=today + dt.timedelta(days=13))
    services.add_group(leader, period, site=Site.objects.filter(school=programme.school).first(), name="一组", capacity=10)
    shift = services.add_shift(leader, programme, staff=teacher, date=today, duty=RosterShift.Duty.TEACHER)
    services.answer_shift(teacher, shift, accept=True)  # a shift counts once the teacher accepts it (C-02)
    return programme, period


@pytest.fixture
def approved_for_today(demo_user):
    def make(programme, period):
        leader, teacher, parent = demo_user("leader"), demo_user("teacher"), demo_user("parent")
        child = Child.objects.get(guardianships__guardian__user=parent)
        app = services.apply(parent, programme=programme, child=child, periods=[period], lunch=False, needs=["nobody_home"],
                             signature=Guardian.objects.get(user=parent).name, agree_service=True, agree_safety=True)
        services.class_review(teacher, app, approve=True, need_confirmed=True)
        services.organiser_decision(leader, app, approve=True)
        services.run_placement(leader, period, seed="x")
        return Placement.objects.get(application=app)

    return make

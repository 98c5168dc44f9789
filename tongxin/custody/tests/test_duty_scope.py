"""The duty rule in `orgs.scope`: a rostered volunteer works with the children of their shift's group, that day
only, and never opens a child's record; teachers on duty see the whole programme that day."""

import datetime as dt

import pytest

from tongxin.custody import selectors, services
from tongxin.custody.models import Placement, RosterShift
from tongxin.orgs import scope

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 18)


@pytest.fixture
def two_groups(leader, period, group_factory, pupils, approved):
    first, second = group_factory("一组", capacity=3), group_factory("二组", capacity=3)
    approved(pupils(6, only_children=True))
    services.run_placement(leader, period, seed="duty")
    return first, second


def _roll_children(user, programme, day=DAY, group=None):
    return {r.placement.child_id for r in selectors.todays_roll(user, programme, day, group)}


def test_a_rostered_volunteer_sees_only_the_group_of_the_shift(two_groups, period, demo_user, leader):
    first, second = two_groups
    volunteer = demo_user("volunteer")
    RosterShift.objects.create(programme=period.programme, date=DAY, staff=volunteer, duty=RosterShift.Duty.VOLUNTEER,
                               group=first)
    in_first = set(Placement.objects.filter(group=first).values_list("child_id", flat=True))
    assert len(in_first) == 3
    assert _roll_children(volunteer, period.programme) == in_first
    assert _roll_children(volunteer, period.programme, group=second) == set()


def test_a_volunteer_sees_no_one_on_another_day_or_without_a_group(two_groups, period, demo_user):
    first, _ = two_groups
    volunteer = demo_user("volunteer")
    RosterShift.objects.create(programme=period.programme, date=DAY, staff=volunteer, duty=RosterShift.Duty.VOLUNTEER,
                               group=first)
    assert _roll_children(volunteer, period.programme, day=DAY + dt.timedelta(days=1)) == set()
    RosterShift.objects.filter(staff=volunteer).update(group=None)
    assert _roll_children(volunteer, period.programme) == set()


def test_duty_never_opens_the_childs_record(two_groups, period, demo_user):
    first, _ = two_groups
    volunteer = demo_user("volunteer")
    RosterShift.objects.create(programme=period.programme, date=DAY, staff=volunteer, duty=RosterShift.Duty.VOLUNTEER,
                               group=first)
    paired = set(scope.children(volunteer).values_list("pk", flat=True))  # the care line's pairings, if any
    duty_only = set(Placement.objects.filter(group=first).values_list("child_id", flat=True)) - paired
    assert duty_only
    assert not scope.children(volunteer).filter(pk__in=duty_only).exists()
    assert not scope.guardians(volunteer).filter(guardianships__child__in=duty_only).exists()


def test_a_teacher_on_duty_sees_the_whole_programme_that_day(two_groups, period, demo_user):
    teacher = demo_user("t221")
    RosterShift.objects.create(programme=period.programme, date=DAY, staff=teacher, duty=RosterShift.Duty.TEACHER,
                               group=two_groups[0])
    placed = set(Placement.objects.filter(period=period, state="placed").values_list("child_id", flat=True))
    assert _roll_children(teacher, period.programme) == placed
    assert _roll_children(teacher, period.programme, day=DAY + dt.timedelta(days=1)) & placed <= set(
        scope.children(teacher).values_list("id", flat=True))


def test_the_administrator_oversees_every_programme(programme, demo_user, client):
    admin = demo_user("admin")
    from tongxin.custody import permissions
    from tongxin.custody.models import Programme

    assert set(permissions.overseen_programmes(admin)) == set(Programme.objects.all())
    client.force_login(admin)
    assert client.get(f"/custody/p/{programme.pk}/").status_code == 200

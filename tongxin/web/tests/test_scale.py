import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tongxin.custody import permissions
from tongxin.custody.models import Application, Attendance, Placement, Programme
from tongxin.demo.scale import MAX_SCALE, build_scaled_county
from tongxin.orgs.models import Region, RoleAssignment, School, SchoolClass
from tongxin.people import selectors
from tongxin.people.models import Child, Guardian

pytestmark = pytest.mark.django_db

SCOPED = ("teacher", "leader", "community", "township", "volunteer", "parent")


def _visible(demo_user, username):
    return set(selectors.visible_children(demo_user(username)).values_list("pk", flat=True))


def test_scale_two_doubles_the_county_and_the_demo_logins_keep_their_scope(demo_user):
    before = {model: model.objects.count() for model in (Child, Guardian, School, SchoolClass, Programme, Placement,
                                                          Application, Attendance)}
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).count()
    scoped = {u: _visible(demo_user, u) for u in SCOPED}
    old_classes = list(SchoolClass.objects.values_list("pk", flat=True))
    county_programmes = permissions.overseen_programmes(demo_user("county_edu")).count()

    summary = build_scaled_county(2)

    assert School.objects.count() == 2 * before[School] and SchoolClass.objects.count() == 2 * before[SchoolClass]
    assert Region.objects.filter(level=Region.Level.TOWNSHIP).count() == 2 * townships
    assert Programme.objects.count() == 2 * before[Programme] == before[Programme] + summary.programmes
    for model in (Child, Guardian, Placement, Application, Attendance):
        assert 1.8 * before[model] <= model.objects.count() <= 2.2 * before[model], model.__name__
    # Classes keep the demo's size (40–44 pupils, and in lower grades their younger siblings), not a whole part in one class.
    new_classes = SchoolClass.objects.exclude(pk__in=old_classes).annotate(n=Count("pupils"))
    assert {c.n for c in new_classes} and max(c.n for c in new_classes) <= 60 and min(c.n for c in new_classes) >= 37
    # Every new class has its teacher, every new school its leader.
    assert RoleAssignment.objects.filter(school_class__in=new_classes).count() == new_classes.count()
    # The county roles see the whole bigger county; every other demo login sees exactly what it saw.
    assert _visible(demo_user, "county_civil") == set(Child.objects.values_list("pk", flat=True))
    assert _visible(demo_user, "county_edu") == set(Child.objects.filter(school__isnull=False).values_list("pk", flat=True))
    assert permissions.overseen_programmes(demo_user("county_edu")).count() == 2 * county_programmes
    for username in SCOPED:
        assert _visible(demo_user, username) == scoped[username], username


def test_load_demo_refuses_a_scale_out_of_range():
    for scale in ("0", str(MAX_SCALE + 1)):
        with pytest.raises(CommandError, match="--scale"):
            call_command("load_demo", "--scale", scale, verbosity=0)

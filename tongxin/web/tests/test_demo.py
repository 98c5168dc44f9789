import pytest

from tongxin.demo import build_demo_county
from tongxin.orgs.models import Grade, Region, RoleAssignment, School, SchoolClass, Site, User
from tongxin.people.models import Child, Family, Guardian, Guardianship

pytestmark = pytest.mark.django_db


def fingerprint():
    return (
        list(Child.objects.order_by("id_masked", "name").values_list(
            "name", "gender", "birth_date", "id_masked", "school__code", "school_class__grade__year",
            "school_class__number", "family__community__code", "care_status", "disability")),
        sorted(Child.objects.values_list("id_number", flat=True)),
        list(Guardian.objects.order_by("id_masked").values_list("name", "id_masked", "phone_masked", "works_away")),
        sorted(User.objects.values_list("username", flat=True)),
    )


def test_demo_county_is_deterministic_and_the_right_size():
    before = fingerprint()
    children = before[0]
    assert 2000 <= len(children) <= 2600
    assert Region.objects.count() == 12 and School.objects.count() == 4 and SchoolClass.objects.count() == 48
    left_behind = Child.objects.filter(care_status="left_behind")
    assert 100 < left_behind.count() < 600
    assert left_behind.filter(family__community__parent__code="361199200000").count() > left_behind.count() / 2
    for model in (Guardianship, Child, Guardian, Family, RoleAssignment, User, Site, SchoolClass, Grade, School):
        model.objects.all().delete()
    for level in (3, 2, 1):
        Region.objects.filter(level=level).delete()
    build_demo_county(seed=20261123)
    assert fingerprint() == before

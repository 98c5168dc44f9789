"""A scaled county (`load_demo --scale N`) has the pool of every part it adds, as the demo county has its own."""

import datetime as dt

import pytest

from tongxin.demo.scale import build_scaled_county
from tongxin.orgs.models import Role, RoleAssignment
from tongxin.volunteers import selectors
from tongxin.volunteers.choices import Source, State
from tongxin.volunteers.models import Check, Person

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 5)


def test_a_scaled_part_has_its_teachers_its_volunteer_and_registrations_in_every_state():
    before = Person.objects.exclude(source=Source.TEACHER).count()
    summary = build_scaled_county(2)
    added = Person.objects.filter(user__username__regex=r"^vol001[0-9]{3}$")  # not the demo county's vol001
    assert added.count() == 150 and summary.pool > 150
    assert {State.PENDING, State.REJECTED, State.ACCEPTED} <= set(added.values_list("state", flat=True))
    accepted = [p.user_id for p in added.filter(state=State.ACCEPTED)]
    refusals = [selectors.check_refusal(user_id=u, on=ON) for u in accepted]
    assert None in refusals and any(r and "过期" in r for r in refusals) and any(r and "没有" in r for r in refusals)
    assert Person.objects.exclude(source=Source.TEACHER).count() == before + 151
    # Every teacher and leader of the added part is in the pool with the inquiry made at hiring.
    staff = RoleAssignment.objects.filter(role__in=[Role.CLASS_TEACHER, Role.SCHOOL_LEADER],
                                          user__username__in=["leader0005", "t000531"]).values_list("user_id", flat=True)
    assert len(staff) == 2
    for user_id in staff:
        assert selectors.check_refusal(user_id=user_id, on=ON) is None
    assert selectors.check_refusal(user_id=Person.objects.get(user__username="v001").user_id, on=ON) is None
    assert Check.objects.filter(person__user__username="v001").count() == 1

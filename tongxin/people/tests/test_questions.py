"""What other apps ask the registry: guardianship, who may pick a child up, and the facts that give priority."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tongxin.people import selectors
from tongxin.people.models import Child, Family, Guardian, Guardianship

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent_and_child(demo_user):
    parent = demo_user("parent")
    return parent, Child.objects.filter(guardianships__guardian__user=parent).first()


def test_guardian_link_is_this_logins_guardianship_or_none(parent_and_child, demo_user):
    parent, child = parent_and_child
    link = selectors.guardian_link(parent, child.pk)
    assert link.child_id == child.pk and link.guardian.user == parent
    other = Child.objects.exclude(guardianships__guardian__user=parent).first()
    assert selectors.guardian_link(parent, other.pk) is None
    assert selectors.guardian_link(demo_user("teacher"), child.pk) is None
    assert selectors.guardian_link(AnonymousUser(), child.pk) is None


def test_is_guardian_of(parent_and_child, demo_user):
    parent, child = parent_and_child
    assert selectors.is_guardian_of(parent, child.pk)
    assert not selectors.is_guardian_of(demo_user("leader"), child.pk)


def test_children_of_login_are_exactly_the_guardians_children(parent_and_child, demo_user):
    parent, _ = parent_and_child
    expected = set(Guardianship.objects.filter(guardian__user=parent).values_list("child_id", flat=True))
    assert expected and set(selectors.children_of_login(parent).values_list("pk", flat=True)) == expected
    assert not selectors.children_of_login(demo_user("teacher")).exists()
    assert not selectors.children_of_login(AnonymousUser()).exists()


def test_may_pick_up_follows_the_can_pickup_flag_and_refuses_strangers():
    link = Guardianship.objects.filter(can_pickup=True).first()
    assert selectors.may_pick_up(link.child_id, link.guardian_id)
    assert link.guardian in selectors.authorised_pickups(link.child_id)
    Guardianship.objects.filter(pk=link.pk).update(can_pickup=False)
    assert not selectors.may_pick_up(link.child_id, link.guardian_id)
    assert link.guardian not in selectors.authorised_pickups(link.child_id)
    stranger = Guardian.objects.exclude(guardianships__child_id=link.child_id).first()
    assert not selectors.may_pick_up(link.child_id, stranger.pk)


def test_pickup_guardians_answer_every_child_asked_with_masked_phones_only():
    link = Guardianship.objects.filter(can_pickup=True).exclude(guardian__phone_masked="").first()
    nobody = Child.objects.exclude(guardianships__can_pickup=True).first() or Child.objects.create(
        name="无人接", gender="M", birth_date=link.child.birth_date, family=link.child.family)
    answer = selectors.pickup_guardians([link.child_id, nobody.pk])
    assert set(answer) == {link.child_id, nobody.pk} and answer[nobody.pk] == []
    expected = set(Guardianship.objects.filter(child_id=link.child_id, can_pickup=True).values_list("guardian_id", flat=True))
    assert {g.id for g in answer[link.child_id]} == expected
    mine = next(g for g in answer[link.child_id] if g.id == link.guardian_id)
    assert mine.name == link.guardian.name and mine.relationship == link.get_relationship_display()
    assert mine.phone_masked == link.guardian.phone_masked and "*" in mine.phone_masked
    assert link.guardian.phone not in repr(answer)


def test_priority_facts_read_the_child_and_household():
    child = Child.objects.filter(care_status=Child.CareStatus.LEFT_BEHIND).select_related("family").first()
    Family.objects.filter(pk=child.family_id).update(low_income=False, extreme_poverty=False, military=True,
                                                     dual_earner=False, migrant_worker=True)
    Child.objects.filter(pk=child.pk).update(disability=True)
    child = Child.objects.select_related("family").get(pk=child.pk)
    facts = selectors.priority_facts(child)
    assert (facts.disabled, facts.left_behind, facts.vulnerable, facts.military, facts.migrant_worker) == (True, True, False, True, True)
    assert not (facts.low_income or facts.extreme_poverty or facts.dual_earner)
    Family.objects.filter(pk=child.family_id).update(low_income=True)
    child = Child.objects.select_related("family").get(pk=child.pk)
    assert selectors.priority_facts(child).low_income

"""The authorization matrix: for every role in every scope of the demo county, and for every parent, the
children (and their families, guardians and records) a user sees are exactly those the rules give, computed
here independently from the raw rows. No leak, no miss."""

from collections import defaultdict

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role, RoleAssignment, School, SchoolClass, User
from tongxin.people.models import Child, Guardian, Guardianship

pytestmark = pytest.mark.django_db


class County:
    """The demo county as plain Python data, read once."""

    def __init__(self):
        self.children = {
            row["id"]: row
            for row in Child.objects.values("id", "school_id", "school_class_id", "family_id",
                                            "family__community__path", "school__region__path")
        }
        assert len(self.children) > 2000
        self.links = list(Guardianship.objects.values_list("child_id", "guardian_id"))
        self.guardians_of = defaultdict(set)
        for child_id, guardian_id in self.links:
            self.guardians_of[child_id].add(guardian_id)

    def expected(self, role, target) -> set[int]:
        def match(c):
            residence = c["family__community__path"]
            schooling = c["school__region__path"] or ""
            match role:
                case Role.CLASS_TEACHER:
                    return c["school_class_id"] == target.pk
                case Role.SCHOOL_LEADER:
                    return c["school_id"] == target.pk
                case Role.COMMUNITY_WORKER | Role.COUNTY_CIVIL:
                    return residence.startswith(target.path)
                case Role.TOWNSHIP_OFFICER:
                    return residence.startswith(target.path) or schooling.startswith(target.path)
                case Role.COUNTY_EDU:
                    return schooling.startswith(target.path)
                case Role.ADMIN:
                    return True
            return False  # a subject teacher's class gives nothing by itself: only pairings do (see below)

        return {cid for cid, c in self.children.items() if match(c)}


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return County()


def make_user(username, role, **scope_fields):
    user = User.objects.create(username=username)
    RoleAssignment.objects.create(user=user, role=role, **scope_fields)
    return user


def visible(user) -> set[int]:
    return set(scope.children(user).values_list("id", flat=True))


def all_scopes():
    for c in SchoolClass.objects.all():
        yield Role.CLASS_TEACHER, c, {"school_class": c}
        yield Role.SUBJECT_TEACHER, c, {"school_class": c}
    for s in School.objects.all():
        yield Role.SCHOOL_LEADER, s, {"school": s}
    for r in Region.objects.filter(level=Region.Level.COMMUNITY):
        yield Role.COMMUNITY_WORKER, r, {"region": r}
    for r in Region.objects.filter(level=Region.Level.TOWNSHIP):
        yield Role.TOWNSHIP_OFFICER, r, {"region": r}
    for r in Region.objects.filter(level=Region.Level.COUNTY):
        yield Role.COUNTY_EDU, r, {"region": r}
        yield Role.COUNTY_CIVIL, r, {"region": r}
    yield Role.ADMIN, None, {}


def test_every_role_in_every_scope_sees_exactly_its_children(county):
    checked = 0
    for i, (role, target, fields) in enumerate(all_scopes()):
        user = make_user(f"m{i}", role, **fields)
        expected = county.expected(role, target)
        got = visible(user)
        assert got == expected, f"{role} @ {target}: leaked {len(got - expected)}, missed {len(expected - got)}"
        if role == Role.SUBJECT_TEACHER:  # unpaired: sees no child of the class taught
            assert got == set()
        elif role not in (Role.ADMIN, Role.COUNTY_CIVIL):  # everyone in the demo lives in the county
            assert 0 < len(expected) < len(county.children), f"{role} @ {target} is not a meaningful scope"
        checked += 1
    assert checked == 48 * 2 + 4 + 8 + 3 + 2 + 1


def test_every_scope_sees_exactly_the_families_guardians_and_records_of_its_children(county):
    family_of = {cid: c["family_id"] for cid, c in county.children.items()}
    for i, (role, target, fields) in enumerate(all_scopes()):
        user = make_user(f"f{i}", role, **fields)
        kids = county.expected(role, target)
        assert set(scope.families(user).values_list("id", flat=True)) == {family_of[c] for c in kids}
        assert set(scope.guardians(user).values_list("id", flat=True)) == set().union(*(county.guardians_of[c] for c in kids))
        records = scope.narrow(user, Guardianship.objects.all())
        assert set(records.values_list("child_id", flat=True)) == kids


def test_every_guardian_as_a_parent_sees_exactly_their_own_children(county):
    guardians = list(Guardian.objects.filter(user__isnull=True).order_by("id"))
    users = User.objects.bulk_create([User(username=f"p{g.pk}") for g in guardians])
    for g, u in zip(guardians, users, strict=True):
        g.user = u
    Guardian.objects.bulk_update(guardians, ["user"], batch_size=1000)
    children_of = defaultdict(set)
    for child_id, guardian_id in county.links:
        children_of[guardian_id].add(child_id)
    for g, u in zip(guardians, users, strict=True):
        assert visible(u) == children_of[g.pk], f"parent {g.pk}"
    assert len(guardians) > 4000


def test_demo_logins_see_their_scope(county, demo_user):
    assert visible(demo_user("teacher")) == county.expected(
        Role.CLASS_TEACHER, SchoolClass.objects.get(school__code="3611990001", grade__year=3, number=1))
    assert visible(demo_user("leader")) == county.expected(Role.SCHOOL_LEADER, School.objects.get(code="3611990001"))
    assert visible(demo_user("community")) == county.expected(Role.COMMUNITY_WORKER, Region.objects.get(code="361199100001"))
    assert visible(demo_user("township")) == county.expected(Role.TOWNSHIP_OFFICER, Region.objects.get(code="361199100000"))
    county_region = Region.objects.get(code="361199000000")
    assert visible(demo_user("county_edu")) == county.expected(Role.COUNTY_EDU, county_region)
    assert visible(demo_user("county_civil")) == county.expected(Role.COUNTY_CIVIL, county_region)
    assert visible(demo_user("admin")) == set(county.children)
    parent = demo_user("parent")
    assert visible(parent) == {cid for cid, gid in county.links if gid == parent.guardian.pk} != set()
    # A volunteer and a subject teacher see exactly the children of their running pairings (the care line's rows).
    assert visible(demo_user("volunteer")) == running_pairings("volunteer") != set()
    assert visible(demo_user("subject")) == running_pairings("subject") != set()


def running_pairings(username: str) -> set[int]:
    """The children paired with this login today, from the raw pairing rows."""
    from tongxin.care.models import Pairing

    today = timezone.localdate()
    return {c for c, start, end in Pairing.objects.filter(helper__username=username).values_list("child_id", "start", "end")
            if start <= today and (end is None or end >= today)}


def test_every_demo_subject_teacher_sees_its_paired_pupils_and_no_other_pupil_of_its_classes(county):
    """A subject teacher holds one assignment per class taught, and sees (registry, care file, care notes, class
    filter) exactly the pupils paired with them — never the rest of those classes."""
    from tongxin.care.models import CareFile

    teachers = User.objects.filter(assignments__role=Role.SUBJECT_TEACHER).distinct().order_by("username")
    assert teachers.count() >= 8
    for user in teachers:
        taught = set(RoleAssignment.objects.filter(user=user, role=Role.SUBJECT_TEACHER).values_list("school_class_id", flat=True))
        paired = running_pairings(user.username)
        pupils = {cid for cid, c in county.children.items() if c["school_class_id"] in taught}
        assert paired and paired < pupils, user.username
        assert visible(user) == paired, user.username
        for q in (scope.care_ledger_q(user, prefix="child__"), scope.care_notes_q(user, prefix="child__")):
            assert set(CareFile.objects.filter(q).values_list("child_id", flat=True)) == paired, user.username
        assert set(scope.classes(user).values_list("pk", flat=True)) == {
            county.children[c]["school_class_id"] for c in paired}
        assert not scope.full_phone_child_ids(user, Child.objects.filter(pk__in=paired))


def test_county_edu_does_not_see_infants_and_civil_affairs_does():
    edu = make_user("e", Role.COUNTY_EDU, region=Region.objects.get(level=1))
    civil = make_user("c", Role.COUNTY_CIVIL, region=Region.objects.get(level=1))
    infants = set(Child.objects.filter(school=None).values_list("id", flat=True))
    assert infants and not (visible(edu) & infants) and infants <= visible(civil)


def test_roles_are_a_union_and_inactive_assignments_count_for_nothing(county):
    c1 = SchoolClass.objects.get(school__code="3611990001", grade__year=1, number=1)
    village = Region.objects.get(code="361199200203")
    user = make_user("two_hats", Role.CLASS_TEACHER, school_class=c1)
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_WORKER, region=village)
    user = User.objects.get(pk=user.pk)
    assert visible(user) == county.expected(Role.CLASS_TEACHER, c1) | county.expected(Role.COMMUNITY_WORKER, village)
    RoleAssignment.objects.filter(user=user, role=Role.CLASS_TEACHER).update(active=False)
    user = User.objects.get(pk=user.pk)
    assert visible(user) == county.expected(Role.COMMUNITY_WORKER, village)
    user.is_active = False
    assert visible(user) == set()
    assert visible(AnonymousUser()) == set()
    assert visible(User.objects.create(username="no_role")) == set()


def test_volunteer_sees_only_children_from_pairing_providers():
    volunteer = make_user("v", Role.VOLUNTEER, region=Region.objects.get(code="361199100001"))
    paired = list(Child.objects.order_by("id").values_list("id", flat=True)[:3])

    def provider(user, prefix):
        return Q(**{f"{prefix}pk__in": paired}) if user.pk == volunteer.pk else scope.NOTHING

    assert visible(volunteer) == set()
    scope.register_pairing_provider(provider)
    try:
        assert visible(User.objects.get(pk=volunteer.pk)) == set(paired)
        assert set(scope.narrow(volunteer, Guardianship.objects.all()).values_list("child_id", flat=True)) == set(paired)
        other = make_user("v2", Role.VOLUNTEER)
        assert visible(other) == set()
    finally:
        scope.unregister_pairing_provider(provider)


def test_full_number_capabilities_follow_the_granting_assignment():
    """A user who is community worker in one place and teacher in another sees full IDs only where the
    community role applies."""
    home = Region.objects.get(code="361199200201")
    c1 = SchoolClass.objects.get(school__code="3611990003", grade__year=2, number=2)
    user = make_user("mixed", Role.CLASS_TEACHER, school_class=c1)
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_WORKER, region=home)
    user = User.objects.get(pk=user.pk)
    qs = scope.children(user)
    full = scope.full_id_child_ids(user, qs)
    residents = set(Child.objects.filter(family__community=home).values_list("id", flat=True))
    class_only = set(Child.objects.filter(school_class=c1).exclude(family__community=home).values_list("id", flat=True))
    assert full == residents and class_only and not (full & class_only)
    assert scope.full_phone_child_ids(user, qs) == residents | class_only


def test_a_subject_teacher_is_held_in_a_class_and_may_hold_several():
    from django.core.exceptions import ValidationError

    user = User.objects.create(username="maths")
    school = School.objects.get(code="3611990004")
    with pytest.raises(ValidationError, match="任课教师的范围应为班级"):
        RoleAssignment(user=user, role=Role.SUBJECT_TEACHER, school=school).clean()
    for c in SchoolClass.objects.filter(school=school, grade__year=3):
        a = RoleAssignment(user=user, role=Role.SUBJECT_TEACHER, school_class=c)
        a.clean()
        a.save()
    assert RoleAssignment.objects.filter(user=user, role=Role.SUBJECT_TEACHER).count() == 2
    assert visible(User.objects.get(pk=user.pk)) == set()  # the classes taught open no child by themselves

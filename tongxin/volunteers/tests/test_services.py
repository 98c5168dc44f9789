"""Registering, vetting and recording checks: validated before anything is stored, one audit entry each."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.orgs import scope
from tongxin.orgs.models import Role, RoleAssignment, User
from tongxin.volunteers import services
from tongxin.volunteers.models import Check, Person

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


def test_registering_makes_a_login_with_an_inactive_volunteer_role_and_a_pending_record(registered):
    person = registered()
    assert person.state == "pending" and person.user.check_password("Qx!2026-student")
    assert not RoleAssignment.objects.get(user=person.user, role=Role.VOLUNTEER).active
    assert AuditEntry.objects.filter(target_type="volunteers.Person", target_id=str(person.pk)).count() == 1


def test_a_taken_username_is_refused_and_nothing_is_stored(registered):
    registered()
    with pytest.raises(ValidationError, match="已被使用"):
        registered(username="STU01")
    assert Person.objects.filter(user__username__iexact="stu01").count() == 1


def test_an_in_service_teacher_without_a_school_is_refused(registered):
    with pytest.raises(ValidationError, match="任职学校"):
        registered(source="teacher")
    assert not User.objects.filter(username="stu01").exists()


def test_a_township_is_not_a_community_to_serve_in(registered, dongmen):
    with pytest.raises(ValidationError, match="社区"):
        registered(area_ids=[dongmen.parent_id])


def test_a_weak_password_is_refused(registered):
    with pytest.raises(ValidationError):
        registered(password="123")
    assert not User.objects.filter(username="stu01").exists()


def test_accepting_activates_the_volunteer_role(registered, demo_user):
    person = registered()
    services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=True)
    assert RoleAssignment.objects.get(user=person.user, role=Role.VOLUNTEER).active
    assert Person.objects.get(pk=person.pk).vetted_by.username == "community"


def test_rejecting_needs_a_reason(registered, demo_user):
    person = registered()
    with pytest.raises(ValidationError, match="原因"):
        services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=False)
    services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=False, reason="本人暂不能服务")
    assert Person.objects.get(pk=person.pk).reject_reason == "本人暂不能服务"


def test_a_person_is_vetted_once(registered, demo_user):
    person = registered()
    services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=True)
    with pytest.raises(ValidationError, match="不能重复审核"):
        services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=False, reason="x")


def test_another_communitys_worker_may_not_vet(registered, demo_user):
    person = registered()
    other = RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER).exclude(region__code="361199100001").first().user
    with pytest.raises(PermissionDenied):
        services.person_vet(actor=other, person_id=person.pk, accept=True)
    assert Person.objects.get(pk=person.pk).state == "pending"


def test_the_county_reads_the_pool_but_does_not_vet(registered, demo_user):
    person = registered()
    county = demo_user("county_edu")
    assert Person.objects.filter(scope.volunteer_pool_q(county), pk=person.pk).exists()
    with pytest.raises(PermissionDenied):
        services.person_vet(actor=county, person_id=person.pk, accept=True)


def test_a_check_in_the_future_or_ending_before_it_began_is_refused(registered, demo_user):
    person, worker = registered(), demo_user("community")
    with pytest.raises(ValidationError, match="晚于今天"):
        services.check_record(actor=worker, person_id=person.pk, kind="inquiry", result="clear",
                              checked_on=TODAY + dt.timedelta(days=1), valid_until=dt.date(2029, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="早于查询日期"):
        services.check_record(actor=worker, person_id=person.pk, kind="inquiry", result="clear",
                              checked_on=TODAY, valid_until=TODAY - dt.timedelta(days=1), today=TODAY)
    assert not Check.objects.filter(person=person).exists()


def test_a_teachers_inquiry_is_recorded_by_their_school_leader(demo_user):
    teacher = Person.objects.get(user__username="teacher")
    check = services.check_record(actor=demo_user("leader"), person_id=teacher.pk, kind="health", result="clear",
                                  checked_on=TODAY, valid_until=dt.date(2027, 12, 4), today=TODAY)
    assert check.checked_by.username == "leader"


def test_registering_on_the_page_logs_in_and_shows_the_pending_record(client, dongmen, db):
    response = client.post(reverse("volunteers:register"), {
        "real_name": "李小梅", "phone": "13900001111", "username": "stu02", "password": "Qx!2026-student",
        "source": "student", "affiliation": "江西师范大学", "home": dongmen.pk, "areas": [dongmen.pk],
        "weekdays": ["1", "3"], "holidays": "on", "hours": "下午"}, follow=True)
    assert response.status_code == 200 and "等待所在社区（村）或学校审核" in response.content.decode()


def test_a_bad_registration_answers_400_in_chinese_and_stores_nothing(client, dongmen, db):
    response = client.post(reverse("volunteers:register"), {
        "real_name": "x\x00", "phone": "123", "username": "stu03", "password": "Qx!2026-student", "source": "student",
        "home": dongmen.pk, "areas": [dongmen.pk]})
    assert response.status_code == 400 and "请填写11位手机号" in response.content.decode()
    assert not User.objects.filter(username="stu03").exists()


def test_a_refused_vetting_post_writes_nothing(login, registered):
    person = registered()
    response = login("teacher").post(reverse("volunteers:person", args=[person.pk]),
                                     {"action": "vet", "decision": "accept"})
    assert response.status_code == 403 and Person.objects.get(pk=person.pk).state == "pending"


def test_vetting_on_the_page(login, registered):
    person = registered()
    response = login("community").post(reverse("volunteers:person", args=[person.pk]),
                                       {"action": "vet", "decision": "reject", "reason": ""})
    assert response.status_code == 400 and Person.objects.get(pk=person.pk).state == "pending"
    login("community").post(reverse("volunteers:person", args=[person.pk]), {"action": "vet", "decision": "accept"})
    assert Person.objects.get(pk=person.pk).state == "accepted"


def test_a_login_joins_the_pool_with_itself_once(demo_user, dongmen):
    parent = demo_user("parent")
    person = services.person_join(actor=parent, source="professional", home_id=dongmen.pk, area_ids=[dongmen.pk],
                                  affiliation="县人民医院", skills="急救")
    assert person.user_id == parent.pk and person.state == "pending"
    with pytest.raises(ValidationError, match="无需重复登记"):
        services.person_join(actor=parent, source="professional", home_id=dongmen.pk, area_ids=[dongmen.pk])


def test_joining_on_the_page_keeps_the_login(login, dongmen):
    response = login("parent").post(reverse("volunteers:register"), {
        "source": "wulao", "home": dongmen.pk, "areas": [dongmen.pk], "skills": "红色故事"})
    assert response.status_code == 302 and Person.objects.get(user__username="parent").source == "wulao"

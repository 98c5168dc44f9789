"""The check gate: without a current employment inquiry, care's pairing and custody's roster refuse with the reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongxin.care import services as care
from tongxin.care.choices import PairingKind
from tongxin.care.models import CareFile, Pairing
from tongxin.custody import services as custody
from tongxin.custody.models import RosterShift
from tongxin.volunteers import selectors, services
from tongxin.volunteers.models import Check

pytestmark = pytest.mark.django_db
MON = dt.date(2027, 1, 18)


@pytest.fixture
def accepted(registered, demo_user):
    """The student, accepted by 东门社区's children's director; no check yet."""
    person = registered()
    services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=True)
    return person


def _record(demo_user, person, *, checked_on=dt.date(2026, 12, 1), valid_until=dt.date(2029, 11, 30), result="clear"):
    services.check_record(actor=demo_user("community"), person_id=person.pk, kind="inquiry", result=result,
                          checked_on=checked_on, valid_until=valid_until, today=dt.date(2026, 12, 5))




def test_a_login_outside_the_pool_is_refused(demo_user):
    assert "未登记" in selectors.check_refusal(user_id=demo_user("parent").pk, on=MON)


def test_a_pending_person_is_refused_until_vetted(registered):
    person = registered()
    assert "尚未通过" in selectors.check_refusal(user_id=person.user_id, on=MON)


def test_an_accepted_person_without_an_inquiry_is_refused(accepted):
    assert selectors.check_refusal(user_id=accepted.user_id, on=MON) == "李小梅没有入职查询记录"


def test_a_current_inquiry_clears_the_gate(accepted, demo_user):
    _record(demo_user, accepted)
    assert selectors.check_refusal(user_id=accepted.user_id, on=MON) is None


def test_the_demo_volunteer_and_teachers_hold_a_current_inquiry(demo_user):
    for username in ("volunteer", "teacher", "t111", "subject", "leader"):
        assert selectors.check_refusal(user_id=demo_user(username).pk, on=MON) is None, username


def test_the_roster_refuses_a_volunteer_without_a_current_inquiry(accepted, demo_user, winter_period):
    programme = winter_period.programme
    with pytest.raises(ValidationError, match="不能排班：李小梅没有入职查询记录"):
        custody.add_shift(demo_user("leader2"), programme, staff=accepted.user, date=MON,
                          duty=RosterShift.Duty.VOLUNTEER)
    assert not RosterShift.objects.filter(staff=accepted.user).exists()


def test_the_roster_refuses_an_expired_inquiry(accepted, demo_user, winter_period):
    _record(demo_user, accepted, checked_on=dt.date(2023, 6, 1), valid_until=dt.date(2026, 5, 31))
    with pytest.raises(ValidationError, match="过期"):
        custody.add_shift(demo_user("leader2"), winter_period.programme, staff=accepted.user, date=MON,
                          duty=RosterShift.Duty.VOLUNTEER)


def test_the_roster_takes_the_volunteer_once_checked(accepted, demo_user, winter_period):
    _record(demo_user, accepted)
    shift = custody.add_shift(demo_user("leader2"), winter_period.programme, staff=accepted.user, date=MON,
                              duty=RosterShift.Duty.VOLUNTEER)
    assert shift.state == RosterShift.State.AWAITING_STAFF


def test_pairing_a_volunteer_without_a_current_inquiry_is_refused(accepted, demo_user):
    file = CareFile.objects.filter(child__family__community__code="361199100001").order_by("pk").first()
    worker = demo_user("community")
    with pytest.raises(ValidationError, match="不能结对：李小梅没有入职查询记录"):
        care.pairing_add(worker, file, kind=PairingKind.VOLUNTEER, helper_id=accepted.user_id, start=MON)
    assert not Pairing.objects.filter(helper=accepted.user).exists()


def test_pairing_a_checked_volunteer_goes_through(accepted, demo_user):
    _record(demo_user, accepted)
    file = CareFile.objects.filter(child__family__community__code="361199100001").order_by("pk").first()
    pairing = care.pairing_add(demo_user("community"), file, kind=PairingKind.VOLUNTEER, helper_id=accepted.user_id,
                               start=MON)
    assert pairing.helper_id == accepted.user_id


def test_pairing_a_teacher_whose_inquiry_ran_out_is_refused(demo_user):
    helper = demo_user("t111")
    Check.objects.filter(person__user=helper).update(valid_until=dt.date(2026, 8, 31))
    leader = demo_user("leader")
    file = CareFile.objects.filter(child__school__code="3611990001").order_by("pk").first()
    with pytest.raises(ValidationError, match="不能结对：.*入职查询已于 2026-08-31 过期"):
        care.pairing_add(leader, file, kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=MON)


def test_the_pairing_page_shows_the_reason_and_stores_nothing(accepted, login):
    from django.urls import reverse

    file = CareFile.objects.filter(child__family__community__code="361199100001").order_by("pk").first()
    response = login("community").post(reverse("care:pair", args=[file.pk]), {
        "kind": PairingKind.VOLUNTEER, "helper": accepted.user_id, "start": "2027-01-18"})
    assert "不能结对：李小梅没有入职查询记录" in response.content.decode()  # care's refusal message on its page
    assert not Pairing.objects.filter(helper=accepted.user).exists()

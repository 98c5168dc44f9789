"""C-08: hard-up pupils pay no care fee as of right, applied at placement with its basis on record; the school
certifies 家庭经济困难 (who, when, which school year); others may still ask for a partial reduction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.audit.models import AuditEntry
from tongxin.custody import rules, selectors, services
from tongxin.custody.models import FeeExemption, HardshipCertificate, Programme
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db


def test_waiver_reasons_name_every_ground_and_nothing_else():
    none = rules.HardshipFacts(low_income=False, extreme_poverty=False, vulnerable=False, school_certified=False)
    assert rules.fee_waiver_reasons(none) == []
    every = rules.HardshipFacts(low_income=True, extreme_poverty=True, vulnerable=True, school_certified=True)
    assert rules.fee_waiver_reasons(every) == ["低保家庭", "特困供养", "困境儿童", "学校认定家庭经济困难"]


@pytest.mark.parametrize("day,year", [(dt.date(2027, 1, 18), 2026), (dt.date(2026, 9, 1), 2026),
                                      (dt.date(2026, 8, 31), 2025), (dt.date(2031, 7, 6), 2030)])
def test_school_year_runs_from_september(day, year):
    assert rules.school_year_of(day) == year


def _child(school, **facts):
    qs = Child.objects.filter(school=school, school_class__grade__year__lte=5, **facts)
    return qs.order_by("id").first()


@pytest.fixture
def ordinary(school):
    return _child(school, family__low_income=False, family__extreme_poverty=False, care_status="none")


@pytest.mark.parametrize("facts,reason", [
    ({"family__low_income": True}, "低保家庭"),
    ({"family__extreme_poverty": True}, "特困供养"),
    ({"care_status": "vulnerable"}, "困境儿童"),
])
def test_a_hard_up_pupil_pays_no_care_fee_from_placement(school, leader, period, group_factory, approved, facts, reason):
    group_factory()
    child = _child(school, **facts)
    application, = approved([child])
    assert not FeeExemption.objects.filter(application=application).exists()  # approved, not placed: no waiver yet
    services.run_placement(leader, period, seed="c08")
    waiver = FeeExemption.objects.get(application=application)
    assert (waiver.percent, waiver.state, waiver.basis) == (100, "approved", "entitlement") and reason in waiver.reason
    assert waiver.requested_by is None  # nobody asked for it
    bill = selectors.bill_for(application)
    assert bill.care_fee == Decimal("200.00") and bill.exemption == Decimal("200.00")
    assert bill.total == bill.lunch_fee == Decimal("120.00")  # lunch is paid at cost
    assert AuditEntry.objects.filter(target_type="custody.FeeExemption", target_id=str(waiver.pk), child_id=child.pk).exists()


def test_a_late_placement_is_waived_too(school, leader, period, group_factory, approved):
    group_factory()
    application, = approved([_child(school, family__low_income=True)])
    services.place_late_application(leader, application, period)
    assert FeeExemption.objects.get(application=application).basis == FeeExemption.Basis.ENTITLEMENT


def test_the_school_certifies_hardship_with_who_when_and_which_year(ordinary, leader, period, group_factory, approved,
                                                                    teacher_of):
    group_factory()
    teacher = teacher_of(ordinary)
    certificate = services.certify_hardship(teacher, ordinary, school_year=2026, note="家访核实，父母均失业")
    assert (certificate.certified_by, certificate.school_year, certificate.school) == (teacher, 2026, ordinary.school)
    assert certificate.certified_at is not None
    with pytest.raises(ValidationError, match="已有 2026-2027 学年"):
        services.certify_hardship(leader, ordinary, school_year=2026)
    application, = approved([ordinary])
    services.run_placement(leader, period, seed="cert")
    waiver = FeeExemption.objects.get(application=application)
    assert waiver.certificate == certificate and "学校认定家庭经济困难" in waiver.reason
    assert selectors.bill_for(application).exemption_percent == 100


def test_a_certificate_of_another_school_year_waives_nothing(ordinary, leader, period, group_factory, approved, teacher_of):
    group_factory()
    services.certify_hardship(teacher_of(ordinary), ordinary, school_year=2025)  # the winter of 2027 is in 2026-2027
    application, = approved([ordinary])
    services.run_placement(leader, period, seed="year")
    assert not FeeExemption.objects.filter(application=application).exists()


def test_certifying_after_placement_waives_at_once_and_replaces_a_partial_reduction(ordinary, leader, period,
                                                                                     group_factory, approved, teacher_of):
    group_factory()
    application, = approved([ordinary])
    services.run_placement(leader, period, seed="after")
    partial = services.request_exemption(teacher_of(ordinary), application, percent=30, reason="暂时困难")
    services.decide_exemption(leader, partial, approve=True)
    assert selectors.bill_for(application).exemption_percent == 30
    services.certify_hardship(leader, ordinary, school_year=2026)
    waiver = FeeExemption.objects.get(application=application)
    assert (waiver.percent, waiver.basis) == (100, "entitlement") and waiver.certificate is not None


def test_only_the_childs_school_leader_or_class_teacher_certifies(ordinary, demo_user, parent_of):
    for outsider in (demo_user("leader"), demo_user("volunteer"), demo_user("county_edu"), parent_of(ordinary)):
        with pytest.raises(PermissionDenied):
            services.certify_hardship(outsider, ordinary, school_year=2026)
    assert not HardshipCertificate.objects.filter(child=ordinary).exists()


def test_an_entitled_pupil_needs_no_request_and_others_still_may_ask(school, ordinary, leader, period, group_factory,
                                                                     approved, teacher_of):
    group_factory()
    poor = _child(school, family__low_income=True)
    a_poor, a_ordinary = approved([poor, ordinary])
    services.run_placement(leader, period, seed="ask")
    with pytest.raises(ValidationError, match="无需申请"):
        services.request_exemption(teacher_of(poor), a_poor, percent=100, reason="低保")
    with pytest.raises(ValidationError, match="理由"):
        services.request_exemption(teacher_of(ordinary), a_ordinary, percent=20, reason="  ")
    request = services.request_exemption(teacher_of(ordinary), a_ordinary, percent=20, reason="母亲住院")
    assert request.state == FeeExemption.State.REQUESTED and request.basis == FeeExemption.Basis.REQUEST


def test_the_demo_summer_waived_hard_up_and_certified_pupils_without_requests():
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    waivers = FeeExemption.objects.filter(application__programme=summer, basis=FeeExemption.Basis.ENTITLEMENT)
    assert waivers.exists() and not waivers.exclude(percent=100).exists()
    assert waivers.filter(certificate__isnull=False).exists()
    for w in waivers.select_related("application__child__family"):
        child = w.application.child
        assert child.family.low_income or child.family.extreme_poverty or child.care_status == "vulnerable" \
            or w.certificate is not None


# ---------------------------------------------------------------- pages


def test_the_fees_page_shows_the_basis_and_the_class_teacher_certifies_there(ordinary, leader, period, group_factory,
                                                                            approved, teacher_of, client):
    group_factory()
    application, = approved([ordinary])
    services.run_placement(leader, period, seed="page")
    teacher = teacher_of(ordinary)
    client.force_login(teacher)
    url = f"/custody/p/{period.programme.pk}/fees/"
    assert "认定家庭经济困难" in client.get(url).text
    client.post(url, {"action": "certify", "application": application.pk, "school_year": 2026, "note": "家访"})
    assert HardshipCertificate.objects.get(child=ordinary).certified_by == teacher
    page = client.get(url).text
    assert "依规全免" in page and "100% -200.00" in page


@pytest.mark.parametrize("data", [
    {"action": "certify", "application": "abc", "school_year": "2026"},
    {"action": "certify", "application": "1", "school_year": "9" * 30},
    {"action": "decide", "exemption": "x", "decision": "approve"},
    {"action": "decide", "exemption": "1", "decision": "maybe", "percent": "abc"},
])
def test_bad_fee_input_gets_a_chinese_message_not_a_500(login, data):
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    response = login("leader").post(f"/custody/p/{summer.pk}/fees/", data, follow=True)
    assert response.status_code == 200 and '<li class="error">' in response.text


def test_an_exemption_request_with_bad_input_or_a_foreign_next_stays_on_the_site(ordinary, leader, period,
                                                                                 group_factory, approved, teacher_of,
                                                                                 client):
    group_factory()
    application, = approved([ordinary])
    services.run_placement(leader, period, seed="next")
    client.force_login(teacher_of(ordinary))
    url = f"/custody/applications/{application.pk}/exemption/"
    response = client.post(url, {"percent": "abc", "reason": "x", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert not FeeExemption.objects.filter(application=application).exists()
    client.post(url, {"percent": "40", "reason": "父亲工伤", "next": "/custody/"})
    assert FeeExemption.objects.get(application=application).percent == 40
